/**
 * @module simulator/replay/report
 * The replay report: totals, by requester component, by destination state (with
 * who was denied, by which rule, and the top requesting agencies), by key and by
 * hour, plus the policy version and the run's speed. Plain JSON-able data; the
 * text and HTML renderings read only this.
 */
import { DESTINATIONS, plannedCounts, SENT_KEYS } from '../traffic/model.js'
import { REPORT_COMPONENTS } from '../traffic/params.js'
import { idleRules, type IdleRule } from './idle-rules.js'
import type { Prepared } from './prepare.js'
import type { Tally } from './tally.js'

export interface Counts { queries: number, allowed: number, denied: number, redacted: number }
export interface ComponentCounts { queries: number, denied: number, redacted: number }

export interface StateReport extends Counts {
  byComponent: Record<string, ComponentCounts>
  /** Deciding rule id (or `(default)`) -> queries. */
  byRule: Record<string, number>
  topAgencies: Array<{ ori: string, name: string, component: string, queries: number, denied: number }>
}

export interface ReplayReport {
  scenario: string
  description: string
  start: string
  days: number
  seed: string
  total: number
  allowed: number
  denied: number
  redacted: number
  byComponent: Record<string, Counts>
  byState: Record<string, StateReport>
  byKey: Record<string, Counts>
  byHour: number[]
  /** What the model planned (computed without generating): the replay's totals must equal it. */
  planned: { total: number, byComponent: Record<string, number> }
  policyVersion: string
  /** Rules that decided no query in the span, and why when the cause is known. */
  idleRules: IdleRule[]
  seconds: number
  queriesPerSecond: number
  workers: number
}

const zero = (): Counts => ({ queries: 0, allowed: 0, denied: 0, redacted: 0 })
const EFFECT_FIELD = ['allowed', 'denied', 'redacted'] as const

export function buildReport (p: Prepared, t: Tally, run: { seconds: number, workers: number }): ReplayReport {
  const C = REPORT_COMPONENTS.length
  const D = DESTINATIONS.length
  const totals = zero()
  const byComponent: Record<string, Counts> = Object.fromEntries(REPORT_COMPONENTS.map((c) => [c, zero()]))
  const byState: Record<string, StateReport> = {}
  const agencies = p.set.directory.agencies
  for (let d = 0; d < D; d++) {
    const table = p.tables[d]!
    const st: StateReport = { ...zero(), byComponent: {}, byRule: {}, topAgencies: [] }
    for (const c of REPORT_COMPONENTS) st.byComponent[c] = { queries: 0, denied: 0, redacted: 0 }
    for (let di = 0; di < table.decisions.length; di++) {
      const eff = EFFECT_FIELD[table.effect[di]!]!
      let ruleCount = 0
      for (let c = 0; c < C; c++) {
        const n = t.byDestDecisionComp[(d * t.decisions + di) * C + c]!
        if (n === 0) continue
        ruleCount += n
        const name = REPORT_COMPONENTS[c]!
        st.queries += n; st[eff] += n
        totals.queries += n; totals[eff] += n
        byComponent[name]!.queries += n; byComponent[name]![eff] += n
        st.byComponent[name]!.queries += n
        if (eff !== 'allowed') st.byComponent[name]![eff] += n
      }
      if (ruleCount > 0) {
        const id = table.decisions[di]!.rule ?? '(default)'
        st.byRule[id] = (st.byRule[id] ?? 0) + ruleCount
      }
    }
    const top: Array<[number, number]> = []
    for (let a = 0; a < agencies.length; a++) {
      const n = t.byAgencyDest[a * D + d]!
      if (n === 0) continue
      if (top.length < 5 || n > top[top.length - 1]![1]) {
        top.push([a, n])
        top.sort((x, y) => y[1] - x[1])
        if (top.length > 5) top.pop()
      }
    }
    st.topAgencies = top.map(([a, n]) => ({
      ori: agencies[a]!.ori, name: agencies[a]!.name, component: REPORT_COMPONENTS[p.model.componentOf[a]!]!, queries: n,
      denied: t.deniedByAgencyDest[a * D + d]!,
    }))
    byState[DESTINATIONS[d]!] = st
  }
  const byKey: Record<string, Counts> = {}
  SENT_KEYS.forEach((k, i) => {
    const c = zero()
    for (let e = 0; e < 3; e++) { const n = t.byKeyEffect[i * 3 + e]!; c.queries += n; c[EFFECT_FIELD[e]!] += n }
    byKey[k] = c
  })
  const planned = plannedCounts(p.model, p.scenario.days)
  return {
    scenario: p.scenario.name, description: p.scenario.description,
    start: new Date(p.scenario.start).toISOString().slice(0, 10), days: p.scenario.days, seed: p.scenario.seed,
    total: totals.queries, allowed: totals.allowed, denied: totals.denied, redacted: totals.redacted,
    byComponent, byState, byKey, byHour: Array.from(t.byHour),
    planned: { total: planned.total, byComponent: planned.byComponent },
    policyVersion: p.set.version,
    idleRules: idleRules(p.model, p.tables, (d, di) => {
      let n = 0
      for (let c = 0; c < C; c++) n += t.byDestDecisionComp[(d * t.decisions + di) * C + c]!
      return n
    }, { start: p.scenario.start, days: p.scenario.days }),
    seconds: Number(run.seconds.toFixed(3)),
    queriesPerSecond: Math.round(totals.queries / run.seconds), workers: run.workers,
  }
}
