/**
 * @module policy/evaluate
 * The hot path: `decide(request, compiledSet)`. A handful of hash lookups and
 * array reads, no allocation, no scan of rules or list entries; cost does not
 * depend on deny-list sizes. Never throws: anything it cannot place fails closed.
 */
import { decisionSlot, QUERY_KEYS } from '../message/keys.js'
import type { CompiledPolicySet, CompiledRule, CompiledState, Row } from './compile.js'
import type { Decision, PolicyRequest } from './types.js'

/**
 * Slot base per key as sent (the key table's decisionSlot): DQG and RQG take
 * the DQ and RQ slots, since the switch sends regional queries to each state
 * as DQ and RQ; the IMQ/Y flag adds one.
 */
const KEY_SLOT: Readonly<Record<string, number>> = Object.freeze(Object.assign(Object.create(null) as Record<string, number>,
  Object.fromEntries(QUERY_KEYS.map((k) => [k, decisionSlot(k)]))))

export function decide (req: PolicyRequest, set: CompiledPolicySet): Decision {
  const st = set.states.get(req.state)
  if (st === undefined) return set.unknownState
  return decideState(req, st, set)
}

/** Decide against one state's compiled policy (the caller already looked it up). */
export function decideState (req: PolicyRequest, st: CompiledState, set: CompiledPolicySet): Decision {
  if (st.trivial !== null) return st.trivial
  const base = KEY_SLOT[req.key]
  if (base === undefined) return set.unknownState
  const slot = req.image === true ? base + 1 : base
  const row = rowOf(req.ori, st, set)
  const d = row.fixed[slot]
  if (d !== null && d !== undefined) return d
  return firstCandidate(row.cands[slot]!, req, st.defaultDecision)
}

function rowOf (ori: string, st: CompiledState, set: CompiledPolicySet): Row {
  const i = set.directory.indexOf(ori)
  if (i >= 0) return st.rows[st.dirClass[i]!]!
  const c = st.extra.get(ori)
  return c !== undefined ? st.rows[c]! : st.rowForUnknown(ori)
}

function firstCandidate (cands: readonly CompiledRule[], req: PolicyRequest, fallback: Decision): Decision {
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i]!
    if (!c.conditional) return c.decision
    if (req.time < c.from || req.time >= c.until) continue
    if (c.reasons !== null && (req.reason === undefined || !c.reasons.has(req.reason))) continue
    if (c.purposes !== null && (req.purpose === undefined || !c.purposes.has(req.purpose))) continue
    return c.decision
  }
  return fallback
}
