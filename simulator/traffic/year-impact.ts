/**
 * @module simulator/traffic/year-impact
 * How many queries of a scenario's calibrated year each change of a policy
 * diff moves, by state, component and key: the expectation from the traffic
 * model, with no sampling. A change covers (ORIs, destination, key and IMQ,
 * RSN/ and PUR/ cells, a date range); its count is, over the agencies it names,
 * the planned volume of the agency's stream over the range (the stream's exact
 * daily counts, computed without generating a query) times the agency's share
 * of its stream, the destination's, the key's and the context cell's shares.
 * Ranges that start or end inside a day take that day's count prorated by the
 * hour-of-day curve. ORIs outside the directory send no modelled traffic.
 */
import { readFile } from 'node:fs/promises'
import type { Directory } from '../../src/directory/directory.js'
import type { CodeCell, DiffChange, PolicyDiff } from '../../src/policy/diff.js'
import { parseScenario } from '../scenarios/load.js'
import { loadCalibration } from './calibration.js'
import { buildModel, CONTEXT_PURPOSE, CONTEXT_REASON, dailyCount, DESTINATIONS, SENT_KEYS, spanCount, type TrafficModel } from './model.js'
import { REPORT_COMPONENTS } from './params.js'

const DAY_MS = 86_400_000

export interface YearCounts { queries: number, byComponent: Record<string, number> }

export interface YearSummary {
  scenario: string
  start: string
  days: number
  /** How the counts were obtained. */
  method: string
  /** Queries whose decision changes (any way), then those that gain and lose access. */
  moved: number
  gained: number
  lost: number
  byState: Record<string, number>
  byComponent: Record<string, number>
  byKey: Record<string, number>
}

export interface YearImpact {
  perChange: YearCounts[]
  summary: YearSummary
  describe: (i: number) => string
  summaryLines: string[]
}

export const METHOD = 'expected counts from the traffic model: each stream\'s planned volume over the span (exact daily counts, no query generated) ' +
  'times the agency, destination, key and RSN/PUR shares; no sampling (a replay\'s random draws differ from these by about the square root of the count); ' +
  'date bounds inside a day prorate that day by the hour curve'

const round = (x: number): number => Math.round(x * 100) / 100
const int = (x: number): string => Math.round(x).toLocaleString('en-US')

function cellShare (cell: CodeCell, v: string | undefined): boolean {
  if (cell === null) return true
  if (typeof cell === 'string') return v === cell
  return v === undefined || !cell.notIn.includes(v)
}

function parseBound (s: string | null, fallback: number): number {
  if (s === null) return fallback
  return Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s)
}

export async function yearImpact (diff: PolicyDiff, dir: Directory, scenarioFile: string): Promise<YearImpact> {
  const scenario = parseScenario(await readFile(scenarioFile, 'utf8'), scenarioFile)
  const model = buildModel(dir, loadCalibration(), scenario.traffic)
  return impactOf(diff, dir, model, { name: scenario.name, start: scenario.start, days: scenario.days })
}

