/**
 * @module cli/audit
 * `nlets-sim audit search|stats`: search the hub's audit trail (NDJSON) by key,
 * time range, source, destination, effect, rule and kind, or total it up.
 */
import { readdirSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { toJurisdiction } from '../directory/model.js'
import { NsimError } from '../errors.js'
import {
  type AuditQuery, AuditFileError, auditStats, isSourceSelector, NO_RULE, parseAuditTime, type ScanSummary, searchAudit,
  type StoredAuditRecord,
} from '../hub/audit-search.js'
import { isQueryKey, QUERY_KEYS } from '../message/keys.js'
import { PURPOSE_CODES } from '../policy/types.js'
import { intFlag, type Io, parseFlags } from './io.js'

const DEFAULT_FILE = 'var/audit.ndjson'
const EFFECTS = ['deny', 'allow', 'redact']

const FILTERS = `  --file FILE          audit file (default: NSIM_AUDIT_FILE, else ${DEFAULT_FILE}); give it again,
                       or a * in the file name (var/audit-*.ndjson), to read several as one log in time order
  --key K              message key as sent: ${QUERY_KEYS.join(', ')}
  --from T, --to T     time range, inclusive: YYYY-MM-DD (UTC; --to covers the whole day)
                       or an ISO timestamp with zone, e.g. 2025-11-25T21:00:00Z
  --source S           sending ORI (TX0020100), line (AX, TC) or ORI prefix (VTICE)
  --destination XX     destination state
  --effect E           deny, allow or redact
  --rule ID            rule id; \`none\` for the state's default (no rule matched)
  --kind K             decision (one per message and destination), delivery
                       (a queued query forwarded later) or refusal (a message refused whole)
  --imq                only queries that asked for the licence photo (IMQ/Y)
  --purpose P          PUR/ code sent (C, F, E, D, J, S), or \`none\` for none sent
  --shadow-disagree    only decisions the shadow set would have made otherwise
                       (another effect or other redacted fields)`

const USAGE = `usage: nlets-sim audit <search|stats> [options]

Search the hub's audit trail (one JSON line per message and destination), or
total it up. The file is read as a stream: any size works. Lines that are not
audit records are skipped and counted.

  nlets-sim audit search [filters] [--limit N] [--json]
  nlets-sim audit stats [filters] [--json]

filters:
${FILTERS}

search:
  --limit N            records to print, 0 for all (default 100)
  --json               matching records as JSON lines (summary on stderr)

stats: totals of the matching decisions by effect, destination, rule and line.

Exit status: 0 done, 1 the file cannot be read, 2 bad options.`

const FILTER_FLAGS = {
  file: { type: 'string', multiple: true }, key: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
  source: { type: 'string' }, destination: { type: 'string' }, effect: { type: 'string' }, rule: { type: 'string' },
  kind: { type: 'string' }, imq: { type: 'boolean' }, purpose: { type: 'string' }, 'shadow-disagree': { type: 'boolean' },
  json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const

export async function auditCommand (argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') { io.out(USAGE); return sub === undefined ? 2 : 0 }
  if (rest.includes('--help') || rest.includes('-h')) { io.out(USAGE); return 0 }
  switch (sub) {
    case 'search': return await search(rest, io)
    case 'stats': return await stats(rest, io)
    default: throw new NsimError('NSIM_CLI_UNKNOWN_COMMAND', `audit ${sub}`, 'expected search or stats')
  }
}

type FilterValues = { [K in Exclude<keyof typeof FILTER_FLAGS, 'file'>]?: (typeof FILTER_FLAGS)[K]['type'] extends 'string' ? string : boolean } & { file?: string[] }

function usage (message: string): NsimError {
  return new NsimError('NSIM_CLI_USAGE', message)
}

function oneOf (name: string, v: string | undefined, allowed: readonly string[]): string | undefined {
  if (v === undefined) return undefined
  const lower = v.toLowerCase()
  if (!allowed.includes(lower)) throw usage(`--${name} must be ${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}, got \`${v}\``)
  return lower
}

/** The query the filter flags describe; NSIM_CLI_USAGE on a bad value. */
export function auditQueryFromFlags (v: FilterValues): AuditQuery {
  const q: { -readonly [K in keyof AuditQuery]: AuditQuery[K] } = {}
  if (v.key !== undefined) {
    const key = v.key.toUpperCase()
    if (!isQueryKey(key)) throw usage(`--key \`${v.key}\` is not a query key: expected one of ${QUERY_KEYS.join(', ')}`)
    q.key = key
  }
  for (const bound of ['from', 'to'] as const) {
    const s = v[bound]
    if (s === undefined) continue
    const t = parseAuditTime(s, bound)
    if (t === undefined) throw usage(`--${bound} must be a date YYYY-MM-DD or an ISO timestamp with zone, got \`${s}\``)
    q[bound] = t
  }
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw usage(`--from \`${v.from}\` is after --to \`${v.to}\``)
  if (v.source !== undefined) {
    const s = v.source.toUpperCase()
    if (!isSourceSelector(s)) throw usage(`--source \`${v.source}\` is not an ORI, a line or an ORI prefix (two letters, then up to seven letters or digits)`)
    q.source = s
  }
  if (v.destination !== undefined) {
    const d = toJurisdiction(v.destination)
    if (d === undefined) throw usage(`--destination \`${v.destination}\` is not a jurisdiction code`)
    q.destination = d
  }
  const effect = oneOf('effect', v.effect, EFFECTS)
  if (effect !== undefined) q.effect = effect
  if (v.rule !== undefined) {
    if (v.rule.trim() === '') throw usage('--rule needs a rule id (or `none`)')
    q.rule = v.rule === 'none' ? null : v.rule
  }
  const kind = oneOf('kind', v.kind, ['decision', 'delivery', 'refusal'])
  if (kind !== undefined) q.kind = kind as 'decision' | 'delivery' | 'refusal'
  if (v.imq === true) q.imq = true
  if (v.purpose !== undefined) {
    const p = v.purpose.toUpperCase()
    if (p !== 'NONE' && !(PURPOSE_CODES as readonly string[]).includes(p)) throw usage(`--purpose \`${v.purpose}\` is not a PUR/ code: expected ${PURPOSE_CODES.join(', ')} or none`)
    q.purpose = p === 'NONE' ? null : p
  }
  if (v['shadow-disagree'] === true) q.shadowDisagree = true
  return q
}

/** The audit files named (each --file, `*` in a file name matching several), or the default; a label for messages. */
export function auditFiles (v: FilterValues, cwd: string): { files: string[], label: string } {
  const env = process.env.NSIM_AUDIT_FILE
  const given = v.file ?? [env !== undefined && env !== '' && env !== 'off' ? env : DEFAULT_FILE]
  const files: string[] = []
  for (const f of given) {
    if (f === '') throw usage('--file needs a file name')
    if (!basename(f).includes('*')) { files.push(resolve(cwd, f)); continue }
    const dir = resolve(cwd, dirname(f))
    const re = new RegExp(`^${basename(f).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
    let names: string[]
    try { names = readdirSync(dir) } catch { names = [] }
    const hits = names.filter((n) => re.test(n)).sort()
    if (hits.length === 0) throw usage(`--file ${f}: no file matches`)
    files.push(...hits.map((n) => join(dir, n)))
  }
  return { files: [...new Set(files)], label: given.length === 1 && !given[0]!.includes('*') ? given[0]! : `${files.length} files` }
}

/** Warn (stderr) about skipped lines. */
export function reportMalformed (s: ScanSummary, file: string, io: Io): void {
  if (s.malformed === 0) return
  io.err(`nlets-sim: skipped ${s.malformed} malformed line${s.malformed === 1 ? '' : 's'} in ${file} (first: ${s.firstMalformedFile === undefined ? '' : `${s.firstMalformedFile} `}line ${s.firstMalformedLine})`)
}

export async function readOrFail<T> (file: string, io: Io, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run()
  } catch (err) {
    if (err instanceof AuditFileError) { io.err(`nlets-sim: ${err.message}`); return undefined }
    throw err
  }
}

const COLUMNS: ReadonlyArray<[string, number]> = [
  ['TIME', 24], ['ID', 14], ['KEY', 4], ['ORI', 9], ['DEST', 4], ['EFFECT', 6], ['RULE', 28], ['REPLY', 5], ['STATUS', 0],
]

function row (cells: readonly string[]): string {
  return cells.map((c, i) => {
    const w = COLUMNS[i]![1]
    return w === 0 ? c : c.padEnd(w)
  }).join(' ').trimEnd()
}

function tableRow (r: StoredAuditRecord): string {
  if (r.kind === 'refusal') {
    return row([r.time ?? '-', r.id, r.key ?? '-', r.ori ?? '-', '-', 'refused', r.code, 'ER', `${r.httpStatus} ${r.reason}`])
  }
  return row([
    r.time ?? '-', r.id, r.key, r.ori, r.destination, r.effect, r.rule ?? '-', r.replyKey ?? '-',
    r.kind === 'delivery' ? `delivered ${r.status ?? '-'}` : r.status ?? '-',
  ])
}

async function search (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, { ...FILTER_FLAGS, limit: { type: 'string' } }, false)
  const q = auditQueryFromFlags(values)
  const limit = intFlag('limit', values.limit, 100)
  const { files, label: file } = auditFiles(values, io.cwd)
  const json = values.json === true
  let header = false
  const r = await readOrFail(file, io, async () => await searchAudit(files, q, {
    limit,
    onMatch: (rec, raw) => {
      if (json) { io.out(raw); return }
      if (!header) { io.out(row(COLUMNS.map(([h]) => h))); header = true }
      io.out(tableRow(rec))
    },
  }))
  if (r === undefined) return 1
  reportMalformed(r, file, io)
  const more = r.shown < r.matched ? ` (--limit 0 for all)` : ''
  const summary = `${r.shown === r.matched ? `${r.matched}` : `${r.shown} of ${r.matched}`} matching record${r.matched === 1 ? '' : 's'} shown${more}; ${r.records} records in ${file}`
  if (json) { if (r.shown < r.matched) io.err(`nlets-sim: ${summary}`) } else io.out(summary)
  return 0
}

function counts (o: Record<string, number>): string {
  const parts = Object.entries(o).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k, n]) => `${k} ${n}`)
  return parts.length === 0 ? '-' : parts.join('  ')
}

async function stats (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, FILTER_FLAGS, false)
  const q = auditQueryFromFlags(values)
  const { files, label: file } = auditFiles(values, io.cwd)
  const s = await readOrFail(file, io, async () => await auditStats(files, q))
  if (s === undefined) return 1
  reportMalformed(s, file, io)
  if (values.json === true) {
    io.out(JSON.stringify({ file, ...s }, null, 2))
    return 0
  }
  const decisions = s.byKind.decision ?? 0
  const deliveries = s.byKind.delivery ?? 0
  const span = s.first === null ? '' : `, ${s.first} to ${s.last}`
  const out = [
    `${file}: ${s.matched} matching of ${s.records} records (${decisions} decision${decisions === 1 ? '' : 's'}, ${deliveries} deferred deliver${deliveries === 1 ? 'y' : 'ies'})${span}`,
    `by effect: ${counts(s.byEffect)}`,
    'by destination:',
  ]
  for (const [d, x] of Object.entries(s.byDestination).sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]))) {
    const effects = EFFECTS.map((e) => `${e} ${x.effects[e] ?? 0}`).join('  ')
    out.push(`  ${d}  total ${String(x.total).padEnd(6)} ${effects}${x.delivered ? `  delivered later ${x.delivered}` : ''}`)
  }
  out.push('by rule:')
  const rules = Object.entries(s.byRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  const w = Math.max(0, ...rules.map(([k]) => k.length))
  for (const [rule, n] of rules) out.push(`  ${rule.padEnd(w)}  ${n}${rule === NO_RULE ? '  (no rule matched: the state\'s default)' : ''}`)
  out.push(`by line: ${counts(s.byLine)}`)
  const refused = s.byKind.refusal ?? 0
  if (refused > 0) out.push(`refused messages: ${refused} (by ER code: ${counts(s.byRefusal)})`)
  io.out(out.join('\n'))
  return 0
}
