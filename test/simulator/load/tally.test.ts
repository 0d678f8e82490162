/**
 * @module test/simulator/load/tally
 * Outcomes counted from the hub's replies: decisions per destination, replies
 * by key and status, ER and SM codes, queued replies, HTTP status, injected
 * messages apart from errors; the per-second series.
 */
import t from 'tap'
import type { LoadMessage } from '../../../simulator/load/messages.js'
import { codeOf, parseOutcome, Series, Tally } from '../../../simulator/load/tally.js'

const msg = (kind: LoadMessage['kind'] = 'model'): LoadMessage => ({ line: 'TX', token: 'demo-TX', contentType: 'text/plain', body: 'DQ.TX0020100.IL.TXTOLN/D1', key: 'DQ', component: 'local', state: 'IL', kind })
const reply = (key: string, status: string, state?: string, body = ''): Record<string, unknown> => ({ key, from: 'NL0000000', to: 'TX0020100', status, ...(state ? { state } : {}), text: `${key}.NL0000000\n14:30 11/25/2026 00001\n14:30 11/25/2026 00001 TX0020100\nTXT\n${body}` })

t.test('codeOf reads the Nlets code after TXT', async (t) => {
  t.equal(codeOf('ER.NL0000000\nx\ny\nTXT\n.14. FIELDS MISSING\nmore'), '.14')
  t.equal(codeOf('ER.NL0000000\nx\ny\nTXT\n0 MESSAGE FORMAT/STRUCTURE ERROR'), '0')
  t.equal(codeOf('garbage'), 'unknown')
})

t.test('a reply with decisions, an SM and a queued state', async (t) => {
  const body = JSON.stringify({
    id: 'x',
    replies: [reply('DR', 'hit', 'IL'), reply('DR', 'denied', 'NY'), reply('SM', 'queued', 'WA', '.02. USER OUT OF SERVICE'), reply('SM', 'status', 'AK', '.01. USER DOES NOT RESPOND')],
    decisions: [{ destination: 'IL', effect: 'allow' }, { destination: 'NY', effect: 'deny' }, { destination: 'WA', effect: 'allow' }, { destination: 'AK', effect: 'redact' }],
  })
  const tally = new Tally()
  const m = msg()
  tally.onSent(m)
  tally.onAnswer(m, parseOutcome(200, body), 5, 4)
  const j = tally.toJSON()
  t.same(j.decisions, { allow: 2, deny: 1, redact: 1 })
  t.same(j.byState, { AK: { allow: 0, deny: 0, redact: 1, queued: 0 }, IL: { allow: 1, deny: 0, redact: 0, queued: 0 }, NY: { allow: 0, deny: 1, redact: 0, queued: 0 }, WA: { allow: 1, deny: 0, redact: 0, queued: 1 } })
  t.same(j.replies, { DR: { hit: 1, denied: 1 }, SM: { queued: 1, status: 1 } })
  t.same(j.sm, { '.02': 1, '.01': 1 })
  t.equal(j.queued, 1)
  t.same(j.http, { 200: 1 })
  t.same(j.byComponent.local, { sent: 1, completed: 1, errors: 0, allow: 2, deny: 1, redact: 1 })
  // HDR: three significant digits.
  t.ok(Math.abs(j.latencyMs.p50 - 5) < 0.01, `p50 ${j.latencyMs.p50}`)
  t.ok(Math.abs(j.latencyFromSendMs.max - 4) < 0.01, `max ${j.latencyFromSendMs.max}`)
})

t.test('errors: 4xx of model messages, 5xx, timeouts, connections; injected rejections are not errors', async (t) => {
  const tally = new Tally()
  const er = JSON.stringify({ id: 'x', replies: [reply('ER', 'error', undefined, '.14. FIELDS MISSING')], decisions: [] })
  tally.onAnswer(msg(), parseOutcome(400, er), 1, 1)
  tally.onAnswer(msg(), parseOutcome(503, 'Service Unavailable'), 1, 1)
  tally.onFailure(msg(), 'timeout')
  tally.onFailure(msg(), 'connection')
  tally.onSent(msg('invalid'))
  tally.onAnswer(msg('invalid'), parseOutcome(400, er), 1, 1)
  tally.onSent(msg('spoof'))
  tally.onAnswer(msg('spoof'), parseOutcome(200, '{}'), 1, 1)
  const j = tally.toJSON()
  t.same(j.errors, { total: 4, timeout: 1, connection: 1, http5xx: 1, http4xx: 1 })
  t.same(j.er, { '.14': 2 })
  t.same(j.injected, { invalid: { sent: 1, rejected: 1, accepted: 0, failed: 0 }, spoof: { sent: 1, rejected: 0, accepted: 1, failed: 0 } })
  t.same(j.http, { 400: 2, 503: 1, 200: 1 })
})

t.test('the series closes one second at a time', async (t) => {
  const s = new Series()
  const ok = parseOutcome(200, JSON.stringify({ replies: [], decisions: [{ destination: 'IL', effect: 'deny' }] }))
  s.answer(0, ok, 2, false)
  s.answer(0, ok, 4, false)
  s.answer(2, undefined, 0, true)
  const out = s.finish(2)
  t.same(out.map((x) => [x.t, x.completed, x.deny, x.errors]), [[0, 2, 2, 0], [1, 0, 0, 0], [2, 1, 0, 1]])
  t.ok(Math.abs(out[0]!.max - 4) < 0.01, `max ${out[0]!.max}`)
})
