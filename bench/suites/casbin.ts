/**
 * @module bench/suites/casbin
 * The bench policy set for Casbin (bench-only, CJS build, `enforceSync`): RBAC with domains and a deny effect.
 *
 * Requests are (ORI, state, act) with act `query` or `photo` (asked only when
 * the query is allowed and IMQ/Y was sent). A deny list is role membership in
 * the state's domain (`g, <ORI>, il-deny-list, IL`), a component a global role
 * (`g2, <ORI>, component:CBP`); each rule is a deny policy carrying its rule id
 * (`p, il-deny-list, IL, query, deny, il-deny-list`), and two wildcard allow
 * policies are the default allow.
 */
import { createRequire } from 'node:module'
import type { PolicySource } from '../../src/policy/reference.js'
import type { Effect, PolicyRequest, Rule } from '../../src/policy/types.js'
import { type Plain, sourceShape } from './shape.js'

type Casbin = typeof import('casbin')
const casbin = createRequire(import.meta.url)('casbin') as Casbin

export const CASBIN_MODEL = `
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, dom, act, eft, rule

[role_definition]
g = _, _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = r.act == p.act && (p.dom == '*' || r.dom == p.dom) && (p.sub == '*' || g(r.sub, p.sub, r.dom) || g2(r.sub, p.sub))
`

export interface CasbinEngine {
  readonly policies: number
  readonly groupings: number
  /** The effect only, by `enforceSync` (what is timed). */
  effect (r: PolicyRequest): Effect
  /** Effect and deciding rule id, by `enforceExSync` (the same loop, returning the matched policy). */
  decide (r: PolicyRequest): Plain
}

const DEFAULT_RULE = 'default'

/** Translate and load the policies and role links, once per policy set. */
export async function buildCasbin (src: PolicySource): Promise<CasbinEngine> {
  const shapes = sourceShape(src)
  const p: string[][] = [['*', '*', 'query', 'allow', DEFAULT_RULE], ['*', '*', 'photo', 'allow', DEFAULT_RULE]]
  const g: string[][] = []
  const components = new Set<string>()
  const add = (r: Rule, state: string, act: string): void => {
    const { oris, components: comps } = r.requesters
    if (oris.length === 0 && comps.length === 0) p.push(['*', state, act, 'deny', r.id])
    if (oris.length > 0) {
      p.push([r.id, state, act, 'deny', r.id])
      for (const o of oris) g.push([o, r.id, state])
    }
    for (const c of comps) { components.add(c); p.push([`component:${c}`, state, act, 'deny', r.id]) }
  }
  for (const s of shapes) {
    for (const r of s.deny) add(r, s.state, 'query')
    for (const r of s.redact) add(r, s.state, 'photo')
  }
  const g2 = src.directory.agencies.filter((a) => components.has(a.component)).map((a) => [a.ori, `component:${a.component}`])
  const e = await casbin.newEnforcer(casbin.newModelFromString(CASBIN_MODEL))
  await e.addPolicies(p)
  if (g.length > 0) await e.addGroupingPolicies(g)
  if (g2.length > 0) await e.addNamedGroupingPolicies('g2', g2)
  const plain = ([ok, why]: [boolean, string[]], no: Effect): Plain => ok
    ? { effect: 'allow', rule: why[4] === DEFAULT_RULE ? null : why[4] ?? null }
    : { effect: no, rule: why[4] ?? null }
  return {
    policies: p.length, groupings: g.length + g2.length,
    effect: (r) => !e.enforceSync(r.ori, r.state, 'query') ? 'deny' : r.image === true && !e.enforceSync(r.ori, r.state, 'photo') ? 'redact' : 'allow',
    decide: (r) => {
      const q = plain(e.enforceExSync(r.ori, r.state, 'query'), 'deny')
      return q.effect === 'deny' || r.image !== true ? q : plain(e.enforceExSync(r.ori, r.state, 'photo'), 'redact')
    },
  }
}
