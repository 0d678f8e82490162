/**
 * @module bench/suites/policy-change
 * What an engineer load-testing a policy change wants on one page: the same
 * load (the load generator of `nlets-sim load`, closed loop) against a hub
 * on baseline-oct-2025 and on letters-19 (interleaved
 * rounds), throughput and latency side by side, then both scenarios replayed
 * and the decisions that change: denied in total, by component, by state.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runReplay } from '../../simulator/replay/run.js'
import { loadScenario } from '../../simulator/scenarios/load.js'
import { materializePolicies } from '../../simulator/scenarios/materialize.js'
import type { ReplayReport } from '../../simulator/replay/report.js'
import { REPORT_COMPONENTS } from '../../simulator/traffic/params.js'
import type { SuiteOptions, SuiteResult } from '../lib.js'
import { BASELINE, type Child, type LoadResult, median, round2, startHub, stopAll, trafficRequests } from '../http-common.js'
import { interleaved, loadSettings, roundRatio } from './http.js'

export const CANDIDATE = 'simulator/scenarios/letters-19.yaml'

type Row = Record<string, string | number | boolean>

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  const { rounds, seconds, warmSeconds, connections } = loadSettings(opts)
  const days = opts.smoke ? 1 : opts.quick ? 30 : 365
  const base = await loadScenario(BASELINE)
  const cand = await loadScenario(CANDIDATE)
  const names = [base.name, cand.name] as const
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-policy-change-'))
  const children: Child[] = []
  const rows: Row[] = []
  const line = (section: string, item: string, before: number, after: number): Row => ({
    section, item, [names[0]]: before, [names[1]]: after, 'after - before': round2(after - before),
    'after / before': before === 0 ? (after === 0 ? 1 : 'new') : round2(after / before),
  })
  let http: Record<string, unknown> = {}
  try {
    const dirs = await Promise.all([base, cand].map(async (s) => await materializePolicies(s, join(tmp, s.name))))
    const hubs = await Promise.all(dirs.map(async (d, i) => await startHub({ name: `hub ${names[i]}`, audit: join(tmp, `audit-${i}.ndjson`), policies: d })))
    children.push(...hubs)
    const requests = await trafficRequests(opts.smoke ? 2000 : 20_000, opts.smoke ? 1 : 3)
    opts.out(`policy-change: ${names[0]} vs ${names[1]}: ${rounds} round(s) of ${seconds} s each, ${connections} connections`)
    const res = await interleaved(hubs.map((h, i) => ({ id: names[i]!, url: h.url, pids: [h.proc.pid!] })), requests, { rounds, seconds, warmSeconds, connections }, opts.out)
    const [rb, rc] = names.map((n) => res.get(n)!) as [LoadResult[], LoadResult[]]
    const m = (rs: LoadResult[], f: (r: LoadResult) => number): number => round2(median(rs.map(f)))
    rows.push(line('load', 'req/s (median of rounds)', Math.round(m(rb, (r) => r.rps)), Math.round(m(rc, (r) => r.rps))))
    rows.push(line('load', 'p50 ms', m(rb, (r) => r.p50), m(rc, (r) => r.p50)))
    rows.push(line('load', 'p99 ms', m(rb, (r) => r.p99), m(rc, (r) => r.p99)))
    rows.push(line('load', 'p99.9 ms', m(rb, (r) => r.p999), m(rc, (r) => r.p999)))
    rows.push(line('load', 'server CPU µs/req', Math.round(m(rb, (r) => r.serverCpuUs)), Math.round(m(rc, (r) => r.serverCpuUs))))
    rows.push(line('load', 'errors + timeouts + non-2xx + bad bodies', rb.reduce((n, r) => n + r.errors + r.non2xx + r.bad, 0), rc.reduce((n, r) => n + r.errors + r.non2xx + r.bad, 0)))
    http = { rounds: Object.fromEntries(res), ratio: roundRatio(rc, rb) }
  } finally {
    await stopAll(children)
    rmSync(tmp, { recursive: true, force: true })
  }

  // Replays: the same traffic decided by both policy sets.
  const reports: ReplayReport[] = []
  for (const file of [BASELINE, CANDIDATE]) reports.push(await runReplay(file, { days, workers: opts.smoke ? 0 : 2 }))
  const [before, after] = reports as [ReplayReport, ReplayReport]
  opts.out(`policy-change: replayed ${days} day(s) of each: ${before.total.toLocaleString('en-US')} queries; denied ${before.denied.toLocaleString('en-US')} -> ${after.denied.toLocaleString('en-US')}`)
  rows.push(line(`replay ${days} d`, 'queries', before.total, after.total))
  rows.push(line(`replay ${days} d`, 'denied', before.denied, after.denied))
  rows.push(line(`replay ${days} d`, 'redacted', before.redacted, after.redacted))
  for (const c of REPORT_COMPONENTS) {
    const b = before.byComponent[c]?.denied ?? 0
    const a = after.byComponent[c]?.denied ?? 0
    if (a !== b || b > 0) rows.push(line(`replay ${days} d`, `denied: ${c}`, b, a))
  }
  const changed = Object.keys(after.byState).filter((s) => {
    const x = before.byState[s]!
    const y = after.byState[s]!
    return x.denied !== y.denied || x.redacted !== y.redacted
  }).sort((x, y) => (after.byState[y]!.denied - before.byState[y]!.denied) - (after.byState[x]!.denied - before.byState[x]!.denied))
  for (const s of changed) rows.push(line(`replay ${days} d`, `denied by ${s}`, before.byState[s]!.denied, after.byState[s]!.denied))
  const notes = [
    `load: the http suite's closed loop (${connections} connections, the traffic model's requests) against two hubs serving the materialized policy folders (materializePolicies), rounds interleaved; after / before of req/s is the median of per-round ratios: ${Number(http.ratio).toFixed(3)}`,
    `replay: runReplay of each scenario over ${days} day(s) from ${before.start} (${opts.smoke ? 'one thread' : '2 worker threads'}), same seed, so the same queries; ${before.seconds} s and ${after.seconds} s`,
    `states whose decisions change (${changed.length}): ${changed.join(', ') || 'none'}; every other state decides exactly as before`,
    before.total === after.total ? 'both replays decided the same number of queries' : 'WARNING: the replays decided different numbers of queries',
  ]
  const result: SuiteResult & { http: Record<string, unknown>, changedStates: string[] } = { suite: 'policy-change', rows, notes, http, changedStates: changed }
  return result
}
