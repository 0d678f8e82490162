/**
 * @module test/cli/policy
 * `nlets-sim policy check|test|explain` run in process through `main` with a
 * fake Io: exit codes, text and JSON output, usage errors.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { type Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'

const root = process.cwd()
/** A fixed query date, so effective dates do not depend on today. */
const AT = '2025-11-25'

type FakeIo = Io & { stdout: string[], stderr: string[], text: () => string, errText: () => string }

function fakeIo (cwd = root): FakeIo {
  const stdout: string[] = []
  const stderr: string[] = []
  return {
    cwd, stdout, stderr,
    out: (s) => { stdout.push(s) },
    err: (s) => { stderr.push(s) },
    text: () => stdout.join('\n'),
    errText: () => stderr.join('\n'),
  }
}

async function run (argv: string[], cwd = root): Promise<{ code: number, io: FakeIo }> {
  const io = fakeIo(cwd)
  const code = await main(argv, io)
  return { code, io }
}

t.test('policy check on the shipped policies', async (t) => {
  const { code, io } = await run(['policy', 'check', 'policies'])
  t.equal(code, 0)
  t.same(io.stderr, [])
  t.match(io.text(), /^ok: 54 jurisdictions, \d+ rules, 18000 agencies; 0 errors, 0 warnings; policy version [0-9a-f]{12}$/m)

  const j = await run(['policy', 'check', 'policies', '--json'])
  t.equal(j.code, 0)
  const report = JSON.parse(j.io.text())
  t.match(report, { ok: true, errors: 0, warnings: 0, states: 54, agencies: 18000, failedClosed: [], diagnostics: [] })
  t.match(report.version, /^[0-9a-f]{12}$/)
  t.ok(report.rules >= 6, 'IL, NY, MA, MN and WA have rules')

  // The directory defaults to policies/ when no DIR is given.
  const d = await run(['policy', 'check'])
  t.equal(d.code, 0)
  t.match(d.io.text(), /^ok: /m)
})

t.test('policy test on the shipped policies', async (t) => {
  const { code, io } = await run(['policy', 'test', 'policies', '--min-coverage', '100'])
  t.equal(code, 0)
  t.match(io.text(), /^ok: \d+ passed, 0 failed; rule coverage 100% \((\d+)\/\1 rules\)/m)
  t.notMatch(io.text(), /rules no case decides/)

  const j = await run(['policy', 'test', 'policies', '--min-coverage', '100', '--json'])
  t.equal(j.code, 0)
  const report = JSON.parse(j.io.text())
  t.match(report, { ok: true, failed: 0, minCoverage: 100, diagnostics: [], coverage: { percent: 100, uncovered: [] } })
  t.ok(report.cases > 0)
  t.equal(report.passed, report.cases)
  t.equal(report.coverage.covered, report.coverage.total)
  for (const s of ['IL', 'NY', 'MA', 'MN', 'WA']) t.ok(report.coverage.byState[s]?.total > 0, `${s} has rules counted`)
})

