/**
 * @module policy/reference
 * The naive reference interpreter: the decision semantics written as plainly as
 * possible, rule by rule, entry by entry, with a reason for every verdict. It is
 * slow on purpose. The compiled engine must agree with it on every request (the
 * shared case suite and a property test check that), and `explain` is built on it.
 */
import type { Directory } from '../directory/directory.js'
import { checkGroupName, inGroup } from '../directory/directory.js'
import type { Agency } from '../directory/model.js'
import { DRIVER_KEYS, type QueryKey, VEHICLE_KEYS } from '../message/keys.js'
import { rewriteKey } from '../message/rules.js'
import {
  type Decision, DEFAULT_DENIAL_TEXT, FAIL_CLOSED_RULE, type NamedGroup, type PolicyRequest, type Rule,
  type Selector, type StatePolicy,
} from './types.js'

/** Everything a policy set is made of, before compilation. */
export interface PolicySource {
  readonly directory: Directory
  readonly groups: readonly NamedGroup[]
  /** Per jurisdiction: its policy, or undefined when it failed to load (fail closed). */
  readonly policies: ReadonlyMap<string, StatePolicy | undefined>
  readonly version: string
}

export interface RuleTrace {
  readonly rule: string
  readonly effect: Rule['effect']
  readonly matched: boolean
  /** Why it matched, or the first reason it did not. */
  readonly reasons: readonly string[]
}

/** The decision with the verdict of every rule, in order. */
export interface Trace {
  readonly decision: Decision
  readonly state: string
  readonly failedClosed: boolean
  readonly requester: Agency | undefined
  readonly rules: readonly RuleTrace[]
  readonly denialText: string
}

export function referenceDecide (req: PolicyRequest, src: PolicySource): Decision {
  return referenceTrace(req, src, true).decision
}

/** Evaluate every rule (or stop at the first match when `firstOnly`). */
export function referenceTrace (sent: PolicyRequest, src: PolicySource, firstOnly = false): Trace {
  // A regional key reaches the state as DQ/RQ: that is the key it decides on.
  const req: PolicyRequest = sent.key === 'DQG' || sent.key === 'RQG' ? { ...sent, key: rewriteKey(sent.key) as QueryKey } : sent
  const requester = src.directory.get(req.ori)
  const policy = src.policies.get(req.state)
  if (policy === undefined) {
    return {
      decision: { effect: 'deny', rule: FAIL_CLOSED_RULE, policyVersion: src.version },
      state: req.state, failedClosed: true, requester, rules: [], denialText: DEFAULT_DENIAL_TEXT,
    }
  }
  const rules: RuleTrace[] = []
  let decision: Decision | undefined
  for (const rule of policy.rules) {
    const t = traceRule(rule, req, requester, src.groups)
    rules.push(t)
    if (t.matched && decision === undefined) {
      decision = rule.effect === 'redact'
        ? { effect: 'redact', rule: rule.id, redact: rule.redact, policyVersion: src.version }
        : { effect: rule.effect, rule: rule.id, policyVersion: src.version }
      if (firstOnly) break
    }
  }
  return {
    decision: decision ?? { effect: policy.default, rule: null, policyVersion: src.version },
    state: req.state, failedClosed: false, requester, rules, denialText: policy.denialText,
  }
}

function traceRule (rule: Rule, req: PolicyRequest, a: Agency | undefined, groups: readonly NamedGroup[]): RuleTrace {
  const no = (why: string): RuleTrace => ({ rule: rule.id, effect: rule.effect, matched: false, reasons: [why] })
  const why: string[] = []
  const sel = selectorReason(rule.requesters, req.ori, a, groups)
  if (sel === undefined) return no(`requester ${req.ori} is not among ${describeSelector(rule.requesters)}`)
  why.push(sel)
  const ex = isEmpty(rule.except) ? undefined : selectorReason(rule.except, req.ori, a, groups)
  if (ex !== undefined) return no(`requester is excepted (${ex})`)
  const office = a?.state ?? req.ori.slice(0, 2)
  if (rule.origin === 'in-state' && office !== req.state) return no(`requester's office is in ${office}, not in-state`)
  if (rule.origin === 'out-of-state' && office === req.state) return no(`requester's office is in-state (${office})`)
  if (rule.origin !== 'any') why.push(`requester is ${rule.origin} (office in ${office})`)
  const k = keyReason(rule.keys, req)
  if (k === undefined) return no(`key ${req.key}${req.image ? ' with IMQ/Y' : ''} is not among ${rule.keys.join(', ')}`)
  why.push(k)
  if (rule.reasons.length > 0) {
    if (req.reason === undefined || !rule.reasons.includes(req.reason)) return no(`reason code ${req.reason ?? '(none)'} is not among ${rule.reasons.join(', ')}`)
    why.push(`reason code ${req.reason}`)
  }
  if (rule.purposes.length > 0) {
    if (req.purpose === undefined || !rule.purposes.includes(req.purpose)) return no(`purpose code ${req.purpose ?? '(none)'} is not among ${rule.purposes.join(', ')}`)
    why.push(`purpose code ${req.purpose}`)
  }
  if (rule.from !== undefined && req.time < rule.from) return no(`not yet in effect (from ${day(rule.from)})`)
  if (rule.until !== undefined && req.time >= rule.until) return no(`no longer in effect (until ${day(rule.until)})`)
  if (rule.from !== undefined || rule.until !== undefined) why.push('in effect on the query date')
  return { rule: rule.id, effect: rule.effect, matched: true, reasons: why }
}

