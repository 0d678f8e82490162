/**
 * @module policy/lint
 * Warnings about policies that load but probably do not say what their author
 * meant: rules that can never decide, rules that change nothing, allow rules
 * that carve holes in a later deny, selectors that match no agency, and deny
 * lists that name only part of a federal component. Computed on the compiled
 * requester classes, so each check costs classes x slots x rules, not agencies.
 */
import type { Directory } from '../directory/directory.js'
import { type Diagnostic, diag, sortDiagnostics } from '../diagnostics.js'
import type { ErrorCode } from '../errors.js'
import { QUERY_KEYS } from '../message/keys.js'
import { type CompiledPolicySet, type CompiledRule, type CompiledState, SLOTS } from './compile.js'
import { EMPTY_SELECTOR } from './parse.js'
import { resolveSelector } from './resolve.js'
import type { Decision, Rule } from './types.js'

export function lintPolicySet (set: CompiledPolicySet): Diagnostic[] {
  const out: Diagnostic[] = []
  for (const st of set.states.values()) if (st.policy !== undefined && st.rules.length > 0) lintState(st, set, out)
  return sortDiagnostics(out)
}

function has (st: CompiledState, c: number, r: number): boolean {
  return (st.classSigs[c]![r >>> 5]! & (1 << (r & 31))) !== 0
}

function lintState (st: CompiledState, set: CompiledPolicySet, out: Diagnostic[]): void {
  const warn = (code: ErrorCode, rule: Rule, args: Array<string | number>): void => {
    if (!rule.lintIgnore.includes(code)) out.push(diag('warning', code, rule.at, args, { state: st.state, rule: rule.id }))
  }
  const classes = st.classSigs.map((_, c) => c).filter((c) => st.classSizes[c]! > 0)
  const matches = (cr: CompiledRule, c: number, s: number): boolean => has(st, c, cr.index) && (cr.slotMask & (1 << s)) !== 0
  /** Index of the first rule matching (c, s), or -1 for the default. */
  const winner = (c: number, s: number): number => {
    for (const cr of st.rules) if (matches(cr, c, s)) return cr.index
    return -1
  }
  for (const cr of st.rules) {
    const rule = cr.rule
    let any = false
    let shadowedBy: CompiledRule | undefined
    let shadowed = true
    let wins = 0
    let redundant = !cr.conditional
    for (const c of classes) {
      for (let s = 0; s < SLOTS; s++) {
        if (!matches(cr, c, s)) continue
        any = true
        const earlier = st.rules.slice(0, cr.index).find((q) => !q.conditional && matches(q, c, s))
        if (earlier === undefined) shadowed = false
        else shadowedBy ??= earlier
        if (winner(c, s) !== cr.index) continue
        wins++
        const next = nextDecision(st, cr.index, c, s, matches)
        if (next === undefined || !sameDecision(next, cr.decision)) redundant = false
      }
    }
    if (any && shadowed && shadowedBy) warn('NSIM_LINT_SHADOWED', rule, [rule.id, shadowedBy.rule.id])
    else if (any && redundant && wins > 0) warn('NSIM_LINT_REDUNDANT', rule, [rule.id, `the next matching rule or the default also gives ${cr.decision.effect}`])
    if (rule.effect === 'allow') reopens(st, cr, classes, matches, winner, warn, set.directory)
    emptySelectors(cr, set, warn)
    if (rule.effect !== 'allow') coverageGaps(cr, set.directory, warn)
  }
}

function nextDecision (st: CompiledState, after: number, c: number, s: number,
  matches: (cr: CompiledRule, c: number, s: number) => boolean): Decision | undefined {
  for (const q of st.rules.slice(after + 1)) {
    if (!matches(q, c, s)) continue
    return q.conditional ? undefined : q.decision
  }
  return st.defaultDecision
}

function sameDecision (a: Decision, b: Decision): boolean {
  return a.effect === b.effect && (a.redact ?? []).join() === (b.redact ?? []).join()
}

