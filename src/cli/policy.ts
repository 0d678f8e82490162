/**
 * @module cli/policy
 * `nlets-sim policy check|test|explain`: thin flag handling over src/policy.
 */
import { relative, resolve } from 'node:path'
import { isOri, toJurisdiction } from '../directory/model.js'
import { type Diagnostic, diag, formatDiagnostic } from '../diagnostics.js'
import { NsimError } from '../errors.js'
import { isQueryKey } from '../message/keys.js'
import { explain } from '../policy/explain.js'
import { lintPolicySet } from '../policy/lint.js'
import { loadPolicySet, type PolicyLoad } from '../policy/load.js'
import { loadTestCases, runPolicyTests } from '../policy/test-runner.js'
import { PURPOSE_CODES, REASON_CODES } from '../policy/types.js'
import { parseDate } from '../policy/yaml-walk.js'
import { intFlag, type Io, parseFlags } from './io.js'

const USAGE = `usage: nlets-sim policy <check|test|explain> [options]

  check [DIR]      parse, compile and lint every policy under DIR (default: policies)
                   --json              machine-readable report
                   --directory FILE    agency directory (default: DIR/directory.csv)
                   --warnings-ok       exit 0 when there are warnings but no errors
  test [DIR]       run the policy test cases (DIR/tests/*.yaml) on both engines
                   --tests DIR2        test files elsewhere
                   --min-coverage N    fail when fewer than N% of rules decide some case
                   --at DATE           date for cases that give none (default: today)
                   --json
  explain          why a query is allowed, denied or redacted
                   --ori ORI --to STATE --key KEY [--imq] [--reason R] [--purpose P]
                   [--at DATE] [--dir DIR] [--json]

Exit codes: 0 clean, 1 findings (errors, warnings, failing cases), 2 usage error.`

export async function policyCommand (argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') { io.out(USAGE); return sub === undefined ? 2 : 0 }
  if (rest.includes('--help') || rest.includes('-h')) { io.out(USAGE); return 0 }
  switch (sub) {
    case 'check': return await check(rest, io)
    case 'test': return await test(rest, io)
    case 'explain': return await explainCmd(rest, io)
    default: throw new NsimError('NSIM_CLI_UNKNOWN_COMMAND', `policy ${sub}`, 'expected check, test or explain')
  }
}

function show (d: Diagnostic, io: Io): Diagnostic {
  return d.file.startsWith('/') ? { ...d, file: relative(io.cwd, d.file) || d.file } : d
}

async function load (dir: string, directory: string | undefined, io: Io): Promise<PolicyLoad> {
  return await loadPolicySet(resolve(io.cwd, dir), directory ? { directoryPath: resolve(io.cwd, directory) } : {})
}

function onePositional (positionals: string[], what: string): string | undefined {
  if (positionals.length > 1) throw new NsimError('NSIM_CLI_USAGE', `${what} takes one directory, got ${positionals.join(' ')}`)
  return positionals[0]
}

async function check (argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    json: { type: 'boolean' }, directory: { type: 'string' }, 'warnings-ok': { type: 'boolean' },
  })
  const dir = onePositional(positionals, 'check') ?? 'policies'
  const loaded = await load(dir, values.directory, io)
  const lint = lintPolicySet(loaded.set)
  const all = [...loaded.diagnostics, ...lint].map((d) => show(d, io))
  const errors = all.filter((d) => d.severity === 'error').length
  const warnings = all.length - errors
  const rules = [...loaded.set.states.values()].reduce((n, s) => n + s.rules.length, 0)
  const ok = errors === 0 && (warnings === 0 || values['warnings-ok'] === true)
  if (values.json) {
    io.out(JSON.stringify({
      ok, version: loaded.set.version, states: loaded.set.states.size, failedClosed: loaded.failed, rules,
      agencies: loaded.set.directory.size, errors, warnings, compileMs: Math.round(loaded.set.compileMs), diagnostics: all,
    }, null, 2))
  } else {
    for (const d of all) io.out(formatDiagnostic(d))
    io.out(`${ok ? 'ok' : 'FAILED'}: ${loaded.set.states.size} jurisdictions, ${rules} rules, ${loaded.set.directory.size} agencies; ` +
      `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` +
      `${loaded.failed.length ? `; failing closed: ${loaded.failed.join(', ')}` : ''}; policy version ${loaded.set.version}`)
  }
  return ok ? 0 : 1
}

function dateFlag (name: string, v: string | undefined): number {
  if (v === undefined) return Date.now()
  const t = parseDate(v)
  if (t === undefined) throw new NsimError('NSIM_CLI_USAGE', `--${name} must be a date YYYY-MM-DD or an ISO timestamp, got \`${v}\``)
  return t
}

