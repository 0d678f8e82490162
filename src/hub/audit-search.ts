/**
 * @module hub/audit-search
 * Search and summarize the audit trail (the NDJSON of hub/audit), in the spirit
 * of the RAND log search: by key, time range, source, destination, effect, rule
 * and kind. The file is streamed line by line (constant memory whatever its
 * size); malformed lines are skipped and counted, never fatal.
 */
import { open } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { parseDate } from '../policy/yaml-walk.js'
import type { AuditRecord } from './audit.js'

/** An audit line as stored: the record plus pino's `time` (ISO) and `level`. */
export type StoredAuditRecord = AuditRecord & {
  readonly time?: string
  readonly level?: number
}

export interface AuditQuery {
  /** Message key as sent (DQ, RQG, ...). */
  readonly key?: string
  /** Earliest time, epoch ms, inclusive. */
  readonly from?: number
  /** Latest time, epoch ms, inclusive. */
  readonly to?: number
  /** 9-character ORI (exact); 2 letters: the line or the ORI's state prefix; otherwise an ORI prefix. */
  readonly source?: string
  readonly destination?: string
  readonly effect?: string
  /** Rule id; null: records no rule decided (the state's default). */
  readonly rule?: string | null
  readonly kind?: 'decision' | 'delivery' | 'refusal'
  /** Only queries that asked for the licence photo. */
  readonly imq?: boolean
  /** PUR/ code sent; null: none sent. */
  readonly purpose?: string | null
  /** Only decisions the shadow set would have made otherwise (effect or redacted fields). */
  readonly shadowDisagree?: boolean
}

/** The shadow decision of a record differs from the live one in effect or redacted fields. */
export function shadowDisagrees (r: StoredAuditRecord): boolean {
  if (r.kind === 'refusal' || r.shadow === undefined) return false
  const fields = (x: readonly string[] | undefined): string => x === undefined ? '' : [...x].sort().join(',')
  return r.shadow.effect !== r.effect || fields(r.shadow.redact) !== fields(r.redact)
}

export interface ScanSummary {
  /** Lines read, blank ones included. */
  readonly lines: number
  /** Well-formed records. */
  readonly records: number
  /** Lines that are not an audit record (bad JSON, missing fields). */
  readonly malformed: number
  /** 1-based number of the first malformed line, or null. */
  readonly firstMalformedLine: number | null
  /** The file that line is in (several files are read as one log). */
  readonly firstMalformedFile?: string
}

