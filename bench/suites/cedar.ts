/**
 * @module bench/suites/cedar
 * The bench policy set for Cedar (`@cedar-policy/cedar-wasm`, bench-only): deny lists as entity data, policies preparsed, redact as its own action.
 *
 * Requesters are `Agency::"<ORI>"` entities with a `component` attribute and,
 * as parents, a `DenyList::"<rule id>"` group per rule listing them. Each deny
 * rule becomes `forbid (principal in DenyList::"il-deny-list", action ==
 * Action::"query", resource == State::"IL");`, each photo redact rule a forbid
 * on `Action::"photo"` (asked only when the query is allowed and IMQ/Y was
 * sent), and one `permit (principal, action, resource);` is the default allow.
 * Policy ids are rule ids, so Cedar's determining policies are our deciding rules.
 * Per call Cedar gets the requester's entity (its slice of the store), prebuilt.
 */
import {
  type EntityJson, type EntityUidJson, isAuthorized, preparsePolicySet, type Response, statefulIsAuthorized,
} from '@cedar-policy/cedar-wasm/nodejs'
import type { PolicySource } from '../../src/policy/reference.js'
import type { PolicyRequest, Rule } from '../../src/policy/types.js'
import { earliest, listedOris, type Plain, sourceShape } from './shape.js'

export interface CedarEngine {
  /** Policy id to Cedar text, as preparsed. */
  readonly policies: Readonly<Record<string, string>>
  /** Requester entities built (directory plus listed ORIs). */
  readonly entities: number
  /** One decision, the requester's entity as the call's entity data. */
  decide (r: PolicyRequest): Plain
  /** The same, passing the whole entity store on every call (for comparison only). */
  decideWholeStore (r: PolicyRequest): Plain
}

interface Principal {
  readonly uid: EntityUidJson
  readonly entities: EntityJson[]
}

export const DEFAULT_POLICY = 'default-allow'
const QUERY: EntityUidJson = { type: 'Action', id: 'query' }
const PHOTO: EntityUidJson = { type: 'Action', id: 'photo' }
const CONTEXT = {}
const str = (s: string): string => JSON.stringify(s)

function policyText (r: Rule, state: string, action: string): string {
  const { oris, components } = r.requesters
  const inList = `principal in DenyList::${str(r.id)}`
  const comp = components.length === 1
    ? `principal.component == ${str(components[0]!)}`
    : `[${components.map(str).join(', ')}].contains(principal.component)`
  const scope = oris.length > 0 && components.length === 0 ? inList : 'principal'
  const when = oris.length > 0 && components.length > 0 ? `${inList} || ${comp}` : components.length > 0 ? comp : ''
  return `forbid (${scope}, action == Action::${str(action)}, resource == State::${str(state)})${when ? ` when { ${when} }` : ''};`
}

