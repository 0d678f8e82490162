/**
 * @module test/policy/list-file
 * `oris_file`: a plain text list of ORIs beside a policy decides like the same
 * ORIs in YAML; a changed list is a new version; a bad line, a missing file or
 * a path leaving the folder is an error with its place, and the state fails
 * closed; a scenario's added rule cannot use one.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { decide } from '../../src/policy/evaluate.js'
import { explain } from '../../src/policy/explain.js'
import { parseOriList } from '../../src/policy/list-file.js'
import { loadPolicySet } from '../../src/policy/load.js'
import { loadPolicySetOffThread } from '../../src/policy/load-thread.js'
import type { QueryKey } from '../../src/message/keys.js'
import { addIlRule, copyPolicies, withIlList } from './helpers.js'

const AT = Date.parse('2025-11-25T00:00:00Z')
const req = (ori: string, state = 'IL', key: QueryKey = 'DQ') => ({ ori, state, key, image: false, time: AT })

t.test('parseOriList: ORIs, comments, blanks, case; a bad line named with its number', async (t) => {
  const r = parseOriList('# deny list\nDCFBIWA00\n\n  vadeadx00  # DEA\nNOT-AN-ORI\r\nTX0020100\r\n', 'list.txt', { state: 'IL', rule: 'r' })
  t.same(r.oris, ['DCFBIWA00', 'VADEADX00', 'TX0020100'])
  t.equal(r.diagnostics.length, 1)
  t.match(r.diagnostics[0], { code: 'NSIM_POLICY_ORI', file: 'list.txt', line: 5, column: 1, state: 'IL', rule: 'r' })
})

t.test('a list file decides like the same ORIs in YAML, read here or in the reader thread', async (t) => {
  const listed = copyPolicies(t)
  writeFileSync(join(listed, 'states', 'il-deny.txt'), '# test list\nDCFBIWA00\nVADEADX00\n')
  addIlRule(listed, 'oris_file: il-deny.txt', 'oris: [VADEADX00]')
  const inline = copyPolicies(t)
  addIlRule(inline, 'oris: [DCFBIWA00, VADEADX00]', 'oris: [VADEADX00]')
  const a = await loadPolicySet(listed)
  const b = await loadPolicySet(inline)
  const c = await loadPolicySetOffThread(listed)
  for (const l of [a, b, c]) t.same(l.diagnostics.filter((d) => d.severity === 'error'), [])
  t.equal(c.readIn, 'worker')
  for (const set of [a.set, b.set, c.set]) {
    t.match(decide(req('DCFBIWA00'), set), { effect: 'deny', rule: 'il-list-test' })
    t.match(decide(req('VADEADX00'), set), { effect: 'allow', rule: null }, 'excepted inline')
    t.match(decide(req('TX0020100'), set), { effect: 'allow', rule: null })
  }
  t.equal(c.set.version, a.set.version)
  t.same(a.set.source.policies.get('IL')!.rules[0]!.requesters.orisFile?.path, 'il-deny.txt', 'the rule says where its ORIs came from')
  t.match(JSON.stringify(explain(req('DCFBIWA00'), a.set)), /ORI DCFBIWA00 is listed in il-deny\.txt/, 'explain names the list file')
  const both = copyPolicies(t)
  writeFileSync(join(both, 'states', 'il-deny.txt'), 'DCFBIWA00\n')
  addIlRule(both, 'oris: [TX0020100]\n      oris_file: il-deny.txt')
  const d = await loadPolicySet(both)
  t.match(JSON.stringify(explain(req('TX0020100'), d.set)), /ORI TX0020100 is listed;/, 'an ORI listed inline is not said to come from the file')
  t.match(JSON.stringify(explain(req('DCFBIWA00'), d.set)), /ORI DCFBIWA00 is listed in il-deny\.txt/)
})

t.test('a changed list is a new policy version', async (t) => {
  const { dir, list } = withIlList(t, 'DCFBIWA00\n')
  const before = await loadPolicySet(dir)
  writeFileSync(list, 'DCFBIWA00\nVADEADX00\n')
  const after = await loadPolicySet(dir)
  t.not(after.set.version, before.set.version)
  t.match(decide(req('VADEADX00'), after.set), { effect: 'deny', rule: 'il-list-test' })
  t.match(decide(req('VADEADX00'), before.set), { effect: 'allow' })
})

t.test('a bad line or a missing list: an error with its place, the state fails closed', async (t) => {
  const { dir: bad, list } = withIlList(t, 'DCFBIWA00\nDCFBIWA0\n')
  const b = await loadPolicySet(bad)
  t.ok(b.diagnostics.some((d) => d.code === 'NSIM_POLICY_ORI' && d.file === list && d.line === 2 && d.rule === 'il-list-test'))
  t.same(b.failed, ['IL'])
  t.match(decide(req('TX0020100'), b.set), { effect: 'deny', rule: 'fail-closed' })

  const missing = copyPolicies(t)
  addIlRule(missing, 'oris_file: lists/nowhere.txt')
  const m = await loadPolicySet(missing)
  const read = m.diagnostics.find((d) => d.code === 'NSIM_POLICY_READ')
  t.match(read, { file: join(missing, 'states', 'IL.yaml'), rule: 'il-list-test' })
  t.match(read?.message, /oris_file `lists\/nowhere.txt`: ENOENT/)
  t.ok(read !== undefined && read.line > 0, 'at the oris_file line')
  t.same(m.failed, ['IL'])
})

t.test('an emptied list is an error, not a rule on every agency; an empty except list excepts nobody', async (t) => {
  const { dir } = withIlList(t, '# lifted\n\n')
  const l = await loadPolicySet(dir)
  t.ok(l.diagnostics.some((d) => d.code === 'NSIM_POLICY_VALUE' && d.rule === 'il-list-test' && /lists no ORIs/.test(d.message)))
  t.same(l.failed, ['IL'])

  const exc = copyPolicies(t)
  writeFileSync(join(exc, 'states', 'none.txt'), '# nobody\n')
  addIlRule(exc, 'oris: [DCFBIWA00]', 'oris_file: none.txt')
  const e = await loadPolicySet(exc)
  t.same(e.diagnostics.filter((d) => d.severity === 'error'), [])
  t.match(decide(req('DCFBIWA00'), e.set), { effect: 'deny', rule: 'il-list-test' })
  t.match(decide(req('TX0020100'), e.set), { effect: 'allow', rule: null })
})

t.test('a path that leaves the folder is refused when parsed', async (t) => {
  for (const path of ['../groups.yaml', '/etc/hosts']) {
    const dir = copyPolicies(t)
    addIlRule(dir, `oris_file: ${path}`)
    const l = await loadPolicySet(dir)
    t.ok(l.diagnostics.some((d) => d.code === 'NSIM_POLICY_VALUE' && d.message.includes('oris_file')), `${path}: refused`)
    t.same(l.failed, ['IL'])
  }
})
