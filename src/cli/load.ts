/**
 * @module cli/load
 * `nlets-sim load`: flag parsing over simulator/load (the load generator).
 * Exit codes: 0 every threshold passed and no regression, 1 a threshold
 * failed, a regression against `--compare`, or the target is not a hub;
 * 2 usage error.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { NsimError } from '../errors.js'
import { DEMO_ADMIN_TOKEN } from '../hub/options.js'
import { type Io, parseFlags, processIo } from './io.js'
import { scenarioFileOf as scenarioFile } from './replay.js'
import type { Progress } from '../../simulator/load/engine.js'
import { asReport } from '../../simulator/load/compare.js'
import { parseDuration, parsePositive, parseShare, readTokens } from '../../simulator/load/flags.js'
import { formatLoadHtml } from '../../simulator/load/html.js'
import { runLoadTest, type LoadTestOptions } from '../../simulator/load/run.js'
import { formatSummary } from '../../simulator/load/summary.js'
import { parseThreshold, type Threshold } from '../../simulator/load/thresholds.js'

const USAGE = `usage: nlets-sim load --target URL --rate N --duration 60s [options]
       nlets-sim load --target URL --closed-loop --connections N --duration 60s [options]

Load a running hub (POST /v1/messages) with the calibrated traffic model's
messages: each sender on its own line and token, the model's keys and
destinations (regional queries to their region), IMQ, legacy text and JSON.
Counts what the hub answered (decisions per destination, ER and SM by code,
queued replies, timeouts, HTTP status; by state, component and key) and
prints a summary at the end.

Open model (default): requests leave at the planned instants whatever the
hub does; latency counts from the planned instant and from the actual send,
and the generator's own lateness is reported.

  --target URL          the hub (default NSIM_HUB_URL, else http://127.0.0.1:8080)
  --rate N              planned requests per second (open model)
  --duration D          how long: 60s, 2m, 500ms (default 60s)
  --closed-loop         closed model instead: --connections senders, each waits for its answer
  --connections N       HTTP connections (default 64; closed loop: 16)
  --scenario NAME|FILE  traffic of this scenario (default nov-2025)
  --seed N              the traffic's seed (default: the scenario's)
  --messages N          distinct messages, cycled (default: the planned count, at most 20,000)
  --json-share F        share sent as JSON instead of legacy text (default 0.2)
  --invalid F           share of malformed messages (e.g. 0.01 or 1%), counted apart
  --spoof F             share of unknown or spoofed senders (e.g. 0.001), counted apart
  --nl F                share of DQ and RQ sent to NL (multi-state; default 0.001: the real share is not public)
  --tokens FILE         line tokens, { "lines": { "IL": "<token>" } } (default: demo-<LINE>)
  --timeout D           a request not answered in D is a timeout (default 10s)
  --max-in-flight N     open model: beyond N outstanding, planned requests are dropped (default 10000)
  --threshold EXPR      pass/fail, repeatable: metric op value[unit]; metrics p50 p90 p99
                        p999 max (ms, from the planned instant), errors, error_rate,
                        deny_rate (fraction or %), rate (completed/s); e.g. 'p99<20ms'
                        'errors==0' 'deny_rate<0.5%'
  --json FILE           the report as JSON (\`-\`: on stdout instead of the summary)
  --html FILE           one self-contained HTML page: latency over time, histogram, outcomes
  --compare FILE        deltas against a saved --json report; a regression beyond --tolerance fails
  --tolerance P         relative tolerance of --compare (default 10%; latency also by more than 1 ms)
  --reload DIR          at --reload-at, copy the candidate policy folder DIR over the hub's
                        folder (--hub-policies) and reload it (POST /v1/admin/policies/reload);
                        before and after are reported side by side
  --hub-policies DIR    the folder the target hub serves (nlets-sim serve --policies DIR)
  --reload-at P         when to reload, a share of the duration (default 50%); alone, reloads
                        whatever the hub's folder holds then
  --admin-token T       admin token for the reload (default NSIM_ADMIN_TOKEN, else ${DEMO_ADMIN_TOKEN})
  --quiet               no progress line

Exit codes: 0 done (every threshold passed, no regression), 1 a threshold
failed, a regression, or the target is not a hub, 2 usage error.`

export async function loadCommand (argv: string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { io.out(USAGE); return 0 }
  const { values: v } = parseFlags(argv, {
    target: { type: 'string' }, rate: { type: 'string' }, duration: { type: 'string' }, 'closed-loop': { type: 'boolean' },
    connections: { type: 'string' }, scenario: { type: 'string' }, seed: { type: 'string' }, messages: { type: 'string' },
    'json-share': { type: 'string' }, invalid: { type: 'string' }, spoof: { type: 'string' }, nl: { type: 'string' }, tokens: { type: 'string' },
    timeout: { type: 'string' }, 'max-in-flight': { type: 'string' }, threshold: { type: 'string', multiple: true },
    json: { type: 'string' }, html: { type: 'string' }, compare: { type: 'string' }, tolerance: { type: 'string' },
    reload: { type: 'string' }, 'hub-policies': { type: 'string' }, 'reload-at': { type: 'string' }, 'admin-token': { type: 'string' },
    quiet: { type: 'boolean' },
  }, false)
  const usage = (m: string): NsimError => new NsimError('NSIM_CLI_USAGE', m)
  const target = v.target ?? (process.env.NSIM_HUB_URL || 'http://127.0.0.1:8080')
  let url: URL
  try { url = new URL(target) } catch { throw usage(`--target \`${target}\` is not a URL`) }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage(`--target \`${target}\` is not an http(s) URL`)
  const closed = v['closed-loop'] === true
  if (closed && v.rate !== undefined) throw usage('--rate is for the open model; --closed-loop sends as fast as its --connections are answered')
  if (!closed && v.rate === undefined) throw usage('load needs --rate N (requests per second), or --closed-loop')
  const rate = v.rate === undefined ? 0 : parsePositive('rate', v.rate, true)
  const seconds = parseDuration('duration', v.duration ?? '60s')
  if (!closed && rate * seconds > 100_000_000) throw usage(`--rate x --duration plans ${Math.round(rate * seconds)} requests; at most 100,000,000`)
  const connections = v.connections === undefined ? (closed ? 16 : 64) : parsePositive('connections', v.connections)
  if (connections > 10_000) throw usage(`--connections must be at most 10000, got \`${v.connections}\``)
  const thresholds: Threshold[] = (v.threshold ?? []).map((e) => {
    const t = parseThreshold(e)
    if (typeof t === 'string') throw usage(`--threshold ${t}`)
    return t
  })
  const invalid = parseShare('invalid', v.invalid, 0)
  const spoof = parseShare('spoof', v.spoof, 0)
  if (invalid + spoof > 1) throw usage('--invalid and --spoof add up to more than 1')
  if (v['hub-policies'] !== undefined && v.reload === undefined) throw usage('--hub-policies goes with --reload DIR')
  if (v.reload !== undefined && v['hub-policies'] === undefined) throw usage('--reload DIR needs --hub-policies DIR, the folder the target hub serves (the candidate is copied over it)')
  const reloadAt = v.reload !== undefined || v['reload-at'] !== undefined ? parseShare('reload-at', v['reload-at'], 0.5) : undefined
  if (reloadAt !== undefined && (reloadAt <= 0 || reloadAt >= 1)) throw usage(`--reload-at must be between 0% and 100% (exclusive), got \`${v['reload-at']}\``)
  if (v.reload !== undefined && resolve(io.cwd, v.reload) === resolve(io.cwd, v['hub-policies']!)) throw usage('--reload and --hub-policies are the same folder')
  const adminToken = v['admin-token'] ?? (process.env.NSIM_ADMIN_TOKEN || DEMO_ADMIN_TOKEN)
  if (adminToken === '') throw usage('--admin-token is empty')
  const tolerance = parseShare('tolerance', v.tolerance, 0.1, 100)
  let compareWith: LoadTestOptions['compareWith']
  if (v.compare !== undefined) {
    let j: unknown
    try { j = JSON.parse(await readFile(resolve(io.cwd, v.compare), 'utf8')) } catch (err) { throw usage(`--compare \`${v.compare}\`: ${(err as Error).message}`) }
    const r = asReport(j)
    if (typeof r === 'string') throw usage(`--compare \`${v.compare}\`: ${r}`)
    compareWith = { file: v.compare, report: r, startedAt: String((j as { startedAt?: unknown }).startedAt ?? ''), tolerance }
  } else if (v.tolerance !== undefined) throw usage('--tolerance goes with --compare FILE')
  const scenarioArg = v.scenario ?? 'nov-2025'
  const file = await scenarioFile(scenarioArg, io)
  const opts: LoadTestOptions = {
    url: url.href.replace(/\/$/, ''), scenarioFile: file, scenarioName: /[/\\]/.test(scenarioArg) ? basename(scenarioArg) : scenarioArg,
    mode: closed ? 'closed' : 'open', rate, seconds, connections,
    timeoutMs: Math.round(parseDuration('timeout', v.timeout ?? '10s') * 1000),
    maxInFlight: v['max-in-flight'] === undefined ? 10_000 : parsePositive('max-in-flight', v['max-in-flight']),
    ...(v.messages !== undefined ? { messages: parsePositive('messages', v.messages) } : {}),
    ...(v.seed !== undefined ? { seed: v.seed } : {}),
    ...(v['json-share'] !== undefined ? { jsonShare: parseShare('json-share', v['json-share'], 0) } : {}),
    invalid, spoof, ...(v.nl !== undefined ? { nlShare: parseShare('nl', v.nl, 0) } : {}),
    ...(v.tokens !== undefined ? { tokens: { file: v.tokens, map: await readTokens(resolve(io.cwd, v.tokens)) } } : {}),
    adminToken, thresholds,
    ...(reloadAt !== undefined ? { reload: { at: reloadAt, ...(v.reload !== undefined ? { dir: resolve(io.cwd, v.reload), hubPolicies: resolve(io.cwd, v['hub-policies']!) } : {}) } } : {}),
    ...(compareWith !== undefined ? { compareWith } : {}),
  }
  const toStdout = v.json === '-'
  let report
  try {
    report = await runLoadTest(opts, v.quiet === true ? undefined : progressPrinter(io, seconds))
  } catch (err) {
    if (err instanceof NsimError && err.code === 'NSIM_LOAD_TARGET') { io.err(`nlets-sim: ${err.code} ${err.message}`); return 1 }
    throw err
  }
  if (!toStdout) io.out(formatSummary(report))
  if (v.json !== undefined) {
    const text = JSON.stringify(report, null, 2) + '\n'
    if (toStdout) io.out(text)
    else await write(io, v.json, text, 'JSON report')
  }
  if (v.html !== undefined) await write(io, v.html, formatLoadHtml(report), 'HTML report')
  const failed = report.thresholds.filter((t) => !t.pass).length
  const regressions = report.compare?.regressions.length ?? 0
  if (failed > 0) io.err(`nlets-sim: ${failed} of ${report.thresholds.length} threshold(s) failed: ${report.thresholds.filter((t) => !t.pass).map((t) => t.expr).join(', ')}`)
  if (regressions > 0) io.err(`nlets-sim: regression against ${report.compare!.file}: ${report.compare!.regressions.join(', ')}`)
  return failed > 0 || regressions > 0 ? 1 : 0
}

async function write (io: Io, path: string, text: string, what: string): Promise<void> {
  try { await writeFile(resolve(io.cwd, path), text) } catch (err) { throw new NsimError('NSIM_CLI_USAGE', `cannot write ${what} to \`${path}\`: ${(err as Error).message}`) }
  io.err(`${what} written to ${path}`)
}

/** A progress line: rewritten in place on a terminal, otherwise one about every tenth of the run. */
function progressPrinter (io: Io, seconds: number): (p: Progress) => void {
  const tty = io.err === processIo.err && process.stderr.isTTY === true
  let next = 0
  return (p) => {
    const text = `load ${p.t.toFixed(0)}/${seconds.toFixed(0)} s  sent ${p.sent.toLocaleString('en-US')}  done ${p.completed.toLocaleString('en-US')}  ${Math.round(p.rate).toLocaleString('en-US')}/s  p99 ${p.p99.toFixed(1)} ms  errors ${p.errors}  in flight ${p.inFlight}`
    if (tty) { process.stderr.write(`\r${text}\x1b[K`); if (p.t >= seconds) process.stderr.write('\n'); return }
    if (p.t < next && p.t < seconds) return
    next = p.t + Math.max(1, seconds / 10)
    io.err(text)
  }
}
