/**
 * @module bench/paced
 * An open-loop load at an even rate, through the load generator of
 * `nlets-sim load` (simulator/load/engine: one implementation for users and
 * benchmarks): request i is due at t0 + i / rate and its latency counts from
 * that due time, so a server that falls behind is charged for the wait (no
 * coordinated omission), unlike autocannon's overallRate, which lets each
 * connection send its share of every second back-to-back at the start of the
 * second.
 *
 * Node's timers fire at best every millisecond, so the client sends each
 * millisecond's requests together, a little after they were due, and later
 * still when it is short of CPU. That lateness is the client's, not the
 * server's: the result also gives latency from the moment each request was
 * handed to the pool (`fromSend`; a request waiting for a free connection
 * still counts that wait) and the lateness itself (`lateP99`, `lateMax`).
 * Percentiles come from the generator's HDR histograms (three significant
 * digits).
 *
 * `pacedInWorker` runs the client in a worker thread of its own: its small heap
 * collects in a millisecond or two, where the benchmark process, holding the
 * traffic model and earlier suites' data, paused it for up to tens of
 * milliseconds (measured against the bare echo at 5,000 req/s: p99 7 to 30 ms
 * in the benchmark process, 2.8 to 4.8 ms in a process of its own).
 */
import { runLoad, type RunOptions, type RunResult } from '../simulator/load/engine.js'
import { runLoadInWorker } from '../simulator/load/worker.js'
import type { LatencyFigures, LoadRequest } from './http-common.js'

export interface PacedOptions {
  readonly url: string
  readonly requests: readonly LoadRequest[]
  readonly rate: number
  readonly seconds: number
  readonly connections: number
  /** pacedInWorker only: seconds of the same load first, not measured (the worker's code starts cold). */
  readonly warmSeconds?: number
}

export interface PacedResult extends LatencyFigures {
  readonly rate: number
  /** Completed responses per second over the run (first send to last answer). */
  readonly achieved: number
  readonly sent: number
  readonly completed: number
  /** Most requests waiting at the client for a free connection at any time. */
  readonly maxQueued: number
  /** Latency from the moment the request was handed to the pool, not from its due time. */
  readonly fromSend: LatencyFigures
  /** How late the client itself sent requests (send time minus due time), ms. */
  readonly lateP99: number
  readonly lateMax: number
}

function options (o: PacedOptions): RunOptions {
  // No dropping and no client timeout: every planned request is sent and waited for, as before.
  return { url: o.url, messages: o.requests, mode: 'open', rate: o.rate, seconds: o.seconds, connections: o.connections, timeoutMs: 300_000, maxInFlight: Number.MAX_SAFE_INTEGER, progressMs: 0 }
}

/** The generator's result in the figures the http suite reports. */
export function toPaced (rate: number, r: RunResult): PacedResult {
  const t = r.tally
  const errors = t.errors.timeout + t.errors.connection
  const non2xx = Object.entries(t.http).reduce((n, [s, c]) => n + (Number(s) >= 200 && Number(s) <= 299 ? 0 : c), 0)
  return {
    rate, achieved: r.achieved, sent: r.sent, completed: t.completed - errors, ...t.latencyMs, errors, non2xx, maxQueued: r.maxQueued,
    fromSend: { ...t.latencyFromSendMs, errors, non2xx }, lateP99: r.lateness.p99, lateMax: r.lateness.max,
  }
}

export async function paced (o: PacedOptions): Promise<PacedResult> {
  return toPaced(o.rate, await runLoad(options(o)))
}

/** `paced(o)` in a worker thread of its own (see the module note). */
export async function pacedInWorker (o: PacedOptions): Promise<PacedResult> {
  return toPaced(o.rate, await runLoadInWorker(options(o), undefined, o.warmSeconds ?? 0))
}
