/**
 * The engine edge cases of issue 9 (sections 5 and 6): a rule key the hub never
 * decides on, empty condition lists, built-in group names, ORI-looking group
 * names, YAML anchors, the version of broken files, and coverage of states that
 * fail closed and of conditions.
 */
import { readFileSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { parseDirectory } from '../../src/directory/load.js'
import { compilePolicySet } from '../../src/policy/compile.js'
import { decide } from '../../src/policy/evaluate.js'
import { explain } from '../../src/policy/explain.js'
import { loadPolicySet, makeSource } from '../../src/policy/load.js'
import { parseGroups, parseStatePolicy } from '../../src/policy/parse.js'
import { referenceDecide } from '../../src/policy/reference.js'
import { runPolicyTests } from '../../src/policy/test-runner.js'
import type { PolicyRequest } from '../../src/policy/types.js'
import { FIXTURE_DIRECTORY } from './case-suite.js'
import { copyPolicies } from './helpers.js'

const { directory } = parseDirectory(readFileSync(FIXTURE_DIRECTORY, 'utf8'))
const AT = Date.parse('2025-11-25T00:00:00Z')
const HEAD = 'state: IL\nversion: 1\ndefault: allow\nrules:\n'
const rule = (extra: string): string => `${HEAD}  - id: r\n    effect: deny\n    description: d\n${extra}`

function codesAt (text: string, groups = new Set<string>()): Array<{ code: string, line: number, column: number }> {
  return parseStatePolicy(text, 'IL.yaml', groups, 'IL').diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column }))
}

t.test('DQG and RQG in a rule key are errors naming file and line (the hub decides them as DQ and RQ)', async (t) => {
  const text = rule('    keys: [DQ, dqg]\n  - id: s\n    effect: deny\n    description: d\n    keys: RQG\n')
  const r = parseStatePolicy(text, 'IL.yaml', new Set(), 'IL')
  t.equal(r.value, undefined)
  t.same(r.diagnostics.map((d) => [d.code, d.file, d.line, d.column]), [
    ['NSIM_POLICY_REGIONAL_KEY', 'IL.yaml', 8, 16], ['NSIM_POLICY_REGIONAL_KEY', 'IL.yaml', 12, 11]])
  t.match(r.diagnostics[0]!.message, /write `DQ`/)
})

t.test('a regional query is explained, tested and decided as the key the state receives', async (t) => {
  const p = parseStatePolicy(rule('    requesters: { components: [ICE-ERO] }\n    keys: [DQ]\n'), 'IL.yaml', new Set(), 'IL').value!
  const set = compilePolicySet(makeSource(directory, [], new Map([['IL', p]])))
  const sent: PolicyRequest = { ori: 'VTICE0900', state: 'IL', key: 'DQG', time: AT }
  const e = explain(sent, set)
  t.match(e.decision, { effect: 'deny', rule: 'r' })
  t.ok(e.consistent)
  t.match(e.summary.join(' '), /sends it to IL as DQ/)
  t.match(decide(sent, set), { effect: 'deny', rule: 'r' }, 'decide() gives DQG the DQ decision too')
  const report = runPolicyTests([{ name: 'regional', request: { ...sent, key: 'DQ' }, expect: { effect: 'deny', rule: 'r' }, at: { file: 'f', line: 1, column: 1 } }], set)
  t.equal(report.failed, 0)
})

t.test('keys: [], when.reasons: [] and when.purposes: [] are errors with file and line', async (t) => {
  t.same(codesAt(rule('    keys: []\n')), [{ code: 'NSIM_POLICY_VALUE', line: 8, column: 11 }])
  t.same(codesAt(rule('    when: { reasons: [] }\n')), [{ code: 'NSIM_POLICY_VALUE', line: 8, column: 22 }])
  t.same(codesAt(rule('    when:\n      purposes: []\n')), [{ code: 'NSIM_POLICY_VALUE', line: 9, column: 17 }])
})

t.test('a named group with a built-in name is an error with file and line', async (t) => {
  const g = parseGroups('groups:\n  federal:\n    description: x\n    members: [VTICE0900]\n', 'groups.yaml')
  t.equal(g.value, undefined)
  t.same(g.diagnostics.map((d) => [d.code, d.file, d.line, d.column]), [['NSIM_POLICY_GROUP_BUILTIN', 'groups.yaml', 2, 3]])
})

