/**
 * @module test/cli/policy-diff
 * `nlets-sim policy diff LIVE CANDIDATE` in process: every field of the --json
 * contract, the --fail-on gate's exit codes, --year counts, no change, usage
 * errors; and the commands that work from any directory.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { type Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'
import { copyPolicies } from '../policy/helpers.js'

const root = process.cwd()

async function run (argv: string[], cwd = root): Promise<{ code: number, out: string, err: string }> {
  const stdout: string[] = []
  const stderr: string[] = []
  const io: Io = { cwd, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
  const code = await main(argv, io)
  return { code, out: stdout.join('\n'), err: stderr.join('\n') }
}

/** The Texas change: deny ICE ERO licence and photo queries from 2026, HSI with PUR/C allowed, one ICE office carved out. */
const TX = `state: TX
version: 2026-01-01
default: allow
rules:
  - id: tx-allow-hsi-criminal
    effect: allow
    description: HSI criminal-purpose queries keep access
    requesters: { components: [HSI] }
    when: { purposes: [C] }
  - id: tx-deny-ice-ero
    effect: deny
    description: deny ICE ERO and HSI licence and photo queries from 2026
    requesters: { components: [ICE-ERO, HSI] }
    except: { oris: [TXICE0100] }
    keys: [DQ, photo]
    when: { from: 2026-01-01 }
`

t.test('--json: every field of the contract', async (t) => {
  const cand = copyPolicies(t)
  writeFileSync(join(cand, 'states', 'TX.yaml'), TX)
  const { code, out, err } = await run(['policy', 'diff', 'policies', cand, '--json'])
  t.equal(code, 1, 'changes: exit 1 without a gate')
  t.equal(err, '')
  const d = JSON.parse(out)
  t.same(Object.keys(d), ['live', 'candidate', 'changes', 'summary'])
  t.match(d, { live: /^[0-9a-f]{12}$/, candidate: /^[0-9a-f]{12}$/ })
  t.not(d.live, d.candidate)
  for (const c of d.changes) {
    t.same(Object.keys(c).sort(), ['access', 'after', 'before', 'context', 'imq', 'key', 'oris', 'outsideDirectory', 'state'], 'an entry has the contract fields')
    t.same(Object.keys(c.context), ['reason', 'purpose', 'from', 'until'])
    t.same(Object.keys(c.before), ['effect', 'rule', 'redact'])
    t.equal(c.state, 'TX')
  }
  const ice = d.changes.find((c: { key: string, imq: boolean, oris: string[] }) => c.key === 'DQ' && !c.imq && c.oris.includes('VTICE0900'))
  t.same(ice, {
    state: 'TX', key: 'DQ', imq: false, context: { reason: null, purpose: null, from: '2026-01-01', until: null },
    before: { effect: 'allow', rule: null, redact: [] }, after: { effect: 'deny', rule: 'tx-deny-ice-ero', redact: [] },
    oris: ice.oris, outsideDirectory: false, access: 'lost',
  })
  t.notOk(ice.oris.includes('TXICE0100'), 'the carve-out is not listed')
  t.ok(ice.oris.every((o: string, i: number, a: string[]) => i === 0 || a[i - 1]! < o), 'ORIs sorted')
  const hsi = d.changes.filter((c: { oris: string[] }) => c.oris.includes('AZHSI0100'))
  t.same([...new Set(hsi.map((c: { context: { purpose: unknown } }) => JSON.stringify(c.context.purpose)))].sort(), ['"C"', '{"notIn":["C"]}'], 'PUR/C and any other or none')
  t.ok(hsi.some((c: { access: string, after: { rule: string } }) => c.access === 'unchanged' && c.after.rule === 'tx-allow-hsi-criminal'), 'a rule-only change')
  t.ok(d.changes.every((c: { imq: boolean, key: string }) => !c.imq || c.key === 'DQ' || c.key === 'KQ'), 'imq only on DQ and KQ')
  t.same(Object.keys(d.summary), ['gained', 'lost', 'redactionChanged', 'changes'])
  t.equal(d.summary.changes, d.changes.length)
  t.equal(d.summary.gained, 0)
  t.ok(d.summary.lost > 0)
})

t.test('no change: says so, exit 0', async (t) => {
  const cand = copyPolicies(t)
  const { code, out } = await run(['policy', 'diff', 'policies', cand])
  t.equal(code, 0)
  t.match(out, /no change/)
  const j = await run(['policy', 'diff', 'policies', cand, '--json', '--fail-on', 'any-change'])
  t.equal(j.code, 0)
  t.match(JSON.parse(j.out), { changes: [], summary: { changes: 0 }, gate: { failOn: 'any-change', result: 'PASS', cells: 0 } })
})

