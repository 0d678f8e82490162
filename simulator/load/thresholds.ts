/**
 * @module simulator/load/thresholds
 * Pass/fail criteria of a run, k6-style: `metric op value[unit]`, e.g.
 * `p99<20ms`, `errors==0`, `deny_rate<0.5%`, `rate>=1900`. Latency metrics
 * are from the planned instant, in ms (`s` allowed); rates are fractions (`%`
 * allowed); `rate` is completed requests per second.
 */
export const METRICS = ['p50', 'p90', 'p99', 'p999', 'max', 'errors', 'error_rate', 'deny_rate', 'rate'] as const
export type Metric = typeof METRICS[number]
export type Op = '<' | '<=' | '==' | '>=' | '>'

export interface Threshold {
  readonly expr: string
  readonly metric: Metric
  readonly op: Op
  /** In the metric's unit: ms, a count, a fraction, or requests per second. */
  readonly value: number
}

export interface ThresholdResult {
  readonly expr: string
  readonly actual: number
  readonly pass: boolean
}

const LATENCY = new Set<string>(['p50', 'p90', 'p99', 'p999', 'max'])
const RATIO = new Set<string>(['error_rate', 'deny_rate'])

/** Parse one expression; a string saying what is wrong when it is not one. */
export function parseThreshold (expr: string): Threshold | string {
  const m = /^\s*([a-z0-9_]+)\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*([a-z%]*)\s*$/.exec(expr)
  if (m === null) return `\`${expr}\` is not \`metric op value[unit]\` (e.g. p99<20ms, errors==0, deny_rate<0.5%)`
  const [, metric, op, num, unit] = m as unknown as [string, string, Op, string, string]
  if (!(METRICS as readonly string[]).includes(metric)) return `\`${expr}\`: unknown metric \`${metric}\`; expected one of ${METRICS.join(', ')}`
  let value = Number(num)
  if (LATENCY.has(metric)) {
    if (unit === 's') value *= 1000
    else if (unit !== 'ms' && unit !== '') return `\`${expr}\`: ${metric} takes ms or s, not \`${unit}\``
  } else if (RATIO.has(metric)) {
    if (unit === '%') value /= 100
    else if (unit !== '') return `\`${expr}\`: ${metric} takes a fraction or a percentage, not \`${unit}\``
  } else if (unit !== '') return `\`${expr}\`: ${metric} takes no unit, got \`${unit}\``
  return { expr: expr.trim(), metric: metric as Metric, op, value }
}

export type MetricValues = Readonly<Record<Metric, number>>

export function holds (op: Op, actual: number, value: number): boolean {
  switch (op) {
    case '<': return actual < value
    case '<=': return actual <= value
    case '==': return actual === value
    case '>=': return actual >= value
    case '>': return actual > value
  }
}

export function evaluate (ts: readonly Threshold[], v: MetricValues): ThresholdResult[] {
  return ts.map((t) => ({ expr: t.expr, actual: v[t.metric], pass: holds(t.op, v[t.metric], t.value) }))
}

/** The actual value in the threshold's own terms, and by how much it misses: `34.2 ms (14.2 ms over)`. */
export function describe (t: Threshold, actual: number, pass: boolean): string {
  const fmt = (x: number): string => LATENCY.has(t.metric) ? `${round(x)} ms` : RATIO.has(t.metric) ? `${round(x * 100)}%` : t.metric === 'rate' ? `${round(x)}/s` : String(x)
  if (pass) return fmt(actual)
  const diff = Math.abs(actual - t.value)
  const by = LATENCY.has(t.metric) ? `${round(diff)} ms` : RATIO.has(t.metric) ? `${round(diff * 100)} points` : t.metric === 'rate' ? `${round(diff)}/s` : String(diff)
  return `${fmt(actual)} (${t.op === '==' ? 'off by' : actual > t.value ? 'over by' : 'under by'} ${by})`
}

const round = (x: number): string => Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 3 })
