/**
 * @module policy/coverage
 * Coverage of a policy set by test cases, per rule and per condition (in the
 * manner of `opa test --coverage`, which reports expressions, not only rules).
 * A rule is covered when it decided some case. A condition is one selector entry
 * of `requesters` or `except`, the `origin`, one entry of `keys`, one reason or
 * purpose code, or a `from`/`until` bound; it is covered when it held in some
 * case that reached its rule (the rules up to and including the deciding one:
 * the rules first-match evaluation looks at). A state that failed closed is one
 * uncovered item: its rules never decide anything.
 */
import type { Agency } from '../directory/model.js'
import type { CompiledPolicySet } from './compile.js'
import { globMatch, inAnyGroup, keyReason } from './reference.js'
import type { Decision, NamedGroup, PolicyRequest, Rule, Selector } from './types.js'

export interface Coverage {
  readonly total: number
  readonly covered: number
  readonly percent: number
  readonly uncovered: string[]
  readonly byState: Record<string, { total: number, covered: number }>
  /** Per condition: every condition of every rule of every state. */
  readonly conditions: { total: number, covered: number, percent: number, uncovered: string[] }
}

interface Condition { readonly name: string, readonly holds: (req: PolicyRequest, a: Agency | undefined) => boolean }

const percent = (covered: number, total: number): number => total === 0 ? 100 : Math.floor((covered / total) * 1000) / 10

function selectorConditions (what: string, s: Selector, groups: readonly NamedGroup[]): Condition[] {
  const out: Condition[] = []
  const fromFile = s.orisFile?.firstIndex ?? s.oris.length
  if (fromFile > 0) {
    const listed = new Set(s.oris.slice(0, fromFile))
    out.push({ name: `${what}.oris`, holds: (r) => listed.has(r.ori) })
  }
  if (s.orisFile !== undefined) {
    const listed = new Set(s.oris.slice(fromFile))
    out.push({ name: `${what}.oris_file ${s.orisFile.path}`, holds: (r) => listed.has(r.ori) })
  }
  for (const p of s.patterns) out.push({ name: `${what}.patterns ${p}`, holds: (r) => globMatch(p, r.ori, 0, 0) })
  for (const g of s.groups) out.push({ name: `${what}.groups ${g}`, holds: (r, a) => inAnyGroup(g, r.ori, a, groups, []) })
  for (const t of s.types) out.push({ name: `${what}.types ${t}`, holds: (_, a) => a?.type === t })
  for (const l of s.lines) out.push({ name: `${what}.lines ${l}`, holds: (_, a) => a?.line === l })
  for (const c of s.components) out.push({ name: `${what}.components ${c}`, holds: (_, a) => a?.component === c })
  return out
}

/** The conditions of one rule, each with the test of whether it holds for a request. */
export function ruleConditions (rule: Rule, groups: readonly NamedGroup[]): Condition[] {
  const out = selectorConditions('requesters', rule.requesters, groups)
  if (out.length === 0) out.push({ name: 'requesters (every agency)', holds: () => true })
  out.push(...selectorConditions('except', rule.except, groups))
  if (rule.origin !== 'any') {
    const inState = rule.origin === 'in-state'
    out.push({ name: `origin ${rule.origin}`, holds: (r, a) => ((a?.state ?? r.ori.slice(0, 2)) === r.state) === inState })
  }
  for (const k of rule.keys) out.push({ name: `keys ${k}`, holds: (r) => keyReason([k], r) !== undefined })
  for (const c of rule.reasons) out.push({ name: `when.reasons ${c}`, holds: (r) => r.reason === c })
  for (const c of rule.purposes) out.push({ name: `when.purposes ${c}`, holds: (r) => r.purpose === c })
  if (rule.from !== undefined) out.push({ name: `when.from ${day(rule.from)}`, holds: (r) => r.time >= rule.from! })
  if (rule.until !== undefined) out.push({ name: `when.until ${day(rule.until)}`, holds: (r) => r.time < rule.until! })
  return out
}

function day (t: number): string { return new Date(t).toISOString().slice(0, 10) }

/** Coverage of `set` by the requests with the decisions they got. */
export function coverage (set: CompiledPolicySet, decided: ReadonlyArray<{ request: PolicyRequest, decision: Decision }>): Coverage {
  const decisive = new Set<string>()
  const held = new Set<string>()
  const conds = new Map<string, Array<{ rule: Rule, list: Condition[] }>>()
  for (const [state, st] of set.states) {
    conds.set(state, st.rules.map((cr) => ({ rule: cr.rule, list: ruleConditions(cr.rule, set.source.groups) })))
  }
  for (const { request, decision } of decided) {
    if (decision.rule !== null) decisive.add(`${request.state}/${decision.rule}`)
    const a = set.directory.get(request.ori)
    for (const { rule, list } of conds.get(request.state) ?? []) {
      for (const c of list) if (c.holds(request, a)) held.add(`${request.state}/${rule.id}: ${c.name}`)
      if (rule.id === decision.rule) break
    }
  }
  const byState: Record<string, { total: number, covered: number }> = {}
  const uncovered: string[] = []
  const uncoveredConds: string[] = []
  let total = 0
  let condTotal = 0
  for (const [state, st] of set.states) {
    if (st.policy === undefined) {
      // Failed closed: its rules (whatever they were) decide nothing.
      total++; condTotal++
      byState[state] = { total: 1, covered: 0 }
      uncovered.push(`${state}/(failed closed)`)
      uncoveredConds.push(`${state}/(failed closed)`)
      continue
    }
    for (const { rule, list } of conds.get(state)!) {
      total++
      const s = (byState[state] ??= { total: 0, covered: 0 })
      s.total++
      if (decisive.has(`${state}/${rule.id}`)) s.covered++
      else uncovered.push(`${state}/${rule.id}`)
      for (const c of list) {
        condTotal++
        const name = `${state}/${rule.id}: ${c.name}`
        if (!held.has(name)) uncoveredConds.push(name)
      }
    }
  }
  const covered = total - uncovered.length
  const condCovered = condTotal - uncoveredConds.length
  return {
    total, covered, percent: percent(covered, total), uncovered, byState,
    conditions: { total: condTotal, covered: condCovered, percent: percent(condCovered, condTotal), uncovered: uncoveredConds },
  }
}
