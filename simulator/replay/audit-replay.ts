/**
 * @module simulator/replay/audit-replay
 * Replay recorded traffic against a candidate: every decision record of the
 * hub's audit trail (its inputs are all in the record: key, ORI, destination,
 * IMQ, RSN, PUR, when it was decided) is decided again under the candidate
 * set, and what would have changed is grouped as `policy diff` groups it,
 * with how many recorded queries each change moves. Streams the files in
 * constant memory (a bounded number of ORIs is kept per change).
 *
 * The lines are read in the bytes (audit-lines.ts: a line in the hub's own
 * shape costs a map lookup; any other is read with JSON.parse). Deliveries
 * (queued queries forwarded later) and refusals are not decisions of a
 * message and are skipped; a line that is not an audit record is counted and
 * the first MALFORMED_LIST are named with their file and line.
 */
import type { Directory } from '../../src/directory/directory.js'
import { decidedKey } from '../../src/message/keys.js'
import type { CompiledPolicySet } from '../../src/policy/compile.js'
import { decide } from '../../src/policy/evaluate.js'
import type { Decision } from '../../src/policy/types.js'
import { AuditLineReader, type Shape, type Side } from './audit-lines.js'
import { esc } from './report-html.js'

export type { Side } from './audit-lines.js'

export interface AuditChange {
  readonly state: string
  readonly key: string
  readonly imq: boolean
  readonly context: { readonly reason: string | null, readonly purpose: string | null }
  readonly before: Side
  readonly after: Side
  /** `gained`, `lost`, `gained+lost` (a redaction set changed both ways) or `unchanged` (rule only). */
  readonly access: 'gained' | 'lost' | 'gained+lost' | 'unchanged'
  /** Recorded queries this change moves. */
  readonly count: number
  /** Requesters (at most ORI_LIST listed), and how many distinct ones there were (counted up to 100,000). */
  readonly oris: readonly string[]
  readonly distinctOris: number
  readonly byComponent: Readonly<Record<string, number>>
  /** Whether any requester of the change (listed or not) is outside the candidate's directory, as in `policy diff`. */
  readonly outsideDirectory: boolean
}

export interface AuditReplayReport {
  readonly candidate: string
  /** Versions the recorded decisions were made under, with their counts. */
  readonly recordedVersions: Readonly<Record<string, number>>
  readonly files: number
  readonly lines: number
  readonly decisions: number
  readonly skipped: { readonly deliveries: number, readonly refusals: number, readonly malformed: number, readonly incomplete: number }
  /** The first MALFORMED_LIST lines that are not audit records, with file, line number and why (all are counted in `skipped.malformed`). */
  readonly malformedLines: readonly MalformedLine[]
  readonly changes: readonly AuditChange[]
  readonly summary: { readonly changed: number, readonly gained: number, readonly lost: number, readonly redactionChanged: number, readonly ruleOnly: number }
}

/** ORIs listed per change at most (the count of distinct ones is exact). */
export const ORI_LIST = 200

function side (d: Decision): Side {
  return { effect: d.effect, rule: d.rule, redact: d.redact ?? [] }
}

const RANK: Readonly<Record<string, number>> = { deny: 0, redact: 1, allow: 2 }

/** Access gained or lost from `a` to `b`, as `policy diff --fail-on` counts it. */
export function accessChange (a: Side, b: Side): AuditChange['access'] {
  const ra = RANK[a.effect] ?? 0
  const rb = RANK[b.effect] ?? 0
  if (rb > ra) return 'gained'
  if (rb < ra) return 'lost'
  if (a.effect === 'redact') {
    const fewer = a.redact.some((f) => !b.redact.includes(f))
    const more = b.redact.some((f) => !a.redact.includes(f))
    if (fewer && more) return 'gained+lost'
    if (fewer) return 'gained'
    if (more) return 'lost'
  }
  return 'unchanged'
}

/** What a group of identical changes holds while the lines are read (mergeable across threads). */
export interface GroupTally {
  readonly change: Omit<AuditChange, 'count' | 'oris' | 'distinctOris' | 'byComponent' | 'outsideDirectory'>
  count: number
  /** Distinct requesters (kept up to ORI_KEEP). */
  readonly oris: Set<string>
  readonly byComponent: Map<string, number>
}

/** Distinct requesters counted per change at most. */
const ORI_KEEP = 100_000
/** Malformed lines named in the report at most (all are counted). */
export const MALFORMED_LIST = 20

