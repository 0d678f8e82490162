/**
 * @module cli/policy-diff
 * `nlets-sim policy diff LIVE CANDIDATE`: the exact diff of two policy folders
 * (src/policy/diff.ts) as text or as the `--json` contract, a CI gate
 * (`--fail-on`), and with `--year` the queries of the calibrated year each
 * change moves (simulator/traffic/year-impact.ts).
 */
import { resolve } from 'node:path'
import { formatDiagnostic } from '../diagnostics.js'
import { NsimError } from '../errors.js'
import { type DiffChange, diffPolicySets, type PolicyDiff } from '../policy/diff.js'
import { describeContext, diffText } from '../policy/diff-text.js'
import { loadPolicySet, type PolicyLoad } from '../policy/load.js'
import { type Io, parseFlags } from './io.js'

export const FAIL_ON = ['new-access', 'lost-access', 'any-change'] as const
export type FailOn = (typeof FAIL_ON)[number]

/** Cells that fail the gate. */
export function gateFailures (d: PolicyDiff, failOn: FailOn): DiffChange[] {
  if (failOn === 'any-change') return d.changes
  return d.changes.filter((c) => failOn === 'new-access' ? c.gained : c.lost)
}

/** `--year` takes an optional value: split it from the positionals before strict parsing. */
function takeYear (argv: string[]): { argv: string[], year: string | undefined | null } {
  const out: string[] = []
  let year: string | undefined | null = null
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--year=')) { year = a.slice(7); continue }
    if (a !== '--year') { out.push(a); continue }
    year = undefined
    const next = argv[i + 1]
    const positionalsSoFar = out.filter((x, j) => !x.startsWith('-') && !(j > 0 && ['--fail-on', '--directory'].includes(out[j - 1]!))).length
    const restPositionals = argv.slice(i + 2).filter((x) => !x.startsWith('-')).length
    if (next !== undefined && !next.startsWith('-') && positionalsSoFar + restPositionals >= 2) { year = next; i++ }
  }
  return { argv: out, year }
}

export async function diffCommand (rawArgv: string[], io: Io, policyDir: (arg: string | undefined, io: Io) => string): Promise<number> {
  const { argv, year } = takeYear(rawArgv)
  const { values, positionals } = parseFlags(argv, {
    json: { type: 'boolean' }, 'fail-on': { type: 'string' }, directory: { type: 'string' },
  })
  if (positionals.length !== 2) throw new NsimError('NSIM_CLI_USAGE', `diff takes two policy folders, LIVE and CANDIDATE; got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`)
  const failOn = values['fail-on']
  if (failOn !== undefined && !(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new NsimError('NSIM_CLI_USAGE', `--fail-on must be one of ${FAIL_ON.join(', ')}, got \`${failOn}\``)
  }
  const [liveDir, candDir] = positionals.map((p) => policyDir(p, io)) as [string, string]
  const opts = values.directory ? { directoryPath: resolve(io.cwd, values.directory) } : {}
  const [live, cand] = await Promise.all([loadPolicySet(liveDir, opts), loadPolicySet(candDir, opts)])
  warnErrors('live', positionals[0]!, live, io)
  warnErrors('candidate', positionals[1]!, cand, io)
  const d = diffPolicySets(live.set, cand.set)
  let impact: Awaited<ReturnType<typeof yearOf>> | undefined
  if (year !== null) impact = await yearOf(d, live, year, io)
  const gate = failOn === undefined ? undefined : { failOn: failOn as FailOn, failures: gateFailures(d, failOn as FailOn) }
  if (values.json) {
    const changes = d.changes.map((c, i) => {
      const { gained, lost, ...rest } = c
      return { ...rest, access: gained && lost ? 'gained+lost' : gained ? 'gained' : lost ? 'lost' : 'unchanged', ...(impact ? { year: impact.perChange[i] } : {}) }
    })
    io.out(JSON.stringify({
      live: d.live, candidate: d.candidate, changes,
      summary: { ...d.summary, ...(impact ? { year: impact.summary } : {}) },
      ...(gate ? { gate: { failOn: gate.failOn, result: gate.failures.length > 0 ? 'FAIL' : 'PASS', cells: gate.failures.length } } : {}),
    }, null, 2))
  } else {
    const lines = diffText(d, live.set.directory, impact ? (c) => impact.describe(d.changes.indexOf(c)) : undefined)
    for (const l of lines) io.out(l)
    if (impact) for (const l of impact.summaryLines) io.out(l)
    if (gate) {
      if (gate.failures.length === 0) io.out(`gate --fail-on ${gate.failOn}: PASS`)
      else {
        io.out(`gate --fail-on ${gate.failOn}: FAIL, ${gate.failures.length} cell${gate.failures.length === 1 ? '' : 's'}:`)
        for (const c of gate.failures) io.out(`  ${c.state} ${describeContext(c)}: ${c.oris[0] === '*' ? 'other ORIs' : `${c.oris.length} ORI${c.oris.length === 1 ? '' : 's'}`}, ${c.before.effect} -> ${c.after.effect}${c.after.rule ? ` (${c.after.rule})` : ''}`)
      }
    }
  }
  if (gate) return gate.failures.length > 0 ? 1 : 0
  return d.changes.length > 0 ? 1 : 0
}

function warnErrors (which: string, arg: string, l: PolicyLoad, io: Io): void {
  const errors = l.diagnostics.filter((x) => x.severity === 'error' && x.code !== 'NSIM_EVAL_FAIL_CLOSED')
  if (errors.length === 0) return
  io.err(`nlets-sim: the ${which} set \`${arg}\` has ${errors.length} error${errors.length === 1 ? '' : 's'}` +
    `${l.failed.length ? `; failing closed (deny every query): ${l.failed.join(', ')}` : ''}; the diff compares it as it would be enforced:`)
  for (const e of errors.slice(0, 10)) io.err(`  ${formatDiagnostic(e)}`)
}

async function yearOf (d: PolicyDiff, live: PolicyLoad, scenario: string | undefined, io: Io) {
  const { yearImpact } = await import('../../simulator/traffic/year-impact.js')
  const { scenarioFileOf } = await import('./replay.js')
  const file = await scenarioFileOf(scenario ?? 'baseline-oct-2025', io)
  return await yearImpact(d, live.set.directory, file)
}

