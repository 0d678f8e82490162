/**
 * @module bench/paced
 * An open-loop load at an even rate (undici Pool): request i is due at
 * t0 + i / rate and its latency counts from that due time, so a server that
 * falls behind is charged for the wait (no coordinated omission), unlike
 * autocannon's overallRate, which lets each connection send its share of every
 * second back-to-back at the start of the second.
 */
import { Pool } from 'undici'
import type { LatencyFigures, LoadRequest } from './http-common.js'

export interface PacedOptions {
  readonly url: string
  readonly requests: readonly LoadRequest[]
  readonly rate: number
  readonly seconds: number
  readonly connections: number
}

export interface PacedResult extends LatencyFigures {
  readonly rate: number
  /** Completed responses per second over the run (first send to last answer). */
  readonly achieved: number
  readonly sent: number
  readonly completed: number
  /** Most requests waiting at the client for a free connection at any time. */
  readonly maxQueued: number
}

function pct (sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)]!
}

export async function paced (o: PacedOptions): Promise<PacedResult> {
  const total = Math.round(o.rate * o.seconds)
  const interval = 1000 / o.rate
  const lat = new Float64Array(total).fill(NaN)
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
      const r = o.requests[i % o.requests.length]!
      inFlight++
      if (inFlight - o.connections > maxQueued) maxQueued = inFlight - o.connections
      pool.request({ method: 'POST', path: '/v1/messages', headers: r.headers, body: r.body })
        .then(async (res) => {
          await res.body.dump({ limit: 1 << 20 })
          if (res.statusCode < 200 || res.statusCode > 299) non2xx++
          lat[i] = performance.now() - due
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
  return {
    rate: o.rate, achieved: done / ((lastDone - t0) / 1000), sent, completed: ok.length,
    p50: pct(ok, 50), p90: pct(ok, 90), p99: pct(ok, 99), p999: pct(ok, 99.9), max: ok.length ? ok[ok.length - 1]! : NaN,
    errors, non2xx, maxQueued,
  }
}