export interface MalformedLine { readonly file: string, readonly line: number, readonly reason: string, readonly offset: number }

/** Part of the recorded traffic, tallied: one thread's share, or the whole. */
export interface AuditTally {
  lines: number
  decisions: number
  readonly versions: Record<string, number>
  readonly skipped: { deliveries: number, refusals: number, malformed: number, incomplete: number }
  readonly malformed: MalformedLine[]
  readonly groups: Map<string, GroupTally>
}

export function newAuditTally (): AuditTally {
  return { lines: 0, decisions: 0, versions: {}, skipped: { deliveries: 0, refusals: 0, malformed: 0, incomplete: 0 }, malformed: [], groups: new Map() }
}

/** What a shape last decided under the candidate (decide returns shared decisions, so a repeat is one comparison). */
/**
 * What a shape's last line came to: the decision, for which span of decision
 * times it holds (between the `from`/`until` dates of the state's rules, the
 * only way time enters a decision), its change group, the requester's component,
 * and the count of its recorded policy version.
 */
interface Memo { d: Decision | undefined, lo: number, hi: number, group: GroupTally | undefined, comp: string, version: { n: number } }

/** The span of times around `at` in which no rule of `state` starts or ends. */
function timeCell (bounds: Map<string, number[]>, set: CompiledPolicySet, state: string, at: number): [number, number] {
  let b = bounds.get(state)
  if (b === undefined) {
    const dates = new Set<number>()
    for (const cr of set.states.get(state)?.rules ?? []) {
      if (cr.rule.from !== undefined) dates.add(cr.rule.from)
      if (cr.rule.until !== undefined) dates.add(cr.rule.until)
    }
    b = [...dates].sort((x, y) => x - y)
    bounds.set(state, b)
  }
  let lo = -Infinity
  for (const x of b) {
    if (x > at) return [lo, x]
    lo = x
  }
  return [lo, Infinity]
}

/** A part of one file to read: `[start, end)` bytes, starting at a line's first byte. */
export interface AuditRange { readonly file: string, readonly start?: number, readonly end?: number }

/** Decide every recorded query of `ranges` again under `set`, adding to `tally`. */
export async function tallyAudit (ranges: readonly AuditRange[], set: CompiledPolicySet, tally: AuditTally, dir: Directory = set.directory): Promise<void> {
  const t = tally
  let file = ''
  const versions = new Map<string, { n: number }>()
  const bounds = new Map<string, number[]>()
  const reader = new AuditLineReader({
    decision (shape: Shape, at: number) {
      const req = shape.request
      if (req === null || !Number.isFinite(at)) { t.skipped.incomplete++; return }
      t.decisions++
      let m = shape.memo as Memo | undefined
      if (m === undefined) {
        const a = dir.get(shape.ori)
        let version = versions.get(shape.policyVersion)
        if (version === undefined) versions.set(shape.policyVersion, version = { n: 0 })
        m = { d: undefined, lo: 0, hi: -1, group: undefined, comp: a === undefined ? '(not in the directory)' : a.component || 'local', version }
        shape.memo = m
      }
      m.version.n++
      // Decided again only when the time left the span the last decision holds for.
      if (at < m.lo || at >= m.hi) {
        req.time = at
        const d = decide(req, set)
        const [lo, hi] = timeCell(bounds, set, shape.destination, at)
        m.lo = lo
        m.hi = hi
        if (d !== m.d) { m.d = d; m.group = groupOf(t.groups, shape, d) }
      }
      const g = m.group
      if (g === undefined) return
      g.count++
      if (g.oris.size < ORI_KEEP) g.oris.add(shape.ori)
      g.byComponent.set(m.comp, (g.byComponent.get(m.comp) ?? 0) + 1)
    },
    other (kind: string) {
      if (kind === 'delivery') t.skipped.deliveries++
      else t.skipped.refusals++
    },
    malformed (line: number, reason: string, offset: number) {
      t.skipped.malformed++
      if (t.malformed.length < MALFORMED_LIST) t.malformed.push({ file, line, reason, offset })
    },
  })
  for (const r of ranges) {
    file = r.file
    await reader.readFile(r.file, { ...(r.start !== undefined ? { start: r.start } : {}), ...(r.end !== undefined ? { end: r.end } : {}) })
  }
  t.lines += reader.lines
  for (const [v, c] of versions) t.versions[v] = (t.versions[v] ?? 0) + c.n
}