/** The shipped set with Texas' TX rules (ICE loses access there). */
function losingCandidate (t: Test): string {
  const dir = copyPolicies(t)
  writeFileSync(join(dir, 'states', 'TX.yaml'), TX)
  return dir
}

/** The shipped set without Illinois' ICE block: access the live set denies is granted. */
function gainingCandidate (t: Test): string {
  const dir = copyPolicies(t)
  const il = join(dir, 'states', 'IL.yaml')
  writeFileSync(il, readFileSync(il, 'utf8').replace(/ {2}- id: il-deny-ice[\s\S]*?keys: \[all\]\n\n/, ''))
  return dir
}

t.test('--fail-on: exit codes of the gate', async (t) => {
  const lose = losingCandidate(t)
  const gain = gainingCandidate(t)
  const redact = copyPolicies(t)
  const ilr = join(redact, 'states', 'IL.yaml')
  writeFileSync(ilr, readFileSync(ilr, 'utf8').replace('redact: [photo]', 'redact: [ssn]'))
  const cases: Array<[string, string, number, RegExp]> = [
    [lose, 'new-access', 0, /PASS/], [lose, 'lost-access', 1, /FAIL, \d+ cells/], [lose, 'any-change', 1, /FAIL/],
    [gain, 'new-access', 1, /FAIL.*\n {2}IL DQ without IMQ\/Y: \d+ ORIs, deny -> /], [gain, 'lost-access', 0, /PASS/],
    [redact, 'new-access', 1, /FAIL/], [redact, 'lost-access', 1, /FAIL/],
  ]
  for (const [dir, failOn, want, re] of cases) {
    const r = await run(['policy', 'diff', 'policies', dir, '--fail-on', failOn])
    t.equal(r.code, want, `${failOn} on ${dir === lose ? 'a block' : dir === gain ? 'a lifted block' : 'a redaction changed both ways'}: exit ${want}`)
    t.match(r.out, re)
  }
  const j = JSON.parse((await run(['policy', 'diff', 'policies', redact, '--json', '--fail-on', 'new-access'])).out)
  t.match(j, { summary: { gained: 2, lost: 2, redactionChanged: 2 }, gate: { result: 'FAIL', cells: 2 } }, 'DQ and KQ with IMQ/Y')
  t.equal(j.changes[0].access, 'gained+lost')
})

t.test('--year: queries of the calibrated year each change moves', async (t) => {
  const cand = copyPolicies(t)
  writeFileSync(join(cand, 'states', 'TX.yaml'), TX)
  const { code, out } = await run(['policy', 'diff', 'policies', cand, '--json', '--year', 'nov-2025'])
  t.equal(code, 1)
  const d = JSON.parse(out)
  t.match(d.summary.year, { scenario: 'nov-2025', start: '2025-11-19', days: 365, method: /planned volume/ })
  t.ok(d.summary.year.lost > 0, `lost access: ${d.summary.year.lost} queries`)
  t.equal(d.summary.year.gained, 0)
  for (const c of d.changes) t.type(c.year?.queries, 'number')
  const photo = d.changes.find((c: { key: string, imq: boolean, context: { purpose: unknown }, oris: string[] }) => c.key === 'KQ' && c.imq)
  if (photo) t.equal(photo.year.queries, 0, 'the model sends no KQ with IMQ/Y')
  const ice = d.changes.filter((c: { oris: string[] }) => c.oris.includes('VTICE0900'))
  t.ok(ice.reduce((n: number, c: { year: { byComponent: Record<string, number> } }) => n + (c.year.byComponent['ICE-ERO'] ?? 0), 0) > 0)
  // Before 2026 (the baseline year) the dated rule moves nothing; the default scenario is baseline-oct-2025.
  const base = JSON.parse((await run(['policy', 'diff', 'policies', cand, '--json', '--year'])).out)
  t.equal(base.summary.year.scenario, 'baseline-oct-2025')
  t.equal(base.summary.year.lost, 0)
  const text = await run(['policy', 'diff', '--year', 'nov-2025', 'policies', cand])
  t.match(text.out, /year: scenario nov-2025, 2025-11-19 \+ 365 days/)
  t.match(text.out, /year: about [\d,]+ queries/)
})

