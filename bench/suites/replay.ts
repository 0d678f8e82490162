/**
 * @module bench/suites/replay
 * The year replay of baseline-oct-2025: the whole year on 2 worker threads
 * (full), 15 and 45 days measured and scaled to the year (--quick), or 1 day
 * in one thread (--smoke); seconds, queries per second, peak RSS, totals vs plan.
 * The replay runs in a child process so that its peak RSS is its own.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { runReplay } from '../../simulator/replay/run.js'
import { BASELINE, ROOT, round2, type TargetCheck, verdict } from '../http-common.js'
import type { SuiteOptions, SuiteResult } from '../lib.js'

interface Measured { scenario: string, days: number, workers: number, wall: number, seconds: number, total: number, planned: number, byComponentEqual: boolean, denied: number, redacted: number, maxRssKb: number }

/** Replay in this process and measure (what the child runs). */
async function measure (days: number, workers: number): Promise<Measured> {
  const t0 = performance.now()
  const r = await runReplay(BASELINE, { days, workers })
  const wall = (performance.now() - t0) / 1000
  return {
    scenario: r.scenario, days, workers: r.workers, wall, seconds: r.seconds, total: r.total, planned: r.planned.total,
    byComponentEqual: Object.entries(r.planned.byComponent).every(([c, n]) => r.byComponent[c]?.queries === n),
    denied: r.denied, redacted: r.redacted, maxRssKb: process.resourceUsage().maxRSS,
  }
}

async function inChild (days: number, workers: number): Promise<Measured> {
  const self = fileURLToPath(import.meta.url)
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [self, '--child', String(days), String(workers)], { cwd: ROOT, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`replay child failed: ${err.message}\n${stderr}`)); else resolve(stdout)
    })
  })
  return JSON.parse(out.trim().split('\n').pop()!) as Measured
}

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  const days = opts.smoke ? 1 : opts.quick ? 45 : 365
  const workers = opts.smoke ? 0 : 2
  // --quick: a second, shorter replay gives the fixed cost (threads, preparation, warm-up) apart from the cost per day.
  const short = opts.quick ? await inChild(15, workers) : undefined
  const m = await inChild(days, workers)
  const perDay = short === undefined ? m.wall / days : (m.wall - short.wall) / (days - short.days)
  const fixed = short === undefined ? 0 : m.wall - perDay * days
  const yearSeconds = days === 365 ? m.wall : fixed + perDay * 365
  const equal = m.total === m.planned && m.byComponentEqual && (short === undefined || (short.total === short.planned && short.byComponentEqual))
  const row = {
    scenario: m.scenario, days, threads: m.workers, seconds: round2(m.wall), queries: m.total, planned: m.planned,
    'totals == planned': equal, 'queries/s': Math.round(m.total / m.wall), 'year seconds': round2(yearSeconds), 'year scaled': days !== 365,
    'year queries/s': Math.round(m.total / days * 365 / yearSeconds), 'peak RSS MB': Math.round(m.maxRssKb / 1024), denied: m.denied, redacted: m.redacted,
  }
  opts.out(`replay: ${days} days on ${m.workers} thread(s) in ${m.wall.toFixed(2)} s, ${m.total.toLocaleString('en-US')} queries (${equal ? 'equal to' : 'NOT equal to'} the plan), ${Math.round(m.total / m.wall).toLocaleString('en-US')} /s, peak RSS ${row['peak RSS MB']} MB${short ? `; 15 days in ${short.wall.toFixed(2)} s` : ''}`)
  const scaled = days === 365 ? '' : short ? ` (scaled: ${fixed.toFixed(2)} s fixed + 365 x ${(perDay * 1000).toFixed(1)} ms per day)` : ` (${days} day(s) x ${(365 / days).toFixed(0)})`
  const targets: TargetCheck[] = opts.smoke
    ? []
    : [
        { target: 'replay year <= 30 s', value: `${yearSeconds.toFixed(1)} s${scaled}`, met: yearSeconds <= 30 },
        { target: 'replay year <= 10 s (stretch)', value: `${yearSeconds.toFixed(1)} s${scaled}`, met: yearSeconds <= 10 },
      ]
  const notes = [
    days === 365
      ? `the full year measured: ${m.workers === 1 ? 'one thread' : `days dealt round-robin to ${m.workers} worker threads`}; seconds are the wall time of runReplay, preparation in every thread included`
      : short
        ? `year seconds scaled from two measured replays, 15 days (${short.wall.toFixed(2)} s) and ${days} days (${m.wall.toFixed(2)} s): cost per day = the difference / ${days - short.days} days = ${(perDay * 1000).toFixed(1)} ms, fixed cost (worker start, preparation, warm-up) = ${fixed.toFixed(2)} s; year = fixed + 365 x per day. (Plain x${(365 / days).toFixed(2)} scaling would say ${(m.wall * 365 / days).toFixed(1)} s, counting the fixed cost ${(365 / days).toFixed(1)} times.)`
        : `smoke: ${days} day in one thread, scaled x365 (fixed cost included 365 times: an overstatement, not a measurement of the year)`,
    'peak RSS: maxRSS of a child process that ran only the replay (worker threads included)',
    ...targets.map(verdict),
  ]
  const result: SuiteResult & { targets: TargetCheck[], short?: Measured } = { suite: 'replay', rows: [row], notes, targets, ...(short ? { short } : {}) }
  return result
}

if (process.argv[2] === '--child' && import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measure(Number(process.argv[3]), Number(process.argv[4]))))
}
