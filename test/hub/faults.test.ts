import { readFileSync } from 'node:fs'
import t from 'tap'
import { buildStateServer } from '../../simulator/states/server.js'
import { SimulatedState } from '../../simulator/states/simulated-state.js'
import { NsimError } from '../../src/errors.js'
import { ADMIN, hitFor, send, tempAudit, testHub } from './helpers.js'


t.test('down: SM .02, stored, delivered on recovery to the line inbox, nothing lost', async (t) => {
  const hub = await testHub(t)
  const down = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  t.equal(down.statusCode, 200)
  const n = 25
  for (let i = 0; i < n; i++) {
    const r = await send(hub, 'TX', `DQ.TX0020100.IL.TXTOLN/D${2000000 + i}`)
    t.match(r.body.replies[0], { key: 'SM', from: 'NL0000000', status: 'queued' })
    t.match(r.body.replies[0]?.text, /\.02\. USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL FORWARD/)
  }
  const other = await send(hub, 'TX', 'DQ.TX0020100.WA.TXTOLN/D1')
  t.not(other.body.replies[0]?.status, 'queued', 'other states are unaffected')
  const health = await hub.app.inject({ url: '/health' })
  t.equal(health.json().queued, n)
  t.same(health.json().states.down, ['IL'])
  const empty = await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-TX' } })
  t.same(empty.json().replies, [], 'nothing delivered while down')
  const up = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'up' } })
  t.match(up.json(), { delivered: n, queued: 0 })
  const inbox = await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-TX' } })
  const replies = inbox.json().replies as Array<{ key: string, from: string, text: string }>
  t.equal(replies.length, n, 'every queued query was answered')
  t.ok(replies.every((r) => r.key === 'DR' && r.from === 'ILOLN0000'), 'answers from IL')
  t.ok(replies.every((r, i) => r.text.includes(`D${2000000 + i}`) || r.text.includes('NO RECORD FOUND')), 'in order')
  const again = await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-TX' } })
  t.equal(again.json().replies.length, n, 'unacknowledged replies come back on the next read')
  const ack = await hub.app.inject({ method: 'POST', url: '/v1/inbox/ack', headers: { authorization: 'Bearer demo-TX' }, payload: { ids: replies.map((r) => (r as unknown as { id: string }).id) } })
  t.same(ack.json(), { acknowledged: n, waiting: 0 })
  const after = await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-TX' } })
  t.same(after.json().replies, [], 'acknowledged replies are gone')
  const otherLine = await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-AX' } })
  t.same(otherLine.json().replies, [], 'another line never sees them')
})

t.test('removed (SM .04, not stored), key not served (SM .01), slow, flapping', async (t) => {
  const hub = await testHub(t, { stateTimeoutMs: 100 })
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/WA/status', headers: ADMIN, payload: { status: 'removed' } })
  const removed = await send(hub, 'TX', 'DQ.TX0020100.WA.TXTOLN/D1')
  t.match(removed.body.replies[0], { key: 'SM', status: 'status' })
  t.match(removed.body.replies[0]?.text, /\.04\. USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL NOT FORWARD/)
  t.equal(hub.ctx.sw.deps.state.queue.depth('WA'), 0, 'not stored')
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/WA/status', headers: ADMIN, payload: { status: 'up', disabledKeys: ['KQ'] } })
  const keyOff = await send(hub, 'TX', 'KQ.TX0020100.WA.TXTOLN/D1')
  t.match(keyOff.body.replies[0]?.text, /\.01\. USER DOES NOT RESPOND TO MSG TYPE, NLETS WILL NOT FORWARD/)
  const dq = await send(hub, 'TX', 'DQ.TX0020100.WA.TXTOLN/D1')
  t.equal(dq.body.replies[0]?.key, 'DR', 'other keys still flow')
  const dnq = await send(hub, 'TX', 'DNQ.TX0020100.MA.TXTNAM/SMITH,JOHN')
  t.match(dnq.body.replies[0]?.text, /\.01\./, 'a state that never answers DNQ: SM .01 from the catalogue')
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'slow', latencyMs: 400 } })
  const slow = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')
  t.match(slow.body.replies[0], { key: 'SM', status: 'noanswer' })
  t.match(slow.body.replies[0]?.text, /NO RESPONSE FROM IL WITHIN 100 MS/)
  const metrics = (await hub.app.inject({ url: '/metrics', headers: ADMIN })).body
  t.match(metrics, /nsim_state_duration_seconds_count\{state="IL"\} 1/, 'a timed-out query is timed too')
  const bad = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'slow' } })
  t.equal(bad.statusCode, 400, 'slow needs latencyMs')
  const flap = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'flapping', periodMs: 60000 } })
  t.equal(flap.statusCode, 200)
  const during = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')
  t.ok(['queued', 'hit', 'nohit'].includes(during.body.replies[0]!.status), 'flapping: either queued or answered')
  const nope = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/ZZ/fault', headers: ADMIN, payload: { mode: 'down' } })
  t.equal(nope.statusCode, 404)
  const anon = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', payload: { mode: 'down' } })
  t.equal(anon.statusCode, 401, 'admin routes need the admin token')
  const lineToken = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: { authorization: 'Bearer demo-TX' }, payload: { mode: 'down' } })
  t.equal(lineToken.statusCode, 401, 'a line token is not an admin token')
})

