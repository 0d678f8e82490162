/**
 * @module test/bench/cluster
 * The cluster suite in smoke mode: throughput through HAProxy with 1 and 2
 * replicas (and one replica without HAProxy) with every part's CPU per
 * request, no failed request; what keeping a query costs in JetStream beside
 * SQLite and memory; how fast a fault and a reload reach the other replica.
 */
import t from 'tap'
import { findProgram } from '../../src/cluster/topology.js'

const smoke = { quick: false, smoke: true, out: () => {} }
const missing = ['nats-server', 'haproxy'].filter((p) => findProgram(p) === undefined)

t.test('cluster suite', { skip: missing.length > 0 && !process.env.CI ? `not installed: ${missing.join(', ')}` : false, timeout: 240_000 }, async (t) => {
  const { run } = await import('../../bench/suites/cluster.js')
  const r = await run(smoke)
  t.equal(r.suite, 'cluster')
  const runs = r.rows.filter((x) => typeof x.setup === 'string')
  t.same(runs.map((x) => x.setup), ['1 replica, sent to the hub directly (no HAProxy)', '1 replica through HAProxy', '2 replicas through HAProxy'])
  for (const row of runs) {
    t.ok(Number(row.reqPerS) > 0, `${row.setup}: requests served`)
    t.ok(Number(row.hubCpuUsPerReq) > 0, `${row.setup}: hub CPU per request measured`)
    t.equal(row.failed, 0, `${row.setup}: no failed request`)
  }
  t.ok(Number(runs[1]!.haproxyCpuUsPerReq) > 0, 'HAProxy CPU per request measured')
  const stores = r.rows.filter((x) => typeof x.store === 'string')
  t.same(stores.map((x) => x.store), ['memory', 'SQLite (synchronous=NORMAL)', 'NATS JetStream (file storage)'])
  for (const row of stores) for (const k of ['enqueueOneUs', 'enqueueTurnUs', 'forwardUs']) t.ok(Number(row[k]) > 0, `${row.store}: ${k} measured`)
  t.match(r.notes?.join('\n') ?? '', /a fault set through hub-1 was on hub-2 [\d.]+ ms .* every replica ran the new version \d+ ms/, 'propagation measured')
})
