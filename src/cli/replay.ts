/**
 * @module cli/replay
 * `nlets-sim replay`: replay a scenario's year of traffic through the compiled
 * policies (simulator/replay) and print, or write, the report.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import cliProgress from 'cli-progress'
import { NsimError } from '../errors.js'
import { intFlag, type Io, parseFlags, processIo } from './io.js'
import { PACKAGE_ROOT } from './paths.js'
import { loadScenario, parseScenario, ScenarioError } from '../../simulator/scenarios/load.js'
import { formatAuditReplayHtml, formatAuditReplayText, MALFORMED_LIST, replayAudit } from '../../simulator/replay/audit-replay.js'
import { runReplay } from '../../simulator/replay/run.js'
import { formatDiagnostic } from '../diagnostics.js'
import { loadPolicySet } from '../policy/load.js'
import { auditFiles } from './audit.js'
import { givenFolder } from './paths.js'
import type { ReplayReport } from '../../simulator/replay/report.js'
import { formatReportText, int } from '../../simulator/replay/report-text.js'
import { formatReportHtml } from '../../simulator/replay/report-html.js'

const SCENARIOS = 'simulator/scenarios'

const USAGE = `usage: nlets-sim replay --scenario NAME|FILE [options]
       nlets-sim replay --audit FILE [--audit FILE]... --policies CANDIDATE [--workers N] [--json FILE] [--html FILE]
       nlets-sim replay --list

Replay a scenario's traffic (by default a year, about 290 million queries)
through the compiled policies, in process, and report what each state allowed,
denied and redacted, by requester component, rule and key.

  --scenario NAME|FILE  a scenario of ${SCENARIOS}/ by name (e.g. baseline-oct-2025),
                        or the path of a scenario file
  --days N              replay the first N days instead of the scenario's span
  --workers N           worker threads (default: the machine's cores; 0 = this thread)
  --json FILE           write the report as JSON (\`-\`: to stdout instead of the text report)
  --html FILE           write the report as one self-contained HTML page
  --quiet               no progress on stderr
  --list                list the scenarios with their descriptions

Recorded traffic: with --audit, every decision of the hub's audit file(s) (a *
in a file name takes several) is decided again under the CANDIDATE policy
folder, and what would change is reported as \`policy diff\` groups it, with
how many recorded queries each change moves (--json FILE, or - for stdout;
--html FILE, one self-contained page). --workers N reads the files in N
threads (default: one per core for 64 MB of audit or more, else this thread;
0 or 1 = this thread); the report is the same. Lines that are not audit
records are counted, and the first ${MALFORMED_LIST} named with file and line.

Exit codes: 0 done, 1 the scenario file is invalid, 2 usage error.`

/** `replay --audit`: recorded decisions decided again under a candidate folder. */
async function replayRecorded (auditArgs: string[], policiesArg: string, json: string | undefined, html: string | undefined, workersArg: number | undefined, io: Io): Promise<number> {
  const dir = givenFolder(io.cwd, policiesArg, 'policy folder', 'states')
  const { files, label } = auditFiles({ file: auditArgs }, io.cwd)
  const loaded = await loadPolicySet(dir)
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) {
    for (const d of errors.slice(0, 20)) io.err(formatDiagnostic(d))
    io.err(`nlets-sim: the candidate ${policiesArg} has ${errors.length} error${errors.length === 1 ? '' : 's'}: fix them first (nlets-sim policy check)`)
    return 1
  }
  let report
  try {
    const bytes = (await Promise.all(files.map(async (f) => (await stat(f)).size))).reduce((a, b) => a + b, 0)
    const workers = workersArg ?? (bytes >= 64 << 20 ? availableParallelism() : 1)
    report = await replayAudit(files, loaded.set, { workers, policiesDir: dir })
  } catch (err) {
    io.err(`nlets-sim: cannot read ${label}: ${(err as Error).message}`)
    return 1
  }
  if (json !== '-') io.out(formatAuditReplayText(report))
  if (json !== undefined) {
    const text = JSON.stringify(report, null, 2)
    if (json === '-') io.out(text)
    else await write(json, text, 'JSON report', io, false)
  }
  if (html !== undefined) await write(html, formatAuditReplayHtml(report), 'HTML report', io, false)
  return 0
}

