/**
 * @module cli/policy
 * `nlets-sim policy check|test|explain|diff`: thin flag handling over src/policy
 * (diff in policy-diff.ts).
 */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { isOri, toJurisdiction } from '../directory/model.js'
import { type Diagnostic, diag, formatDiagnostic } from '../diagnostics.js'
import { NsimError } from '../errors.js'
import { isQueryKey } from '../message/keys.js'
import { explain } from '../policy/explain.js'
import { explanationJson, explanationText } from '../policy/explain-format.js'
import { lintPolicySet } from '../policy/lint.js'
import { loadPolicySet, type PolicyLoad } from '../policy/load.js'
import { loadTestCases, runPolicyTests } from '../policy/test-runner.js'
import { type PolicyRequest, PURPOSE_CODES, REASON_CODES } from '../policy/types.js'
import { parseDate } from '../policy/yaml-walk.js'
import { intFlag, type Io, parseFlags } from './io.js'
import { defaultFolder, givenFolder } from './paths.js'

const USAGE = `usage: nlets-sim policy <check|test|explain|diff> [options]

  check [DIR]      parse, compile and lint every policy under DIR (default: ./policies,
                   else the package's policies/)
                   --json              machine-readable report
                   --directory FILE    agency directory (default: DIR/directory.csv)
                   --warnings-ok       exit 0 when there are warnings but no errors
  test [DIR]       run the policy test cases (DIR/tests/*.yaml) on both engines;
                   reports rule and condition coverage
                   --tests DIR2        test files elsewhere
                   --min-coverage N    fail when fewer than N% of rules decide some case
                   --at DATE           date for cases that give none (default: today)
                   --json
  explain [DIR]    why a query is allowed, denied or redacted
                   --ori ORI --to STATE --key KEY [--imq] [--reason R] [--purpose P]
                   [--at DATE] [--json]
                   --requests FILE     batch: one JSON request a line
                                       ({"ori","to","key","imq","reason","purpose","at"}),
                                       one JSON explanation a line out
  diff LIVE CANDIDATE
                   what the candidate folder changes, exactly: every agency, key,
                   IMQ, reason/purpose code and date interval either set names
                   --json              the diff contract (README, "Changing a policy")
                   --fail-on new-access|lost-access|any-change
                                       exit 1 (and name the cells) when the candidate
                                       grants access the live set denies, removes
                                       access, or changes anything
                   --year [SCENARIO]   queries of the calibrated year each change
                                       moves (default scenario: baseline-oct-2025)
                   --directory FILE    agency directory for both (default: each DIR's)

Exit codes: 0 clean, 1 findings (errors, warnings, failing cases; diff: a change, or
with --fail-on a failed gate; no change or a passed gate is 0), 2 usage error.`

export async function policyCommand (argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') { io.out(USAGE); return sub === undefined ? 2 : 0 }
  if (rest.includes('--help') || rest.includes('-h')) { io.out(USAGE); return 0 }
  switch (sub) {
    case 'check': return await check(rest, io)
    case 'test': return await test(rest, io)
    case 'explain': return await explainCmd(rest, io)
    case 'diff': return await (await import('./policy-diff.js')).diffCommand(rest, io, policyDir)
    default: throw new NsimError('NSIM_CLI_UNKNOWN_COMMAND', `policy ${sub}`, 'expected check, test, explain or diff')
  }
}

function show (d: Diagnostic, io: Io): Diagnostic {
  return d.file.startsWith('/') ? { ...d, file: relative(io.cwd, d.file) || d.file } : d
}

/** The policy folder: the one named (resolved from the working directory), or the shipped one. */
function policyDir (arg: string | undefined, io: Io): string {
  return arg === undefined ? defaultFolder(io.cwd, 'policies', 'policy folder', 'states') : givenFolder(io.cwd, arg, 'policy folder', 'states')
}

async function load (dir: string | undefined, directory: string | undefined, io: Io): Promise<PolicyLoad> {
  return await loadPolicySet(policyDir(dir, io), directory ? { directoryPath: resolve(io.cwd, directory) } : {})
}

function onePositional (positionals: string[], what: string): string | undefined {
  if (positionals.length > 1) throw new NsimError('NSIM_CLI_USAGE', `${what} takes one directory, got ${positionals.join(' ')}`)
  return positionals[0]
}

async function check (argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    json: { type: 'boolean' }, directory: { type: 'string' }, 'warnings-ok': { type: 'boolean' },
  })
  const dir = onePositional(positionals, 'check')
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
  const dir = policyDir(onePositional(positionals, 'test'), io)
  const min = intFlag('min-coverage', values['min-coverage'], 0)
  if (min > 100) throw new NsimError('NSIM_CLI_USAGE', `--min-coverage is a percentage (0-100), got ${min}`)
  const loaded = await load(dir, values.directory, io)
  const { cases, diagnostics } = await loadTestCases(resolve(io.cwd, values.tests ?? resolve(dir, 'tests')), dateFlag('at', values.at))
  const report = runPolicyTests(cases, loaded.set)
  const belowMin = report.coverage.percent < min
  const problems = [...loaded.diagnostics.filter((d) => d.severity === 'error'), ...diagnostics, ...report.diagnostics,
    ...(belowMin ? [diag('error', 'NSIM_PTEST_COVERAGE', { file: resolve(io.cwd, values.tests ?? resolve(dir, 'tests')), line: 0, column: 0 }, [report.coverage.percent, min])] : [])].map((d) => show(d, io))
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

interface RawRequest { ori?: unknown, to?: unknown, key?: unknown, imq?: unknown, reason?: unknown, purpose?: unknown, at?: unknown }

