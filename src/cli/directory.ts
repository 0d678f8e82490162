/**
 * @module cli/directory
 * `nlets-sim directory generate|show|list`: write the synthetic agency directory
 * and look agencies up in a directory file.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import {
  DEFAULT_SEED, DEFAULT_TOTAL, MAX_TOTAL, MIN_TOTAL, generateDirectory,
} from '../../simulator/directory/generate.js'
import { formatDiagnostic, hasErrors } from '../diagnostics.js'
import { type DirectoryLoad, formatDirectory, loadDirectory } from '../directory/load.js'
import {
  AGENCY_TYPES, type Agency, COMPONENTS, isAgencyType, isComponent, isLine, toJurisdiction,
} from '../directory/model.js'
import { NsimError } from '../errors.js'
import { type Io, intFlag, parseFlags } from './io.js'
import { defaultFolder, PACKAGE_ROOT } from './paths.js'

const DEFAULT_DIR = 'policies/directory.csv'
const DEFAULT_STATES = 'simulator/calibration/states.csv'

const USAGE = {
  main: `usage: nlets-sim directory <sub-command> [options]

sub-commands:
  generate   write the synthetic agency directory (deterministic per seed)
  show       print one agency by ORI
  list       list agencies, filtered

Run \`nlets-sim directory <sub-command> --help\` for its options.`,
  generate: `usage: nlets-sim directory generate [--seed N] [--total N] [--states FILE] [--out FILE] [--json]

  --seed N       random seed (default ${DEFAULT_SEED}); same seed, same file
  --total N      rows in all, ${MIN_TOTAL}-${MAX_TOTAL} (default ${DEFAULT_TOTAL})
  --states FILE  calibration table (default ${DEFAULT_STATES})
  --out FILE     output CSV (default ${DEFAULT_DIR})
  --json         print the summary as JSON`,
  show: `usage: nlets-sim directory show ORI [--json] [--dir FILE]

  --dir FILE     directory CSV (default ${DEFAULT_DIR})
  --json         print the agency as JSON
Exits 1 when the ORI is not in the directory.`,
  list: `usage: nlets-sim directory list [--line L] [--type T] [--component C] [--state S] [--limit N] [--json] [--dir FILE]

  --line L       member line (jurisdiction or federal line code, e.g. AX)
  --type T       ORION agency type (PD, SO, SA, LE, FE, JA, JC, JG, JJ, JF, CJ, NJ)
  --component C  federal component (${COMPONENTS.join(', ')})
  --state S      jurisdiction where the agency sits (NE and GU are accepted)
  --limit N      rows to print, 0 for all (default 50)
  --dir FILE     directory CSV (default ${DEFAULT_DIR})
  --json         print {matched, shown, agencies} as JSON`,
}

export async function directoryCommand (argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined) {
    io.err(USAGE.main)
    return 2
  }
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(USAGE.main)
    return 0
  }
  switch (sub) {
    case 'generate': return await generate(rest, io)
    case 'show': return await show(rest, io)
    case 'list': return await list(rest, io)
    default: throw new NsimError('NSIM_CLI_USAGE', `unknown directory sub-command \`${sub}\`: expected generate, show or list`)
  }
}

function noPositionals (sub: string, positionals: string[]): void {
  if (positionals.length > 0) throw new NsimError('NSIM_CLI_USAGE', `directory ${sub}: unexpected argument \`${positionals[0]}\``)
}

async function generate (argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    seed: { type: 'string' }, total: { type: 'string' }, states: { type: 'string' }, out: { type: 'string' },
    json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  })
  if (values.help === true) { io.out(USAGE.generate); return 0 }
  noPositionals('generate', positionals)
  const seed = intFlag('seed', values.seed, DEFAULT_SEED)
  const total = intFlag('total', values.total, DEFAULT_TOTAL)
  if (total < MIN_TOTAL || total > MAX_TOTAL) {
    throw new NsimError('NSIM_CLI_USAGE', `--total must be from ${MIN_TOTAL} to ${MAX_TOTAL}, got \`${total}\``)
  }
  const statesFile = values.states ?? DEFAULT_STATES
  let statesCsvText: string
  try {
    const fromHere = resolve(io.cwd, statesFile)
    statesCsvText = await readFile(values.states === undefined && !existsSync(fromHere) ? resolve(PACKAGE_ROOT, statesFile) : fromHere, 'utf8')
  } catch (err) {
    io.err(`nlets-sim: cannot read states file \`${statesFile}\`: ${(err as Error).message}`)
    return 1
  }
  let agencies: Agency[]
  try {
    agencies = generateDirectory({ seed, statesCsvText, total })
  } catch (err) {
    io.err(`nlets-sim: ${(err as Error).message}`)
    return 1
  }
  const file = values.out ?? DEFAULT_DIR
  const path = resolve(io.cwd, file)
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, formatDirectory(agencies))
  const s = summarize(agencies)
  if (values.json === true) {
    io.out(JSON.stringify({ file, seed, total, ...s }, null, 2))
  } else {
    io.out(`wrote ${s.rows} agencies to ${file} (seed ${seed}): ${s.rows - s.federal} non-federal and ${s.federal} federal, ` +
      `${s.inactive} inactive; by component: ${counts(s.components)}; by type: ${counts(s.types)}`)
  }
  return 0
}

/** `PD 11010, SO 2806` from a count map, zeros left out. */
function counts (m: Record<string, number>): string {
  return Object.entries(m).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')
}

