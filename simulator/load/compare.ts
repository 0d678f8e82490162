/**
 * @module simulator/load/compare
 * A run against a saved one (`--compare run.json`): the deltas of latency,
 * throughput, errors and the decision mix, and the regressions beyond a
 * tolerance: latency or error rate up, or achieved rate down, by more than
 * the tolerance (relative; latency also by more than 1 ms; throughput only between
 * runs of the same planned load). The decision mix is reported, never a regression:
 * a policy change is meant to move it.
 */
import type { LoadReport } from './report.js'
import { denyRate } from './report.js'

/** A latency regression must also be more than this many milliseconds (1.2 -> 1.5 ms is noise, not a regression). */
export const LATENCY_FLOOR_MS = 1

export interface Delta {
  readonly metric: string
  readonly before: number
  readonly after: number
  readonly delta: number
  /** after / before - 1; null when before is 0. */
  readonly change: number | null
  /** 'lower' when lower is better, 'higher' when higher is, 'none' when neither (the decision mix). */
  readonly better: 'lower' | 'higher' | 'none'
  readonly regression: boolean
}

export interface Comparison {
  readonly file: string
  readonly tolerance: number
  readonly baselineStartedAt: string
  readonly deltas: Delta[]
  readonly regressions: string[]
}

type Figures = Pick<LoadReport, 'latencyMs' | 'latencyFromSendMs' | 'requests' | 'errors' | 'decisions'> & { rates?: { errorRate: number }, settings?: { mode?: string, rate?: number | null } }

/** The fields compare reads; a string saying what is missing when `x` is not a load report. */
export function asReport (x: unknown): Figures | string {
  const r = x as Partial<Figures> | null
  if (r === null || typeof r !== 'object') return 'not a JSON object'
  for (const k of ['latencyMs', 'latencyFromSendMs', 'requests', 'errors', 'decisions'] as const) {
    if (typeof r[k] !== 'object' || r[k] === null) return `no \`${k}\` (is it a \`nlets-sim load --json\` report?)`
  }
  return r as Figures
}

export function compare (before: Figures, after: Figures, file: string, tolerance: number, baselineStartedAt = ''): Comparison {
  const deltas: Delta[] = []
  const add = (metric: string, b: number, a: number, better: Delta['better'], floor = 0): void => {
    const change = b === 0 ? null : a / b - 1
    const regression = better === 'lower' ? a > b && (b === 0 || a > b * (1 + tolerance)) && a - b > floor
      : better === 'higher' ? a < b * (1 - tolerance) : false
    deltas.push({ metric, before: b, after: a, delta: round(a - b), change: change === null ? null : round(change), better, regression })
  }
  for (const p of ['p50', 'p90', 'p99', 'p999', 'max'] as const) add(`latency ${p} ms`, before.latencyMs[p], after.latencyMs[p], 'lower', LATENCY_FLOOR_MS)
  add('latency from send p99 ms', before.latencyFromSendMs.p99, after.latencyFromSendMs.p99, 'lower', LATENCY_FLOOR_MS)
  // Throughput is a regression only between runs of the same load (same model and planned rate).
  const sameLoad = before.settings?.mode === after.settings?.mode && before.settings?.rate === after.settings?.rate
  add('achieved req/s', before.requests.achievedRate, after.requests.achievedRate, sameLoad ? 'higher' : 'none')
  const errRate = (f: Figures): number => f.rates?.errorRate ?? (f.requests.sent === 0 ? 0 : f.errors.total / f.requests.sent)
  add('error rate', errRate(before), errRate(after), 'lower')
  add('deny rate', denyRate(before.decisions), denyRate(after.decisions), 'none')
  for (const e of ['allow', 'deny', 'redact'] as const) add(`decisions ${e}`, before.decisions[e], after.decisions[e], 'none')
  return { file, tolerance, baselineStartedAt, deltas, regressions: deltas.filter((d) => d.regression).map((d) => d.metric) }
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6
