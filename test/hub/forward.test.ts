/**
 * Store-and-forward through the hub: what the inbox returns, bounds answered
 * with SM .04, queued queries decided again at delivery, and a drain that
 * gives way to other requests.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { request } from 'undici'
import { copyPolicies } from '../policy/helpers.js'
import { ADMIN, send, tempAudit, testHub } from './helpers.js'

const TX = { authorization: 'Bearer demo-TX' }

t.test('inbox replies carry message id, control field and input sequence, in JSON or text, until acknowledged', async (t) => {
  const hub = await testHub(t)
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  await send(hub, 'TX', 'DQ.TX0020100.WA.TXTOLN/D1')
  const q = await send(hub, 'TX', 'DQ.TX0020100.IL.REF77.TXTOLN/D1234561')
  t.match(q.body.replies[0], { key: 'SM', status: 'queued' })
  t.match(q.body.replies[0]!.text, /^SM\.NL0000000\.REF77\n\d\d:\d\d \S+ 00002\n/, 'the SM names the control field and the second input of the line')
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'up' } })
  const inbox = (await hub.app.inject({ url: '/v1/inbox', headers: TX })).json()
  t.equal(inbox.waiting, 1)
  const r = inbox.replies[0]
  t.match(r, { id: `${q.body.id}.IL`, messageId: q.body.id, control: 'REF77', key: 'DR', from: 'ILOLN0000', to: 'TX0020100', state: 'IL', status: 'hit' })
  t.match(r.text, /^DR\.ILOLN0000\.REF77\n\d\d:\d\d \S+ 00002\n/, 'the reply keeps the query\'s input sequence')
  t.ok(Date.parse(r.queuedAt) <= Date.parse(r.deliveredAt), 'queued before delivered')
  const text = await hub.app.inject({ url: '/v1/inbox', headers: { ...TX, accept: 'text/plain' } })
  t.equal(text.headers['content-type'], 'text/plain; charset=utf-8')
  t.equal(text.body, `${r.text}\n`, 'the text form is the reply text')
  const badAck = await hub.app.inject({ method: 'POST', url: '/v1/inbox/ack', headers: TX, payload: { id: r.id } })
  t.equal(badAck.statusCode, 400, 'ack needs `ids`')
  t.equal((await hub.app.inject({ method: 'POST', url: '/v1/inbox/ack', payload: { ids: [r.id] } })).statusCode, 401, 'ack needs the line token')
  t.same((await hub.app.inject({ method: 'POST', url: '/v1/inbox/ack', headers: { authorization: 'Bearer demo-AX' }, payload: { ids: [r.id] } })).json(),
    { acknowledged: 0, waiting: 0 }, 'another line cannot acknowledge it')
  t.same((await hub.app.inject({ method: 'POST', url: '/v1/inbox/ack', headers: TX, payload: { ids: [r.id] } })).json(), { acknowledged: 1, waiting: 0 })
  t.same((await hub.app.inject({ url: '/v1/inbox', headers: TX })).json().replies, [])
})

t.test('queue and inbox bounds answer SM .04, counted by why', async (t) => {
  const hub = await testHub(t, { queueMax: 2, inboxMax: 3 })
  for (const s of ['IL', 'WA']) await hub.app.inject({ method: 'PUT', url: `/v1/admin/states/${s}/fault`, headers: ADMIN, payload: { mode: 'down' } })
  const statuses: string[] = []
  for (const to of ['IL', 'IL', 'IL', 'WA', 'WA']) {
    const r = await send(hub, 'TX', `DQ.TX0020100.${to}.TXTOLN/D1`)
    statuses.push(/\.0[24]\./.exec(r.body.replies[0]!.text)![0])
  }
  t.same(statuses, ['.02.', '.02.', '.04.', '.02.', '.04.'], 'IL full at 2; then TX full at 3 places')
  const other = await send(hub, 'TC', 'DQ.NYCBP0100.WA.TXTOLN/D1')
  t.match(other.body.replies[0]!.text, /\.02\./, 'another line still has room')
  const metrics = (await hub.app.inject({ url: '/metrics', headers: ADMIN })).body
  t.match(metrics, /nsim_not_stored_total\{state="IL",why="queue-full"\} 1/)
  t.match(metrics, /nsim_not_stored_total\{state="WA",why="inbox-full"\} 1/)
})

t.test('a queued query is decided again at delivery: the policy in force then decides, the audit says both', async (t) => {
  const dir = copyPolicies(t, 'nsim-forward-')
  const audit = tempAudit()
  const hub = await testHub(t, { policiesDir: dir, regionsFile: join(dir, 'regions.yaml'), auditFile: audit })
  const before = hub.ctx.store.current.version
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  const ids: string[] = []
  for (let i = 0; i < 5; i++) {
    const r = await send(hub, 'TC', `DQ.NYCBP0100.IL.TXTOLN/D${1234561 + i}`)
    t.match(r.body.decisions[0], { effect: 'allow', policyVersion: before })
    ids.push(r.body.id)
  }
  // Illinois begins denying CBP while the queries wait.
  const file = join(dir, 'states', 'IL.yaml')
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^rules:\n/m, [
    'rules:', '  - id: il-deny-cbp', '    effect: deny', '    description: test rule', '    requesters: { components: [CBP] }', '    keys: [all]', '',
  ].join('\n')))
  const reload = await hub.app.inject({ method: 'POST', url: '/v1/admin/policies/reload', headers: ADMIN })
  t.equal(reload.statusCode, 200, reload.body)
  const after = hub.ctx.store.current.version
  t.not(after, before)
  const up = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'up' } })
  t.equal(up.json().delivered, 5)
  const replies = (await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-TC' } })).json().replies as Array<{ messageId: string, status: string, text: string }>
  t.same(replies.map((r) => r.messageId), ids, 'every one delivered, in order')
  t.ok(replies.every((r) => r.status === 'denied' && r.text.includes('ILLINOIS SECRETARY OF STATE DATA IS NOT AVAILABLE')), 'the denial text, not the record')
  await hub.ctx.audit.flush()
  const deliveries = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'delivery')
  t.equal(deliveries.length, 5)
  t.match(deliveries[0], {
    id: ids[0], destination: 'IL', effect: 'deny', rule: 'il-deny-cbp', policyVersion: after, status: 'denied',
    queued: { effect: 'allow', rule: null, policyVersion: before },
  })
})

t.test('a drain of many queued queries gives way to other requests', async (t) => {
  const hub = await testHub(t)
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  const total = 5000
  for (let i = 0; i < total; i += 100) {
    await Promise.all(Array.from({ length: 100 }, async (_, j) => await send(hub, 'TX', `DQ.TX0020100.IL.TXTOLN/D${1000000 + i + j}`)))
  }
  t.equal(hub.ctx.sw.deps.state.queue.depth('IL'), total)
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = hub.app.server.address() as { port: number }
  // The state comes back: the drain starts here and runs in slices.
  const dest = hub.ctx.destinations.get('IL')!
  dest.endpoint.setFault!({ mode: 'up' })
  const drained = hub.ctx.sw.drain('IL')
  // Sent on a socket: answered only when the drain gives the event loop back.
  const health = await request(`http://127.0.0.1:${port}/health`)
  const queuedThen = ((await health.body.json()) as { queued: number }).queued
  t.equal(await drained, total, 'everything delivered')
  t.ok(queuedThen > 0 && queuedThen < total, `/health answered while the drain was under way (${queuedThen} of ${total} still queued)`)
})
