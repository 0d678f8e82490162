/**
 * @module test/simulator/states/server
 * The state server through app.inject(): every route, 400 on bad bodies,
 * 401 without the admin token, 503 when down.
 */
import t, { type Test } from 'tap'
import { buildStateServer } from '../../../simulator/states/server.js'
import { SimulatedState } from '../../../simulator/states/simulated-state.js'

const body = { id: 'M1', key: 'DQ', ori: 'AZNLETS20', state: 'VA', fields: { OLN: 'A123' }, image: true }
const auth = { authorization: 'Bearer s3cret' }

function setup (t: Test, adminToken?: string) {
  const state = new SimulatedState('VA', { noHit: { DQ: 0 } })
  const app = buildStateServer(state, adminToken === undefined ? {} : { adminToken })
  t.teardown(() => app.close())
  return { state, app }
}

t.test('POST /query answers as the in-process state does', async (t) => {
  const { app } = setup(t)
  const res = await app.inject({ method: 'POST', url: '/query', payload: body })
  t.equal(res.statusCode, 200)
  const twin = await new SimulatedState('VA', { noHit: { DQ: 0 } }).query({ ...body, key: 'DQ' })
  t.same(res.json(), twin)
  t.match(res.json(), { status: 'hit', replyKey: 'DR', from: 'VAOLN0000', image: { mime: 'image/png' } })
})

t.test('400 on malformed bodies and refused queries, never 500', async (t) => {
  const { app } = setup(t)
  const bad: Array<[string, unknown]> = [
    ['missing key', { ...body, key: undefined }],
    ['unknown key', { ...body, key: 'DQG' }],
    ['bad ORI', { ...body, ori: 'nope' }],
    ['image not boolean', { ...body, image: 'yes' }],
    ['field not a string', { ...body, fields: { OLN: 5 } }],
    ['bad field name', { ...body, fields: { 'O.L': 'x' } }],
    ['extra property', { ...body, extra: 1 }],
    ['not an object', [1, 2]],
  ]
  for (const [what, payload] of bad) {
    const res = await app.inject({ method: 'POST', url: '/query', payload: payload as object })
    t.equal(res.statusCode, 400, what)
    t.match(res.json(), { error: 'bad-request', message: String }, what)
  }
  const syntax = await app.inject({ method: 'POST', url: '/query', headers: { 'content-type': 'application/json' }, payload: '{"id":' })
  t.equal(syntax.statusCode, 400, 'invalid JSON')
  const empty = await app.inject({ method: 'POST', url: '/query', headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(empty.statusCode, 400, 'empty body')
  const other = await app.inject({ method: 'POST', url: '/query', payload: { ...body, state: 'IL' } })
  t.equal(other.statusCode, 400)
  t.match(other.json(), { error: 'bad-query', message: /addressed to `IL`/ })
  const missing = await app.inject({ method: 'POST', url: '/query', payload: { ...body, fields: {} } })
  t.match(missing.json(), { error: 'bad-query' })
})

t.test('503 when down, GET /health reports it', async (t) => {
  const { app, state } = setup(t)
  t.same((await app.inject('/health')).json(), { state: 'VA', status: 'up', fault: { mode: 'up' } })
  state.setFault({ mode: 'down' })
  const res = await app.inject({ method: 'POST', url: '/query', payload: body })
  t.equal(res.statusCode, 503)
  t.match(res.json(), { error: 'unavailable', message: /VA/ })
  t.same((await app.inject('/health')).json(), { state: 'VA', status: 'down', fault: { mode: 'down' } })
})

t.test('PUT /admin/fault needs the bearer token when one is set', async (t) => {
  const { app, state } = setup(t, 's3cret')
  const put = (payload: object, headers: Record<string, string> = auth) =>
    app.inject({ method: 'PUT', url: '/admin/fault', payload, headers })
  t.equal((await put({ mode: 'down' }, {})).statusCode, 401, 'no token')
  t.equal((await put({ mode: 'down' }, { authorization: 'Bearer wrong' })).statusCode, 401, 'wrong token')
  t.equal((await put({ mode: 'down' }, { authorization: 's3cret' })).statusCode, 401, 'not a Bearer header')
  t.same(state.fault, { mode: 'up' }, 'unchanged')
  const ok = await put({ mode: 'slow', latencyMs: 250 })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { state: 'VA', status: 'up', fault: { mode: 'slow', latencyMs: 250 } })
  t.same(state.fault, { mode: 'slow', latencyMs: 250 })
  for (const payload of [{ mode: 'slow' }, { mode: 'flapping' }, { mode: 'sideways' }, { mode: 'down', extra: 1 }, { mode: 'slow', latencyMs: -5 }, {}]) {
    t.equal((await put(payload)).statusCode, 400, JSON.stringify(payload))
  }
  t.match((await put({ mode: 'flapping', periodMs: 500 })).json(), { fault: { mode: 'flapping', periodMs: 500 } })
  t.equal((await put({ mode: 'up' })).statusCode, 200)
})

t.test('without an admin token the admin route is open', async (t) => {
  const { app, state } = setup(t)
  const res = await app.inject({ method: 'PUT', url: '/admin/fault', payload: { mode: 'down' } })
  t.equal(res.statusCode, 200)
  t.equal(state.status, 'down')
})