export async function replayCommand (argv: string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { io.out(USAGE); return 0 }
  const { values } = parseFlags(argv, {
    scenario: { type: 'string' }, days: { type: 'string' }, workers: { type: 'string' }, json: { type: 'string' },
    html: { type: 'string' }, quiet: { type: 'boolean' }, list: { type: 'boolean' }, audit: { type: 'string', multiple: true },
    policies: { type: 'string' },
  }, false)
  if (values.list) return await list(io)
  if (values.audit !== undefined) {
    if (values.scenario !== undefined) throw new NsimError('NSIM_CLI_USAGE', '--audit replays recorded traffic: it does not take --scenario')
    if (values.policies === undefined) throw new NsimError('NSIM_CLI_USAGE', '--audit needs --policies CANDIDATE (the folder to decide the recorded queries with)')
    const workers = values.workers === undefined ? undefined : intFlag('workers', values.workers, 0)
    if (workers !== undefined && workers > 64) throw new NsimError('NSIM_CLI_USAGE', `--workers must be from 0 to 64, got \`${values.workers}\``)
    return await replayRecorded(values.audit, values.policies, values.json, values.html, workers, io)
  }
  if (values.policies !== undefined) throw new NsimError('NSIM_CLI_USAGE', '--policies goes with --audit (a scenario names its own policies)')
  if (values.scenario === undefined) throw new NsimError('NSIM_CLI_USAGE', `replay needs --scenario NAME|FILE (scenarios: ${(await scenarioNames(io)).join(', ')})`)
  const days = values.days === undefined ? undefined : intFlag('days', values.days, 0)
  if (days !== undefined && (days < 1 || days > 3660)) throw new NsimError('NSIM_CLI_USAGE', `--days must be from 1 to 3660, got \`${values.days}\``)
  const workers = values.workers === undefined ? undefined : intFlag('workers', values.workers, 0)
  if (workers !== undefined && workers > 64) throw new NsimError('NSIM_CLI_USAGE', `--workers must be from 0 to 64, got \`${values.workers}\``)
  const file = await scenarioFileOf(values.scenario, io)
  const progress = values.quiet ? undefined : newProgress(io)
  let report: ReplayReport
  try {
    await loadScenario(file)
    report = await runReplay(file, { ...(days !== undefined ? { days } : {}), ...(workers !== undefined ? { workers } : {}), ...(progress ? { onProgress: progress.update } : {}) })
  } catch (err) {
    progress?.stop()
    if (err instanceof ScenarioError) { io.err(`nlets-sim: ${err.message}`); return 1 }
    // The traffic model rejects some parameter values only when it is built (e.g. an unknown key in a key mix).
    if (err instanceof Error) { io.err(`nlets-sim: replay of ${values.scenario} failed: ${err.message}`); return 1 }
    throw err
  }
  progress?.stop()
  if (values.json !== '-') io.out(formatReportText(report))
  if (values.json !== undefined) {
    const text = JSON.stringify(report, null, 2) + '\n'
    if (values.json === '-') io.out(text)
    else await write(values.json, text, 'JSON report', io, values.quiet === true)
  }
  if (values.html !== undefined) await write(values.html, formatReportHtml(report), 'HTML report', io, values.quiet === true)
  return 0
}

async function write (path: string, text: string, what: string, io: Io, quiet: boolean): Promise<void> {
  const full = resolve(io.cwd, path)
  try { await writeFile(full, text) } catch (err) { throw new NsimError('NSIM_CLI_USAGE', `cannot write ${what} to \`${path}\`: ${(err as Error).message}`) }
  if (!quiet) io.err(`${what} written to ${path}`)
}

/** The scenario folder: ./simulator/scenarios when there is one, else the package's. */
function scenariosDir (io: Io): string {
  const here = resolve(io.cwd, SCENARIOS)
  return existsSync(here) ? here : resolve(PACKAGE_ROOT, SCENARIOS)
}

async function scenarioNames (io: Io): Promise<string[]> {
  const files = await readdir(scenariosDir(io)).catch(() => [] as string[])
  return files.filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')).sort()
}

/**
 * NAME -> simulator/scenarios/NAME.yaml (from the working directory, else from
 * the package); anything with a slash or a .yaml ending is a path.
 */
export async function scenarioFileOf (arg: string, io: Io): Promise<string> {
  if (/[/\\]/.test(arg) || /\.ya?ml$/.test(arg)) return resolve(io.cwd, arg)
  for (const ext of ['.yaml', '.yml']) {
    const f = resolve(scenariosDir(io), arg + ext)
    if (existsSync(f)) return f
  }
  throw new NsimError('NSIM_CLI_USAGE', `unknown scenario \`${arg}\`; available: ${(await scenarioNames(io)).join(', ') || `none (looked in ${resolve(io.cwd, SCENARIOS)} and ${resolve(PACKAGE_ROOT, SCENARIOS)})`}; or give a file path`)
}

async function list (io: Io): Promise<number> {
  const names = await scenarioNames(io)
  if (names.length === 0) { io.out(`no scenarios under ${scenariosDir(io)}/`); return 0 }
  const w = Math.max(...names.map((n) => n.length))
  for (const n of names) {
    const file = join(scenariosDir(io), `${n}.yaml`)
    try {
      const s = parseScenario(await readFile(file, 'utf8'), file)
      io.out(`${n.padEnd(w)}  from ${new Date(s.start).toISOString().slice(0, 10)}, ${s.days} days: ${s.description}`)
    } catch (err) {
      io.out(`${n.padEnd(w)}  (invalid: ${(err as Error).message})`)
    }
  }
  return 0
}

interface Progress { update: (done: number, days: number, queries: number) => void, stop: () => void }

/** A progress bar on a terminal; otherwise one line per ~10% of the days. */
function newProgress (io: Io): Progress {
  const t0 = performance.now()
  const rate = (queries: number): string => int(queries / Math.max(0.001, (performance.now() - t0) / 1000))
  if (io.err === processIo.err && process.stderr.isTTY === true) {
    const bar = new cliProgress.SingleBar({
      format: 'replay {bar} {value}/{total} days | {queries} queries | {rate} queries/s | {duration_formatted}',
      stream: process.stderr, hideCursor: true, clearOnComplete: true, fps: 5,
    }, cliProgress.Presets.shades_classic)
    let started = false
    return {
      update: (done, days, queries) => {
        if (!started) { bar.start(days, 0, { queries: '0', rate: '0' }); started = true }
        bar.update(done, { queries: int(queries), rate: rate(queries) })
      },
      stop: () => { if (started) bar.stop() },
    }
  }
  let next = 0
  return {
    update: (done, days, queries) => {
      const tenth = Math.floor((10 * done) / days)
      if (tenth < next && done !== days) return
      next = tenth + 1
      io.err(`replay: ${done}/${days} days, ${int(queries)} queries, ${rate(queries)} queries/s`)
    },
    stop: () => {},
  }
}
