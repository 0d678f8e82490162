/**
 * @module test/cli/traffic
 * `nlets-sim traffic export`: ndjson lines with line, token, contentType and
 * body, the same for the same seed and different for another; text; the k6
 * script and its data file; usage errors.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { run } from './helpers.js'


const tmp = await mkdtemp(join(tmpdir(), 'nsim-traffic-'))
t.teardown(async () => { await rm(tmp, { recursive: true, force: true }) })

t.test('ndjson: one message a line, deterministic for a seed', async (t) => {
  const a = await run('traffic', 'export', '--scenario', 'nov-2025', '--count', '300', '--format', 'ndjson', '--seed', '7')
  t.equal(a.code, 0, a.err)
  const lines = a.out.split('\n')
  t.equal(lines.length, 300)
  const msgs = lines.map((l) => JSON.parse(l) as Record<string, string>)
  for (const m of msgs) t.same(Object.keys(m), ['line', 'token', 'contentType', 'body'])
  t.ok(msgs.every((m) => m.token === `demo-${m.line}`), 'the sending line\'s demo token')
  t.ok(msgs.some((m) => m.contentType === 'application/json') && msgs.some((m) => m.contentType === 'text/plain'), 'legacy text and JSON')
  t.ok(msgs.some((m) => m.line === 'TC'), 'federal senders on their own lines (CBP)')
  const b = await run('traffic', 'export', '--scenario', 'nov-2025', '--count', '300', '--format', 'ndjson', '--seed', '7', '--out', join(tmp, 'b.ndjson'))
  t.equal(b.code, 0, b.err)
  t.equal(await readFile(join(tmp, 'b.ndjson'), 'utf8'), a.out + '\n', 'same seed, same messages')
  const c = await run('traffic', 'export', '--scenario', 'nov-2025', '--count', '300', '--format', 'ndjson', '--seed', '8')
  t.not(c.out, a.out, 'another seed, other messages')
})

t.test('text: legacy messages only', async (t) => {
  const r = await run('traffic', 'export', '--count', '50', '--format', 'text')
  t.equal(r.code, 0, r.err)
  const lines = r.out.split('\n')
  t.equal(lines.length, 50)
  for (const l of lines) t.match(l, /^[A-Z]{2,3}\.[A-Z0-9]{9}\.[A-Z0-9]{2}\.TXT[A-Z]{2,3}\//)
})

t.test('k6: a script and its data file', async (t) => {
  const script = join(tmp, 'nlets.k6.js')
  const r = await run('traffic', 'export', '--count', '40', '--format', 'k6', '--out', script)
  t.equal(r.code, 0, r.err)
  const js = await readFile(script, 'utf8')
  t.match(js, /executor: 'constant-arrival-rate'/)
  t.match(js, /open\('\.\/nlets\.k6\.data\.ndjson'\)/)
  t.match(js, /new Counter\('nlets_deny'\)/)
  const data = (await readFile(join(tmp, 'nlets.k6.data.ndjson'), 'utf8')).trim().split('\n')
  t.equal(data.length, 40)
  t.same(Object.keys(JSON.parse(data[0]!)), ['line', 'token', 'contentType', 'body'])
})

t.test('usage errors exit 2 naming the flag', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['export', '--format', 'ndjson'], /needs --count/],
    [['export', '--count', '5'], /needs --format/],
    [['export', '--count', '5', '--format', 'csv'], /--format must be one of ndjson, text, k6/],
    [['export', '--count', '0', '--format', 'text'], /--count must be a positive integer/],
    [['export', '--count', '5', '--format', 'k6'], /give --out FILE/],
    [['export', '--count', '5', '--format', 'text', '--json-share', '0.5'], /--json-share does not go with --format text/],
    [['export', '--count', '5', '--format', 'text', '--scenario', 'nope'], /unknown scenario `nope`/],
    [['import'], /unknown command `traffic import`/],
  ]
  for (const [args, msg] of cases) {
    const r = await run('traffic', ...args)
    t.equal(r.code, 2, args.join(' '))
    t.match(r.err, msg, args.join(' '))
  }
  t.equal((await run('traffic', 'export', '--help')).code, 0)
})
