/**
 * @module policy/explain
 * A decision in words a coordinator understands: who asked, what for, which
 * rules matched (in order), which one decided and why. The decision is the
 * compiled engine's; the rule-by-rule account comes from the reference
 * interpreter, and the two are checked to agree.
 */
import { describeAgency } from '../directory/describe.js'
import type { CompiledPolicySet } from './compile.js'
import { decide } from './evaluate.js'
import { referenceTrace, type RuleTrace } from './reference.js'
import type { QueryKey } from '../message/keys.js'
import { isRegionalKey, rewriteKey } from '../message/rules.js'
import type { Decision, PolicyRequest } from './types.js'

export interface Explanation {
  readonly request: PolicyRequest
  readonly decision: Decision
  /** Every rule of the state, in order, with whether it matched and why (not). */
  readonly rules: readonly RuleTrace[]
  /** The rules that matched, in order; the first decided. */
  readonly matched: readonly string[]
  readonly failedClosed: boolean
  /** What the requester receives instead of data when denied. */
  readonly denialText: string | null
  /** The account in plain sentences. */
  readonly summary: readonly string[]
  /** False would mean the compiled engine and the reference disagree (a bug). */
  readonly consistent: boolean
}

export function explain (sent: PolicyRequest, set: CompiledPolicySet): Explanation {
  // As at the hub: a regional key reaches the state as DQ/RQ and is decided as such.
  const req: PolicyRequest = isRegionalKey(sent.key) ? { ...sent, key: rewriteKey(sent.key) as QueryKey } : sent
  const decision = decide(req, set)
  const trace = referenceTrace(req, set.source)
  const matched = trace.rules.filter((r) => r.matched).map((r) => r.rule)
  const consistent = trace.decision.effect === decision.effect && trace.decision.rule === decision.rule
  const who = trace.requester ? describeAgency(trace.requester) : `${req.ori} (not in the directory)`
  const what = `${req.key}${req.image ? ' with a photo request (IMQ/Y)' : ''}`
  const when = new Date(req.time).toISOString().slice(0, 10)
  const s: string[] = [`${who} asks ${req.state} for ${what} on ${when}.`]
  if (req !== sent) s.push(`${sent.key} is a regional query: the switch sends it to ${req.state} as ${req.key}, and ${req.state} decides it as ${req.key}.`)
  if (trace.failedClosed) {
    s.push(`${req.state}'s policy did not load, so ${req.state} denies every query until it is fixed (fail closed).`)
  } else if (matched.length === 0) {
    s.push(`No rule of ${req.state} matches, so ${req.state}'s default applies: ${decision.effect}.`)
  } else {
    const first = trace.rules.find((r) => r.matched)!
    s.push(`Rule ${first.rule} decides: ${verb(decision)}, because ${first.reasons.join('; ')}.`)
    if (matched.length > 1) s.push(`Rules ${matched.slice(1).join(', ')} also match but come later; the first matching rule wins.`)
  }
  if (decision.effect === 'deny') s.push(`The requester gets a rejection from ${req.state} instead of data.`)
  if (decision.effect === 'redact') s.push(`The requester gets the record without: ${(decision.redact ?? []).join(', ')}.`)
  if (decision.effect === 'allow') s.push('The query is forwarded and the full reply comes back.')
  return {
    request: req, decision, rules: trace.rules, matched, failedClosed: trace.failedClosed,
    denialText: decision.effect === 'deny' ? trace.denialText : null, summary: s, consistent,
  }
}

function verb (d: Decision): string {
  return d.effect === 'deny' ? 'DENY' : d.effect === 'redact' ? `REDACT (${(d.redact ?? []).join(', ')})` : 'ALLOW'
}
