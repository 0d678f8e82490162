/**
 * The policy diff (src/policy/diff.ts): exact against brute force (decide() per
 * request under both sets) on random policy pairs over the fixture directory,
 * and a change in every context dimension shows in its own field.
 */
import fc from 'fast-check'
import t from 'tap'
import { compilePolicySet, type CompiledPolicySet } from '../../src/policy/compile.js'
import { globWitnesses } from '../../src/policy/diff-others.js'
import { changeCovers, DIFF_SLOTS, diffPolicySets, direction } from '../../src/policy/diff.js'
import { decide } from '../../src/policy/evaluate.js'
import { makeSource } from '../../src/policy/load.js'
import { parseStatePolicy } from '../../src/policy/parse.js'
import { type Decision, PURPOSE_CODES, REASON_CODES, type PolicyRequest, type StatePolicy } from '../../src/policy/types.js'
import { DATES, directory, NAMED, ORIS, policy, STATES } from './arbitraries.js'

const OTHER = ['QQICE0100', 'ILZZZ0001', 'TXICE9999', 'ZZZZZ0100', 'WA0000000', 'QZ1234567']
const sameDecision = (a: Decision, b: Decision): boolean => a.effect === b.effect && a.rule === b.rule && (a.redact ?? []).join() === (b.redact ?? []).join()

function compile (pols: StatePolicy[]): CompiledPolicySet {
  return compilePolicySet(makeSource(directory, NAMED, new Map(pols.map((p) => [p.state, p]))))
}

function namedOutside (...sets: CompiledPolicySet[]): Set<string> {
  const out = new Set<string>()
  for (const s of sets) for (const st of s.states.values()) for (const o of st.extra.keys()) if (directory.indexOf(o) < 0) out.add(o)
  return out
}

/** Check every request of the grid: covered by exactly one entry iff its decision differs, with the entry's before/after. */
function exact (live: CompiledPolicySet, cand: CompiledPolicySet, times: number[], contexts: Array<[string | undefined, string | undefined]>): number {
  const d = diffPolicySets(live, cand)
  const byCell = new Map<string, typeof d.changes>()
  for (const c of d.changes) byCell.set(`${c.state}|${c.key}|${c.imq}`, [...(byCell.get(`${c.state}|${c.key}|${c.imq}`) ?? []), c])
  const named = namedOutside(live, cand)
  const inDir = (o: string): boolean => directory.indexOf(o) >= 0
  let n = 0
  for (const ori of [...ORIS, ...OTHER]) {
    for (const state of [...STATES, 'CA']) {
      for (const { key, imq } of DIFF_SLOTS) {
        for (const [reason, purpose] of contexts) {
          for (const time of times) {
            const req: PolicyRequest = { ori, state, key, image: imq, time, ...(reason ? { reason } : {}), ...(purpose ? { purpose } : {}) }
            const a = decide(req, live)
            const b = decide(req, cand)
            const cover = (byCell.get(`${state}|${key}|${imq}`) ?? []).filter((c) => changeCovers(c, req, inDir, named))
            const differs = !sameDecision(a, b)
            if (cover.length !== (differs ? 1 : 0)) {
              throw new Error(`${JSON.stringify(req)}: decisions ${JSON.stringify([a, b])}, covered by ${cover.length} entries ${JSON.stringify(cover)}`)
            }
            if (differs) {
              const c = cover[0]!
              if (c.before.effect !== a.effect || c.before.rule !== a.rule || c.after.effect !== b.effect || c.after.rule !== b.rule ||
                c.after.redact.join() !== (b.redact ?? []).join()) throw new Error(`${JSON.stringify(req)}: entry ${JSON.stringify(c)} vs ${JSON.stringify([a, b])}`)
              const dir = direction(c.before, c.after)
              if (dir.gained !== c.gained || dir.lost !== c.lost) throw new Error('direction')
            }
            n++
          }
        }
      }
    }
  }
  return n
}

const TIMES = [...DATES, ...DATES.map((x) => x - 1), DATES[3]! + 1e9]

t.test('the diff is exact against decide() per request on random policy pairs', async (t) => {
  let checked = 0
  const ctx = fc.array(fc.tuple(fc.option(fc.constantFrom(...REASON_CODES), { nil: undefined }), fc.option(fc.constantFrom(...PURPOSE_CODES), { nil: undefined })), { minLength: 3, maxLength: 6 })
  fc.assert(fc.property(fc.tuple(policy('IL'), policy('WA'), policy('TX')), fc.tuple(policy('IL'), policy('WA'), policy('TX')), ctx,
    (a, b, contexts) => {
      // Half the time the candidate is the live set with one state replaced (the usual change).
      checked += exact(compile(a), compile([b[0], a[1], a[2]]), TIMES, [[undefined, undefined], ...contexts])
      checked += exact(compile(a), compile(b), TIMES, [[undefined, undefined], ...contexts])
    }), { numRuns: 25, seed: Number(process.env.FC_SEED ?? 20261202) })
  t.ok(checked > 100_000, `checked ${checked} requests`)
})

t.test('identical sets: no change', async (t) => {
  const p = fc.sample(fc.tuple(policy('IL', 3), policy('WA'), policy('TX')), { numRuns: 1, seed: 7 })[0]!
  const d = diffPolicySets(compile(p), compile(p))
  t.same(d.changes, [])
  t.same(d.summary, { gained: 0, lost: 0, redactionChanged: 0, changes: 0 })
})

