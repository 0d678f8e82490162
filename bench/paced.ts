/**
 * @module bench/paced
 * An open-loop load at an even rate (undici Pool): request i is due at
 * t0 + i / rate and its latency counts from that due time, so a server that
 * falls behind is charged for the wait (no coordinated omission), unlike
 * autocannon's overallRate, which lets each connection send its share of every
 * second back-to-back at the start of the second.
 *
 * Node's timers fire at best every millisecond, so the client sends each
 * millisecond's requests together, a little after they were due, and later
 * still when it is short of CPU. That lateness is the client's, not the
 * server's: the result also gives latency from the moment each request was
 * handed to the pool (`fromSend`; a request waiting for a free connection
 * still counts that wait) and the lateness itself (`lateP99`, `lateMax`).
 *
 * `pacedInWorker` runs the client in a worker thread of its own: its small heap
 * collects in a millisecond or two, where the benchmark process, holding the
 * traffic model and earlier suites' data, paused it for up to tens of
 * milliseconds (measured against the bare echo at 5,000 req/s: p99 7 to 30 ms
 * in the benchmark process, 2.8 to 4.8 ms in a process of its own).
 */
import { Pool } from 'undici'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
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

function pct (sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]!
}

export async function paced (o: PacedOptions): Promise<PacedResult> {
  const total = Math.round(o.rate * o.seconds)
  const interval = 1000 / o.rate
  const lat = new Float64Array(total).fill(NaN)
  const fromSend = new Float64Array(total).fill(NaN)
  const late = new Float64Array(total)
  const pool = new Pool(o.url, { connections: o.connections, pipelining: 1, keepAliveTimeout: 30_000 })
  let errors = 0
  let non2xx = 0
  let inFlight = 0
  let maxQueued = 0
  let sent = 0
  let done = 0
  let lastDone = 0
  const t0 = performance.now()
  const finished = new Promise<void>((resolve) => {
    const fire = (i: number): void => {
      const due = t0 + i * interval
      const sentAt = performance.now()
      late[i] = sentAt - due
      const r = o.requests[i % o.requests.length]!
      inFlight++
      if (inFlight - o.connections > maxQueued) maxQueued = inFlight - o.connections
      pool.request({ method: 'POST', path: '/v1/messages', headers: r.headers, body: r.body })
        .then(async (res) => {
          await res.body.dump({ limit: 1 << 20 })
          if (res.statusCode < 200 || res.statusCode > 299) non2xx++
          const at = performance.now()
          lat[i] = at - due
          fromSend[i] = at - sentAt
        }, () => { errors++ })
        .finally(() => {
          inFlight--
          done++
          lastDone = performance.now()
          if (done === total) resolve()
        })
    }
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1)
      while (sent < due) fire(sent++)
      if (sent < total) setTimeout(tick, 1)
    }
    tick()
  })
  await finished
  await pool.close()
  const ok = lat.filter((x) => !Number.isNaN(x)).sort()
  const lateSorted = late.slice(0, sent).sort()
  return {
    rate: o.rate, achieved: done / ((lastDone - t0) / 1000), sent, completed: ok.length,
    ...figures(ok), errors, non2xx, maxQueued,
    fromSend: { ...figures(fromSend.filter((x) => !Number.isNaN(x)).sort()), errors, non2xx },
    lateP99: pct(lateSorted, 99), lateMax: lateSorted.length ? lateSorted[lateSorted.length - 1]! : NaN,
  }
}

function figures (sorted: Float64Array): Omit<LatencyFigures, 'errors' | 'non2xx'> {
  return { p50: pct(sorted, 50), p90: pct(sorted, 90), p99: pct(sorted, 99), p999: pct(sorted, 99.9), max: sorted.length ? sorted[sorted.length - 1]! : NaN }
}

/** `paced(o)` in a worker thread of its own (see the module note). */
export async function pacedInWorker (o: PacedOptions): Promise<PacedResult> {
  return await new Promise<PacedResult>((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: o })
    w.once('message', (r: PacedResult) => { resolve(r) })
    w.once('error', reject)
    w.once('exit', (code) => { if (code !== 0) reject(new Error(`paced worker exited with ${code}`)) })
  })
}

if (!isMainThread && (workerData as { url?: unknown } | null)?.url !== undefined) {
  const o = workerData as PacedOptions
  if (o.warmSeconds !== undefined && o.warmSeconds > 0) await paced({ ...o, seconds: o.warmSeconds })
  parentPort!.postMessage(await paced(o))
}
