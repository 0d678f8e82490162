/**
 * @module test/bench/generator
 * The generator suite in smoke mode (a file of its own: the other suites'
 * smoke runs fill test/bench/suites.test.ts's time budget): the open model
 * sends every planned request to the bare echo and measures its lateness.
 */
import t from 'tap'
import { killAll, liveChildren } from '../../bench/http-common.js'
import { run as generator } from '../../bench/suites/generator.js'

t.teardown(killAll)

t.test('generator: the open model sends every planned request, lateness measured', async (t) => {
  const r = await generator({ quick: false, smoke: true, out: () => {} })
  t.equal(r.suite, 'generator')
  t.equal(r.rows.length, 1)
  const row = r.rows[0]!
  t.equal(row.planned, 1000, 'rate x seconds')
  t.equal(row.sent, 1000, 'nothing dropped')
  t.equal(row.dropped, 0)
  t.equal(row.errors, 0)
  for (const c of ['late p50 ms', 'late p99 ms', 'late max ms', 'p99 from planned ms', 'p99 from send ms']) {
    const v = row[c]
    t.ok(typeof v === 'number' && Number.isFinite(v) && v >= 0, `${c} is a number >= 0 (${String(v)})`)
  }
  t.ok(typeof row['echo answered req/s'] === 'number' && row['echo answered req/s'] > 0)
  t.equal(liveChildren(), 0, 'echo stopped')
})
