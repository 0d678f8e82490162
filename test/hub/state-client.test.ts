/**
 * @module test/hub/state-client
 * HttpStateEndpoint against a real state server on port 0: answers, 503 and
 * refused connections as StateUnavailableError, timeouts as NSIM_STATE_TIMEOUT,
 * refused queries, abort, health and setFault over HTTP.
 */
import t, { type Test } from 'tap'
import { HttpStateEndpoint, StateTimeoutError } from '../../src/hub/state-client.js'
import { buildStateServer } from '../../simulator/states/server.js'
import { SimulatedState } from '../../simulator/states/simulated-state.js'
import { type StateQuery, StateQueryError, StateUnavailableError } from '../../src/hub/ports/endpoint.js'

const q: StateQuery = { id: 'H1', key: 'DQ', ori: 'AZNLETS20', state: 'NC', fields: { OLN: 'N77' }, image: true }

async function serve (t: Test, opts: { timeoutMs?: number, adminToken?: string } = {}) {
  const state = new SimulatedState('NC', { noHit: { DQ: 0 } })
  const app = buildStateServer(state, { adminToken: 'tok' })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const client = new HttpStateEndpoint({ url, state: 'NC', connections: 4, adminToken: 'tok', ...opts })
  t.teardown(async () => {
    await client.close()
    await app.close()
  })
  return { state, app, url, client }
}

t.test('query over HTTP equals the in-process answer', async (t) => {
  const { client, state } = await serve(t)
  const answer = await client.query(q)
  t.same(answer, await new SimulatedState('NC', { noHit: { DQ: 0 } }).query(q))
  t.ok(answer.image?.data.startsWith('iVBORw0KGgo'), 'a PNG photo')
  const many = await Promise.all(Array.from({ length: 50 }, (_, i) => client.query({ ...q, fields: { OLN: `M${i}` } })))
  t.equal(many.length, 50)
  t.equal(state.stats.received, 51)
})

t.test('setFault and health over HTTP; 503 becomes StateUnavailableError', async (t) => {
  const { client, state } = await serve(t)
  t.same(await client.health(), { state: 'NC', status: 'up', fault: { mode: 'up' } })
  t.same(await client.setFault({ mode: 'down' }), { state: 'NC', status: 'down', fault: { mode: 'down' } })
  t.equal(state.status, 'down')
  await t.rejects(client.query(q), StateUnavailableError)
  await client.setFault({ mode: 'up' })
  t.match(await client.query(q), { status: 'hit' })
  const anon = new HttpStateEndpoint({ url: client.url, state: 'NC' })
  t.teardown(() => anon.close())
  await t.rejects(anon.setFault({ mode: 'down' }), /HTTP 401/)
  await t.rejects(client.setFault({ mode: 'slow' } as never), /HTTP 400/)
})

t.test('refused queries and other statuses', async (t) => {
  const { client } = await serve(t)
  await t.rejects(client.query({ ...q, state: 'IL' }), StateQueryError)
  await t.rejects(client.query({ ...q, ori: 'bad' }), /HTTP 400/)
  const lost = new HttpStateEndpoint({ url: client.url + '/nowhere', state: 'NC' })
  t.teardown(() => lost.close())
  await t.rejects(lost.query(q), /HTTP 404/)
})

t.test('a slow state times out with code NSIM_STATE_TIMEOUT', async (t) => {
  const { client, state } = await serve(t, { timeoutMs: 150 })
  await client.setFault({ mode: 'slow', latencyMs: 3000 })
  const t0 = performance.now()
  const err = await client.query(q).catch((e: unknown) => e)
  t.type(err, StateTimeoutError)
  t.match(err, { code: 'NSIM_STATE_TIMEOUT', state: 'NC' })
  t.ok(performance.now() - t0 < 800, 'gave up near the 150 ms timeout')
  // The server notices the hang-up and cancels the waiting query.
  for (let i = 0; i < 50 && state.stats.aborted === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal(state.stats.aborted, 1)
})

t.test('abort rejects promptly', async (t) => {
  const { client } = await serve(t)
  await client.setFault({ mode: 'slow', latencyMs: 3000 })
  const ac = new AbortController()
  setTimeout(() => ac.abort(new Error('caller gave up')), 30)
  const t0 = performance.now()
  await t.rejects(client.query(q, ac.signal), { message: 'caller gave up' })
  t.ok(performance.now() - t0 < 1000)
})

t.test('a closed server is a down state', async (t) => {
  const { client, app } = await serve(t)
  t.match(await client.query(q), { status: 'hit' })
  await app.close()
  await t.rejects(client.query(q), StateUnavailableError)
  await t.rejects(client.health(), StateUnavailableError)
})
