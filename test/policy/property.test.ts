/**
 * Property: on random policies and random requests the compiled engine decides
 * exactly as the naive reference interpreter does.
 */
import fc from 'fast-check'
import t from 'tap'
import { compilePolicySet } from '../../src/policy/compile.js'
import { decide } from '../../src/policy/evaluate.js'
import { makeSource } from '../../src/policy/load.js'
import { referenceDecide } from '../../src/policy/reference.js'
import type { PolicyRequest, StatePolicy } from '../../src/policy/types.js'
import { directory, NAMED, policy, request } from './arbitraries.js'

/** Compile the policies and check every request on both engines; returns how many were checked. */
function agree (pols: StatePolicy[], reqs: PolicyRequest[]): number {
  const src = makeSource(directory, NAMED, new Map(pols.map((p) => [p.state, p])))
  const set = compilePolicySet(src, { unknownOriCacheSize: 2 })
  for (const req of reqs) {
    const a = decide(req, set)
    const b = referenceDecide(req, src)
    if (a.effect !== b.effect || a.rule !== b.rule || (a.redact ?? []).join() !== (b.redact ?? []).join() || a.policyVersion !== b.policyVersion) {
      throw new Error(`compiled ${JSON.stringify(a)} != reference ${JSON.stringify(b)} for ${JSON.stringify(req)}`)
    }
  }
  return reqs.length
}

t.test('compiled decide() equals the reference on random policies and requests', async (t) => {
  let checked = 0
  fc.assert(fc.property(fc.tuple(policy('IL'), policy('WA'), policy('TX')), fc.array(request, { minLength: 20, maxLength: 40 }),
    (pols, reqs) => { checked += agree(pols, reqs) }), { numRuns: 400, seed: Number(process.env.FC_SEED ?? 20251125) })
  t.ok(checked > 8000, `checked ${checked} decisions`)
})

t.test('the same holds for policies of more than 32 rules (multi-word signatures)', async (t) => {
  let checked = 0
  fc.assert(fc.property(fc.tuple(policy('IL', 33, 45), policy('WA', 0, 3), policy('TX', 60, 70)), fc.array(request, { minLength: 30, maxLength: 60 }),
    (pols, reqs) => { checked += agree(pols, reqs) }), { numRuns: 40, seed: Number(process.env.FC_SEED ?? 20251126) })
  t.ok(checked > 1000, `checked ${checked} decisions`)
})
