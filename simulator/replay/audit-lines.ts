/**
 * @module simulator/replay/audit-lines
 * Reads the hub's audit files for `replay --audit` at the speed of the disk:
 * the lines are found and read in the bytes, without making a string of each.
 *
 * The hub writes every record in one shape (src/hub/audit.ts): a prefix, the
 * time, the kind, the message id, then the decision's fields, its latency,
 * its inputs (IMQ, RSN, PUR), the time it was decided and what was redacted.
 * Only the id, the latency and the time decided change from one query to the
 * next of the same requester, key, destination and outcome, so the bytes of
 * everything else name a *shape*: the first line of a shape is read with
 * JSON.parse, every later one costs a map lookup and a number. A line in any
 * other form (escaped strings, other field order, written by hand) is read
 * with JSON.parse on its own, so the fast path never decides what a line means.
 */
import { open } from 'node:fs/promises'
import { isQueryKey, type QueryKey, decidedKey } from '../../src/message/keys.js'
import type { PolicyRequest } from '../../src/policy/types.js'
import { ByteTable } from './byte-table.js'

/** A decision as recorded or as the candidate makes it. */
export interface Side { readonly effect: string, readonly rule: string | null, readonly redact: readonly string[] }

/** Everything of a decision record but its id and times: shared by all the lines of one shape. */
export interface Shape {
  readonly key: string
  readonly ori: string
  readonly destination: string
  readonly imq: boolean
  readonly reason: string | null
  readonly purpose: string | null
  readonly policyVersion: string
  readonly before: Side
  /** The request to decide again (its `time` set per line); null when the key is not a query key. */
  readonly request: (PolicyRequest & { time: number }) | null
  /** Scratch for the caller (the last decision and what it meant), kept with the shape. */
  memo?: unknown
}

/** What a reader hands over, line by line. */
export interface AuditSink {
  decision: (shape: Shape, at: number) => void
  /** A record that is not a decision (`delivery`, `refusal`...). */
  other: (kind: string) => void
  /** `line` counts from `firstLine` of the range read (1 for a whole file). */
  malformed: (line: number, reason: string, byteOffset: number) => void
}

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1')
const PREFIX = enc('{"level":30,"time":"')
const KIND = enc('","kind":"')
const DECISION = enc('decision","id":"')
const KEY = enc('","key":"')
const LATENCY = enc(',"latencyMs":')
const DECIDED = enc(',"decidedAt":')
const SHADOW = enc(',"shadow":')

/**
 * Where `pat` starts in `view` at or after `from`, or -1: Buffer's search on a
 * plain view of the line (cheaper to make than a Buffer's subarray), so a field
 * missing from the line never sends the search through the rest of the chunk.
 */
const bufferIndexOf = Buffer.prototype.indexOf as (this: Uint8Array, value: Uint8Array, byteOffset: number) => number
function indexIn (view: Uint8Array, pat: Uint8Array, from: number): number {
  return bufferIndexOf.call(view, pat, from)
}

/** Whether `buf` holds `pat` at `at`. */
function at (buf: Buffer, pos: number, pat: Uint8Array): boolean {
  for (let i = 0; i < pat.length; i++) if (buf[pos + i] !== pat[i]) return false
  return true
}

/** The end of a JSON number starting at `i` (digits, sign, point, exponent). */
function numberEnd (buf: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const c = buf[i]!
    if ((c < 48 || c > 57) && c !== 46 && c !== 45 && c !== 101 && c !== 69 && c !== 43) break
  }
  return i
}

/** Shapes met so far, by their bytes. Bounded: cleared when it grows past SHAPES_MAX (a fresh start costs one JSON.parse per shape). */
const SHAPES_MAX = 500_000

export class AuditLineReader {
  readonly #sink: AuditSink
  readonly #shapes = new ByteTable<Shape | string>()
  /** Lines read (blank ones included). */
  lines = 0

  constructor (sink: AuditSink) {
    this.#sink = sink
  }

