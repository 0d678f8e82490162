import t from 'tap'
import { decide } from '../../src/policy/evaluate.js'
import { caseFiles, loadCaseFile, runCaseSuite } from './case-suite.js'

t.test('the compiled engine passes the shared case suite', async (t) => {
  await runCaseSuite(t, (req, _src, set) => decide(req, set))
})

t.test('decisions are shared frozen objects: no allocation per decision', async (t) => {
  const { set } = loadCaseFile(caseFiles().find((f) => f.includes('selectors'))!)
  const req = { ori: 'TX0020100', state: 'IL', key: 'DQ' as const, time: 0 }
  const a = decide(req, set)
  const b = decide({ ...req }, set)
  t.equal(a, b, 'same object for the same class and slot')
  t.ok(Object.isFrozen(a), 'frozen')
})

t.test('an unknown key or destination fails closed instead of throwing', async (t) => {
  const { set } = loadCaseFile(caseFiles().find((f) => f.includes('selectors'))!)
  t.match(decide({ ori: 'TX0020100', state: 'IL', key: 'XQ' as never, time: 0 }, set), { effect: 'deny', rule: 'fail-closed' })
  t.match(decide({ ori: 'TX0020100', state: 'ZZ', key: 'DQ', time: 0 }, set), { effect: 'deny', rule: 'fail-closed' })
})

t.test('ORIs outside the directory are remembered in a bounded memo', async (t) => {
  const { set } = loadCaseFile(caseFiles().find((f) => f.includes('selectors'))!)
  const il = set.states.get('IL')!
  for (let i = 0; i < 10000; i++) {
    const ori = `ZZ${String(i).padStart(7, '0')}`
    decide({ ori, state: 'IL', key: 'DQ', time: 0 }, set)
  }
  t.ok(il.unknownMemoSize <= 4096, `memo holds at most 4096 entries (holds ${il.unknownMemoSize})`)
  t.ok(il.unknownMemoSize > 0, 'the memo is used')
  t.match(decide({ ori: 'ZZICE0177', state: 'IL', key: 'DQ', time: 0 }, set), { effect: 'deny', rule: 'by-pattern' },
    'a pattern still matches after the memo churned')
})