/** The change group a shape's recorded decision and `d` fall in; undefined when nothing changes. */
function groupOf (groups: Map<string, GroupTally>, shape: Shape, d: Decision): GroupTally | undefined {
  const before = shape.before
  const after = side(d)
  if (before.effect === after.effect && before.rule === after.rule && before.redact.join(',') === after.redact.join(',')) return undefined
  const key = decidedKey(shape.key)
  const id = `${shape.destination}|${key}|${shape.imq}|${shape.reason}|${shape.purpose}|${before.effect}|${before.rule}|${before.redact.join(',')}|${after.effect}|${after.rule}|${after.redact.join(',')}`
  let g = groups.get(id)
  if (g === undefined) {
    g = {
      change: { state: shape.destination, key, imq: shape.imq, context: { reason: shape.reason, purpose: shape.purpose }, before, after, access: accessChange(before, after) },
      count: 0, oris: new Set(), byComponent: new Map(),
    }
    groups.set(id, g)
  }
  return g
}

/** Add `b` (another thread's share) into `a`. */
export function mergeAuditTally (a: AuditTally, b: AuditTally): void {
  a.lines += b.lines
  a.decisions += b.decisions
  for (const [v, n] of Object.entries(b.versions)) a.versions[v] = (a.versions[v] ?? 0) + n
  for (const k of ['deliveries', 'refusals', 'malformed', 'incomplete'] as const) a.skipped[k] += b.skipped[k]
  for (const m of b.malformed) if (a.malformed.length < MALFORMED_LIST) a.malformed.push(m)
  for (const [id, g] of b.groups) {
    const mine = a.groups.get(id)
    if (mine === undefined) { a.groups.set(id, g); continue }
    mine.count += g.count
    for (const o of g.oris) { if (mine.oris.size >= ORI_KEEP) break; mine.oris.add(o) }
    for (const [c, n] of g.byComponent) mine.byComponent.set(c, (mine.byComponent.get(c) ?? 0) + n)
  }
}

/** The report of a whole tally. */
export function auditReport (t: AuditTally, set: CompiledPolicySet, files: number, dir: Directory = set.directory): AuditReplayReport {
  const changes: AuditChange[] = [...t.groups.values()]
    .sort((a, b) => b.count - a.count || a.change.state.localeCompare(b.change.state) || a.change.key.localeCompare(b.change.key))
    .map((g) => {
      const oris = [...g.oris].sort()
      return {
        ...g.change, count: g.count, oris: oris.slice(0, ORI_LIST), distinctOris: g.oris.size, byComponent: Object.fromEntries(g.byComponent),
        outsideDirectory: oris.some((o) => dir.get(o) === undefined),
      }
    })
  const sum = (f: (c: AuditChange) => boolean): number => changes.filter(f).reduce((n, c) => n + c.count, 0)
  const malformedLines = [...t.malformed].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  return {
    candidate: set.version, recordedVersions: t.versions, files, lines: t.lines, decisions: t.decisions, skipped: { ...t.skipped }, malformedLines, changes,
    summary: {
      changed: sum(() => true), gained: sum((c) => c.access === 'gained' || c.access === 'gained+lost'),
      lost: sum((c) => c.access === 'lost' || c.access === 'gained+lost'),
      redactionChanged: sum((c) => c.before.effect === 'redact' && c.after.effect === 'redact'),
      ruleOnly: sum((c) => c.access === 'unchanged'),
    },
  }
}

export interface AuditReplayOptions {
  readonly directory?: Directory
  /**
   * Threads to read with (default 1: this one). More split the files into
   * byte ranges at line ends; each thread loads `policiesDir` itself, so the
   * folder the set was loaded from is needed. The report is the same.
   */
  readonly workers?: number
  readonly policiesDir?: string
}

export async function replayAudit (files: readonly string[], set: CompiledPolicySet, opts: AuditReplayOptions = {}): Promise<AuditReplayReport> {
  const dir = opts.directory ?? set.directory
  const workers = opts.workers ?? 1
  const tally = newAuditTally()
  if (workers <= 1 || opts.policiesDir === undefined) {
    await tallyAudit(files.map((file) => ({ file })), set, tally, dir)
  } else {
    const { tallyInWorkers } = await import('./audit-workers.js')
    await tallyInWorkers(files, opts.policiesDir, set.version, workers, tally)
  }
  return auditReport(tally, set, files.length, dir)
}