/** The audit file could not be opened or read. */
export class AuditFileError extends Error {
  readonly file: string
  readonly code: string
  constructor (file: string, cause: unknown) {
    const c = cause as { code?: unknown, message?: unknown }
    const why = typeof c?.message === 'string' ? c.message.replace(/, \w+ '.*'$/, '') : String(cause)
    super(`cannot read audit file \`${file}\`: ${why}`)
    this.name = 'AuditFileError'
    this.file = file
    this.code = typeof c?.code === 'string' ? c.code : 'EIO'
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const DAY_MS = 86_400_000

/**
 * Epoch ms of a time bound: `YYYY-MM-DD` (UTC) or an ISO 8601 timestamp with
 * zone. A date-only `to` bound covers that whole day. Undefined when invalid.
 */
export function parseAuditTime (s: string, bound: 'from' | 'to'): number | undefined {
  const t = parseDate(s)
  if (t === undefined) return undefined
  return bound === 'to' && DATE_ONLY.test(s) ? t + DAY_MS - 1 : t
}

const SOURCE_RE = /^[A-Z]{2}[A-Z0-9]{0,7}$/

/** Is `s` (upper case) a usable --source: an ORI, a line, or an ORI prefix? */
export function isSourceSelector (s: string): boolean {
  return SOURCE_RE.test(s)
}

const KINDS: ReadonlySet<unknown> = new Set(['decision', 'delivery'])

function nullOrString (v: unknown): boolean {
  return v === null || typeof v === 'string'
}

/** The record on a line, or undefined when the line is not an audit record. */
export function parseAuditLine (line: string): StoredAuditRecord | undefined {
  let v: unknown
  try { v = JSON.parse(line) } catch { return undefined }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined
  const r = v as Record<string, unknown>
  if (r.kind === 'refusal') {
    if (typeof r.id !== 'string' || typeof r.code !== 'string' || !nullOrString(r.key) || !nullOrString(r.ori) || !nullOrString(r.line)) return undefined
    if (r.time !== undefined && typeof r.time !== 'string') return undefined
    return v as StoredAuditRecord
  }
  if (!KINDS.has(r.kind)) return undefined
  for (const f of ['id', 'key', 'ori', 'destination', 'effect'] as const) if (typeof r[f] !== 'string') return undefined
  if (r.rule !== undefined && r.rule !== null && typeof r.rule !== 'string') return undefined
  if (r.time !== undefined && typeof r.time !== 'string') return undefined
  return v as StoredAuditRecord
}

/** A predicate for the records `q` selects. */
export function auditMatcher (q: AuditQuery): (r: StoredAuditRecord) => boolean {
  const source = q.source?.toUpperCase()
  const timed = q.from !== undefined || q.to !== undefined
  return (r) => {
    if (q.kind !== undefined && r.kind !== q.kind) return false
    if (q.key !== undefined && r.key !== q.key) return false
    // A refusal has no destination, effect or rule: a filter on them leaves it out.
    if (r.kind === 'refusal' && (q.destination !== undefined || q.effect !== undefined || q.rule !== undefined || q.imq !== undefined ||
      q.purpose !== undefined || q.shadowDisagree !== undefined)) return false
    if (r.kind !== 'refusal') {
      if (q.imq === true && r.imq !== true) return false
      if (q.purpose !== undefined && (r.purpose ?? null) !== q.purpose) return false
      if (q.shadowDisagree === true && !shadowDisagrees(r)) return false
    }
    const ori = r.ori ?? ''
    if (r.kind !== 'refusal') {
      if (q.destination !== undefined && r.destination !== q.destination) return false
      if (q.effect !== undefined && r.effect !== q.effect) return false
      if (q.rule !== undefined && (r.rule ?? null) !== q.rule) return false
    }
    if (source !== undefined) {
      if (source.length === 9) {
        if (ori !== source) return false
      } else if (!ori.startsWith(source) && !(source.length === 2 && r.line === source)) return false
    }
    if (timed) {
      const t = r.time === undefined ? Number.NaN : Date.parse(r.time)
      if (Number.isNaN(t)) return false
      if (q.from !== undefined && t < q.from) return false
      if (q.to !== undefined && t > q.to) return false
    }
    return true
  }
}

/**
 * Read `file` line by line and call `visit` with each well-formed record (and
 * its raw line and 1-based line number). Rejects with AuditFileError when the
 * file cannot be opened or read.
 */
export async function scanAudit (file: string, visit: (r: StoredAuditRecord, raw: string, lineNo: number) => void): Promise<ScanSummary> {
  let handle
  try { handle = await open(file, 'r') } catch (err) { throw new AuditFileError(file, err) }
  const stream = handle.createReadStream({ encoding: 'utf8', highWaterMark: 1 << 16 })
  const rl = createInterface({ input: stream, crlfDelay: Infinity })
  let lines = 0
  let records = 0
  let malformed = 0
  let firstMalformedLine: number | null = null
  let failed = false
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown): void => { failed = true; reject(new AuditFileError(file, err)) }
      // readline re-emits its input's errors: both must be handled.
      stream.on('error', fail)
      rl.on('error', fail)
      rl.once('close', () => { resolve() })
      rl.on('line', (line) => {
        if (failed) return
        lines++
        const text = lines === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line
        if (text.trim() === '') return
        const r = parseAuditLine(text)
        if (r === undefined) {
          malformed++
          firstMalformedLine ??= lines
          return
        }
        records++
        try { visit(r, text, lines) } catch (err) { failed = true; reject(err); rl.close() }
      })
    })
  } finally {
    rl.close()
    stream.destroy()
  }
  return { lines, records, malformed, firstMalformedLine }
}

/** A record source for the merge: one file, read a record at a time. */
interface Source {
  readonly file: string
  readonly lines: AsyncIterator<string>
  readonly close: () => void
  lineNo: number
  head: { r: StoredAuditRecord, raw: string, lineNo: number } | undefined
}

/**
 * Several audit files (one per hub replica) read as one log in time order:
 * each file is in time order as written, so a merge of their heads keeps the
 * whole in order, one record per file in memory.
 */
async function scanMerged (files: readonly string[], visit: (r: StoredAuditRecord, raw: string, lineNo: number) => void): Promise<ScanSummary> {
  let lines = 0
  let records = 0
  let malformed = 0
  let firstMalformedLine: number | null = null
  let firstMalformedFile: string | undefined
  const sources: Source[] = []
  const advance = async (s: Source): Promise<void> => {
    s.head = undefined
    for (;;) {
      let next: IteratorResult<string>
      try { next = await s.lines.next() } catch (err) { throw new AuditFileError(s.file, err) }
      if (next.done === true) return
      lines++
      s.lineNo++
      const text = s.lineNo === 1 && next.value.charCodeAt(0) === 0xfeff ? next.value.slice(1) : next.value
      if (text.trim() === '') continue
      const r = parseAuditLine(text)
      if (r === undefined) {
        malformed++
        if (firstMalformedLine === null) { firstMalformedLine = s.lineNo; firstMalformedFile = s.file }
        continue
      }
      records++
      s.head = { r, raw: text, lineNo: s.lineNo }
      return
    }
  }
  try {
    for (const file of files) {
      let handle
      try { handle = await open(file, 'r') } catch (err) { throw new AuditFileError(file, err) }
      const stream = handle.createReadStream({ encoding: 'utf8', highWaterMark: 1 << 16 })
      const rl = createInterface({ input: stream, crlfDelay: Infinity })
      sources.push({ file, lines: rl[Symbol.asyncIterator](), close: () => { rl.close(); stream.destroy() }, lineNo: 0, head: undefined })
    }
    for (const s of sources) await advance(s)
    for (;;) {
      let min: Source | undefined
      for (const s of sources) if (s.head !== undefined && (min === undefined || (s.head.r.time ?? '') < (min.head!.r.time ?? ''))) min = s
      if (min === undefined) break
      const h = min.head!
      visit(h.r, h.raw, h.lineNo)
      await advance(min)
    }
  } finally {
    for (const s of sources) s.close()
  }
  return firstMalformedFile === undefined ? { lines, records, malformed, firstMalformedLine } : { lines, records, malformed, firstMalformedLine, firstMalformedFile }
}