t.test('states as HTTP servers reached over undici', async (t) => {
  const il = buildStateServer(new SimulatedState('IL'), { adminToken: 'demo-admin' })
  t.teardown(async () => { await il.close() })
  await il.listen({ port: 0, host: '127.0.0.1' })
  const port = (il.server.address() as { port: number }).port
  const hub = await testHub(t, { stateUrls: { IL: `http://127.0.0.1:${port}` }, stateTimeoutMs: 2000 })
  t.equal(hub.ctx.destinations.get('IL')?.transport, 'http')
  const oln = hitFor('IL', 'DQ')
  const r = await send(hub, 'TX', `DQ.TX0020100.IL.TXTOLN/${oln}.IMQ/Y`)
  t.match(r.body.replies[0], { key: 'DR', from: 'ILOLN0000', status: 'hit' })
  t.ok(r.body.replies[0]?.image, 'the photo crosses HTTP')
  const ice = await send(hub, 'AX', `DQ.VTICE0900.IL.TXTOLN/${oln}`)
  t.match(ice.body.decisions[0], { effect: 'deny', rule: 'il-deny-ice' }, 'the filter is the hub\'s: the state server never sees the query')
  const down = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  t.equal(down.statusCode, 200, 'fault set over HTTP')
  const q = await send(hub, 'TX', `DQ.TX0020100.IL.TXTOLN/${oln}`)
  t.match(q.body.replies[0], { status: 'queued' })
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'up' } })
  const inbox = await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-TX' } })
  t.equal(inbox.json().replies.length, 1, 'delivered after recovery over HTTP')
})

t.test('audit: one record per (message, destination), no image bytes', async (t) => {
  const file = tempAudit()
  const hub = await testHub(t, { auditFile: file })
  const msgs = ['DQ.TX0020100.IL.TXTOLN/D1234567.IMQ/Y', 'RQ.TX0020100.IL,WA,NY.TXTLIC/ABC123.LIY/2025.LIT/PC', 'RQG.TX0020100.E1.TXTLIC/ABC123.LIY/2025.LIT/PC', 'DQ.TX0020100.ZZ.TXTOLN/D1']
  let pairs = 0
  for (const m of msgs) pairs += (await send(hub, 'TX', m)).body.decisions.length
  pairs += (await send(hub, 'AX', 'RQ.VTICE0900.NL.TXTLIC/ABC123.LIY/2025.LIT/PC')).body.decisions.length
  await hub.close()
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  const decisions = lines.filter((l) => l.kind === 'decision')
  t.equal(pairs, 1 + 3 + 6 + 0 + 54)
  t.equal(decisions.length, pairs, 'audit records == (message, destination) pairs')
  t.ok(decisions.every((d) => typeof d.time === 'string' && d.policyVersion && d.effect && d.replyKey && typeof d.latencyMs === 'number'))
  t.equal(decisions.filter((d) => d.effect === 'deny' && d.ori === 'VTICE0900').length, 5, 'ICE denied by the five blocking states')
  t.notMatch(readFileSync(file, 'utf8'), /iVBORw0KGgo|"image"/, 'no image bytes in the log')
})