t.test('an ORI-looking group name is a group for both engines, and explain works', async (t) => {
  const g = parseGroups('groups:\n  ZZGRP0001:\n    description: x\n    members: [component:HSI]\n  ZZGRP0002:\n    description: y\n    members: [ZZGRP0001, TXICE0100]\n', 'g.yaml')
  t.same(g.diagnostics, [])
  const p = parseStatePolicy(rule('    requesters: { groups: [ZZGRP0002] }\n'), 'IL.yaml', new Set(['ZZGRP0001', 'ZZGRP0002']), 'IL').value!
  const src = makeSource(directory, g.value!, new Map([['IL', p]]))
  const set = compilePolicySet(src)
  for (const ori of ['ZZGRP0001', 'ZZGRP0002', 'CAHSI0100', 'TXICE0100', 'VTICE0900']) {
    const req: PolicyRequest = { ori, state: 'IL', key: 'DQ', time: AT }
    t.same(referenceDecide(req, src), decide(req, set), `${ori}: the engines agree`)
    t.ok(explain(req, set).consistent, `${ori}: explain is consistent`)
  }
  t.equal(decide({ ori: 'ZZGRP0001', state: 'IL', key: 'DQ', time: AT }, set).effect, 'allow', 'the group name is not an ORI')
  t.equal(decide({ ori: 'CAHSI0100', state: 'IL', key: 'DQ', time: AT }, set).effect, 'deny', 'a group of groups reaches HSI')
})

t.test('YAML anchors and aliases are followed', async (t) => {
  const text = `${HEAD}  - id: a\n    effect: deny\n    description: d\n    requesters: { components: &ice [ICE-ERO, HSI] }\n    keys: &drv [driver]\n` +
    '  - id: b\n    effect: redact\n    redact: [photo]\n    description: d\n    requesters: { components: *ice }\n    except: &none { oris: [TXICE0100] }\n    keys: *drv\n'
  const r = parseStatePolicy(text, 'IL.yaml', new Set(), 'IL')
  t.same(r.diagnostics, [])
  t.same(r.value?.rules[1]?.requesters.components, ['ICE-ERO', 'HSI'])
  t.same(r.value?.rules[1]?.keys, ['driver'])
  const g = parseGroups('groups:\n  a: &g\n    description: x\n    members: [component:HSI]\n  b: *g\n', 'g.yaml')
  t.same(g.diagnostics, [])
  t.same(g.value?.map((x) => x.members), [['component:HSI'], ['component:HSI']])
})

t.test('a duplicate rule id is reported with the rule\'s other errors', async (t) => {
  const text = rule('  - id: r\n    effect: denny\n    description: d\n')
  t.same(codesAt(text).map((c) => c.code).sort(), ['NSIM_POLICY_DUPLICATE_RULE', 'NSIM_POLICY_EFFECT'])
})

t.test('two different broken versions of a file give two policy versions', async (t) => {
  const dir = copyPolicies(t)
  const file = join(dir, 'states', 'IL.yaml')
  const good = readFileSync(file, 'utf8')
  writeFileSync(file, good.replace('effect: deny', 'effect: denny'))
  const a = await loadPolicySet(dir)
  writeFileSync(file, good.replace('effect: deny', 'effect: dennny'))
  const b = await loadPolicySet(dir)
  t.same([a.failed, b.failed], [['IL'], ['IL']])
  t.not(a.set.version, b.set.version)
  writeFileSync(file, good.replace('effect: deny', 'effect: denny'))
  t.equal((await loadPolicySet(dir)).set.version, a.set.version, 'the same broken file, the same version')
})

t.test('coverage: a failed-closed state is not covered; conditions are counted one by one', async (t) => {
  const p = parseStatePolicy(rule('    requesters: { components: [ICE-ERO, HSI] }\n    keys: [DQ, RQ]\n    when: { purposes: [C], from: 2025-01-01 }\n'),
    'IL.yaml', new Set(), 'IL').value!
  const set = compilePolicySet(makeSource(directory, [], new Map([['IL', p], ['WA', undefined]])))
  const c = { name: 'n', request: { ori: 'VTICE0900', state: 'IL', key: 'DQ' as const, purpose: 'C', time: AT }, expect: { effect: 'deny', rule: 'r' }, at: { file: 'f', line: 1, column: 1 } }
  const r = runPolicyTests([c], set)
  t.same([r.coverage.total, r.coverage.covered, r.coverage.uncovered], [2, 1, ['WA/(failed closed)']])
  t.same(r.coverage.conditions.uncovered.sort(), ['IL/r: keys RQ', 'IL/r: requesters.components HSI', 'WA/(failed closed)'])
  t.equal(r.coverage.conditions.total, 7)
})
