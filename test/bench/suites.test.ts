/**
 * @module test/bench/suites
 * The replay, http, reload, policy-change and policy-diff suites in smoke mode: each returns rows of numbers with no failures, and leaves no child process behind.
 */
import t, { type Test } from 'tap'
import type { SuiteResult } from '../../bench/lib.js'
import { killAll, liveChildren } from '../../bench/http-common.js'
import { run as http } from '../../bench/suites/http.js'
import { run as policyChange } from '../../bench/suites/policy-change.js'
import { run as policyDiff } from '../../bench/suites/policy-diff.js'
import { run as reload } from '../../bench/suites/reload.js'
import { run as replay } from '../../bench/suites/replay.js'

const smoke = { quick: false, smoke: true, out: () => {} }

function positive (t: Test, r: SuiteResult, row: number, cols: string[]): void {
  for (const c of cols) {
    const v = r.rows[row]?.[c]
    t.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${r.suite} row ${row} ${c} is a positive number (${String(v)})`)
  }
}

function finite (t: Test, r: SuiteResult, row: number, cols: string[]): void {
  for (const c of cols) {
    const v = r.rows[row]?.[c]
    t.ok(typeof v === 'number' && Number.isFinite(v) && v >= 0, `${r.suite} row ${row} ${c} is a number >= 0 (${String(v)})`)
  }
}

function zero (t: Test, r: SuiteResult, row: number, cols: string[]): void {
  for (const c of cols) t.equal(r.rows[row]?.[c], 0, `${r.suite} row ${row} ${c} is 0`)
}

// Whatever fails, no server outlives the test.
t.teardown(killAll)
// Five suites in smoke mode, three of them starting servers: on the shared
// 2-core machine they come close to the 120 s of .taprc on their own.
t.setTimeout(360_000)

t.test('replay: one day replayed, totals equal to the plan', async (t) => {
  const r = await replay(smoke)
  t.equal(r.suite, 'replay')
  t.equal(r.rows.length, 1)
  positive(t, r, 0, ['seconds', 'queries', 'queries/s', 'year seconds', 'peak RSS MB'])
  t.equal(r.rows[0]!['totals == planned'], true, 'totals == planned')
})

t.test('http: four targets and the fixed-rate runs, every request answered 200 with decisions', async (t) => {
  const r = await http(smoke)
  t.equal(r.suite, 'http')
  t.equal(r.rows.length, 9, 'a, b, c, d; autocannon at a fixed rate; paced on a and on c, each from due time and from send')
  t.same(r.rows.slice(4).map((x) => x.target), [
    '(a) hub at 300 req/s, autocannon overallRate', '(a) hub at 300 req/s, paced open loop', '(a) hub at 300 req/s, paced, latency from send',
    '(c) echo at 300 req/s, paced open loop', '(c) echo at 300 req/s, paced, latency from send',
  ])
  for (const i of [5, 7]) t.match(r.rows[i]!['checked (bad)'], /^max queued \d+; client late p99 [\d.]+ ms, max [\d.]+ ms$/, `row ${i}: the paced client's own lateness`)
  for (let i = 0; i < r.rows.length; i++) {
    positive(t, r, i, ['req/s', 'requests'])
    // autocannon reports whole milliseconds: a fast target's p99 can be 0.
    finite(t, r, i, ['p50 ms', 'p99 ms', 'p99.9 ms'])
    zero(t, r, i, ['errors', 'timeouts', 'non-2xx'])
  }
  for (let i = 0; i < 4; i++) {
    positive(t, r, i, ['server CPU µs/req', 'bytes/resp'])
    t.match(r.rows[i]!['checked (bad)'], /^[1-9]\d* \(0\)$/, `row ${i}: sampled responses checked, none bad`)
  }
  const ratios = (r as SuiteResult & { ratios: Record<string, number> }).ratios
  for (const k of ['a/c', 'a/b', 'd/a', 'off/on CPU in process']) t.ok(Number.isFinite(ratios[k]) && ratios[k]! > 0, `ratio ${k} is a positive number (${ratios[k]})`)
  t.equal(liveChildren(), 0, 'servers stopped')
})

t.test('reload: compile and load timings, 20 reloads answered 200 with no failed request', async (t) => {
  const r = await reload(smoke)
  t.equal(r.suite, 'reload')
  t.equal(r.rows.length, 10, 'two compiles; the big list in flow YAML, block YAML and a list file (flow and file also off-thread); the shipped folder twice; the live reloads')
  for (let i = 0; i < r.rows.length; i++) positive(t, r, i, ['ms (median)', 'ms (min)', 'runs'])
  t.same(r.rows.slice(2, 9).map((x) => x.measure), [
    'load from disk: parse + compile, flow list', 'load from disk off the event loop (a reload): worker reads and parses, flow list',
    'load from disk: parse + compile, block list', 'load from disk: parse + compile, list file (oris_file)',
    'load from disk off the event loop (a reload): worker reads and parses, list file (oris_file)',
    'load from disk: the shipped folder, on this thread', 'load from disk: the shipped folder, read in a worker (a reload)',
  ])
  for (let i = 2; i < 9; i++) t.ok(typeof r.rows[i]!['max ms'] === 'number', `row ${i}: the event loop's longest stall is measured`)
  const live = r.rows[9]!
  t.equal(live['failed requests'], 0, 'no request failed while reloading')
  t.ok(typeof live.requests === 'number' && live.requests > 0, 'requests were made during the reloads')
  t.match(live.detail, /answers 200 x20; version changed every time: true/)
  t.equal(liveChildren(), 0, 'hub stopped')
})

t.test('policy-change: load side by side and the replays\' decision deltas', async (t) => {
  const r = await policyChange(smoke)
  t.equal(r.suite, 'policy-change')
  const item = (name: string): Record<string, string | number | boolean> | undefined => r.rows.find((x) => x.item === name)
  for (const name of ['req/s (median of rounds)', 'p99 ms', 'queries', 'denied']) {
    const row = item(name)
    t.ok(row !== undefined, `a ${name} row`)
    t.ok(typeof row?.['baseline-oct-2025'] === 'number' && typeof row['letters-19'] === 'number', `${name}: numbers on both sides`)
  }
  t.equal(item('errors + timeouts + non-2xx + bad bodies')?.['baseline-oct-2025'], 0)
  t.equal(item('errors + timeouts + non-2xx + bad bodies')?.['letters-19'], 0)
  t.ok(Number(item('denied')!['letters-19']) > Number(item('denied')!['baseline-oct-2025']), 'letters-19 denies more')
  t.ok(r.rows.some((x) => String(x.item).startsWith('denied by ')), 'states whose decisions change are listed')
  t.equal(liveChildren(), 0, 'hubs stopped')
})

t.test('policy-diff: the shipped set against a candidate changing every state', async (t) => {
  const r = await policyDiff(smoke)
  t.equal(r.suite, 'policy-diff')
  t.equal(r.rows.length, 4, 'the diff, the year counts, the whole command, the whole command with --year')
  for (let i = 0; i < r.rows.length; i++) positive(t, r, i, ['ms (median)', 'ms (min)', 'runs', 'changes', 'ORI listings'])
  t.equal(r.rows[0]!['jurisdictions changed'], 54, 'every jurisdiction changes')
  t.type(r.rows[2]!['target < 2 s'], 'boolean', 'the whole command is judged against the target')
})

t.test('no server process is left running', async (t) => {
  t.equal(liveChildren(), 0)
})
