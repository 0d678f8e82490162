/**
 * @module test/simulator/states/simulated-state
 * The in-process endpoint: faults (down, slow, flapping, up), latency modes,
 * abort, stats, and the set of 54.
 */
import t from 'tap'
import { JURISDICTIONS } from '../../../src/directory/model.js'
import { SimulatedState, createSimulatedStates } from '../../../simulator/states/simulated-state.js'
import { type StateFault, type StateQuery, StateQueryError, StateUnavailableError } from '../../../src/hub/ports/endpoint.js'

const dq = (state = 'IL', oln = 'A1'): StateQuery => ({ id: 'S', key: 'DQ', ori: 'AZNLETS20', state, fields: { OLN: oln }, image: false })

t.test('latency off answers without any timer', async (t) => {
  const s = new SimulatedState('IL')
  t.equal(s.latency, 'off')
  const first = await Promise.race([s.query(dq()), new Promise((resolve) => setImmediate(() => resolve('timer')))])
  t.not(first, 'timer', 'resolved before the next macrotask')
  t.throws(() => new SimulatedState('XX'), RangeError)
  t.throws(() => new SimulatedState('IL', { latency: 'fast' as 'off' }), RangeError)
  t.equal(new SimulatedState('ne').state, 'NB')
})

t.test('latency real waits the log-normal delay', async (t) => {
  const s = new SimulatedState('ME', { latency: 'real' }) // median 50 ms
  const t0 = performance.now()
  await Promise.all([s.query(dq('ME', '1')), s.query(dq('ME', '2')), s.query(dq('ME', '3'))])
  const ms = performance.now() - t0
  t.ok(ms >= 5 && ms < 4600, `${ms.toFixed(0)} ms`)
})

t.test('down rejects with StateUnavailableError; up restores', async (t) => {
  const s = new SimulatedState('IL')
  s.setFault({ mode: 'down' })
  t.same(s.fault, { mode: 'down' })
  t.equal(s.status, 'down')
  await t.rejects(s.query(dq()), StateUnavailableError)
  await t.rejects(s.query(dq()), { state: 'IL', message: /unavailable: down/ })
  s.setFault({ mode: 'up' })
  t.equal(s.status, 'up')
  t.match(await s.query(dq()), { replyKey: 'DR' })
  t.match(s.stats, { received: 3, unavailable: 2 })
  t.equal(s.stats.hits + s.stats.noHits, 1)
})

t.test('slow adds its delay; a state going down meanwhile drops the query', async (t) => {
  const s = new SimulatedState('IL')
  s.setFault({ mode: 'slow', latencyMs: 40 })
  const t0 = performance.now()
  await s.query(dq())
  t.ok(performance.now() - t0 >= 35, 'waited the slow delay')
  const pending = s.query(dq())
  s.setFault({ mode: 'down' })
  await t.rejects(pending, StateUnavailableError)
})

t.test('flapping alternates down and up by period, with the injected clock', async (t) => {
  let now = 10_000
  const s = new SimulatedState('OH', { now: () => now })
  s.setFault({ mode: 'flapping', periodMs: 1000 })
  const seen: string[] = []
  for (const at of [10_000, 10_999, 11_000, 11_999, 12_000, 13_500, 14_000]) {
    now = at
    seen.push(s.status)
    if (s.status === 'down') await t.rejects(s.query(dq('OH')), { message: /flapping/ })
    else t.match(await s.query(dq('OH')), { replyKey: 'DR' })
  }
  t.same(seen, ['down', 'down', 'up', 'up', 'down', 'up', 'down'])
  s.setFault({ mode: 'up' })
  t.equal(s.status, 'up')
})

t.test('bad faults are refused', async (t) => {
  const s = new SimulatedState('IL')
  t.throws(() => s.setFault({ mode: 'slow', latencyMs: -1 }), RangeError)
  t.throws(() => s.setFault({ mode: 'flapping', periodMs: 0 }), RangeError)
  t.throws(() => s.setFault({ mode: 'sideways' } as unknown as StateFault), /unknown fault mode/)
  t.same(s.fault, { mode: 'up' }, 'unchanged')
})

t.test('abort rejects promptly, before or during the wait', async (t) => {
  const s = new SimulatedState('IL')
  const pre = new AbortController()
  pre.abort(new Error('gone'))
  await t.rejects(s.query(dq(), pre.signal), { message: 'gone' })
  s.setFault({ mode: 'slow', latencyMs: 10_000 })
  const ac = new AbortController()
  const t0 = performance.now()
  const p = s.query(dq(), ac.signal)
  setTimeout(() => ac.abort(), 20)
  await t.rejects(p, { name: 'AbortError' })
  t.ok(performance.now() - t0 < 1000, 'long before the 10 s delay')
  t.match(s.stats, { aborted: 2 })
})

t.test('misaddressed and unsupported queries are refused and counted', async (t) => {
  const s = new SimulatedState('NY')
  await t.rejects(s.query(dq('IL')), StateQueryError)
  await t.rejects(s.query({ ...dq('NY'), key: 'DNQ', fields: { NAM: 'DOE,J' } }), /does not answer DNQ/)
  t.match(s.stats, { received: 2, refused: 2 })
})

t.test('createSimulatedStates makes all 54', async (t) => {
  const all = createSimulatedStates({ seed: 3 })
  t.same([...all.keys()], [...JURISDICTIONS])
  for (const [code, s] of all) t.equal(s.state, code)
  t.equal(all.get('GM')!.seed, 3)
})

t.test('simulator errors carry catalogue codes', async (t) => {
  t.throws(() => new SimulatedState('XX'), { code: 'NSIM_STATE_UNKNOWN', message: /unknown jurisdiction `XX`/ })
  const s = new SimulatedState('IL')
  t.throws(() => s.setFault({ mode: 'slow', latencyMs: -1 }), { code: 'NSIM_STATE_SETTING' })
  s.setFault({ mode: 'down' })
  await t.rejects(s.query({ id: 'x', key: 'DQ', ori: 'TX0020100', state: 'IL', fields: { OLN: 'D1' }, image: false }), { code: 'NSIM_STATE_UNAVAILABLE' })
  s.setFault({ mode: 'up' })
  await t.rejects(s.query({ id: 'x', key: 'DQ', ori: 'TX0020100', state: 'WA', fields: { OLN: 'D1' }, image: false }), { code: 'NSIM_STATE_BAD_QUERY' })
})