t.test('an audit file that cannot be written fails the start, naming the setting', async (t) => {
  const { buildHub } = await import('../../src/hub/app.js')
  await t.rejects(buildHub({ ephemeral: true, auditFile: '/dev/null/nsim/audit.ndjson', docs: false }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_AUDIT_FILE/ })
})

t.test('a state reached over HTTP shows as down in health and the admin list after a fault or a failed delivery', async (t) => {
  const il = buildStateServer(new SimulatedState('IL'), { adminToken: 'demo-admin' })
  await il.listen({ port: 0, host: '127.0.0.1' })
  const port = (il.server.address() as { port: number }).port
  const hub = await testHub(t, { stateUrls: { IL: `http://127.0.0.1:${port}` }, stateTimeoutMs: 2000 })
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  const states = (await hub.app.inject({ url: '/v1/admin/states', headers: ADMIN })).json() as Array<{ state: string, status: string, fault: { mode: string } | null }>
  t.match(states.find((s) => s.state === 'IL'), { status: 'down', fault: { mode: 'down' } })
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'up' } })
  await il.close()
  const r = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')
  t.match(r.body.replies[0], { status: 'queued' }, 'connection refused: stored and forwarded')
  t.same((await hub.app.inject({ url: '/health' })).json().states.down, ['IL'])
})

t.test('a store that does not answer: 503 with Retry-After, and nothing changes anywhere', async (t) => {
  const hub = await testHub(t)
  const il = async (): Promise<unknown> => ((await hub.app.inject({ url: '/v1/admin/states', headers: ADMIN })).json() as Array<{ state: string }>).find((s) => s.state === 'IL')
  const before = await il()
  const { state } = hub.ctx.sw.deps
  const store = state.destinations as { save: typeof state.destinations.save }
  const save = store.save
  store.save = async () => { throw new NsimError('NSIM_HUB_STORE_UNAVAILABLE', 'saving IL\'s status: TIMEOUT') }
  const inbox = state.inbox as { list: typeof state.inbox.list }
  const list = inbox.list
  inbox.list = async () => { throw new Error('TIMEOUT') }
  for (const [url, payload] of [['/v1/admin/states/IL/fault', { mode: 'down' }], ['/v1/admin/states/IL/status', { status: 'removed', disabledKeys: ['KQ'] }]] as const) {
    const r = await hub.app.inject({ method: 'PUT', url, headers: ADMIN, payload })
    t.equal(r.statusCode, 503, url)
    t.equal(r.headers['retry-after'], '1')
    t.match(r.json(), { code: 'NSIM_HUB_STORE_UNAVAILABLE', message: /store did not answer \(saving IL's status: TIMEOUT\)/ })
  }
  const listed = await hub.app.inject({ url: '/v1/inbox', headers: { authorization: 'Bearer demo-TX' } })
  t.equal(listed.statusCode, 503, 'an inbox the store cannot read is a 503, not a 500')
  t.match(listed.json(), { code: 'NSIM_HUB_STORE_UNAVAILABLE', message: /reading the inbox: TIMEOUT/ })
  t.same(await il(), before, 'IL unchanged on this hub')
  t.match(before, { status: 'up', disabledKeys: [] })
  const r = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')
  t.not(r.body.replies[0]?.status, 'queued', 'IL still answers')
  store.save = save
  inbox.list = list
  t.equal((await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })).statusCode, 200, 'and once the store answers, it is saved')
})