t.test('usage errors exit 2', async (t) => {
  const bad: Array<[string[], RegExp]> = [
    [['policy', 'diff', 'policies'], /diff takes two policy folders, LIVE and CANDIDATE; got policies/],
    [['policy', 'diff', 'policies', 'policies', '--fail-on', 'more'], /--fail-on must be one of new-access, lost-access, any-change, got `more`/],
    [['policy', 'diff', 'policies', 'no-such-folder'], /policy folder `no-such-folder` not found/],
    [['policy', 'diff', 'policies', 'policies', '--year', 'no-such-scenario'], /unknown scenario `no-such-scenario`/],
  ]
  for (const [argv, re] of bad) {
    const r = await run(argv)
    t.equal(r.code, 2, argv.join(' '))
    t.match(r.err, re)
  }
})

t.test('commands work from any directory: the package\'s policies and scenarios', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-cwd-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  t.equal((await run(['policy', 'check'], dir)).code, 0, 'check finds the shipped policies')
  const e = await run(['policy', 'explain', '--ori', 'VTICE0900', '--to', 'IL', '--key', 'DQ', '--at', '2025-11-25'], dir)
  t.match(e.out, /Rule il-deny-ice decides: DENY/)
  t.match((await run(['replay', '--list'], dir)).out, /baseline-oct-2025/)
  t.match((await run(['directory', 'show', 'VTICE0900'], dir)).out, /ICE Law Enforcement Support Center/)
  const missing = await run(['policy', 'check', 'nowhere'], dir)
  t.equal(missing.code, 2)
  t.match(missing.err, new RegExp(`policy folder \`nowhere\` not found: no ${join(dir, 'nowhere', 'states').replace(/[/\\]/g, '.')}`))
})

t.test('explain: the folder as an argument, and --requests batch mode', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-batch-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const one = await run(['policy', 'explain', 'policies', '--ori', 'NYCBP0100', '--to', 'IL', '--key', 'DQ', '--imq', '--at', '2025-11-25'])
  t.match(one.out, /REDACT \(photo\)/)
  const file = join(dir, 'req.ndjson')
  await writeFile(file, [
    '{"ori":"VTICE0900","to":"IL","key":"DQ","at":"2025-11-25"}',
    '# a comment',
    '{"ori":"NYCBP0100","to":"IL","key":"DQ","imq":true}',
    '{"ori":"VTICE0900","to":"ZZ","key":"DQ"}',
    'not json',
    '{"ori":"TX0020100","to":"WA","key":"DQG","purpose":"C"}',
  ].join('\n'))
  const r = await run(['policy', 'explain', 'policies', '--requests', file, '--at', '2025-11-25'])
  t.equal(r.code, 2, 'bad lines: exit 2')
  const lines = r.out.split('\n').map((l) => JSON.parse(l))
  t.same(lines.map((l) => [l.line, l.decision.effect, l.decision.rule]), [[1, 'deny', 'il-deny-ice'], [3, 'redact', 'il-redact-photo-immigration'], [6, 'allow', null]])
  t.equal(lines[2].request.key, 'DQ', 'a regional key is explained as the key the state decides on')
  t.match(r.err, /req\.ndjson:4:1 error NSIM_CLI_USAGE request: to `ZZ` is not a jurisdiction code/)
  t.match(r.err, /req\.ndjson:5:1 error NSIM_CLI_USAGE not JSON/)
  const clash = await run(['policy', 'explain', 'policies', '--requests', file, '--ori', 'VTICE0900'])
  t.equal(clash.code, 2)
  t.match(clash.err, /--requests takes the requests from its file: drop --ori/)
})

t.test('the text summary names who gains and who loses access: component, how many, first names, where', async (t) => {
  const cand = losingCandidate(t)
  const gain = gainingCandidate(t)
  const lost = (await run(['policy', 'diff', 'policies', cand])).out
  t.match(lost, /\n {2}gain access: nobody\n/)
  t.match(lost, /\n {2}lose access: (.*; )?ICE-ERO \d+ requesters \([A-Z0-9]{9} [^,]+, [A-Z0-9]{9} [^,]+, \.\.\.\) in TX/)
  t.notMatch(lost.split('lose access:')[1], /TXICE0100/, 'the carve-out does not lose access')
  const gained = (await run(['policy', 'diff', 'policies', gain])).out
  t.match(gained, /\n {2}gain access: (.*; )?ICE-ERO \d+ requesters \([A-Z0-9]{9} ICE ERO field office .*\) in IL/)
  t.match(gained, /\n {2}lose access: nobody/)
})