function reopens (st: CompiledState, allow: CompiledRule, classes: number[],
  matches: (cr: CompiledRule, c: number, s: number) => boolean, winner: (c: number, s: number) => number,
  warn: (code: ErrorCode, rule: Rule, args: Array<string | number>) => void, dir: Directory): void {
  for (const deny of st.rules.slice(allow.index + 1)) {
    if (deny.rule.effect !== 'deny') continue
    let agencies = 0
    const keys = new Set<string>()
    for (const c of classes) {
      let hit = false
      for (let s = 0; s < SLOTS; s++) {
        if (matches(allow, c, s) && matches(deny, c, s) && winner(c, s) === allow.index) {
          hit = true
          keys.add(QUERY_KEYS[s >> 1]! + (s & 1 ? '+IMQ' : ''))
        }
      }
      if (hit) agencies += st.classSizes[c]!
    }
    if (agencies > 0) {
      const sample = sampleOris(st, dir, (c) => has(st, c, allow.index) && has(st, c, deny.index))
      warn('NSIM_LINT_REOPENS', allow.rule, [allow.rule.id, deny.rule.id,
        `${agencies} agenc${agencies === 1 ? 'y' : 'ies'} (${sample}) on ${[...keys].slice(0, 6).join(', ')}${keys.size > 6 ? ', ...' : ''}`])
    }
  }
}

function sampleOris (st: CompiledState, dir: Directory, inClass: (c: number) => boolean): string {
  const out: string[] = []
  for (let i = 0; i < dir.size && out.length < 3; i++) if (inClass(st.dirClass[i]!)) out.push(dir.agencies[i]!.ori)
  return out.join(', ') || 'ORIs outside the directory'
}

function emptySelectors (cr: CompiledRule, set: CompiledPolicySet,
  warn: (code: ErrorCode, rule: Rule, args: Array<string | number>) => void): void {
  const dir = set.directory
  for (const [part, sel] of [['requesters', cr.rule.requesters], ['except', cr.rule.except]] as const) {
    const missing = sel.oris.filter((o) => dir.indexOf(o) < 0)
    if (missing.length > 0) {
      warn('NSIM_LINT_EMPTY_SELECTOR', cr.rule, [`${part}.oris: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (+${missing.length - 5} more)` : ''}`, cr.rule.id])
    }
    const one = (field: 'patterns' | 'groups' | 'types' | 'lines' | 'components', v: string): void => {
      const r = resolveSelector({ ...EMPTY_SELECTOR, [field]: [v] }, dir, set.source.groups, false)
      if (!r.mask.includes(1)) warn('NSIM_LINT_EMPTY_SELECTOR', cr.rule, [`${part}.${field}: ${v}`, cr.rule.id])
    }
    for (const f of ['patterns', 'groups', 'types', 'lines', 'components'] as const) for (const v of sel[f]) one(f, v)
  }
}

/** A deny/redact rule that names some ORIs of a federal component by ORI or pattern but not all of them. */
function coverageGaps (cr: CompiledRule, dir: Directory,
  warn: (code: ErrorCode, rule: Rule, args: Array<string | number>) => void): void {
  const named = resolveSelector({ ...EMPTY_SELECTOR, oris: cr.rule.requesters.oris, patterns: cr.rule.requesters.patterns }, dir, [], false)
  const components = new Set<string>()
  named.mask.forEach((m, i) => { if (m === 1 && dir.agencies[i]!.component !== '') components.add(dir.agencies[i]!.component) })
  for (const comp of [...components].sort()) {
    const members = dir.members(`component:${comp}`)
    const missed = members.filter((i) => cr.requesters.mask[i] !== 1).map((i) => dir.agencies[i]!.ori)
    if (missed.length === 0) continue
    const covered = members.length - missed.length
    warn('NSIM_LINT_COVERAGE_GAP', cr.rule, [cr.rule.id, covered, members.length, comp,
      `${missed.slice(0, 5).join(', ')}${missed.length > 5 ? ` and ${missed.length - 5} more` : ''} (name the group component:${comp} to cover them all)`])
  }
}
