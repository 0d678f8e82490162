/**
 * @module simulator/replay/tables
 * The compiled policy set re-encoded for the replay's inner loop: per
 * destination, the requester class of every directory agency (shared with the
 * compiled set) and a flat table class x slot -> decision index, so a decision
 * is two array reads. Slots whose rules carry run-time conditions (dates) are
 * marked -1 and decided by the engine's own `decideState` (with the query's
 * RSN/ and PUR/). A test checks this
 * encoding against `decide()` on a large random sample.
 */
import type { CompiledPolicySet, CompiledState } from '../../src/policy/compile.js'
import { SLOTS } from '../../src/policy/compile.js'
import { decideState } from '../../src/policy/evaluate.js'
import { FAIL_CLOSED_RULE, type Decision } from '../../src/policy/types.js'
import { QUERY_KEYS, type QueryKey } from '../../src/message/keys.js'
import { DESTINATIONS } from '../traffic/model.js'

export const EFFECT_INDEX: Readonly<Record<string, number>> = { allow: 0, deny: 1, redact: 2 }

export interface DestinationTable {
  readonly state: string
  readonly compiled: CompiledState | undefined
  /** Directory index -> class; null when every agency gets the same decision. */
  readonly dirClass: Uint16Array | Uint32Array | null
  /** class * SLOTS + slot -> decision index, or -1 (decide at run time). */
  readonly code: Int32Array
  /** Decision index -> decision: 0 the default (or fail-closed), 1 + r rule r. */
  readonly decisions: readonly Decision[]
  /** Decision index -> effect index (0 allow, 1 deny, 2 redact). */
  readonly effect: Uint8Array
}

export function buildTables (set: CompiledPolicySet): DestinationTable[] {
  return DESTINATIONS.map((state) => {
    const st = set.states.get(state)
    const decisions: Decision[] = [st?.defaultDecision ?? set.unknownState, ...(st?.rules.map((r) => r.decision) ?? [])]
    const effect = Uint8Array.from(decisions.map((d) => EFFECT_INDEX[d.effect]!))
    if (st === undefined || st.trivial !== null) {
      return { state, compiled: st, dirClass: null, code: new Int32Array(SLOTS), decisions, effect }
    }
    const index = new Map<Decision, number>(decisions.map((d, i) => [d, i]))
    const code = new Int32Array(st.rows.length * SLOTS)
    st.rows.forEach((row, c) => {
      for (let s = 0; s < SLOTS; s++) {
        const d = row.fixed[s]
        code[c * SLOTS + s] = d === null || d === undefined ? -1 : index.get(d)!
      }
    })
    return { state, compiled: st, dirClass: st.dirClass, code, decisions, effect }
  })
}

/** The decision index of a (conditional) slot, decided by the engine at `time`. */
export function decideAt (t: DestinationTable, set: CompiledPolicySet, ori: string, slot: number, time: number,
  reason?: string, purpose?: string): number {
  const d = decideState({
    ori, state: t.state, key: QUERY_KEYS[slot >> 1] as QueryKey, image: (slot & 1) === 1, time,
    ...(reason !== undefined ? { reason } : {}), ...(purpose !== undefined ? { purpose } : {}),
  }, t.compiled!, set)
  if (d.rule === null || d.rule === FAIL_CLOSED_RULE) return 0
  return t.decisions.findIndex((x) => x.rule === d.rule)
}

/** The replay's decision for one query, by the table path (what the kernel computes). */
export function tableDecision (t: DestinationTable, set: CompiledPolicySet, agency: number, slot: number, time: number,
  reason?: string, purpose?: string): Decision {
  const c = t.dirClass === null ? 0 : t.dirClass[agency]!
  const i = t.code[c * SLOTS + slot]!
  return t.decisions[i >= 0 ? i : decideAt(t, set, set.directory.agencies[agency]!.ori, slot, time, reason, purpose)]!
}
