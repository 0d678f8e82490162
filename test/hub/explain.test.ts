/**
 * POST /v1/messages?explain=1: each destination's decision with its
 * rule-by-rule explanation, the same lines and JSON as `policy explain`.
 */
import t from 'tap'
import { explain } from '../../src/policy/explain.js'
import { explanationJson, explanationText } from '../../src/policy/explain-format.js'
import { send, testHub } from './helpers.js'

t.test('?explain=1 gives every destination its explanation, as policy explain does', async (t) => {
  const hub = await testHub(t)
  const r = await send(hub, 'TC', 'DQ.NYCBP0100.IL,WA.TXTOLN/D1234561.IMQ/Y.PUR/C', {}, '?explain=1')
  t.equal(r.status, 200)
  const [il, wa] = r.body.decisions as unknown as Array<{ destination: string, effect: string, explanation: { text: string[], json: { decision: { effect: string }, rules: unknown[] } } }>
  t.match(il, { destination: 'IL', effect: 'redact' })
  t.match(il!.explanation.text.join('\n'), /Rule il-redact-photo-immigration decides: REDACT \(photo\)/)
  t.match(il!.explanation.text.join('\n'), /rules of IL, in order:\n {2}1\. il-deny-ice \(deny\) no match/)
  const expected = explain({ ori: 'NYCBP0100', state: 'IL', key: 'DQ', image: true, purpose: 'C', time: Date.parse('2025-11-25T17:00:00Z') }, hub.ctx.store.current)
  t.same(il!.explanation.text, explanationText(expected), 'the lines policy explain prints')
  t.same(il!.explanation.json, JSON.parse(JSON.stringify(explanationJson(expected))), 'and its JSON')
  t.match(wa, { destination: 'WA', effect: 'allow', explanation: { json: { decision: { effect: 'allow' } } } })
  const plain = await send(hub, 'TC', 'DQ.NYCBP0100.IL.TXTOLN/D1234561')
  t.notOk('explanation' in plain.body.decisions[0]!, 'only on request')
})