/** A request from flags or from one line of a --requests file; a usage error names what is wrong. */
function toRequest (r: RawRequest, where: string): PolicyRequest {
  const f = (name: string): string => where === '' ? `--${name}` : `${where}${name}`
  const str = (v: unknown, name: string): string | undefined => {
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string') throw new NsimError('NSIM_CLI_USAGE', `${f(name)} must be a string`)
    return v
  }
  for (const k of ['ori', 'to', 'key'] as const) if (r[k] === undefined) throw new NsimError('NSIM_CLI_USAGE', `${where}explain needs ${where === '' ? '--' : ''}${k}`)
  const rawOri = str(r.ori, 'ori')!
  const ori = rawOri.toUpperCase()
  if (!isOri(ori)) throw new NsimError('NSIM_CLI_USAGE', `${f('ori')} \`${rawOri}\` is not an ORI (two letters then seven letters or digits)`)
  const rawTo = str(r.to, 'to')!
  const to = toJurisdiction(rawTo)
  if (to === undefined) throw new NsimError('NSIM_CLI_USAGE', `${f('to')} \`${rawTo}\` is not a jurisdiction code`)
  const rawKey = str(r.key, 'key')!
  const key = rawKey.toUpperCase()
  if (!isQueryKey(key)) throw new NsimError('NSIM_CLI_USAGE', `${f('key')} \`${rawKey}\` is not a query key (DQ, DNQ, DQG, KQ, RQ, RQG, RNQ, RPQ)`)
  if (r.imq !== undefined && typeof r.imq !== 'boolean') throw new NsimError('NSIM_CLI_USAGE', `${f('imq')} must be true or false`)
  const reason = str(r.reason, 'reason')?.toUpperCase()
  if (reason !== undefined && !(REASON_CODES as readonly string[]).includes(reason)) throw new NsimError('NSIM_CLI_USAGE', `${f('reason')} must be one of ${REASON_CODES.join(', ')}`)
  const purpose = str(r.purpose, 'purpose')?.toUpperCase()
  if (purpose !== undefined && !(PURPOSE_CODES as readonly string[]).includes(purpose)) throw new NsimError('NSIM_CLI_USAGE', `${f('purpose')} must be one of ${PURPOSE_CODES.join(', ')}`)
  return {
    ori, state: to, key, image: r.imq === true, time: dateFlag('at', str(r.at, 'at')),
    ...(reason ? { reason } : {}), ...(purpose ? { purpose } : {}),
  }
}

async function explainCmd (argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    ori: { type: 'string' }, to: { type: 'string' }, key: { type: 'string' }, imq: { type: 'boolean' },
    reason: { type: 'string' }, purpose: { type: 'string' }, at: { type: 'string' }, dir: { type: 'string' },
    directory: { type: 'string' }, json: { type: 'boolean' }, requests: { type: 'string' },
  })
  const pos = onePositional(positionals, 'explain')
  if (pos !== undefined && values.dir !== undefined) throw new NsimError('NSIM_CLI_USAGE', 'give the policy folder once: as the argument or with --dir, not both')
  const dir = pos ?? values.dir
  if (values.requests !== undefined) {
    for (const f of ['ori', 'to', 'key', 'reason', 'purpose'] as const) {
      if (values[f] !== undefined) throw new NsimError('NSIM_CLI_USAGE', `--requests takes the requests from its file: drop --${f}`)
    }
    return await explainBatch(values.requests, dir, values.directory, values.at, io)
  }
  const req = toRequest({ ori: values.ori, to: values.to, key: values.key, imq: values.imq, reason: values.reason, purpose: values.purpose, at: values.at }, '')
  const loaded = await load(dir, values.directory, io)
  const e = explain(req, loaded.set)
  if (values.json) {
    io.out(JSON.stringify(explanationJson(e), null, 2))
    return e.consistent ? 0 : 1
  }
  for (const line of explanationText(e)) io.out(line)
  if (!e.consistent) io.err('internal error: the compiled engine and the reference disagree on this request')
  return e.consistent ? 0 : 1
}

/**
 * `explain --requests FILE`: one JSON request a line (`{"ori","to","key","imq",
 * "reason","purpose","at"}`; blank lines and `#` comments skipped), one JSON
 * explanation a line out, in order. A bad line is reported as FILE:LINE:COL on
 * stderr and skipped; the command then exits 2.
 */
async function explainBatch (file: string, dir: string | undefined, directory: string | undefined, at: string | undefined, io: Io): Promise<number> {
  const path = resolve(io.cwd, file)
  let text: string
  try { text = await readFile(path, 'utf8') } catch (err) { throw new NsimError('NSIM_CLI_USAGE', `cannot read --requests \`${file}\`: ${(err as Error).message}`) }
  const loaded = await load(dir, directory, io)
  let bad = 0
  let inconsistent = 0
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '' || line.startsWith('#')) continue
    const col = lines[i]!.length - lines[i]!.trimStart().length + 1
    try {
      let raw: unknown
      try { raw = JSON.parse(line) } catch (err) { throw new NsimError('NSIM_CLI_USAGE', `not JSON: ${(err as Error).message}`) }
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new NsimError('NSIM_CLI_USAGE', 'expected an object {"ori", "to", "key", ...}')
      const r = raw as RawRequest
      const e = explain(toRequest({ ...r, at: r.at ?? at }, 'request: '), loaded.set)
      if (!e.consistent) inconsistent++
      io.out(JSON.stringify({ line: i + 1, ...explanationJson(e) }))
    } catch (err) {
      if (!(err instanceof NsimError)) throw err
      bad++
      io.err(formatDiagnostic(show(diag('error', 'NSIM_CLI_USAGE', { file: path, line: i + 1, column: col }, [err.message]), io)))
    }
  }
  return bad > 0 ? 2 : inconsistent > 0 ? 1 : 0
}
