/**
 * @module simulator/replay/audit-replay
 * Replay recorded traffic against a candidate: every decision record of the
 * hub's audit trail (its inputs are all in the record: key, ORI, destination,
 * IMQ, RSN, PUR, when it was decided) is decided again under the candidate
 * set, and what would have changed is grouped as `policy diff` groups it,
 * with how many recorded queries each change moves. Streams the files in
 * constant memory (a bounded number of ORIs is kept per change).
 *
 * The hub writes its audit lines in one fixed shape, so the fields are read by
 * position (a few `indexOf`s a line); a line in another shape falls back to
 * JSON.parse. Deliveries (queued queries forwarded later) and refusals are
 * not decisions of a message and are skipped.
 */
import { isAscii } from 'node:buffer'
import { open } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'
import type { Directory } from '../../src/directory/directory.js'
import { decidedKey, isQueryKey, type QueryKey } from '../../src/message/keys.js'
import type { CompiledPolicySet } from '../../src/policy/compile.js'
import { decide } from '../../src/policy/evaluate.js'
import type { Decision } from '../../src/policy/types.js'
import { esc } from './report-html.js'

/** A decision as recorded or as the candidate makes it. */
export interface Side { readonly effect: string, readonly rule: string | null, readonly redact: readonly string[] }

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
}

export interface AuditReplayReport {
  readonly candidate: string
  /** Versions the recorded decisions were made under, with their counts. */
  readonly recordedVersions: Readonly<Record<string, number>>
  readonly files: number
  readonly lines: number
  readonly decisions: number
  readonly skipped: { readonly deliveries: number, readonly refusals: number, readonly malformed: number, readonly incomplete: number }
  readonly changes: readonly AuditChange[]
  readonly summary: { readonly changed: number, readonly gained: number, readonly lost: number, readonly redactionChanged: number, readonly ruleOnly: number }
}

/** ORIs listed per change at most (the count of distinct ones is exact). */
export const ORI_LIST = 200

/** The fields of a decision record. */
interface Rec {
  kind: string
  key: string
  ori: string
  destination: string
  effect: string
  rule: string | null
  policyVersion: string
  imq: boolean
  reason: string | null
  purpose: string | null
  at: number
  redact: string[]
}

/** Where the last field read ended: fields are read in the order the hub writes them. */
let pos = 0
/** A field value with a backslash: JSON.parse reads such a line. */
const ESCAPED = Symbol('escaped')

/** A string or null field at or after `pos` (before `stop`); undefined when absent. */
function str (line: string, tag: string, stop = line.length): string | null | undefined | typeof ESCAPED {
  const i = line.indexOf(tag, pos)
  if (i < 0 || i >= stop) return undefined
  const v = i + tag.length
  if (line.charCodeAt(v) === 110) { pos = v + 4; return null } // null
  if (line.charCodeAt(v) !== 34) return undefined
  const end = line.indexOf('"', v + 1)
  if (end < 0) return undefined
  const value = line.slice(v + 1, end)
  if (value.includes('\\')) return ESCAPED
  pos = end + 1
  return value
}

/** A number field at or after `pos` (before `stop`); NaN when absent. */
function num (line: string, tag: string, stop = line.length): number {
  const i = line.indexOf(tag, pos)
  if (i < 0 || i >= stop) return Number.NaN
  let j = i + tag.length
  for (; j < line.length; j++) {
    const c = line.charCodeAt(j)
    if ((c < 48 || c > 57) && c !== 46 && c !== 45 && c !== 101 && c !== 43) break
  }
  const n = Number(line.slice(i + tag.length, j))
  pos = j
  return n
}

const T = {
  time: '"time":', kind: '"kind":', id: '"id":', key: '"key":', ori: '"ori":', line: '"line":', destination: '"destination":',
  effect: '"effect":', rule: '"rule":', policyVersion: '"policyVersion":', latencyMs: '"latencyMs":', imq: '"imq":',
  reason: '"reason":', purpose: '"purpose":', decidedAt: '"decidedAt":', redact: '"redact":[', shadow: ',"shadow":',
} as const
const PREFIX = '{"level":30,"time":"'