/** Translate, preparse under `setId` and build the entities, once per policy set. */
export function buildCedar (src: PolicySource, setId: string): CedarEngine {
  const shapes = sourceShape(src)
  const policies: Record<string, string> = {}
  const order = new Map<string, number>()
  for (const s of shapes) {
    for (const r of s.deny) { order.set(r.id, order.size); policies[r.id] = policyText(r, s.state, 'query') }
    for (const r of s.redact) { order.set(r.id, order.size); policies[r.id] = policyText(r, s.state, 'photo') }
  }
  policies[DEFAULT_POLICY] = 'permit (principal, action, resource);'
  const parsed = preparsePolicySet(setId, { staticPolicies: policies })
  if (parsed.type !== 'success') throw new Error(`cedar: ${parsed.errors.map((e) => e.message).join('; ')}`)

  // Entities once: parents and attrs are shared between requesters with the same ones.
  const listed = listedOris(shapes)
  const parentsBy = new Map<string, EntityUidJson[]>()
  const attrsBy = new Map<string, EntityJson['attrs']>()
  const principals = new Map<string, Principal>()
  const make = (ori: string, component: string): Principal => {
    const ids = listed.get(ori) ?? []
    const key = ids.join('\n')
    let parents = parentsBy.get(key)
    if (parents === undefined) parentsBy.set(key, parents = ids.map((id) => ({ type: 'DenyList', id })))
    let attrs = attrsBy.get(component)
    if (attrs === undefined) attrsBy.set(component, attrs = { component })
    const uid = { type: 'Agency', id: ori }
    return { uid, entities: [{ uid, attrs, parents }] }
  }
  for (const a of src.directory.agencies) principals.set(a.ori, make(a.ori, a.component))
  for (const ori of listed.keys()) if (!principals.has(ori)) principals.set(ori, make(ori, ''))
  const store: EntityJson[] = []
  for (const p of principals.values()) store.push(p.entities[0]!)
  const resources = new Map<string, EntityUidJson>()
  for (const s of shapes) resources.set(s.state, { type: 'State', id: s.state })

  const ask = (p: Principal, action: EntityUidJson, resource: EntityUidJson, entities: EntityJson[]): Response => {
    const a = statefulIsAuthorized({ principal: p.uid, action, resource, context: CONTEXT, preparsedPolicySetId: setId, entities })
    if (a.type !== 'success') throw new Error(`cedar: ${a.errors.map((e) => e.message).join('; ')}`)
    if (a.response.diagnostics.errors.length > 0) throw new Error(`cedar: ${JSON.stringify(a.response.diagnostics.errors)}`)
    return a.response
  }
  const rule = (res: Response): string => {
    const ids = res.diagnostics.reason
    return ids.length === 1 ? ids[0]! : earliest(ids, order)
  }
  const plain = (q: Response, ph: (() => Response) | undefined): Plain => {
    if (q.decision === 'deny') return { effect: 'deny', rule: rule(q) }
    const p = ph?.()
    return p?.decision === 'deny' ? { effect: 'redact', rule: rule(p) } : { effect: 'allow', rule: null }
  }
  const decide = (r: PolicyRequest): Plain => {
    const p = principals.get(r.ori) ?? make(r.ori, '')
    const res = resources.get(r.state) ?? { type: 'State', id: r.state }
    const q = ask(p, QUERY, res, p.entities)
    if (q.decision === 'deny') return { effect: 'deny', rule: rule(q) }
    if (r.image === true) {
      const ph = ask(p, PHOTO, res, p.entities)
      if (ph.decision === 'deny') return { effect: 'redact', rule: rule(ph) }
    }
    return { effect: 'allow', rule: null }
  }
  // The whole-store path has its own code and calls `isAuthorized` (policies as
  // text, negligible beside the store): the wasm memory grows during its calls,
  // and on Node 20 (V8 11.3) growth under an optimised frame that inlined the
  // JS-to-wasm call aborts the process ("Fatal error ... unreachable code" in
  // Deoptimizer::DoComputeBuiltinContinuation). Its few calls are never optimised.
  const askWhole = (p: Principal, action: EntityUidJson, resource: EntityUidJson): Response => {
    const a = isAuthorized({ principal: p.uid, action, resource, context: CONTEXT, policies: { staticPolicies: policies }, entities: store })
    if (a.type !== 'success') throw new Error(`cedar: ${a.errors.map((e) => e.message).join('; ')}`)
    if (a.response.diagnostics.errors.length > 0) throw new Error(`cedar: ${JSON.stringify(a.response.diagnostics.errors)}`)
    return a.response
  }
  const decideWholeStore = (r: PolicyRequest): Plain => {
    const p = principals.get(r.ori) ?? make(r.ori, '')
    const res = resources.get(r.state) ?? { type: 'State', id: r.state }
    return plain(askWhole(p, QUERY, res), r.image === true ? () => askWhole(p, PHOTO, res) : undefined)
  }
  return { policies, entities: principals.size, decide, decideWholeStore }
}