const at = { file: 'p', line: 1, column: 1 }
function one (yaml: string): CompiledPolicySet {
  const p = parseStatePolicy(`state: TX\nversion: 1\ndefault: allow\nrules:${yaml === '' ? ' []' : ''}\n${yaml}`, 'TX.yaml', new Set(), 'TX')
  if (p.value === undefined) throw new Error(p.diagnostics.map((x) => x.message).join('; '))
  return compilePolicySet(makeSource(directory, NAMED, new Map([['TX', p.value]])))
}
void at

t.test('a change in every context dimension is in its own field', async (t) => {
  const base = one('')
  const rule = (extra: string): string => `  - id: r\n    effect: deny\n    description: d\n    requesters: { oris: [TXICE0100] }\n${extra}`
  const ctx = (yaml: string) => diffPolicySets(base, one(rule(yaml))).changes.map((c) => ({ key: c.key, imq: c.imq, ...c.context }))
  t.same(ctx('    keys: [KQ]\n    when: { reasons: [F] }\n'), [
    { key: 'KQ', imq: false, reason: 'F', purpose: null, from: null, until: null },
    { key: 'KQ', imq: true, reason: 'F', purpose: null, from: null, until: null }], 'reason; KQ with and without IMQ')
  t.same(ctx('    keys: [RNQ]\n    when: { purposes: [C, S] }\n'), [
    { key: 'RNQ', imq: false, reason: null, purpose: 'C', from: null, until: null },
    { key: 'RNQ', imq: false, reason: null, purpose: 'S', from: null, until: null }], 'purpose codes')
  t.same(ctx('    keys: [photo]\n    when: { from: 2026-01-01, until: 2026-07-01T12:00:00Z }\n'), [
    { key: 'DQ', imq: true, reason: null, purpose: null, from: '2026-01-01', until: '2026-07-01T12:00:00.000Z' },
    { key: 'KQ', imq: true, reason: null, purpose: null, from: '2026-01-01', until: '2026-07-01T12:00:00.000Z' }], 'dates; photo is IMQ only')
  // A code the live set names and the candidate changes around it: "any other or none".
  const live = one(rule('    keys: [RQ]\n    when: { purposes: [C] }\n'))
  const cand = one('')
  const other = diffPolicySets(cand, one('  - id: s\n    effect: deny\n    description: d\n    requesters: { oris: [TXICE0100] }\n    keys: [RQ]\n')).changes
  t.same(other.map((c) => c.context.purpose), [null])
  const notIn = diffPolicySets(live, one('  - id: s\n    effect: deny\n    description: d\n    requesters: { oris: [TXICE0100] }\n    keys: [RQ]\n')).changes
  t.same(notIn.map((c) => [c.context.purpose, c.before.rule, c.after.rule]), [['C', 'r', 's'], [{ notIn: ['C'] }, null, 's']])
})

t.test('who: directory ORIs, named ORIs outside it, and every other ORI', async (t) => {
  const base = one('')
  const d = diffPolicySets(base, one('  - id: r\n    effect: redact\n    redact: [photo]\n    description: d\n    requesters: { oris: [TXICE0100, ZZICE0042] }\n    keys: [RPQ]\n'))
  t.same(d.changes.map((c) => [c.oris, c.outsideDirectory]), [[['TXICE0100', 'ZZICE0042'], true]], 'one entry per identical change; outside when any ORI is')
  t.same(d.summary, { gained: 0, lost: 1, redactionChanged: 0, changes: 1 })
  const p = diffPolicySets(base, one('  - id: r\n    effect: deny\n    description: d\n    requesters: { patterns: [\'??ICE*\'] }\n    keys: [RPQ]\n'))
  t.same(p.changes.map((c) => [c.oris.length > 1 ? 'many' : c.oris, c.otherOris?.matching]), [[['*'], ['??ICE*']], ['many', undefined]])
  const all = diffPolicySets(base, one('  - id: r\n    effect: deny\n    description: d\n    keys: [RPQ]\n'))
  t.same(all.changes.map((c) => [c.oris[0] === '*' ? '*' : c.oris.length, c.otherOris]), [['*', undefined], [directory.size, undefined]])
})

t.test('gained and lost: effects and redacted fields, both ways at once', async (t) => {
  const o = (effect: 'allow' | 'deny' | 'redact', redact: string[] = []) => ({ effect, rule: null, redact })
  t.same(direction(o('deny'), o('redact', ['photo'])), { gained: true, lost: false })
  t.same(direction(o('redact', ['photo']), o('allow')), { gained: true, lost: false })
  t.same(direction(o('allow'), o('deny')), { gained: false, lost: true })
  t.same(direction(o('redact', ['photo', 'ssn']), o('redact', ['photo'])), { gained: true, lost: false })
  t.same(direction(o('redact', ['photo']), o('redact', ['ssn'])), { gained: true, lost: true })
  t.same(direction(o('allow'), { effect: 'allow', rule: 'x', redact: [] }), { gained: false, lost: false })
})

t.test('glob witnesses are ORIs matching every pattern given', async (t) => {
  const w = globWitnesses(['??ICE*', '*0100', 'TX*'], 3)
  t.ok(w.length > 0)
  for (const o of w) t.match(o, /^TX.ICE.*0100$|^TXICE0100$/)
  t.same(globWitnesses(['TX*', 'IL*']), [], 'no ORI starts with both')
})
