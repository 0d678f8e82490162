/**
 * @module test/cli/audit
 * `nlets-sim audit search|stats` over a small hand-written NDJSON file with
 * malformed lines: every filter, --json, the table, stats, and the errors.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { type Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'
import { parseAuditLine, parseAuditTime, scanAudit } from '../../src/hub/audit-search.js'

delete process.env.NSIM_AUDIT_FILE

function fakeIo (cwd: string): Io & { stdout: string[], stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { cwd, stdout, stderr, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
}

function rec (n: number, time: string, kind: string, key: string, ori: string, line: string, destination: string, effect: string, rule: string | null, status: string): string {
  return JSON.stringify({
    level: 30, time, kind, id: `m-${n}`, key, ori, line, destination, effect, rule, policyVersion: 'v1',
    replyKey: status === 'queued' ? 'SM' : key[0] === 'R' ? 'RR' : 'DR', status, latencyMs: 1,
  })
}

// Line numbers matter: malformed lines are 3, 7, 10 and 11; line 6 is blank.
const LINES = [
  rec(1, '2025-11-24T10:00:00.000Z', 'decision', 'DQ', 'TX0020100', 'TX', 'IL', 'allow', null, 'hit'),
  rec(2, '2025-11-24T12:00:00.000Z', 'decision', 'DQ', 'VTICE0900', 'AX', 'IL', 'deny', 'il-deny-ice', 'denied'),
  'this is not json',
  rec(4, '2025-11-25T08:00:00.000Z', 'decision', 'RQ', 'NYCBP0100', 'TC', 'WA', 'allow', null, 'hit'),
  rec(5, '2025-11-25T09:00:00.000Z', 'decision', 'DQ', 'NYCBP0100', 'TC', 'IL', 'redact', 'il-redact-photo-immigration', 'nohit'),
  '',
  '{"kind":"decision"}',
  rec(8, '2025-11-25T23:59:59.999Z', 'decision', 'DQ', 'TX0020100', 'TX', 'IL', 'allow', null, 'queued'),
  rec(8, '2025-11-26T00:00:01.000Z', 'delivery', 'DQ', 'TX0020100', 'TX', 'IL', 'allow', null, 'hit'),
  '[1,2]',
  '{"level":30,"time":"2025-',
]

const dir = await mkdtemp(join(tmpdir(), 'nsim-audit-'))
t.teardown(() => rm(dir, { recursive: true, force: true }))
const file = join(dir, 'audit.ndjson')
await writeFile(file, LINES.join('\n'))

/** Run `audit search --json` with extra flags; returns the ids of the records printed. */
async function ids (t: Test, ...flags: string[]): Promise<string[]> {
  const io = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', file, '--json', ...flags], io), 0, flags.join(' '))
  return io.stdout.map((l) => {
    const r = JSON.parse(l) as { id: string, kind: string }
    return r.kind === 'delivery' ? `${r.id}d` : r.id
  })
}

t.test('library: lines and time bounds', async (t) => {
  t.equal(parseAuditLine('nope'), undefined)
  t.equal(parseAuditLine('{"kind":"other","id":"a","key":"DQ","ori":"X","destination":"IL","effect":"allow"}'), undefined)
  t.equal(parseAuditLine('{"kind":"decision","id":"a","key":"DQ","ori":"X","destination":"IL","effect":"allow","rule":5}'), undefined)
  t.match(parseAuditLine(LINES[0]!), { id: 'm-1', destination: 'IL' })
  t.equal(parseAuditTime('2025-11-25', 'from'), Date.parse('2025-11-25T00:00:00Z'))
  t.equal(parseAuditTime('2025-11-25', 'to'), Date.parse('2025-11-26T00:00:00Z') - 1)
  t.equal(parseAuditTime('2025-11-25T10:00:00+02:00', 'to'), Date.parse('2025-11-25T08:00:00Z'))
  t.equal(parseAuditTime('2025-02-30', 'from'), undefined)
  t.equal(parseAuditTime('2025-11-25T10:00:00', 'from'), undefined, 'a timestamp needs a zone')
  const seen: number[] = []
  const s = await scanAudit(file, (_r, _raw, n) => { seen.push(n) })
  t.same(s, { lines: 11, records: 6, malformed: 4, firstMalformedLine: 3 })
  t.same(seen, [1, 2, 4, 5, 8, 9])
})

