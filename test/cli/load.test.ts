/**
 * @module test/cli/load
 * `nlets-sim load` in process through `main` against a hub listening on an
 * ephemeral port of 127.0.0.1: the open model with the summary, the JSON
 * report's fields and the HTML page; the closed loop; thresholds that pass
 * and fail (exit 1); --compare; a mid-run reload with its phases; injected
 * malformed and spoofed messages; an unreachable target (exit 1) and bad
 * flags (exit 2). Runs are a couple of seconds at a low rate; no assertion on
 * timing, only on counts that the open model fixes (planned = rate x duration).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { run } from './helpers.js'
import { buildHub, type Hub } from '../../src/hub/app.js'

delete process.env.NSIM_ADMIN_TOKEN
delete process.env.NSIM_HUB_URL


async function listen (hub: Hub): Promise<string> {
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const a = hub.app.server.address()
  if (a === null || typeof a !== 'object') throw new Error('no address')
  return `http://127.0.0.1:${a.port}`
}

const tmp = await mkdtemp(join(tmpdir(), 'nsim-load-'))
t.teardown(async () => { await rm(tmp, { recursive: true, force: true }) })

// The hub serves a copy of the shipped policies, so a reload test can change them.
const hubPolicies = join(tmp, 'hub-policies')
await cp('policies', hubPolicies, { recursive: true })
const hub = await buildHub({ auditFile: false, logger: false, docs: false, policiesDir: hubPolicies, regionsFile: 'policies/regions.yaml' })
t.teardown(() => hub.close())
const url = await listen(hub)

interface Report {
  target: { url: string, policyVersion: string }
  settings: Record<string, unknown>
  requests: { planned: number, sent: number, completed: number, dropped: number }
  latencyMs: Record<string, number>
  latencyFromSendMs: Record<string, number>
  generatorLatenessMs: Record<string, number>
  errors: { total: number, timeout: number, connection: number, http5xx: number, http4xx: number }
  decisions: { allow: number, deny: number, redact: number }
  replies: Record<string, Record<string, number>>
  byState: Record<string, { allow: number, deny: number, redact: number, queued: number }>
  thresholds: Array<{ expr: string, actual: number, pass: boolean }>
  injected: Record<string, { sent: number, rejected: number }>
  er: Record<string, number>
  reload: null | { ok: boolean, httpStatus: number, version: string, previousVersion: string, phases: Record<string, { requests: { sent: number, completed: number }, errors: { total: number }, decisions: { deny: number }, byState: Record<string, { allow: number, deny: number, redact: number }> }> }
  compare?: { deltas: Array<{ metric: string }>, regressions: string[] }
}

const P = ['p50', 'p90', 'p99', 'p999', 'max']
let first: string

t.test('open model: summary with the decision mix, JSON report with the listed fields, HTML page', async (t) => {
  first = join(tmp, 'run1.json')
  const html = join(tmp, 'run1.html')
  const r = await run('load', '--target', url, '--rate', '100', '--duration', '2s', '--connections', '8', '--threshold', 'p999<60s', '--threshold', 'errors==0', '--json', first, '--html', html)
  t.equal(r.code, 0, r.err)
  t.match(r.out, /open model, 100 req\/s planned for 2 s on 8 connections/)
  t.match(r.out, /decisions \(per destination\) \.+: allow \d[\d,]* \([\d.]+%\)\s+deny \d+/)
  t.match(r.out, /generator lateness \(ms\)/)
  t.match(r.out, /ok\s+p999<60s/)
  t.match(r.err, /load \d+\/2 s/, 'a progress line')
  const j = JSON.parse(await readFile(first, 'utf8')) as Report
  t.equal(j.target.url, url)
  t.equal(j.target.policyVersion, hub.ctx.store.current.version, 'the target\'s policy version from /health')
  t.same(j.requests, { ...j.requests, planned: 200, sent: 200, completed: 200, dropped: 0 }, 'planned = rate x duration, all answered')
  for (const k of ['latencyMs', 'latencyFromSendMs', 'generatorLatenessMs'] as const) {
    t.same(Object.keys(j[k]), P, `${k} fields`)
    for (const p of P) t.ok(Number.isFinite(j[k][p]) && j[k][p]! >= 0, `${k}.${p} is a number`)
  }
  t.ok(j.latencyMs.max! >= j.latencyMs.p50!, 'max >= p50')
  t.same(j.errors, { total: 0, timeout: 0, connection: 0, http5xx: 0, http4xx: 0 }, 'errors by kind, 0 written out')
  t.ok(j.decisions.allow > 0, 'decisions counted from the replies')
  t.same(Object.keys(j.decisions), ['allow', 'deny', 'redact'])
  const perState = Object.values(j.byState).reduce((n, s) => n + s.allow + s.deny + s.redact, 0)
  t.equal(perState, j.decisions.allow + j.decisions.deny + j.decisions.redact, 'byState adds up to the decisions')
  for (const s of Object.values(j.byState)) t.same(Object.keys(s), ['allow', 'deny', 'redact', 'queued'])
  t.ok(Object.keys(j.replies).some((k) => k === 'DR' || k === 'RR'), 'replies by key and status')
  t.same(j.thresholds.map((x) => [x.expr, x.pass]), [['p999<60s', true], ['errors==0', true]])
  t.equal(j.thresholds[1]!.actual, 0)
  for (const k of ['target', 'settings', 'requests', 'latencyMs', 'latencyFromSendMs', 'generatorLatenessMs', 'errors', 'decisions', 'replies', 'byState', 'thresholds', 'machine', 'startedAt']) t.ok(k in j, `report has ${k}`)
  const page = await readFile(html, 'utf8')
  t.match(page, /^<!doctype html>/)
  t.match(page, /Latency over time[\s\S]*<svg[\s\S]*Latency histogram[\s\S]*<svg[\s\S]*Outcomes over time[\s\S]*<svg[\s\S]*Outcomes by state/)
  t.notMatch(page, /\b(src|href)=["']?(https?:)?\/\//, 'no external resource')
  t.match(page, /<script type="application\/json" id="report-data">/)
})

t.test('a failing threshold exits 1 and says by how much', async (t) => {
  const r = await run('load', '--target', url, '--rate', '50', '--duration', '1s', '--quiet', '--threshold', 'deny_rate>=100%', '--threshold', 'rate>0')
  t.equal(r.code, 1)
  t.match(r.out, /FAIL deny_rate>=100%\s+[\d.]+% \(under by [\d.]+ points\)/)
  t.match(r.out, /ok\s+rate>0/)
  t.match(r.err, /1 of 2 threshold\(s\) failed: deny_rate>=100%/)
})

t.test('--compare prints deltas; a regression beyond the tolerance exits 1', async (t) => {
  // A saved run that was impossibly slow: no real run regresses against it.
  const slow = JSON.parse(await readFile(first, 'utf8')) as Report
  for (const p of P) { slow.latencyMs[p] = 1e9; slow.latencyFromSendMs[p] = 1e9 }
  const slowFile = join(tmp, 'slow.json')
  await writeFile(slowFile, JSON.stringify(slow))
  const same = await run('load', '--target', url, '--rate', '50', '--duration', '1s', '--quiet', '--compare', slowFile, '--tolerance', '5%', '--json', join(tmp, 'cmp.json'))
  t.equal(same.code, 0, same.err)
  t.match(same.out, /compared with .*slow\.json.*, tolerance 5%/)
  t.match(same.out, /latency p99 ms\s+[\d.,]+ ->\s+[\d.,]+/)
  t.match(same.out, /no regression/)
  const j = JSON.parse(await readFile(join(tmp, 'cmp.json'), 'utf8')) as Report
  t.ok(j.compare!.deltas.some((d) => d.metric === 'deny rate'))
  // A saved run of the same load that answered a million requests a second: any real run regresses against it.
  const fast = JSON.parse(await readFile(join(tmp, 'cmp.json'), 'utf8')) as Report & { requests: { achievedRate: number } }
  fast.requests.achievedRate = 1e6
  const fastFile = join(tmp, 'fast.json')
  await writeFile(fastFile, JSON.stringify(fast))
  const worse = await run('load', '--target', url, '--rate', '50', '--duration', '1s', '--quiet', '--compare', fastFile)
  t.equal(worse.code, 1)
  t.match(worse.out, /REGRESSION achieved req\/s/)
  t.match(worse.err, /regression against .*fast\.json: .*achieved req\/s/)
})

t.test('closed loop; injected malformed and spoofed messages counted apart', async (t) => {
  const out = join(tmp, 'closed.json')
  const r = await run('load', '--target', url, '--closed-loop', '--connections', '2', '--duration', '1s', '--quiet', '--messages', '200', '--invalid', '10%', '--spoof', '0.05', '--json', out)
  t.equal(r.code, 0, r.err)
  t.match(r.out, /closed loop for 1 s on 2 connections/)
  const j = JSON.parse(await readFile(out, 'utf8')) as Report
  t.equal(j.requests.sent, j.requests.planned)
  t.equal(j.requests.completed, j.requests.sent)
  t.ok(j.injected.invalid!.sent > 0 && j.injected.spoof!.sent > 0, 'both kinds sent')
  t.equal(j.injected.invalid!.rejected, j.injected.invalid!.sent, 'every malformed message rejected')
  t.equal(j.injected.spoof!.rejected, j.injected.spoof!.sent, 'every spoofed message rejected')
  t.equal(j.errors.total, 0, 'expected rejections are not errors')
  t.ok(Object.values(j.er).reduce((a, b) => a + b, 0) >= j.injected.invalid!.sent, 'ER by code')
})

t.test('--reload swaps to a candidate mid-run: phases side by side, no failed request', async (t) => {
  const candidate = join(tmp, 'candidate')
  await cp('policies', candidate, { recursive: true })
  // The candidate: Texas denies everyone.
  const tx = join(candidate, 'states', 'TX.yaml')
  await writeFile(tx, (await readFile(tx, 'utf8')).replace(/^default: allow$/m, 'default: deny'))
  const before = hub.ctx.store.current.version
  const out = join(tmp, 'reload.json')
  const r = await run('load', '--target', url, '--rate', '100', '--duration', '3s', '--quiet', '--reload', candidate, '--hub-policies', hubPolicies, '--reload-at', '25%', '--json', out)
  t.equal(r.code, 0, r.err)
  t.match(r.out, /policy reload at [\d.]+ s: HTTP 200 ok/)
  t.match(r.out, /before\s+during\s+after/)
  const j = JSON.parse(await readFile(out, 'utf8')) as Report
  t.ok(j.reload !== null)
  t.equal(j.reload!.ok, true)
  t.equal(j.reload!.previousVersion, before)
  t.not(j.reload!.version, before, 'a new version')
  t.equal(hub.ctx.store.current.version, j.reload!.version, 'the hub serves the candidate')
  const ph = j.reload!.phases
  t.equal(ph.before!.requests.sent + ph.during!.requests.sent + ph.after!.requests.sent, 300, 'every request in one phase')
  for (const k of ['before', 'during', 'after']) t.equal(ph[k]!.errors.total, 0, `no failed request ${k}`)
  t.equal(j.errors.total, 0)
  // Which phase a request falls in depends on how long the reload takes; what each phase decided does not.
  t.equal(ph.before!.byState.TX?.deny ?? 0, 0, 'before the swap Texas allows')
  const txAfter = ph.after!.byState.TX
  if (txAfter !== undefined) t.equal(txAfter.deny, txAfter.allow + txAfter.deny + txAfter.redact, 'after the swap Texas denies every query')
  const direct = await hub.app.inject({ method: 'POST', url: '/v1/messages', payload: 'DQ.OK0010000.TX.TXTOLN/D1234567', headers: { authorization: 'Bearer demo-OK', 'content-type': 'text/plain' } })
  t.match(direct.json(), { decisions: [{ destination: 'TX', effect: 'deny' }] }, 'the hub now serves the candidate')
})

t.test('--tokens: only the lines with a token send, with that token', async (t) => {
  const tokens = join(tmp, 'tokens.json')
  await writeFile(tokens, JSON.stringify({ lines: { TX: 'demo-TX', TC: 'demo-TC' } }))
  const out = join(tmp, 'tokens-run.json')
  const r = await run('load', '--target', url, '--rate', '50', '--duration', '1s', '--quiet', '--tokens', tokens, '--json', out)
  t.equal(r.code, 0, r.err)
  const j = JSON.parse(await readFile(out, 'utf8')) as Report & { byComponent: Record<string, { sent: number }> }
  t.equal(j.errors.total, 0, 'every message accepted: each on its own line\'s token')
  t.same(Object.keys(j.byComponent).sort(), ['CBP', 'local'].filter((c) => c in j.byComponent), 'only Texas agencies and CBP (line TC) send')
  t.match(String(j.settings.tokens), /tokens\.json \(2 lines; \d+ sampled queries of other lines left out\)/)
  await writeFile(tokens, JSON.stringify({ lines: { TX: 'sha256:abc' } }))
  const bad = await run('load', '--target', url, '--rate', '50', '--duration', '1s', '--tokens', tokens)
  t.equal(bad.code, 2)
  t.match(bad.err, /--tokens `.*tokens\.json`: the token of line `TX` must be the plain token/)
})

t.test('a target that is not listening: exit 1, NSIM_LOAD_TARGET', async (t) => {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  const r = await run('load', '--target', `http://127.0.0.1:${port}`, '--rate', '10', '--duration', '1s')
  t.equal(r.code, 1)
  t.match(r.err, /NSIM_LOAD_TARGET load target `http:\/\/127\.0\.0\.1:\d+` does not answer as a hub/)
})

t.test('bad flags: exit 2, the flag named', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--rate', '10', '--duration', 'soon'], /--duration must be a duration/],
    [['--rate', 'fast'], /--rate must be a positive number/],
    [['--duration', '1s'], /load needs --rate N/],
    [['--closed-loop', '--rate', '5'], /--rate is for the open model/],
    [['--rate', '10', '--threshold', 'p99<<3'], /--threshold `p99<<3` is not/],
    [['--rate', '10', '--threshold', 'p42<3ms'], /unknown metric `p42`/],
    [['--rate', '10', '--threshold', 'p99<3%'], /p99 takes ms or s/],
    [['--rate', '10', '--invalid', '2'], /--invalid must be a share/],
    [['--rate', '10', '--reload', 'policies'], /--reload DIR needs --hub-policies/],
    [['--rate', '10', '--reload-at', '100%'], /--reload-at must be between/],
    [['--rate', '10', '--compare', join(tmp, 'nope.json')], /--compare `.*nope\.json`/],
    [['--rate', '10', '--target', 'ftp://x'], /--target `ftp:\/\/x` is not an http/],
    [['--rate', '10', '--scenario', 'nope'], /unknown scenario `nope`/],
    [['--rate', '10', '--frobnicate'], /frobnicate/],
  ]
  for (const [args, msg] of cases) {
    const r = await run('load', '--target', url, ...args)
    t.equal(r.code, 2, args.join(' '))
    t.match(r.err, msg, args.join(' '))
    t.notMatch(r.err, /\n\s+at /, 'no stack trace')
  }
  const help = await run('load', '--help')
  t.equal(help.code, 0)
  t.match(help.out, /usage: nlets-sim load --target URL --rate N --duration 60s/)
})