function day (t: number): string { return new Date(t).toISOString().slice(0, 10) }

function isEmpty (s: Selector): boolean {
  return s.oris.length + s.patterns.length + s.groups.length + s.types.length + s.lines.length + s.components.length === 0
}

/** Why the requester matches the selector (any entry), or undefined. */
function selectorReason (s: Selector, ori: string, a: Agency | undefined, groups: readonly NamedGroup[]): string | undefined {
  if (isEmpty(s)) return 'the rule applies to every requester'
  const fromFile = s.orisFile?.firstIndex ?? Number.POSITIVE_INFINITY
  for (let i = 0; i < s.oris.length; i++) if (s.oris[i] === ori) return i >= fromFile ? `ORI ${ori} is listed in ${s.orisFile!.path}` : `ORI ${ori} is listed`
  for (const p of s.patterns) if (globMatch(p, ori, 0, 0)) return `ORI ${ori} matches pattern ${p}`
  for (const g of s.groups) if (inAnyGroup(g, ori, a, groups, [])) return `requester is in group ${g}`
  if (a === undefined) return undefined
  for (const t of s.types) if (a.type === t) return `agency type is ${t}`
  for (const l of s.lines) if (a.line === l) return `agency sends on line ${l}`
  for (const c of s.components) if (a.component === c) return `agency is ${c}`
  return undefined
}

/** Is the requester (ORI `ori`, directory entry `a`) in group `g` (named or built-in)? */
export function inAnyGroup (g: string, ori: string, a: Agency | undefined, groups: readonly NamedGroup[], seen: string[]): boolean {
  const named = groups.find((x) => x.name === g)
  if (named === undefined) return a !== undefined && inGroup(a, g)
  if (seen.includes(g)) return false
  for (const m of named.members) {
    // A member is a named group if one has that name (even an ORI-looking one such
    // as ZZGRP0001), else a built-in group, else an ORI: the order resolve.ts uses.
    if (groups.some((x) => x.name === m) || checkGroupName(m) === undefined) {
      if (inAnyGroup(m, ori, a, groups, [...seen, g])) return true
    } else if (m === ori) return true
  }
  return false
}

export function keyReason (keys: Rule['keys'], req: PolicyRequest): string | undefined {
  for (const k of keys) {
    if (k === 'all') return 'the rule covers all keys'
    if (k === req.key) return `key ${req.key} is listed`
    if (k === 'driver' && DRIVER_KEYS.includes(req.key)) return `${req.key} is a driver key`
    if (k === 'vehicle' && VEHICLE_KEYS.includes(req.key)) return `${req.key} is a vehicle key`
    if (k === 'photo' && req.image === true) return 'a licence photo was requested (IMQ/Y)'
  }
  return undefined
}

export function describeSelector (s: Selector): string {
  const parts: string[] = []
  if (s.oris.length) parts.push(s.oris.length <= 3 ? `ORIs ${s.oris.join(', ')}` : `${s.oris.length} listed ORIs`)
  if (s.patterns.length) parts.push(`patterns ${s.patterns.join(', ')}`)
  if (s.groups.length) parts.push(`groups ${s.groups.join(', ')}`)
  if (s.types.length) parts.push(`agency types ${s.types.join(', ')}`)
  if (s.lines.length) parts.push(`lines ${s.lines.join(', ')}`)
  if (s.components.length) parts.push(`components ${s.components.join(', ')}`)
  return parts.length ? parts.join('; ') : 'every requester'
}


/** Plain recursive glob: `*` any run, `?` one character (independent of the compiled RegExp form). */
export function globMatch (p: string, s: string, i: number, j: number): boolean {
  if (i === p.length) return j === s.length
  if (p[i] === '*') return globMatch(p, s, i + 1, j) || (j < s.length && globMatch(p, s, i, j + 1))
  return j < s.length && (p[i] === '?' || p[i] === s[j]) && globMatch(p, s, i + 1, j + 1)
}