t.test('search --json: every filter', async (t) => {
  const io = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', file, '--json'], io), 0)
  t.equal(io.stdout.length, 6)
  t.equal(io.stdout[0], LINES[0], 'the stored line as written')
  t.match(io.stderr.join('\n'), /skipped 4 malformed lines in .*audit\.ndjson \(first: line 3\)/)

  t.same(await ids(t, '--key', 'RQ'), ['m-4'])
  t.same(await ids(t, '--key', 'dq'), ['m-1', 'm-2', 'm-5', 'm-8', 'm-8d'])
  t.same(await ids(t, '--from', '2025-11-25'), ['m-4', 'm-5', 'm-8', 'm-8d'])
  t.same(await ids(t, '--to', '2025-11-25'), ['m-1', 'm-2', 'm-4', 'm-5', 'm-8'], 'a date-only --to covers the whole day')
  t.same(await ids(t, '--from', '2025-11-25T08:30:00Z', '--to', '2025-11-26T00:00:00Z'), ['m-5', 'm-8'])
  t.same(await ids(t, '--from', '2025-11-25T10:00:00+01:00', '--to', '2025-11-25T09:00:00Z'), ['m-5'], 'bounds are inclusive; zones honoured')
  t.same(await ids(t, '--source', 'TX0020100'), ['m-1', 'm-8', 'm-8d'], 'an ORI')
  t.same(await ids(t, '--source', 'AX'), ['m-2'], 'a line')
  t.same(await ids(t, '--source', 'vt'), ['m-2'], 'a state prefix of the ORI')
  t.same(await ids(t, '--source', 'TC'), ['m-4', 'm-5'], 'the CBP line')
  t.same(await ids(t, '--source', 'NYCBP'), ['m-4', 'm-5'], 'an ORI prefix')
  t.same(await ids(t, '--source', 'NY0000000'), [])
  t.same(await ids(t, '--destination', 'wa'), ['m-4'])
  t.same(await ids(t, '--effect', 'deny'), ['m-2'])
  t.same(await ids(t, '--effect', 'REDACT'), ['m-5'])
  t.same(await ids(t, '--rule', 'il-deny-ice'), ['m-2'])
  t.same(await ids(t, '--rule', 'none'), ['m-1', 'm-4', 'm-8', 'm-8d'])
  t.same(await ids(t, '--kind', 'delivery'), ['m-8d'])
  t.same(await ids(t, '--kind', 'decision', '--destination', 'IL', '--effect', 'allow', '--source', 'TX'), ['m-1', 'm-8'])

  const lim = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', file, '--json', '--limit', '2'], lim), 0)
  t.equal(lim.stdout.length, 2)
  t.match(lim.stderr.join('\n'), /2 of 6 matching records shown \(--limit 0 for all\)/)
})

t.test('search: the table', async (t) => {
  const io = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', file, '--destination', 'IL', '--limit', '3'], io), 0)
  t.equal(io.stdout.length, 5)
  t.match(io.stdout[0], /^TIME\s+ID\s+KEY\s+ORI\s+DEST\s+EFFECT\s+RULE\s+REPLY\s+STATUS$/)
  t.match(io.stdout[1], /^2025-11-24T10:00:00\.000Z\s+m-1\s+DQ\s+TX0020100\s+IL\s+allow\s+-\s+DR\s+hit$/)
  t.match(io.stdout[2], /^2025-11-24T12:00:00\.000Z\s+m-2\s+DQ\s+VTICE0900\s+IL\s+deny\s+il-deny-ice\s+DR\s+denied$/)
  t.match(io.stdout[4], /^3 of 5 matching records shown \(--limit 0 for all\); 6 records in /)

  const all = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', file, '--kind', 'delivery', '--limit', '0'], all), 0)
  t.match(all.stdout[1], /m-8\s+DQ\s+TX0020100\s+IL\s+allow\s+-\s+DR\s+delivered hit$/)
  t.match(all.stdout[2], /^1 matching record shown; 6 records in /)

  const none = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', file, '--key', 'KQ'], none), 0)
  t.same(none.stdout, [`0 matching records shown; 6 records in ${file}`])

  // The default file is var/audit.ndjson under the working directory.
  await mkdir(join(dir, 'var'), { recursive: true })
  await writeFile(join(dir, 'var/audit.ndjson'), LINES.slice(0, 2).join('\n') + '\n')
  const def = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--json'], def), 0)
  t.equal(def.stdout.length, 2)
  t.same(def.stderr, [])
})