function parseFast (line: string): Rec | undefined {
  if (!line.startsWith(PREFIX)) return undefined
  pos = 0
  const time = str(line, T.time)
  const kind = str(line, T.kind)
  if (typeof kind !== 'string' || typeof time !== 'string') return undefined
  if (kind !== 'decision') return { kind } as Rec
  if (str(line, T.id) === ESCAPED) return undefined
  const key = str(line, T.key)
  const ori = str(line, T.ori)
  if (str(line, T.line) === ESCAPED) return undefined
  const destination = str(line, T.destination)
  const effect = str(line, T.effect)
  const rule = str(line, T.rule)
  const policyVersion = str(line, T.policyVersion)
  if (typeof key !== 'string' || typeof ori !== 'string' || typeof destination !== 'string' || typeof effect !== 'string' ||
    rule === undefined || rule === ESCAPED || typeof policyVersion !== 'string') return undefined
  if (str(line, '"replyKey":') === ESCAPED || str(line, '"status":') === ESCAPED) return undefined
  const latency = num(line, T.latencyMs)
  // The decision's inputs follow latencyMs, before any shadow object.
  const shadowAt = line.indexOf(T.shadow, pos)
  const stop = shadowAt < 0 ? line.length : shadowAt
  const from = pos
  const imqAt = line.indexOf(T.imq, from)
  const imq = imqAt >= 0 && imqAt < stop && line.startsWith('true', imqAt + 6)
  const reason = str(line, T.reason, stop)
  const purpose = str(line, T.purpose, stop)
  if (reason === ESCAPED || purpose === ESCAPED) return undefined
  const decidedAt = num(line, T.decidedAt, stop)
  let redact: string[] = []
  const redactAt = line.indexOf(T.redact, from)
  if (redactAt >= 0 && redactAt < stop) {
    const body = line.slice(redactAt + 10, line.indexOf(']', redactAt))
    redact = body === '' ? [] : body.split(',').map((x) => x.slice(1, -1))
  }
  return {
    kind, key, ori, destination, effect, rule, policyVersion, imq, reason: reason ?? null, purpose: purpose ?? null,
    at: Number.isFinite(decidedAt) ? decidedAt : Date.parse(time) - (Number.isFinite(latency) ? latency : 0), redact,
  }
}

function parseSlow (line: string): Rec | undefined {
  let v: Record<string, unknown>
  try { v = JSON.parse(line) as Record<string, unknown> } catch { return undefined }
  if (v === null || typeof v !== 'object' || typeof v.kind !== 'string') return undefined
  if (v.kind !== 'decision') return { kind: v.kind } as Rec
  const s = (x: unknown): string | undefined => typeof x === 'string' ? x : undefined
  const key = s(v.key)
  const ori = s(v.ori)
  const destination = s(v.destination)
  const effect = s(v.effect)
  const policyVersion = s(v.policyVersion)
  const time = s(v.time)
  if (key === undefined || ori === undefined || destination === undefined || effect === undefined || policyVersion === undefined) return undefined
  const at = typeof v.decidedAt === 'number' ? v.decidedAt : time === undefined ? Number.NaN : Date.parse(time) - (typeof v.latencyMs === 'number' ? v.latencyMs : 0)
  return {
    kind: 'decision', key, ori, destination, effect, rule: s(v.rule) ?? null, policyVersion, imq: v.imq === true,
    reason: s(v.reason) ?? null, purpose: s(v.purpose) ?? null, at,
    redact: Array.isArray(v.redact) ? v.redact.filter((x): x is string => typeof x === 'string') : [],
  }
}

/** Call `fn` on each line of a file, read in 1 MiB chunks, the lines of a chunk in one synchronous loop. */
async function forEachLine (file: string, fn: (line: string) => void): Promise<void> {
  const h = await open(file, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    // Keeps a character split across two chunks whole (an ASCII chunk never follows a split one: it would begin with a continuation byte).
    const utf8 = new StringDecoder('utf8')
    let rest = ''
    for (;;) {
      const { bytesRead } = await h.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      // ASCII (what the hub writes, but for unusual refusal reasons) decodes as latin1, several times faster than UTF-8.
      const chunk = buf.subarray(0, bytesRead)
      const text = rest + (isAscii(chunk) ? chunk.toString('latin1') : utf8.write(chunk))
      let start = 0
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        fn(text.slice(start, nl))
        start = nl + 1
      }
      rest = text.slice(start)
    }
    rest += utf8.end()
    if (rest !== '') fn(rest)
  } finally {
    await h.close()
  }
}

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

