import t from 'tap'
import { referenceDecide, referenceTrace } from '../../src/policy/reference.js'
import { caseFiles, caseRequest, loadCaseFile, runCaseSuite } from './case-suite.js'

t.test('the reference interpreter passes the shared case suite', async (t) => {
  await runCaseSuite(t, (req, src) => referenceDecide(req, src))
})

t.test('a full trace lists every rule with reasons, matched or not', async (t) => {
  const { src } = loadCaseFile(caseFiles().find((f) => f.includes('order-keys'))!)
  const tr = referenceTrace(caseRequest({ ori: 'VTICE0900', to: 'MN', key: 'RNQ' }), src)
  t.same(tr.rules.map((r) => [r.rule, r.matched]), [
    ['photo-redact', false], ['vehicle-deny', true], ['driver-kq-deny', false], ['later-all', true],
  ])
  t.equal(tr.decision.rule, 'vehicle-deny', 'the first match decides even when later rules match')
  for (const r of tr.rules) t.ok(r.reasons.length > 0 && r.reasons.every((s) => s.length > 5), `${r.rule} has a reason`)
})