/** One file, or several read as one log in time order. */
async function scanAny (files: string | readonly string[], visit: (r: StoredAuditRecord, raw: string, lineNo: number) => void): Promise<ScanSummary> {
  if (typeof files === 'string') return await scanAudit(files, visit)
  if (files.length === 1) return await scanAudit(files[0]!, visit)
  return await scanMerged(files, visit)
}

export interface SearchResult extends ScanSummary {
  /** Records the query selects. */
  readonly matched: number
  /** Records passed to onMatch (at most the limit). */
  readonly shown: number
}

/**
 * Records of `file` that `q` selects, oldest first as written: the first
 * `limit` (0: all) go to `onMatch`; the rest are only counted.
 */
export async function searchAudit (file: string | readonly string[], q: AuditQuery, opts: { limit?: number, onMatch: (r: StoredAuditRecord, raw: string) => void }): Promise<SearchResult> {
  const match = auditMatcher(q)
  const limit = opts.limit ?? 0
  let matched = 0
  let shown = 0
  const summary = await scanAny(file, (r, raw) => {
    if (!match(r)) return
    matched++
    if (limit === 0 || shown < limit) { shown++; opts.onMatch(r, raw) }
  })
  return { ...summary, matched, shown }
}

/** Label of records no rule decided in `byRule`. */
export const NO_RULE = '(none)'

export interface DestinationStats {
  /** Decisions for this destination. */
  total: number
  /** Decisions by effect. */
  effects: Record<string, number>
  /** Queued queries delivered later (delivery records). */
  delivered: number
}

export interface AuditStats extends ScanSummary {
  /** Records the query selects. */
  readonly matched: number
  readonly byKind: Record<string, number>
  /** Decisions by effect (deliveries are counted apart, not as second decisions). */
  readonly byEffect: Record<string, number>
  readonly byDestination: Record<string, DestinationStats>
  /** Decisions by rule id; NO_RULE for the state's default. */
  readonly byRule: Record<string, number>
  /** Decisions by sending line. */
  readonly byLine: Record<string, number>
  /** Refused messages by ER code. */
  readonly byRefusal: Record<string, number>
  /** Earliest and latest record time among the matches. */
  readonly first: string | null
  readonly last: string | null
}

function bump (o: Record<string, number>, k: string): void {
  o[k] = (o[k] ?? 0) + 1
}

/** Totals of the records of `file` that `q` selects. */
export async function auditStats (file: string | readonly string[], q: AuditQuery = {}): Promise<AuditStats> {
  const match = auditMatcher(q)
  const byKind: Record<string, number> = {}
  const byEffect: Record<string, number> = {}
  const byDestination: Record<string, DestinationStats> = {}
  const byRule: Record<string, number> = {}
  const byLine: Record<string, number> = {}
  const byRefusal: Record<string, number> = {}
  let matched = 0
  let first: { t: number, s: string } | null = null
  let last: { t: number, s: string } | null = null
  const summary = await scanAny(file, (r) => {
    if (!match(r)) return
    matched++
    bump(byKind, r.kind)
    if (r.kind === 'refusal') {
      bump(byRefusal, r.code)
    } else {
    const d = byDestination[r.destination] ??= { total: 0, effects: {}, delivered: 0 }
    if (r.kind === 'delivery') {
      d.delivered++
    } else {
      d.total++
      bump(d.effects, r.effect)
      bump(byEffect, r.effect)
      bump(byRule, r.rule ?? NO_RULE)
      if (typeof r.line === 'string') bump(byLine, r.line)
    }
    }
    const t = r.time === undefined ? Number.NaN : Date.parse(r.time)
    if (!Number.isNaN(t)) {
      if (first === null || t < first.t) first = { t, s: r.time! }
      if (last === null || t > last.t) last = { t, s: r.time! }
    }
  })
  const f = first as { s: string } | null
  const l = last as { s: string } | null
  return { ...summary, matched, byKind, byEffect, byDestination, byRule, byLine, byRefusal, first: f?.s ?? null, last: l?.s ?? null }
}