interface Group { change: Omit<AuditChange, 'count' | 'oris' | 'distinctOris' | 'byComponent'>, count: number, oris: Set<string>, byComponent: Map<string, number> }

export async function replayAudit (files: readonly string[], set: CompiledPolicySet, opts: { directory?: Directory } = {}): Promise<AuditReplayReport> {
  const dir = opts.directory ?? set.directory
  const groups = new Map<string, Group>()
  const versions: Record<string, number> = {}
  const skipped = { deliveries: 0, refusals: 0, malformed: 0, incomplete: 0 }
  let lineCount = 0
  let decisions = 0
  for (const file of files) {
    await forEachLine(file, (line) => {
      lineCount++
      if (line === '') return
      const r = parseFast(line) ?? parseSlow(line)
      if (r === undefined) { skipped.malformed++; return }
      if (r.kind !== 'decision') { if (r.kind === 'delivery') skipped.deliveries++; else skipped.refusals++; return }
      if (!isQueryKey(r.key) || !Number.isFinite(r.at)) { skipped.incomplete++; return }
      decisions++
      versions[r.policyVersion] = (versions[r.policyVersion] ?? 0) + 1
      const d = decide({
        ori: r.ori, state: r.destination, key: decidedKey(r.key) as QueryKey, image: r.imq, time: r.at,
        ...(r.reason !== null ? { reason: r.reason } : {}), ...(r.purpose !== null ? { purpose: r.purpose } : {}),
      }, set)
      const before: Side = { effect: r.effect, rule: r.rule, redact: r.redact }
      const after = side(d)
      if (before.effect === after.effect && before.rule === after.rule && before.redact.join(',') === after.redact.join(',')) return
      const id = `${r.destination}|${decidedKey(r.key)}|${r.imq}|${r.reason}|${r.purpose}|${before.effect}|${before.rule}|${before.redact.join(',')}|${after.effect}|${after.rule}|${after.redact.join(',')}`
      let g = groups.get(id)
      if (g === undefined) {
        g = {
          change: {
            state: r.destination, key: decidedKey(r.key), imq: r.imq, context: { reason: r.reason, purpose: r.purpose },
            before, after, access: accessChange(before, after),
          },
          count: 0, oris: new Set(), byComponent: new Map(),
        }
        groups.set(id, g)
      }
      g.count++
      if (g.oris.size < 100_000) g.oris.add(r.ori)
      const a = dir.get(r.ori)
      const comp = a === undefined ? '(not in the directory)' : a.component || 'local'
      g.byComponent.set(comp, (g.byComponent.get(comp) ?? 0) + 1)
    })
  }
  const changes: AuditChange[] = [...groups.values()]
    .sort((a, b) => b.count - a.count || a.change.state.localeCompare(b.change.state))
    .map((g) => ({ ...g.change, count: g.count, oris: [...g.oris].sort().slice(0, ORI_LIST), distinctOris: g.oris.size, byComponent: Object.fromEntries(g.byComponent) }))
  const sum = (f: (c: AuditChange) => boolean): number => changes.filter(f).reduce((n, c) => n + c.count, 0)
  return {
    candidate: set.version, recordedVersions: versions, files: files.length, lines: lineCount, decisions, skipped, changes,
    summary: {
      changed: sum(() => true), gained: sum((c) => c.access === 'gained' || c.access === 'gained+lost'),
      lost: sum((c) => c.access === 'lost' || c.access === 'gained+lost'),
      redactionChanged: sum((c) => c.before.effect === 'redact' && c.after.effect === 'redact'),
      ruleOnly: sum((c) => c.access === 'unchanged'),
    },
  }
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
