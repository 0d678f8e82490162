/**
 * @module bench/suites/shape
 * The policy shape the Cedar and Casbin translations handle (deny rules, then photo redact rules, default allow), checked rather than assumed.
 */
import type { PolicySource } from '../../src/policy/reference.js'
import type { Effect, Rule, Selector, StatePolicy } from '../../src/policy/types.js'

/** A decision reduced to what every engine can report: effect and deciding rule id. */
export interface Plain {
  readonly effect: Effect
  readonly rule: string | null
}

/** One state's rules split by phase: the query phase (deny), then the photo phase (redact). */
export interface StateShape {
  readonly state: string
  readonly deny: readonly Rule[]
  readonly redact: readonly Rule[]
}

function plainSelector (s: Selector): boolean {
  return s.patterns.length + s.groups.length + s.types.length + s.lines.length === 0
}

function emptySelector (s: Selector): boolean {
  return plainSelector(s) && s.oris.length + s.components.length === 0
}

function unsupported (p: StatePolicy, why: string): never {
  throw new Error(`bench translation: ${p.state}: ${why}`)
}

/**
 * First-match over [deny rules with keys `all`] then [redact rules with keys
 * `photo`] under default allow equals two questions: may the requester query
 * (any deny rule matching denies), and if so and IMQ/Y was sent, may the photo
 * go (any redact rule matching redacts). Anything else throws.
 */
export function stateShape (p: StatePolicy): StateShape {
  if (p.default !== 'allow') unsupported(p, 'default must be allow')
  const deny: Rule[] = []
  const redact: Rule[] = []
  for (const r of p.rules) {
    if (!plainSelector(r.requesters)) unsupported(p, `${r.id}: only ORI lists and components are translated`)
    if (!emptySelector(r.except)) unsupported(p, `${r.id}: except`)
    if (r.origin !== 'any' || r.reasons.length + r.purposes.length > 0 || r.from !== undefined || r.until !== undefined) unsupported(p, `${r.id}: conditions`)
    if (r.effect === 'deny' && r.keys.length === 1 && r.keys[0] === 'all') {
      if (redact.length > 0) unsupported(p, `${r.id}: a deny rule after a redact rule`)
      deny.push(r)
    } else if (r.effect === 'redact' && r.keys.length === 1 && r.keys[0] === 'photo' && r.redact.join() === 'photo') {
      redact.push(r)
    } else unsupported(p, `${r.id}: only deny/all and redact-photo/photo rules`)
  }
  return { state: p.state, deny, redact }
}

export function sourceShape (src: PolicySource): StateShape[] {
  const out: StateShape[] = []
  const ids = new Set<string>()
  for (const [state, p] of src.policies) {
    if (p === undefined) throw new Error(`bench translation: ${state}: a failed policy is not translated`)
    const s = stateShape(p)
    for (const r of [...s.deny, ...s.redact]) {
      if (ids.has(r.id)) unsupported(p, `rule id ${r.id} is used twice (ids name groups and policies)`)
      ids.add(r.id)
    }
    out.push(s)
  }
  return out
}

/** The earliest of `ids` in rule order (engines report matched rules as a set). */
export function earliest (ids: readonly string[], order: ReadonlyMap<string, number>): string {
  let best = ids[0]!
  for (let i = 1; i < ids.length; i++) if ((order.get(ids[i]!) ?? Infinity) < (order.get(best) ?? Infinity)) best = ids[i]!
  return best
}

/** Every ORI named by a rule, with the ids of the rules naming it. */
export function listedOris (shapes: readonly StateShape[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const s of shapes) {
    for (const r of [...s.deny, ...s.redact]) {
      for (const o of r.requesters.oris) {
        const ids = out.get(o)
        if (ids === undefined) out.set(o, [r.id])
        else if (!ids.includes(r.id)) ids.push(r.id)
      }
    }
  }
  return out
}
