/**
 * @module bench/suites/policy-diff
 * `policy diff` of the shipped set against a candidate that changes every
 * jurisdiction (each of the 54 gets a dated deny for ICE ERO and HSI with a
 * PUR/C carve-out for HSI and one ICE office excepted, and a photo redaction for
 * CBP): the exact diff of the two compiled sets, the whole command as a user
 * runs it (read, parse and compile both folders, then diff), and the diff with
 * `--year` counts. Target (issue 9): the whole command under 2 s on this machine.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../../src/cli/main.js'
import { diffPolicySets } from '../../src/policy/diff.js'
import { loadPolicySet } from '../../src/policy/load.js'
import { impactOf } from '../../simulator/traffic/year-impact.js'
import { buildModel } from '../../simulator/traffic/model.js'
import { loadCalibration } from '../../simulator/traffic/calibration.js'
import { DEFAULT_TRAFFIC } from '../../simulator/traffic/params.js'
import { median, round2 } from '../http-common.js'
import type { SuiteOptions, SuiteResult } from '../lib.js'

/** Rules put in front of every state's rules. */
export function candidateRules (state: string): string {
  const s = state.toLowerCase()
  return `  - id: ${s}-bench-allow-hsi-criminal
    effect: allow
    description: bench candidate
    requesters: { components: [HSI] }
    when: { purposes: [C] }
    lint_ignore: [NSIM_LINT_REOPENS]
  - id: ${s}-bench-deny-ice
    effect: deny
    description: bench candidate
    requesters: { components: [ICE-ERO, HSI] }
    except: { oris: [${state === 'TX' ? 'ILICE0100' : 'TXICE0100'}] }
    when: { from: 2026-01-01 }
  - id: ${s}-bench-redact-cbp
    effect: redact
    redact: [photo, address]
    description: bench candidate
    requesters: { components: [CBP] }
    keys: [photo]
`
}

/** A copy of `policies/` under `dir` whose every state has the candidate rules in front. */
export function writeCandidate (dir: string): string {
  const out = join(dir, 'candidate')
  cpSync('policies', out, { recursive: true })
  const states = join(out, 'states')
  for (const f of readdirSync(states).filter((x) => x.endsWith('.yaml'))) {
    const file = join(states, f)
    const text = readFileSync(file, 'utf8')
    const state = f.replace('.yaml', '')
    writeFileSync(file, text.replace(/^rules: \[\]\s*$/m, 'rules:\n').replace(/^rules:\n/m, `rules:\n${candidateRules(state)}`))
  }
  return out
}

function time (runs: number, fn: () => Promise<unknown> | unknown): Promise<number[]> {
  return (async () => {
    const ms: number[] = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      await fn()
      ms.push(performance.now() - t0)
    }
    return ms
  })()
}

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  const runs = opts.smoke ? 1 : opts.quick ? 3 : 7
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-policy-diff-'))
  try {
    const cand = writeCandidate(tmp)
    const [live, candidate] = await Promise.all([loadPolicySet('policies'), loadPolicySet(cand)])
    const errors = [...live.diagnostics, ...candidate.diagnostics].filter((d) => d.severity === 'error')
    if (errors.length > 0) throw new Error(`bench candidate does not load: ${errors[0]!.message}`)
    const d = diffPolicySets(live.set, candidate.set)
    const changed = new Set(d.changes.map((c) => c.state)).size
    const oris = d.changes.reduce((n, c) => n + c.oris.length, 0)
    opts.out(`policy-diff: ${d.changes.length} changes in ${changed} jurisdictions, ${oris} ORI listings; ${runs} run(s) each`)
    const rows: Array<Record<string, string | number | boolean>> = []
    const row = (measure: string, ms: number[], extra: Record<string, string | number | boolean> = {}): void => {
      rows.push({ measure, 'ms (median)': round2(median(ms)), 'ms (min)': round2(Math.min(...ms)), runs: ms.length, ...extra })
    }
    // Warm-up, then the diff of the two compiled sets.
    diffPolicySets(live.set, candidate.set)
    row('diff of the two compiled sets (src/policy/diff.ts)', await time(runs, () => diffPolicySets(live.set, candidate.set)),
      { changes: d.changes.length, 'jurisdictions changed': changed, 'ORI listings': oris, 'target < 2 s': 'n/a' })
    const model = buildModel(live.set.directory, loadCalibration(), DEFAULT_TRAFFIC)
    row('year counts of every change (year-impact.ts, model built once)', await time(runs, () => impactOf(d, live.set.directory, model, { name: 'baseline', start: Date.parse('2024-10-01'), days: 365 })),
      { changes: d.changes.length, 'jurisdictions changed': changed, 'ORI listings': oris, 'target < 2 s': 'n/a' })
    const quiet = { cwd: process.cwd(), out: () => {}, err: () => {} }
    const whole = await time(runs, async () => await main(['policy', 'diff', 'policies', cand, '--json'], quiet))
    row('`nlets-sim policy diff policies CANDIDATE --json` in process (load both folders + diff + JSON)', whole,
      { changes: d.changes.length, 'jurisdictions changed': changed, 'ORI listings': oris, 'target < 2 s': median(whole) < 2000 })
    const withYear = await time(Math.max(1, Math.ceil(runs / 2)), async () => await main(['policy', 'diff', 'policies', cand, '--json', '--year'], quiet))
    row('the same with --year (baseline-oct-2025 traffic model)', withYear,
      { changes: d.changes.length, 'jurisdictions changed': changed, 'ORI listings': oris, 'target < 2 s': 'n/a' })
    return {
      suite: 'policy-diff', rows,
      notes: [`candidate: every jurisdiction gets ${3} rules in front (bench/suites/policy-diff.ts candidateRules); the diff lists ${d.changes.length} entries`],
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
