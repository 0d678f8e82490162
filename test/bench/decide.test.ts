/**
 * @module test/bench/decide
 * The decide suite in smoke mode: a row per list size, every engine measured, all four checked to agree first.
 */
import t from 'tap'
import { run } from '../../bench/suites/decide.js'

t.test('the decide suite runs in smoke mode and compares four engines that agreed', async (t) => {
  const lines: string[] = []
  const r = await run({ quick: false, smoke: true, out: (s) => { lines.push(s) } })
  t.equal(r.suite, 'decide')
  t.same(r.rows.map((row) => row['deny list']), [10, 1000], 'a row per smoke list size')
  const engines = ['compiled decisions/s', 'with 10% outside senders/s', 'reference decisions/s', 'cedar decisions/s', 'casbin decisions/s', 'compiled / cedar', 'compiled / casbin']
  for (const row of r.rows) {
    for (const col of engines) {
      const v = row[col]
      t.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${col} at ${String(row['deny list'])} is a positive number (${String(v)})`)
    }
    t.ok(typeof row['agreed on'] === 'number' && row['agreed on'] > 0, 'agreement was checked on sampled requests')
  }
  t.match(lines.find((l) => l.startsWith('decide: list 10:')), /agreed on \d+ \(\d+ allow, [1-9]\d* deny, [1-9]\d* redact\)/, 'denies and redacts were among the decisions checked')
})