export function impactOf (diff: PolicyDiff, dir: Directory, model: TrafficModel, span: { name: string, start: number, days: number }): YearImpact {
  const N = dir.size
  const streamOf = new Int32Array(N).fill(-1)
  const shareOf = new Float64Array(N)
  model.streams.forEach((s, si) => {
    const p = s.agencyTable.probabilities()
    for (let k = 0; k < s.agencies.length; k++) { streamOf[s.agencies[k]!] = si; shareOf[s.agencies[k]!] = shareOf[s.agencies[k]!]! + p[k]! }
  })
  const destP = model.streams.map((s) => s.destTable.probabilities())
  const keyP = model.streams.map((s) => s.keyTable.probabilities())
  const ctxP = model.contextTables.map((t) => t.probabilities())
  const hourP = model.hourTable.probabilities()
  const hourShare = (f0: number, f1: number): number => {
    let x = 0
    for (let h = 0; h < 24; h++) {
      const lo = Math.max(f0 * 24, h)
      const hi = Math.min(f1 * 24, h + 1)
      if (hi > lo) x += hourP[h]! * (hi - lo)
    }
    return x
  }
  const spanEnd = span.start + span.days * DAY_MS
  const volume = (si: number, t0: number, t1: number): number => {
    const s = model.streams[si]!
    const d0 = (Math.max(t0, span.start) - span.start) / DAY_MS
    const d1 = (Math.min(t1, spanEnd) - span.start) / DAY_MS
    if (!(d1 > d0)) return 0
    const a = Math.ceil(d0)
    const b = Math.floor(d1)
    if (Math.floor(d0) === Math.floor(d1) && d0 !== a) return dailyCount(s.perYear, Math.floor(d0), s.phase) * hourShare(d0 - Math.floor(d0), d1 - Math.floor(d0))
    let v = b > a ? spanCount(s, a, b - a) : 0
    if (d0 < a) v += dailyCount(s.perYear, Math.floor(d0), s.phase) * hourShare(d0 - Math.floor(d0), 1)
    if (d1 > b) v += dailyCount(s.perYear, b, s.phase) * hourShare(0, d1 - b)
    return v
  }
  const sentOf = (c: DiffChange): number[] => {
    const names = c.key === 'DQ' ? (c.imq ? ['DQ+IMQ'] : ['DQ', 'DQG']) : c.key === 'RQ' ? ['RQ', 'RQG'] : c.imq ? [] : [c.key]
    return names.map((n) => (SENT_KEYS as readonly string[]).indexOf(n)).filter((i) => i >= 0)
  }
  const perChange: YearCounts[] = []
  const summary: YearSummary = {
    scenario: span.name, start: new Date(span.start).toISOString().slice(0, 10), days: span.days, method: METHOD,
    moved: 0, gained: 0, lost: 0, byState: {}, byComponent: {}, byKey: {},
  }
  for (const c of diff.changes) {
    const out: YearCounts = { queries: 0, byComponent: {} }
    const d = DESTINATIONS.indexOf(c.state)
    const keys = sentOf(c)
    const t0 = parseBound(c.context.from, -Infinity)
    const t1 = parseBound(c.context.until, Infinity)
    const ctxOk = CONTEXT_REASON.map((r, o) => cellShare(c.context.reason, r) && cellShare(c.context.purpose, CONTEXT_PURPOSE[o]))
    if (d >= 0 && keys.length > 0 && c.oris[0] !== '*') {
      const vol = new Map<number, number>()
      for (const ori of c.oris) {
        const a = dir.indexOf(ori)
        if (a < 0) continue
        const si = streamOf[a]!
        if (si < 0) continue
        let v = vol.get(si)
        if (v === undefined) { v = volume(si, t0, t1); vol.set(si, v) }
        if (v === 0) continue
        let pk = 0
        for (const k of keys) pk += keyP[si]![k]!
        let pc = 0
        const cp = ctxP[model.contextOf[a]!]!
        for (let o = 0; o < cp.length; o++) if (ctxOk[o]) pc += cp[o]!
        const n = v * shareOf[a]! * destP[si]![d]! * pk * pc
        if (n === 0) continue
        const comp = REPORT_COMPONENTS[model.componentOf[a]!]!
        out.queries += n
        out.byComponent[comp] = (out.byComponent[comp] ?? 0) + n
      }
    }
    const keyLabel = c.imq ? `${c.key}+IMQ` : c.key
    summary.moved += out.queries
    if (c.gained) summary.gained += out.queries
    if (c.lost) summary.lost += out.queries
    summary.byState[c.state] = (summary.byState[c.state] ?? 0) + out.queries
    summary.byKey[keyLabel] = (summary.byKey[keyLabel] ?? 0) + out.queries
    for (const [k, v] of Object.entries(out.byComponent)) summary.byComponent[k] = (summary.byComponent[k] ?? 0) + v
    perChange.push({ queries: round(out.queries), byComponent: Object.fromEntries(Object.entries(out.byComponent).map(([k, v]) => [k, round(v)])) })
  }
  const r = (m: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(m).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]).map(([k, v]) => [k, round(v)]))
  summary.moved = round(summary.moved); summary.gained = round(summary.gained); summary.lost = round(summary.lost)
  summary.byState = r(summary.byState); summary.byComponent = r(summary.byComponent); summary.byKey = r(summary.byKey)
  const list = (m: Record<string, number>): string => Object.entries(m).map(([k, v]) => `${k} ${int(v)}`).join(', ') || 'none'
  return {
    perChange, summary,
    describe: (i) => {
      const y = perChange[i]!
      return `about ${int(y.queries)} queries${y.queries > 0 ? ` (${list(y.byComponent)})` : ''}`
    },
    summaryLines: [
      '', `year: scenario ${span.name}, ${summary.start} + ${span.days} days (${METHOD})`,
      `  queries whose decision changes: about ${int(summary.moved)} (gain access ${int(summary.gained)}, lose access ${int(summary.lost)})`,
      `  by state: ${list(summary.byState)}`, `  by component: ${list(summary.byComponent)}`, `  by key: ${list(summary.byKey)}`,
    ],
  }
}
