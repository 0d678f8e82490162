/**
 * @module simulator/load/report
 * The report of a load run: every figure under the names the issue lists
 * (`target`, `settings`, `requests`, `latencyMs`, `latencyFromSendMs`,
 * `generatorLatenessMs`, `errors`, `decisions`, `replies`, `byState`,
 * `thresholds`; counts are integers, times in milliseconds), plus the
 * breakdowns, the per-second series and the reload phases. This is what
 * `--json` writes and what `--compare` reads back.
 */
import { cpus, hostname } from 'node:os'
import type { ReloadOutcome, RunResult } from './engine.js'
import { BUCKET_BOUNDS_MS, type Percentiles } from './histogram.js'
import type { Mix, SecondCounts, StateCounts, TallyJson } from './tally.js'
import { evaluate, type MetricValues, type Threshold, type ThresholdResult } from './thresholds.js'
import type { Comparison } from './compare.js'

export interface LoadSettings {
  readonly mode: 'open' | 'closed'
  /** Planned requests per second (open model), or null. */
  readonly rate: number | null
  readonly durationSeconds: number
  readonly connections: number
  readonly timeoutMs: number
  readonly maxInFlight: number
  readonly scenario: string
  readonly seed: string
  readonly messages: number
  readonly jsonShare: number
  readonly invalid: number
  readonly spoof: number
  /** Share of DQ and RQ sent to NL. */
  readonly nlShare: number
  readonly tokens: string
  readonly thresholds: string[]
  readonly reload: { readonly dir: string | null, readonly hubPolicies: string | null, readonly atSeconds: number } | null
}

export interface PhaseReport {
  readonly requests: { sent: number, completed: number }
  readonly latencyMs: Percentiles
  readonly latencyFromSendMs: Percentiles
  readonly errors: TallyJson['errors']
  readonly decisions: Mix
  readonly byState: Record<string, StateCounts>
}

/** The tallies a report carries as the run counted them. */
type Counted = Pick<TallyJson, 'http' | 'decisions' | 'replies' | 'er' | 'sm' | 'queued' | 'byState' | 'byComponent' | 'byKey' | 'injected'>

export interface LoadReport extends Counted {
  readonly tool: 'nlets-sim load'
  readonly target: { url: string, policyVersion: string | null, policyVersionAfter: string | null }
  readonly settings: LoadSettings
  readonly machine: { node: string, cpu: string, cores: number, hostname: string }
  readonly startedAt: string
  readonly finishedAt: string
  readonly requests: { planned: number, sent: number, completed: number, dropped: number, seconds: number, achievedRate: number, maxQueued: number }
  readonly latencyMs: Percentiles
  readonly latencyFromSendMs: Percentiles
  readonly generatorLatenessMs: Percentiles
  readonly errors: TallyJson['errors']
  readonly rates: { errorRate: number, denyRate: number }
  readonly latencyHistogram: { boundsMs: number[], counts: number[] }
  readonly series: SecondCounts[]
  readonly reload: (Omit<ReloadOutcome, 'phases'> & { phases: { before: PhaseReport, during: PhaseReport, after: PhaseReport } }) | null
  readonly thresholds: ThresholdResult[]
  compare?: Comparison
}

function phase (t: TallyJson): PhaseReport {
  return { requests: { sent: t.sent, completed: t.completed }, latencyMs: t.latencyMs, latencyFromSendMs: t.latencyFromSendMs, errors: t.errors, decisions: t.decisions, byState: t.byState }
}

export function denyRate (d: Mix): number {
  const n = d.allow + d.deny + d.redact
  return n === 0 ? 0 : d.deny / n
}

export function metricValues (r: Pick<LoadReport, 'latencyMs' | 'errors' | 'rates' | 'requests'>): MetricValues {
  return { ...pick(r.latencyMs), errors: r.errors.total, error_rate: r.rates.errorRate, deny_rate: r.rates.denyRate, rate: r.requests.achievedRate }
}

const pick = (p: Percentiles): Pick<MetricValues, 'p50' | 'p90' | 'p99' | 'p999' | 'max'> => ({ p50: p.p50, p90: p.p90, p99: p.p99, p999: p.p999, max: p.max })

export interface ReportInput {
  readonly url: string
  readonly policyVersion: string | null
  readonly policyVersionAfter: string | null
  readonly settings: LoadSettings
  readonly thresholds: readonly Threshold[]
  readonly startedAt: Date
  readonly finishedAt: Date
  readonly run: RunResult
}

export function buildReport (i: ReportInput): LoadReport {
  const r = i.run
  const t = r.tally
  const base = {
    requests: { planned: r.planned, sent: r.sent, completed: r.completed, dropped: r.dropped, seconds: r.seconds, achievedRate: Math.round(r.achieved * 10) / 10, maxQueued: r.maxQueued },
    latencyMs: t.latencyMs, errors: t.errors,
    rates: { errorRate: r.sent === 0 ? 0 : t.errors.total / r.sent, denyRate: denyRate(t.decisions) },
  }
  return {
    tool: 'nlets-sim load',
    target: { url: i.url, policyVersion: i.policyVersion, policyVersionAfter: i.policyVersionAfter },
    settings: i.settings,
    machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, hostname: hostname() },
    startedAt: i.startedAt.toISOString(), finishedAt: i.finishedAt.toISOString(),
    ...base,
    latencyFromSendMs: t.latencyFromSendMs, generatorLatenessMs: r.lateness,
    http: t.http, decisions: t.decisions, replies: t.replies, er: t.er, sm: t.sm, queued: t.queued,
    byState: t.byState, byComponent: t.byComponent, byKey: t.byKey, injected: t.injected,
    latencyHistogram: { boundsMs: BUCKET_BOUNDS_MS.map((b) => Math.round(b * 1000) / 1000), counts: t.latencyBuckets },
    series: r.series,
    reload: r.reload === undefined ? null : { ...r.reload, phases: { before: phase(r.reload.phases.before), during: phase(r.reload.phases.during), after: phase(r.reload.phases.after) } },
    thresholds: evaluate(i.thresholds, metricValues(base)),
  }
}