t.test('policy explain', async (t) => {
  const cases: Array<{ argv: string[], effect: string, rule: string | null, redact?: string[], state: string }> = [
    { argv: ['--ori', 'VTICE0900', '--to', 'IL', '--key', 'DQ'], effect: 'deny', rule: 'il-deny-ice', state: 'IL' },
    { argv: ['--ori', 'WACBP0100', '--to', 'WA', '--key', 'RQ'], effect: 'allow', rule: null, state: 'WA' },
    { argv: ['--ori', 'NYCBP0100', '--to', 'NY', '--key', 'RQ'], effect: 'deny', rule: 'ny-deny-immigration', state: 'NY' },
    { argv: ['--ori', 'TX0020100', '--to', 'IL', '--key', 'DQ'], effect: 'allow', rule: null, state: 'IL' },
    { argv: ['--ori', 'NYCBP0100', '--to', 'IL', '--key', 'DQ', '--imq'], effect: 'redact', rule: 'il-redact-photo-immigration', redact: ['photo'], state: 'IL' },
  ]
  for (const c of cases) {
    const label = c.argv.join(' ')
    const { code, io } = await run(['policy', 'explain', ...c.argv, '--at', AT])
    t.equal(code, 0, `${label}: exit 0`)
    t.same(io.stderr, [], `${label}: nothing on stderr`)
    const text = io.text()
    t.match(text, new RegExp(`^decision: ${c.effect} +rule: ${c.rule ?? '\\(default\\)'} +policy version: [0-9a-f]{12}$`, 'm'), `${label}: decision line`)
    t.match(text, new RegExp(`asks ${c.state} for `), `${label}: summary names the state`)
    t.match(text, new RegExp(`on ${AT}\\.`), `${label}: summary names the date`)
    if (c.effect === 'deny') t.match(text, /^Denial text: ".+"$/m, `${label}: denial text`)
    else t.notMatch(text, /Denial text/, `${label}: no denial text`)
    if (c.rule === null) t.match(text, /No rule of \w+ matches, so \w+'s default applies: allow\./, `${label}: default`)
    else t.match(text, new RegExp(`Rule ${c.rule} decides`), `${label}: deciding rule`)
    if (c.redact) t.match(text, /The requester gets the record without: photo\./, `${label}: redaction`)

    const j = await run(['policy', 'explain', ...c.argv, '--at', AT, '--json'])
    t.equal(j.code, 0, `${label} --json: exit 0`)
    const e = JSON.parse(j.io.text())
    t.equal(e.decision.effect, c.effect, `${label} --json: effect`)
    t.equal(e.decision.rule, c.rule, `${label} --json: rule`)
    if (c.redact) t.same(e.decision.redact, c.redact, `${label} --json: redact`)
    else t.notOk(e.decision.redact?.length, `${label} --json: nothing redacted`)
    t.match(e.request, { state: c.state, time: `${AT}T00:00:00.000Z`, image: c.argv.includes('--imq') }, `${label} --json: request`)
    t.equal(e.consistent, true, `${label} --json: engines agree`)
    t.equal(e.failedClosed, false)
    t.same(e.matched.slice(0, 1), c.rule === null ? [] : [c.rule], `${label} --json: first matching rule decided`)
    t.ok(Array.isArray(e.rules) && e.rules.length > 0, `${label} --json: rule trace`)
  }
})

t.test('policy explain accepts lowercase input and USPS aliases', async (t) => {
  const lower = await run(['policy', 'explain', '--ori', 'vtice0900', '--to', 'il', '--key', 'dq', '--at', AT, '--json'])
  t.equal(lower.code, 0)
  t.match(JSON.parse(lower.io.text()), { request: { ori: 'VTICE0900', state: 'IL', key: 'DQ' }, decision: { effect: 'deny', rule: 'il-deny-ice' } })

  for (const to of ['ne', 'NE', 'nb']) {
    const ne = await run(['policy', 'explain', '--ori', 'VTICE0900', '--to', to, '--key', 'DQ', '--at', AT, '--json'])
    t.equal(ne.code, 0, `--to ${to}`)
    t.match(JSON.parse(ne.io.text()), { request: { state: 'NB' }, decision: { effect: 'allow', rule: null } }, `--to ${to} means NB`)
  }
  const text = await run(['policy', 'explain', '--ori', 'VTICE0900', '--to', 'ne', '--key', 'DQ', '--at', AT])
  t.match(text.io.text(), /asks NB for DQ/)
})

t.test('--help exits 0 and prints the usage', async (t) => {
  for (const argv of [['policy', '--help'], ['policy', '-h'], ['policy', 'check', '--help'], ['policy', 'test', '--help'],
    ['policy', 'explain', '--help'], ['policy', 'explain', '-h']]) {
    const { code, io } = await run(argv)
    t.equal(code, 0, argv.join(' '))
    t.match(io.text(), /^usage: nlets-sim policy <check\|test\|explain\|diff>/, `${argv.join(' ')}: usage`)
    t.match(io.text(), /Exit codes: 0 clean, 1 findings/)
  }
  const bare = await run(['policy'])
  t.equal(bare.code, 2, 'no subcommand is a usage error')
  t.match(bare.io.text(), /^usage: nlets-sim policy/)
})

t.test('bad input exits 2 and names the problem', async (t) => {
  const explainBase = ['policy', 'explain', '--ori', 'VTICE0900', '--to', 'IL', '--key', 'DQ']
  const bad: Array<[string[], RegExp]> = [
    [['policy', 'frobnicate'], /NSIM_CLI_UNKNOWN_COMMAND .*`policy frobnicate`.*check, test, explain or diff/],
    [['policy', 'explain', '--to', 'IL', '--key', 'DQ'], /NSIM_CLI_USAGE explain needs --ori/],
    [['policy', 'explain', '--ori', 'VTICE0900', '--key', 'DQ'], /NSIM_CLI_USAGE explain needs --to/],
    [['policy', 'explain', '--ori', 'VTICE0900', '--to', 'IL'], /NSIM_CLI_USAGE explain needs --key/],
    [['policy', 'explain', '--ori', 'VTICE09', '--to', 'IL', '--key', 'DQ'], /NSIM_CLI_USAGE --ori `VTICE09` is not an ORI/],
    [['policy', 'explain', '--ori', 'VT-ICE-09', '--to', 'IL', '--key', 'DQ'], /--ori `VT-ICE-09` is not an ORI/],
    [['policy', 'explain', '--ori', 'VTICE0900', '--to', 'ZZ', '--key', 'DQ'], /NSIM_CLI_USAGE --to `ZZ` is not a jurisdiction code/],
    [['policy', 'explain', '--ori', 'VTICE0900', '--to', 'IL', '--key', 'XQ'], /NSIM_CLI_USAGE --key `XQ` is not a query key/],
    [['policy', 'explain', '--ori', 'VTICE0900', '--to', 'IL', '--key', 'photo'], /--key `photo` is not a query key/],
    [[...explainBase, '--at', '2025-13-01'], /NSIM_CLI_USAGE --at must be a date .*`2025-13-01`/],
    [[...explainBase, '--at', '2025-02-30'], /--at must be a date .*`2025-02-30`/],
    [[...explainBase, '--at', 'yesterday'], /--at must be a date .*`yesterday`/],
    [[...explainBase, '--reason', 'Q'], /NSIM_CLI_USAGE --reason must be one of/],
    [[...explainBase, '--purpose', 'Q'], /NSIM_CLI_USAGE --purpose must be one of/],
    [[...explainBase, '--frobnicate'], /NSIM_CLI_USAGE .*--frobnicate/],
    [[...explainBase, 'extra'], /NSIM_CLI_USAGE policy folder `extra` not found/],
    [[...explainBase, 'a', 'b'], /NSIM_CLI_USAGE explain takes one directory, got a b/],
    [['policy', 'check', '--verbose'], /NSIM_CLI_USAGE .*--verbose/],
    [['policy', 'check', 'a', 'b'], /NSIM_CLI_USAGE check takes one directory, got a b/],
    [['policy', 'test', 'policies', '--min-coverage', '150'], /NSIM_CLI_USAGE --min-coverage is a percentage \(0-100\), got 150/],
    [['policy', 'test', 'policies', '--min-coverage', 'most'], /NSIM_CLI_USAGE --min-coverage must be a non-negative integer, got `most`/],
    [['policy', 'test', 'policies', '--min-coverage', '99.5'], /--min-coverage must be a non-negative integer, got `99\.5`/],
    [['policy', 'test', 'policies', '--at', '2025-1-1'], /NSIM_CLI_USAGE --at must be a date .*`2025-1-1`/],
  ]
  for (const [argv, re] of bad) {
    const { code, io } = await run(argv)
    t.equal(code, 2, `${argv.slice(1).join(' ')}: exit 2`)
    t.match(io.errText(), re, `${argv.slice(1).join(' ')}: message`)
    t.match(io.errText(), /^nlets-sim: NSIM_CLI_[A-Z_]+ /, `${argv.slice(1).join(' ')}: coded`)
    t.same(io.stdout, [], `${argv.slice(1).join(' ')}: nothing on stdout`)
  }
})

t.test('policy test below --min-coverage and with a failing case', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-ptest-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))

  const one = join(dir, 'one')
  await mkdir(one)
  await writeFile(join(one, 'IL.yaml'), [
    'at: 2025-11-25',
    'cases:',
    '  - name: ICE is denied in Illinois',
    '    request: { ori: VTICE0900, to: IL, key: DQ }',
    '    expect: { effect: deny, rule: il-deny-ice }',
    '',
  ].join('\n'))

  // One case decides one rule of several: passes with no minimum, fails above what it reaches.
  const low = await run(['policy', 'test', 'policies', '--tests', one, '--json'])
  t.equal(low.code, 0, 'no minimum: the one case passes')
  const lowReport = JSON.parse(low.io.text())
  t.match(lowReport, { ok: true, cases: 1, passed: 1, failed: 0, coverage: { covered: 1 } })
  const percent: number = lowReport.coverage.percent
  t.ok(percent > 0 && percent < 100, `reduced coverage ${percent}%`)

  const above = String(Math.floor(percent) + 1)
  const high = await run(['policy', 'test', 'policies', '--tests', one, '--min-coverage', above])
  t.equal(high.code, 1)
  t.match(high.io.text(), new RegExp(`rule coverage ${percent}% is below the minimum ${above}%`))
  t.match(high.io.text(), /rules no case decides: .*NY\/ny-deny-immigration/)
  t.match(high.io.text(), /^FAILED: 1 passed, 0 failed; rule coverage/m)

  const highJson = await run(['policy', 'test', 'policies', '--tests', one, '--min-coverage', above, '--json'])
  t.equal(highJson.code, 1)
  t.match(JSON.parse(highJson.io.text()), { ok: false, failed: 0, minCoverage: Number(above) })

  const atMin = await run(['policy', 'test', 'policies', '--tests', one, '--min-coverage', String(Math.floor(percent))])
  t.equal(atMin.code, 0, 'a minimum the folder reaches passes')

  // A failing expectation names the file and the line of its case.
  const failing = join(dir, 'failing')
  await mkdir(failing)
  const text = [
    '# a case that expects the wrong thing',
    'at: 2025-11-25',
    'cases:',
    '  - name: ICE is denied in Illinois',
    '    request: { ori: VTICE0900, to: IL, key: DQ }',
    '    expect: { effect: deny, rule: il-deny-ice }',
    '  - name: wrongly expects ICE to be allowed',
    '    request: { ori: VTICE0900, to: IL, key: RQ }',
    '    expect: { effect: allow, rule: null }',
    '',
  ].join('\n')
  await writeFile(join(failing, 'wrong.yaml'), text)
  const caseLine = text.split('\n').findIndex((l) => l.includes('name: wrongly expects')) + 1
  t.equal(caseLine, 7)

  const f = await run(['policy', 'test', 'policies', '--tests', failing])
  t.equal(f.code, 1)
  t.match(f.io.text(), new RegExp(`wrong\\.yaml:${caseLine}:\\d+ error NSIM_PTEST_FAIL case \`wrongly expects ICE to be allowed\`: ` +
    'expected allow by the default, got deny by rule `il-deny-ice`'))
  t.match(f.io.text(), /^FAILED: 1 passed, 1 failed;/m)

  const fj = await run(['policy', 'test', 'policies', '--tests', failing, '--json'])
  t.equal(fj.code, 1)
  const r = JSON.parse(fj.io.text())
  t.match(r, { ok: false, cases: 2, passed: 1, failed: 1 })
  t.equal(r.diagnostics.length, 1)
  t.match(r.diagnostics[0], { code: 'NSIM_PTEST_FAIL', severity: 'error', line: caseLine, file: /wrong\.yaml$/ })

  // Relative --tests paths resolve against io.cwd; the diagnostic path is shown relative to it.
  const rel = await run(['policy', 'test', join(root, 'policies'), '--tests', 'failing'], dir)
  t.equal(rel.code, 1)
  t.match(rel.io.text(), new RegExp(`^failing/wrong\\.yaml:${caseLine}:`, 'm'))

  // An empty test folder is not a pass.
  const empty = join(dir, 'empty')
  await mkdir(empty)
  const e = await run(['policy', 'test', 'policies', '--tests', empty])
  t.equal(e.code, 1)
  t.match(e.io.text(), /no test cases found/)
})

t.test('an unreadable test file is reported, not thrown', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-ptest-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await mkdir(join(dir, 'x.yaml'))
  const { code, io } = await run(['policy', 'test', 'policies', '--tests', dir])
  t.equal(code, 1)
  t.match(io.text(), /x\.yaml error NSIM_POLICY_READ/)
})
