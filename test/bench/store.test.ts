/**
 * @module test/bench/store
 * The store suite in smoke mode: the cost of keeping a query in each store,
 * and other states' latency around a drain.
 */
import t from 'tap'

const smoke = { quick: false, smoke: true, out: () => {} }

t.test('store: the cost of keeping a query in each store, and other states\' latency around a drain', async (t) => {
  const { run: store } = await import('../../bench/suites/store.js')
  const r = await store(smoke)
  t.equal(r.suite, 'store')
  const keep = r.rows.filter((x) => String(x.measure).startsWith('keep a query: '))
  t.equal(keep.length, 4, 'memory, SQLite NORMAL, SQLite FULL, SQLite NORMAL with the default checkpoint')
  for (const row of keep) for (const k of ['us/query, one per turn', 'us/query, 100 per turn', 'us/query forwarded']) t.ok(Number(row[k]) > 0, `${row.measure}: ${k} measured`)
  const drains = r.rows.filter((x) => String(x.measure).startsWith('other states'))
  t.equal(drains.length, 5, 'before, the hub\'s slices, coarser slices, batches only, SQLite\'s default checkpoint')
  t.equal(drains[0]!.drained, 0)
  t.same(drains.slice(1).map((d) => d.drained), [2000, 2000, 2000, 2000], 'every drain delivered everything')
  for (const row of drains) t.ok(Number(row['p99 ms']) > 0, `${row.measure}: latency measured`)
})