  /**
   * Read bytes `[start, end)` of `file` (the whole file by default); `start`
   * must be a line's first byte. `firstLine` numbers the first line read.
   */
  async readFile (file: string, range: { start?: number, end?: number, firstLine?: number, chunkBytes?: number } = {}): Promise<void> {
    const h = await open(file, 'r')
    try {
      const end = range.end ?? (await h.stat()).size
      let pos = range.start ?? 0
      let line = range.firstLine ?? 1
      let buf = Buffer.allocUnsafe(range.chunkBytes ?? 4 << 20) // grows for a longer line
      let have = 0 // bytes of a line carried over at the start of buf
      let bufAt = pos - have // file offset of buf[0]
      while (pos < end) {
        if (have === buf.length) { const bigger = Buffer.allocUnsafe(buf.length * 2); buf.copy(bigger, 0, 0, have); buf = bigger }
        const { bytesRead } = await h.read(buf, have, Math.min(buf.length - have, end - pos), pos)
        if (bytesRead === 0) break
        pos += bytesRead
        const filled = have + bytesRead
        const last = pos >= end
        const done = this.#lines(buf, filled, last, line, bufAt)
        line = done.line
        have = filled - done.consumed
        buf.copyWithin(0, done.consumed, filled)
        bufAt += done.consumed
      }
    } finally {
      await h.close()
    }
  }

