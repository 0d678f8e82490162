/**
 * @module test/simulator/load/thresholds
 * The threshold grammar: metrics, operators, units, and the errors that name
 * what is wrong; evaluation and the "by how much" wording.
 */
import t from 'tap'
import { describe, evaluate, holds, parseThreshold, type Threshold } from '../../../simulator/load/thresholds.js'

t.test('parses metric op value[unit]', async (t) => {
  t.same(parseThreshold('p99<20ms'), { expr: 'p99<20ms', metric: 'p99', op: '<', value: 20 })
  t.same(parseThreshold(' p999 <= 1.5s '), { expr: 'p999 <= 1.5s', metric: 'p999', op: '<=', value: 1500 })
  t.same(parseThreshold('errors==0'), { expr: 'errors==0', metric: 'errors', op: '==', value: 0 })
  t.same(parseThreshold('deny_rate<0.5%'), { expr: 'deny_rate<0.5%', metric: 'deny_rate', op: '<', value: 0.005 })
  t.same(parseThreshold('error_rate<=0.01'), { expr: 'error_rate<=0.01', metric: 'error_rate', op: '<=', value: 0.01 })
  t.same(parseThreshold('rate>=1900'), { expr: 'rate>=1900', metric: 'rate', op: '>=', value: 1900 })
  t.same(parseThreshold('max>3'), { expr: 'max>3', metric: 'max', op: '>', value: 3 })
})

t.test('rejects with the reason', async (t) => {
  t.match(parseThreshold('p99 20ms'), /is not `metric op value\[unit\]`/)
  t.match(parseThreshold('p95<20ms'), /unknown metric `p95`/)
  t.match(parseThreshold('p99<20%'), /p99 takes ms or s/)
  t.match(parseThreshold('deny_rate<2ms'), /deny_rate takes a fraction or a percentage/)
  t.match(parseThreshold('errors<2%'), /errors takes no unit/)
  t.match(parseThreshold('rate>2s'), /rate takes no unit/)
})

t.test('evaluates and says by how much', async (t) => {
  const v = { p50: 1, p90: 2, p99: 34.2, p999: 40, max: 50, errors: 3, error_rate: 0.001, deny_rate: 0.018, rate: 480 }
  const ts = ['p99<20ms', 'errors==0', 'deny_rate<0.5%', 'rate>=450', 'p50<=1ms'].map((e) => parseThreshold(e) as Threshold)
  t.same(evaluate(ts, v).map((r) => [r.expr, r.actual, r.pass]), [['p99<20ms', 34.2, false], ['errors==0', 3, false], ['deny_rate<0.5%', 0.018, false], ['rate>=450', 480, true], ['p50<=1ms', 1, true]])
  t.equal(describe(ts[0]!, 34.2, false), '34.2 ms (over by 14.2 ms)')
  t.equal(describe(ts[1]!, 3, false), '3 (off by 3)')
  t.equal(describe(ts[2]!, 0.018, false), '1.8% (over by 1.3 points)')
  t.equal(describe(ts[3]!, 480, true), '480/s')
  for (const [op, a, b, want] of [['<', 1, 2, true], ['<', 2, 2, false], ['<=', 2, 2, true], ['==', 2, 2, true], ['>=', 1, 2, false], ['>', 3, 2, true]] as const) t.equal(holds(op, a, b), want, `${a}${op}${b}`)
})