/** The report for a person: the summary, then each change with its count. */
export function formatAuditReplayText (r: AuditReplayReport): string {
  const out = [
    `recorded traffic: ${r.decisions.toLocaleString('en-US')} decisions in ${r.files} file${r.files === 1 ? '' : 's'} (${r.lines.toLocaleString('en-US')} lines; ` +
      `skipped ${r.skipped.deliveries} deliveries, ${r.skipped.refusals} refusals, ${r.skipped.malformed} malformed, ${r.skipped.incomplete} incomplete)`,
    `decided again under ${r.candidate} (recorded under ${Object.entries(r.recordedVersions).map(([v, n]) => `${v}: ${n.toLocaleString('en-US')}`).join(', ')})`,
    `would change: ${r.summary.changed.toLocaleString('en-US')} queries (gain access ${r.summary.gained.toLocaleString('en-US')}, lose access ${r.summary.lost.toLocaleString('en-US')}, ` +
      `redaction changed ${r.summary.redactionChanged.toLocaleString('en-US')}, rule only ${r.summary.ruleOnly.toLocaleString('en-US')})`,
  ]
  for (const m of r.malformedLines) out.push(`  not an audit record: ${m.file}:${m.line}: ${m.reason}`)
  if (r.skipped.malformed > r.malformedLines.length) out.push(`  ... and ${(r.skipped.malformed - r.malformedLines.length).toLocaleString('en-US')} more lines that are not audit records`)
  if (r.changes.length === 0) out.push('no recorded query would be decided otherwise')
  for (const c of r.changes) {
    const ctx = [c.imq ? 'IMQ/Y' : '', c.context.reason === null ? '' : `RSN/${c.context.reason}`, c.context.purpose === null ? '' : `PUR/${c.context.purpose}`].filter(Boolean).join(' ')
    const fmt = (s: Side): string => `${s.effect}${s.redact.length ? `(${s.redact.join(',')})` : ''} by ${s.rule ?? 'the default'}`
    const who = Object.entries(c.byComponent).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')
    out.push(`  ${c.state} ${c.key}${ctx ? ` ${ctx}` : ''}: ${fmt(c.before)} -> ${fmt(c.after)} [${c.access}] x${c.count.toLocaleString('en-US')} (${c.distinctOris} requesters: ${who})`)
  }
  return out.join('\n')
}

/** The report as one self-contained HTML page (no external resource; every text escaped). */
export function formatAuditReplayHtml (r: AuditReplayReport): string {
  const fmt = (s: Side): string => `${s.effect}${s.redact.length ? ` (${s.redact.join(', ')})` : ''} by ${s.rule ?? 'the default'}`
  const rows = r.changes.map((c) => {
    const ctx = [c.imq ? 'IMQ/Y' : '', c.context.reason === null ? '' : `RSN/${c.context.reason}`, c.context.purpose === null ? '' : `PUR/${c.context.purpose}`].filter(Boolean).join(' ')
    const who = Object.entries(c.byComponent).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ')
    return `<tr class="${esc(c.access)}"><td>${esc(c.state)}</td><td>${esc(c.key)}</td><td>${esc(ctx)}</td><td>${esc(fmt(c.before))}</td><td>${esc(fmt(c.after))}</td>` +
      `<td>${esc(c.access)}</td><td class="n">${esc(c.count.toLocaleString('en-US'))}</td><td>${esc(who)}</td><td>${esc(c.oris.slice(0, 20).join(' '))}${c.distinctOris > 20 ? ' ...' : ''}</td></tr>`
  }).join('\n')
  const text = formatAuditReplayText(r).split('\n').slice(0, 3)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nlets-sim: recorded traffic under ${esc(r.candidate)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222 }
table { border-collapse: collapse; margin-top: 1em } th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top }
th { background: #f4f4f4 } td.n { text-align: right } tr.lost td { background: #fdecea } tr.gained td { background: #eaf7ea } tr.unchanged td { color: #666 }
</style></head><body>
<h1>Recorded traffic decided again</h1>
${text.map((l) => `<p>${esc(l)}</p>`).join('\n')}
${r.changes.length === 0 ? '<p>No recorded query would be decided otherwise.</p>' : `<table>
<tr><th>state</th><th>key</th><th>context</th><th>recorded</th><th>candidate</th><th>access</th><th>queries</th><th>by component</th><th>requesters</th></tr>
${rows}
</table>`}
</body></html>
`
}