async function test (argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    json: { type: 'boolean' }, tests: { type: 'string' }, 'min-coverage': { type: 'string' }, at: { type: 'string' },
    directory: { type: 'string' },
  })
  const dir = onePositional(positionals, 'test') ?? 'policies'
  const min = intFlag('min-coverage', values['min-coverage'], 0)
  if (min > 100) throw new NsimError('NSIM_CLI_USAGE', `--min-coverage is a percentage (0-100), got ${min}`)
  const loaded = await load(dir, values.directory, io)
  const { cases, diagnostics } = await loadTestCases(resolve(io.cwd, values.tests ?? resolve(io.cwd, dir, 'tests')), dateFlag('at', values.at))
  const report = runPolicyTests(cases, loaded.set)
  const belowMin = report.coverage.percent < min
  const problems = [...loaded.diagnostics.filter((d) => d.severity === 'error'), ...diagnostics, ...report.diagnostics,
    ...(belowMin ? [diag('error', 'NSIM_PTEST_COVERAGE', { file: resolve(io.cwd, values.tests ?? resolve(io.cwd, dir, 'tests')), line: 0, column: 0 }, [report.coverage.percent, min])] : [])].map((d) => show(d, io))
  const ok = problems.length === 0 && report.failed === 0 && !belowMin && cases.length > 0
  if (values.json) {
    io.out(JSON.stringify({
      ok, version: loaded.set.version, cases: cases.length, passed: report.passed, failed: report.failed,
      coverage: report.coverage, minCoverage: min, diagnostics: problems,
    }, null, 2))
  } else {
    for (const d of problems) io.out(formatDiagnostic(d))
    if (report.coverage.uncovered.length) io.out(`rules no case decides: ${report.coverage.uncovered.join(', ')}`)
    const cond = report.coverage.conditions
    if (cond.uncovered.length) {
      io.out(`conditions no case exercises (${cond.uncovered.length}):`)
      for (const c of cond.uncovered.slice(0, 30)) io.out(`  ${c}`)
      if (cond.uncovered.length > 30) io.out(`  ... and ${cond.uncovered.length - 30} more (--json lists them all)`)
    }
    if (cases.length === 0) io.out('no test cases found')
    io.out(`${ok ? 'ok' : 'FAILED'}: ${report.passed} passed, ${report.failed} failed; rule coverage ${report.coverage.percent}% ` +
      `(${report.coverage.covered}/${report.coverage.total} rules), condition coverage ${cond.percent}% (${cond.covered}/${cond.total}); ` +
      `policy version ${loaded.set.version}`)
  }
  return ok ? 0 : 1
}

async function explainCmd (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, {
    ori: { type: 'string' }, to: { type: 'string' }, key: { type: 'string' }, imq: { type: 'boolean' },
    reason: { type: 'string' }, purpose: { type: 'string' }, at: { type: 'string' }, dir: { type: 'string' },
    directory: { type: 'string' }, json: { type: 'boolean' },
  }, false)
  for (const f of ['ori', 'to', 'key'] as const) if (values[f] === undefined) throw new NsimError('NSIM_CLI_USAGE', `explain needs --${f}`)
  const ori = values.ori!.toUpperCase()
  if (!isOri(ori)) throw new NsimError('NSIM_CLI_USAGE', `--ori \`${values.ori}\` is not an ORI (two letters then seven letters or digits)`)
  const to = toJurisdiction(values.to!)
  if (to === undefined) throw new NsimError('NSIM_CLI_USAGE', `--to \`${values.to}\` is not a jurisdiction code`)
  const key = values.key!.toUpperCase()
  if (!isQueryKey(key)) throw new NsimError('NSIM_CLI_USAGE', `--key \`${values.key}\` is not a query key (DQ, DNQ, DQG, KQ, RQ, RQG, RNQ, RPQ)`)
  const reason = values.reason?.toUpperCase()
  if (reason !== undefined && !(REASON_CODES as readonly string[]).includes(reason)) throw new NsimError('NSIM_CLI_USAGE', `--reason must be one of ${REASON_CODES.join(', ')}`)
  const purpose = values.purpose?.toUpperCase()
  if (purpose !== undefined && !(PURPOSE_CODES as readonly string[]).includes(purpose)) throw new NsimError('NSIM_CLI_USAGE', `--purpose must be one of ${PURPOSE_CODES.join(', ')}`)
  const loaded = await load(values.dir ?? 'policies', values.directory, io)
  const e = explain({
    ori, state: to, key, image: values.imq === true, time: dateFlag('at', values.at),
    ...(reason ? { reason } : {}), ...(purpose ? { purpose } : {}),
  }, loaded.set)
  if (values.json) {
    io.out(JSON.stringify({ ...e, request: { ...e.request, time: new Date(e.request.time).toISOString() } }, null, 2))
    return e.consistent ? 0 : 1
  }
  for (const line of e.summary) io.out(line)
  if (e.denialText) io.out(`Denial text: "${e.denialText}"`)
  io.out('')
  io.out(`decision: ${e.decision.effect}   rule: ${e.decision.rule ?? '(default)'}   policy version: ${e.decision.policyVersion}`)
  if (e.rules.length) {
    io.out(`rules of ${to}, in order:`)
    e.rules.forEach((r, i) => io.out(`  ${i + 1}. ${r.rule} (${r.effect}) ${r.matched ? 'MATCHES' : 'no match'}: ${r.reasons.join('; ')}`))
  }
  if (!e.consistent) io.err('internal error: the compiled engine and the reference disagree on this request')
  return e.consistent ? 0 : 1
}
