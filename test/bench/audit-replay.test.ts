/**
 * @module test/bench/audit-replay
 * The audit-replay suite in smoke mode.
 */
import t from 'tap'

const smoke = { quick: false, smoke: true, out: () => {} }

t.test('audit-replay: recorded lines decided again, lines a second measured', async (t) => {
  const { run: auditReplay } = await import('../../bench/suites/audit-replay.js')
  const r = await auditReplay(smoke)
  t.equal(r.suite, 'audit-replay')
  t.equal(r.rows.length, 3, 'the shipped set, the candidate, the candidate on two workers')
  for (const row of r.rows) t.ok(Number(row['lines/s (median)']) > 0 && Number(row.lines) >= 5000, `${row.measure}: measured`)
  t.equal(r.rows[0]!['queries changed'], 0, 'the shipped set changes nothing')
  t.ok(Number(r.rows[1]!['queries changed']) > 0, 'the candidate changes some')
  t.equal(r.rows[2]!['queries changed'], r.rows[1]!['queries changed'], 'two workers count the same changes as one')
})