t.test('stats', async (t) => {
  const io = fakeIo(dir)
  t.equal(await main(['audit', 'stats', '--file', file, '--json'], io), 0)
  const s = JSON.parse(io.stdout.join('\n'))
  t.match(s, {
    file, lines: 11, records: 6, malformed: 4, firstMalformedLine: 3, matched: 6,
    byKind: { decision: 5, delivery: 1 },
    byEffect: { allow: 3, deny: 1, redact: 1 },
    byDestination: { IL: { total: 4, effects: { allow: 2, deny: 1, redact: 1 }, delivered: 1 }, WA: { total: 1, effects: { allow: 1 }, delivered: 0 } },
    byRule: { '(none)': 3, 'il-deny-ice': 1, 'il-redact-photo-immigration': 1 },
    byLine: { TX: 2, AX: 1, TC: 2 },
    first: '2025-11-24T10:00:00.000Z', last: '2025-11-26T00:00:01.000Z',
  })
  t.match(io.stderr.join('\n'), /skipped 4 malformed lines/)

  const text = fakeIo(dir)
  t.equal(await main(['audit', 'stats', '--file', file], text), 0)
  const out = text.stdout.join('\n')
  t.match(out, /6 matching of 6 records \(5 decisions, 1 deferred delivery\), 2025-11-24T10:00:00\.000Z to 2025-11-26T00:00:01\.000Z/)
  t.match(out, /by effect: allow 3 {2}deny 1 {2}redact 1/)
  t.match(out, /\n {2}IL {2}total 4\s+deny 1 {2}allow 2 {2}redact 1 {2}delivered later 1\n {2}WA {2}total 1\s+deny 0 {2}allow 1 {2}redact 0\n/)
  t.match(out, /\n {2}\(none\)\s+3 {2}\(no rule matched/)
  t.match(out, /\n {2}il-deny-ice\s+1\n/)
  t.match(out, /by line: TC 2 {2}TX 2 {2}AX 1/)

  const filtered = fakeIo(dir)
  t.equal(await main(['audit', 'stats', '--file', file, '--json', '--source', 'TC'], filtered), 0)
  t.match(JSON.parse(filtered.stdout.join('\n')), { matched: 2, byEffect: { allow: 1, redact: 1 } })
})

t.test('errors', async (t) => {
  const usage = async (...argv: string[]): Promise<string> => {
    const io = fakeIo(dir)
    t.equal(await main(['audit', ...argv], io), 2, argv.join(' '))
    return io.stderr.join('\n')
  }
  t.match(await usage('search', '--file', file, '--from', '2025-13-01'), /NSIM_CLI_USAGE --from must be a date YYYY-MM-DD or an ISO timestamp with zone, got `2025-13-01`/)
  t.match(await usage('search', '--file', file, '--to', 'yesterday'), /--to must be a date/)
  t.match(await usage('search', '--file', file, '--from', '2025-11-26', '--to', '2025-11-25'), /--from `2025-11-26` is after --to `2025-11-25`/)
  t.match(await usage('search', '--file', file, '--key', 'XQ'), /--key `XQ` is not a query key/)
  t.match(await usage('search', '--file', file, '--destination', 'ZZ'), /--destination `ZZ` is not a jurisdiction/)
  t.match(await usage('search', '--file', file, '--source', '1X'), /--source `1X`/)
  t.match(await usage('search', '--file', file, '--source', 'TX00201000'), /--source/)
  t.match(await usage('search', '--file', file, '--effect', 'maybe'), /--effect must be deny, allow or redact, got `maybe`/)
  t.match(await usage('search', '--file', file, '--kind', 'reply'), /--kind must be decision, delivery or refusal/)
  t.match(await usage('search', '--file', file, '--rule', ''), /--rule needs a rule id/)
  t.match(await usage('search', '--file', file, '--limit', 'ten'), /--limit must be a non-negative integer/)
  t.match(await usage('search', '--bogus'), /bogus/)
  t.match(await usage('stats', '--limit', '3'), /limit/)
  t.match(await usage('grep'), /NSIM_CLI_UNKNOWN_COMMAND .*audit grep.*search or stats/)
  const bare = fakeIo(dir)
  t.equal(await main(['audit'], bare), 2)
  t.match(bare.stdout.join('\n'), /usage: nlets-sim audit/)
  const help = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--help'], help), 0)
  t.match(help.stdout.join('\n'), /--source S/)

  const missing = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', 'missing.ndjson'], missing), 1)
  t.match(missing.stderr.join('\n'), /cannot read audit file `.*missing\.ndjson`: ENOENT/)
  const folder = fakeIo(dir)
  t.equal(await main(['audit', 'stats', '--file', dir], folder), 1)
  t.match(folder.stderr.join('\n'), /cannot read audit file `.*nsim-audit-.*`: EISDIR/)
})

t.test('several files (one per replica) read as one log in time order, by repeating --file or with a * pattern', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-audit-replicas-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  await writeFile(join(dir, 'audit-a.ndjson'), [
    rec(1, '2025-11-25T10:00:00.000Z', 'decision', 'DQ', 'TX0020100', 'TX', 'IL', 'allow', null, 'hit'),
    rec(3, '2025-11-25T10:00:02.000Z', 'decision', 'DQ', 'VTICE0900', 'AX', 'IL', 'deny', 'il-deny-ice', 'denied'),
    'garbage',
    rec(6, '2025-11-25T10:00:05.000Z', 'decision', 'RQ', 'TX0020100', 'TX', 'WA', 'allow', null, 'hit'),
  ].join('\n') + '\n')
  await writeFile(join(dir, 'audit-b.ndjson'), [
    rec(2, '2025-11-25T10:00:01.000Z', 'decision', 'DQ', 'TX0020100', 'TX', 'NY', 'allow', null, 'hit'),
    rec(4, '2025-11-25T10:00:03.000Z', 'decision', 'DQ', 'TX0020100', 'TX', 'IL', 'allow', null, 'hit'),
    rec(5, '2025-11-25T10:00:04.000Z', 'decision', 'DQ', 'VTICE0900', 'AX', 'MN', 'deny', 'mn-deny-ice', 'denied'),
  ].join('\n') + '\n')
  await writeFile(join(dir, 'other.ndjson'), rec(9, '2025-11-25T09:00:00.000Z', 'decision', 'DQ', 'TX0020100', 'TX', 'IL', 'allow', null, 'hit') + '\n')
  const ids = (io: { stdout: string[] }): string[] => io.stdout.map((l) => JSON.parse(l).id as string)
  const both = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', 'audit-a.ndjson', '--file', 'audit-b.ndjson', '--json', '--limit', '0'], both), 0)
  t.same(ids(both), ['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6'], 'merged in time order')
  t.match(both.stderr.join('\n'), /skipped 1 malformed line in 2 files \(first: .*audit-a\.ndjson line 3\)/, 'a bad line is named with its file')
  const glob = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', 'audit-*.ndjson', '--json', '--limit', '0', '--effect', 'deny'], glob), 0)
  t.same(ids(glob), ['m-3', 'm-5'], 'a * pattern takes every replica\'s file (and not other.ndjson)')
  const stats = fakeIo(dir)
  t.equal(await main(['audit', 'stats', '--file', 'audit-*.ndjson', '--json'], stats), 0)
  t.match(JSON.parse(stats.stdout.join('\n')), { records: 6, matched: 6, byEffect: { allow: 4, deny: 2 }, first: '2025-11-25T10:00:00.000Z', last: '2025-11-25T10:00:05.000Z' })
  const none = fakeIo(dir)
  t.equal(await main(['audit', 'search', '--file', 'nothing-*.ndjson'], none), 2)
  t.match(none.stderr.join('\n'), /--file nothing-\*\.ndjson: no file matches/)
})
