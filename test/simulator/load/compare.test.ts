/**
 * @module test/simulator/load/compare
 * Deltas against a saved run and the regressions beyond the tolerance.
 */
import t from 'tap'
import { asReport, compare } from '../../../simulator/load/compare.js'

const lat = (x: number): { p50: number, p90: number, p99: number, p999: number, max: number } => ({ p50: x, p90: x, p99: x, p999: x, max: x })
const run = (ms: number, rate: number, errors = 0, deny = 10): Parameters<typeof compare>[0] => ({
  latencyMs: lat(ms), latencyFromSendMs: lat(ms), requests: { planned: 1000, sent: 1000, completed: 1000, dropped: 0, seconds: 1, achievedRate: rate, maxQueued: 0 },
  errors: { total: errors, timeout: 0, connection: errors, http5xx: 0, http4xx: 0 }, decisions: { allow: 990 - deny, deny, redact: 0 },
  settings: { mode: 'open', rate: 1000 },
})

t.test('within the tolerance: deltas, no regression', async (t) => {
  const c = compare(run(10, 1000), run(10.5, 990), 'base.json', 0.1)
  t.same(c.regressions, [])
  const p99 = c.deltas.find((d) => d.metric === 'latency p99 ms')!
  t.same([p99.before, p99.after, p99.delta, p99.change], [10, 10.5, 0.5, 0.05])
})

t.test('beyond it: latency up, rate down, errors appear', async (t) => {
  const c = compare(run(10, 1000), run(12, 800, 5, 500), 'base.json', 0.1)
  t.same(c.regressions, ['latency p50 ms', 'latency p90 ms', 'latency p99 ms', 'latency p999 ms', 'latency max ms', 'latency from send p99 ms', 'achieved req/s', 'error rate'])
  t.equal(c.deltas.find((d) => d.metric === 'deny rate')!.regression, false, 'the decision mix is never a regression')
})

t.test('throughput is compared only at the same planned load', async (t) => {
  const other = { ...run(10, 500), settings: { mode: 'open', rate: 500 } }
  t.same(compare(run(10, 1000), other, 'b', 0.1).regressions, [])
})

t.test('asReport names what is missing', async (t) => {
  t.match(asReport(null), /not a JSON object/)
  t.match(asReport({ latencyMs: {} }), /no `latencyFromSendMs`/)
  t.equal(typeof asReport(run(1, 1)), 'object')
})