function badFlag (flag: string, value: string, why: string): never {
  throw new NsimError('NSIM_CLI_USAGE', `--${flag} \`${value}\`: ${why}`)
}

/** Counts the generate summary reports. */
export function summarize (agencies: readonly Agency[]) {
  const components: Record<string, number> = Object.fromEntries(COMPONENTS.map((c) => [c, 0]))
  const types: Record<string, number> = Object.fromEntries(AGENCY_TYPES.map((t) => [t, 0]))
  let federal = 0
  let inactive = 0
  for (const a of agencies) {
    if (a.component !== '') { components[a.component] = (components[a.component] ?? 0) + 1; federal++ }
    types[a.type] = (types[a.type] ?? 0) + 1
    if (!a.active) inactive++
  }
  return { rows: agencies.length, federal, inactive, components, types }
}

/** Load the directory, printing its diagnostics to stderr. */
async function load (file: string | undefined, io: Io): Promise<DirectoryLoad> {
  // Without --dir: ./policies/directory.csv, else the package's (commands work from any directory).
  const loaded = await loadDirectory(file !== undefined ? resolve(io.cwd, file) : resolve(defaultFolder(io.cwd, 'policies', 'agency directory', 'directory.csv'), 'directory.csv'))
  for (const d of loaded.diagnostics) io.err(formatDiagnostic(d))
  return loaded
}

async function show (argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    json: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  })
  if (values.help === true) { io.out(USAGE.show); return 0 }
  if (positionals.length !== 1) throw new NsimError('NSIM_CLI_USAGE', 'directory show needs exactly one ORI')
  const ori = positionals[0]!.toUpperCase()
  const { directory } = await load(values.dir, io)
  const a = directory.get(ori)
  if (a === undefined) {
    io.err(`nlets-sim: ORI \`${ori}\` is not in ${values.dir ?? DEFAULT_DIR}`)
    return 1
  }
  if (values.json === true) io.out(JSON.stringify(a, null, 2))
  else io.out(Object.entries(a).map(([k, v]) => `${k.padEnd(10)} ${k === 'active' ? (v === true ? 'Y' : 'N') : v === '' ? '-' : String(v)}`).join('\n'))
  return 0
}

async function list (argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    line: { type: 'string' }, type: { type: 'string' }, component: { type: 'string' }, state: { type: 'string' },
    limit: { type: 'string' }, json: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  })
  if (values.help === true) { io.out(USAGE.list); return 0 }
  noPositionals('list', positionals)
  const filters: Array<(a: Agency) => boolean> = []
  if (values.line !== undefined) {
    const line = values.line.toUpperCase()
    if (!isLine(line)) badFlag('line', values.line, 'not a jurisdiction or federal line code')
    filters.push((a) => a.line === line)
  }
  if (values.type !== undefined) {
    const type = values.type.toUpperCase()
    if (!isAgencyType(type)) badFlag('type', values.type, `agency types are ${AGENCY_TYPES.join(', ')}`)
    filters.push((a) => a.type === type)
  }
  if (values.component !== undefined) {
    const component = values.component.toUpperCase()
    if (!isComponent(component)) badFlag('component', values.component, `components are ${COMPONENTS.join(', ')}`)
    filters.push((a) => a.component === component)
  }
  if (values.state !== undefined) {
    const state = toJurisdiction(values.state) ?? badFlag('state', values.state, 'not a jurisdiction code')
    filters.push((a) => a.state === state)
  }
  const limit = intFlag('limit', values.limit, 50)
  const { directory, diagnostics } = await load(values.dir, io)
  const matched = directory.agencies.filter((a) => filters.every((f) => f(a)))
  const shown = limit === 0 ? matched : matched.slice(0, limit)
  if (values.json === true) {
    io.out(JSON.stringify({ matched: matched.length, shown: shown.length, agencies: shown }, null, 2))
  } else {
    const rows = shown.map((a) => `${a.ori}  ${a.type}  ${a.line.padEnd(4)} ${a.state}  ${a.component.padEnd(9)} ` +
      `${a.active ? 'Y' : 'N'}  ${a.access.padEnd(5)} ${a.name}`)
    io.out([...rows, `${shown.length} of ${matched.length} matching agencies shown`].join('\n'))
  }
  return directory.size === 0 && hasErrors(diagnostics) ? 1 : 0
}
