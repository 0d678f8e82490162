/**
 * @module test/cli/replay
 * `nlets-sim replay` end to end in process through `main` with a fake Io: a
 * one-day run writing JSON and HTML, JSON to stdout, --list, and usage errors.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { type Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'

const root = process.cwd()
const NAMES = ['all-states-block-immigration', 'baseline-oct-2025', 'letters-19', 'nov-2025', 'purpose-aware']

async function run (argv: string[]): Promise<{ code: number, out: string, err: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: Io = { cwd: root, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
  const code = await main(argv, io)
  return { code, out: stdout.join('\n'), err: stderr.join('\n') }
}

const dir = await mkdtemp(join(tmpdir(), 'nsim-replay-'))
t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })

t.test('a one-day replay with --json and --html', async (t) => {
  const json = join(dir, 'r.json')
  const html = join(dir, 'r.html')
  const { code, out, err } = await run(['replay', '--scenario', 'nov-2025', '--days', '1', '--quiet', '--json', json, '--html', html])
  t.equal(code, 0, err)
  t.equal(err, '', 'nothing on stderr with --quiet')
  t.match(out, /^Nlets year replay: nov-2025\n/)
  t.match(out, /2025-11-19 to 2025-11-19 \(1 day\)/)
  t.match(out, /\n {2}WA {2}denied: ICE-ERO [\d,]+, HSI [\d,]+\n/)
  t.match(out, /All checks within 2%/)
  const report = JSON.parse(await readFile(json, 'utf8'))
  t.match(report, { scenario: 'nov-2025', days: 1, start: '2025-11-19' })
  t.equal(report.total, report.planned.total)
  t.match(out, new RegExp(`queries +${report.total.toLocaleString('en-US')} +100%`))
  const page = await readFile(html, 'utf8')
  t.match(page, /^<!doctype html>/)
  t.match(page, /id="report-data"/)
})

t.test('--json - prints only the JSON on stdout; progress lines without a terminal', async (t) => {
  const { code, out, err } = await run(['replay', '--scenario', 'simulator/scenarios/all-states-block-immigration.yaml', '--days', '2', '--workers', '0', '--json', '-'])
  t.equal(code, 0, err)
  const report = JSON.parse(out)
  t.equal(report.scenario, 'all-states-block-immigration')
  t.equal(report.days, 2)
  t.equal(report.byComponent.CBP.denied, report.byComponent.CBP.queries)
  t.match(err, /^replay: 1\/2 days, [\d,]+ queries, [\d,]+ queries\/s\nreplay: 2\/2 days, /, 'a progress line per step on a non-terminal')
})

t.test('--list names every scenario with its description', async (t) => {
  const { code, out } = await run(['replay', '--list'])
  t.equal(code, 0)
  const lines = out.split('\n')
  t.same(lines.map((l) => l.split(' ')[0]), NAMES)
  t.match(out, /baseline-oct-2025 +from 2024-10-01, 365 days: The seed's year/)
  t.match(out, /nov-2025 +from 2025-11-19, 365 days: Policies as of late November 2025/)
})

t.test('usage errors exit 2', async (t) => {
  const unknown = await run(['replay', '--scenario', 'no-such-scenario', '--days', '1'])
  t.equal(unknown.code, 2)
  t.match(unknown.err, /NSIM_CLI_USAGE unknown scenario `no-such-scenario`; available: all-states-block-immigration, baseline-oct-2025, letters-19, nov-2025, purpose-aware/)
  for (const days of ['0', 'x', '-3', '4000', '1.5']) {
    const bad = await run(['replay', '--scenario', 'nov-2025', '--days', days])
    t.equal(bad.code, 2, `--days ${days}`)
    t.match(bad.err, /NSIM_CLI_USAGE .*--days/)
  }
  const workers = await run(['replay', '--scenario', 'nov-2025', '--workers', 'many'])
  t.equal(workers.code, 2)
  const none = await run(['replay', '--days', '1'])
  t.equal(none.code, 2)
  t.match(none.err, /replay needs --scenario NAME\|FILE \(scenarios: all-states-block-immigration, /)
  const flag = await run(['replay', '--scenario', 'nov-2025', '--dayz', '1'])
  t.equal(flag.code, 2)
  t.match(flag.err, /NSIM_CLI_USAGE .*--dayz/)
  const help = await run(['replay', '--help'])
  t.equal(help.code, 0)
  t.match(help.out, /^usage: nlets-sim replay --scenario NAME\|FILE/)
})

t.test('a bad scenario file exits 1 with the scenario error', async (t) => {
  const bad = join(dir, 'bad.yaml')
  await writeFile(bad, 'name: bad\nstart: 2024-10-01\ndays: 1\nseeed: 1\n')
  const r = await run(['replay', '--scenario', bad, '--quiet'])
  t.equal(r.code, 1)
  t.match(r.err, /^nlets-sim: scenario .*bad\.yaml: unknown field `seeed`/)
  t.equal(r.out, '')
  const missing = await run(['replay', '--scenario', join(dir, 'missing.yaml'), '--quiet'])
  t.equal(missing.code, 1)
  t.match(missing.err, /scenario .*missing\.yaml: ENOENT/)
  const rule = join(dir, 'rule.yaml')
  await writeFile(rule, 'start: 2024-10-01\nadd:\n  - states: [IL]\n    rule: { id: x, description: y, effect: denny, requesters: {}, keys: [all] }\n')
  const r2 = await run(['replay', '--scenario', rule, '--days', '1', '--quiet'])
  t.equal(r2.code, 1)
  t.match(r2.err, /add\[0\]\.rule: unknown effect `denny`/)
  const mix = join(dir, 'mix.yaml')
  await writeFile(mix, 'start: 2024-10-01\ntraffic:\n  localKeyMix: { XQ: 0.1 }\n')
  const r3 = await run(['replay', '--scenario', mix, '--days', '1', '--quiet'])
  t.equal(r3.code, 1, 'a traffic value the model rejects')
  t.match(r3.err, /scenario .*mix\.yaml: traffic: `localKeyMix.XQ` is not one of/)
})