  /** Every whole line of `buf[0, filled)` (and the unfinished last one when `last`); how far it got. */
  #lines (buf: Buffer, filled: number, last: boolean, line: number, bufAt: number): { consumed: number, line: number } {
    let s = 0
    let backslash = -2 // the next backslash at or after s (-1: none before filled), found lazily
    for (;;) {
      let nl = buf.indexOf(10, s)
      if (nl < 0 || nl >= filled) {
        if (!last || s >= filled) return { consumed: s, line }
        nl = filled
      }
      let e = nl
      if (e > s && buf[e - 1] === 13) e-- // CRLF
      this.lines++
      if (e > s) {
        if (backslash !== -1 && backslash < s) { backslash = buf.indexOf(92, s); if (backslash >= filled) backslash = -1 }
        if (backslash !== -1 && backslash < e) this.#slow(buf, s, e, line, bufAt)
        else this.#line(buf, s, e, line, bufAt)
      }
      line++
      s = nl + 1
      if (s >= filled) return { consumed: filled, line }
    }
  }

  #line (buf: Buffer, s: number, e: number, line: number, bufAt: number): void {
    // {"level":30,"time":"<24 characters>","kind":"decision","id":"<id>","key":"...
    if (e - s < 80 || !at(buf, s, PREFIX)) { this.#slow(buf, s, e, line, bufAt); return }
    let p = s + PREFIX.length + 24
    if (!at(buf, p, KIND)) { this.#slow(buf, s, e, line, bufAt); return }
    p += KIND.length
    if (!at(buf, p, DECISION)) {
      const q = buf.indexOf(34, p)
      if (q < 0 || q >= e) { this.#slow(buf, s, e, line, bufAt); return }
      this.#sink.other(buf.toString('latin1', p, q))
      return
    }
    const idEnd = buf.indexOf(34, p + DECISION.length)
    if (idEnd < 0 || idEnd >= e || !at(buf, idEnd, KEY)) { this.#slow(buf, s, e, line, bufAt); return }
    const a = idEnd + 2 // "key":"...
    // Searches stay inside the line (a field missing from it must not send them through the rest of the buffer).
    const view = new Uint8Array(buf.buffer, buf.byteOffset + s, e - s)
    const lat = indexIn(view, LATENCY, a - s) + s
    if (lat < s) { this.#slow(buf, s, e, line, bufAt); return }
    const latEnd = numberEnd(buf, lat + LATENCY.length, e)
    const dec = indexIn(view, DECIDED, latEnd - s) + s
    if (dec < s) { this.#slow(buf, s, e, line, bufAt); return }
    const d0 = dec + DECIDED.length
    let decEnd = d0
    let decided = 0
    for (; decEnd < e; decEnd++) {
      const c = buf[decEnd]!
      if (c < 48 || c > 57) break
      decided = decided * 10 + (c - 48)
    }
    if (decEnd === d0 || decEnd - d0 > 15 || (buf[decEnd] !== 44 && buf[decEnd] !== 125)) { this.#slow(buf, s, e, line, bufAt); return }
    // Most lines end at the decision time; only a longer one (redact, shadow) is searched for a shadow.
    const shadow = decEnd === e - 1 ? -1 : indexIn(view, SHADOW, decEnd - s) + s
    const cEnd = shadow >= s ? shadow : e - 1
    if (buf[e - 1] !== 125) { this.#slow(buf, s, e, line, bufAt); return }
    // The key is the bytes; the shape is read from them as what they are, UTF-8.
    this.#shapes.load(buf, a, lat, latEnd, dec, decEnd, cEnd)
    let shape = this.#shapes.get()
    if (shape === undefined) {
      shape = shapeOf(`{${buf.toString('utf8', a, lat)}${buf.toString('utf8', latEnd, dec)}${buf.toString('utf8', decEnd, cEnd)}}`)
      if (this.#shapes.size >= SHAPES_MAX) this.#shapes.clear()
      this.#shapes.set(shape)
    }
    if (typeof shape === 'string') { this.#sink.malformed(line, shape, bufAt + s); return }
    this.#sink.decision(shape, decided)
  }

  /** A line not in the hub's own shape: JSON.parse decides what it is. */
  #slow (buf: Buffer, s: number, e: number, line: number, bufAt: number): void {
    const text = buf.toString('utf8', s, e)
    if (text.trim() === '') return
    let v: unknown
    try { v = JSON.parse(text) } catch { this.#sink.malformed(line, 'not JSON', bufAt + s); return }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) { this.#sink.malformed(line, 'not a JSON object', bufAt + s); return }
    const r = v as Record<string, unknown>
    if (typeof r.kind !== 'string') { this.#sink.malformed(line, 'no `kind`: not an audit record', bufAt + s); return }
    if (r.kind !== 'decision') { this.#sink.other(r.kind); return }
    const shape = shapeFrom(r)
    if (typeof shape === 'string') { this.#sink.malformed(line, shape, bufAt + s); return }
    const when = typeof r.decidedAt === 'number' ? r.decidedAt
      : typeof r.time === 'string' ? Date.parse(r.time) - (typeof r.latencyMs === 'number' ? r.latencyMs : 0) : Number.NaN
    if (!Number.isFinite(when)) { this.#sink.malformed(line, 'a decision without a time (`decidedAt` or `time`)', bufAt + s); return }
    this.#sink.decision(shape, when)
  }
}

function shapeOf (json: string): Shape | string {
  let v: unknown
  try { v = JSON.parse(json) } catch { return 'not JSON' }
  return shapeFrom(v as Record<string, unknown>)
}

/** A decision record's shape, or why it is not one. */
function shapeFrom (v: Record<string, unknown>): Shape | string {
  const s = (x: unknown): string | undefined => typeof x === 'string' ? x : undefined
  const key = s(v.key)
  const ori = s(v.ori)
  const destination = s(v.destination)
  const effect = s(v.effect)
  const policyVersion = s(v.policyVersion)
  const missing = [['key', key], ['ori', ori], ['destination', destination], ['effect', effect], ['policyVersion', policyVersion]].filter(([, x]) => x === undefined).map(([n]) => `\`${n}\``)
  if (missing.length > 0) return `a decision without ${missing.join(', ')}`
  const imq = v.imq === true
  const reason = s(v.reason) ?? null
  const purpose = s(v.purpose) ?? null
  const before: Side = { effect: effect!, rule: s(v.rule) ?? null, redact: Array.isArray(v.redact) ? v.redact.filter((x): x is string => typeof x === 'string') : [] }
  const request = isQueryKey(key!)
    ? { ori: ori!, state: destination!, key: decidedKey(key) as QueryKey, image: imq, time: 0, ...(reason !== null ? { reason } : {}), ...(purpose !== null ? { purpose } : {}) }
    : null
  return { key: key!, ori: ori!, destination: destination!, imq, reason, purpose, policyVersion: policyVersion!, before, request }
}
