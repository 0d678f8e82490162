/**
 * @module hub/audit
 * The audit trail: one JSON line per (message, destination) decision, written
 * asynchronously to a file through pino's destination (sonic-boom: buffered,
 * never on the request's critical path), never with image bytes, in the spirit
 * of Nlets' RAND log. The line has a fixed shape, so it is built by hand
 * (`auditLine`) rather than by a general serializer: same bytes as a pino
 * logger would write (`level`, `time`, then the record), a third of the cost.
 * The lines of one turn of the event loop go to the stream in one write.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import pino from 'pino'
import { format, NsimError } from '../errors.js'

export interface AuditRecord {
  readonly kind: 'decision' | 'delivery'
  /** Message id assigned by the switch. */
  readonly id: string
  readonly key: string
  readonly ori: string
  readonly line: string
  readonly destination: string
  readonly effect: string
  readonly rule: string | null
  readonly policyVersion: string
  readonly replyKey: string
  readonly status: string
  readonly latencyMs: number
  readonly shadow?: { effect: string, rule: string | null }
}

export interface Audit {
  write: (r: AuditRecord) => void
  flush: () => Promise<void>
  close: () => Promise<void>
}

export const noAudit: Audit = { write: () => {}, flush: async () => {}, close: async () => {} }

/** Printable ASCII other than `"` and `\`: written between quotes as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

function str (s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s)
}

function orNull (s: string | null): string {
  return s === null ? 'null' : str(s)
}

/** ISO 8601 time of `ms`, the seconds part cached (every record of a second shares it). */
export class IsoClock {
  #second = Number.NaN
  #prefix = ''

  format (ms: number): string {
    const second = Math.floor(ms / 1000)
    if (second !== this.#second) {
      this.#second = second
      this.#prefix = new Date(second * 1000).toISOString().slice(0, 20)
    }
    const frac = ms - second * 1000
    return `${this.#prefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`
  }
}

/** One audit line, newline included: `{"level":30,"time":"<ISO>",...record}`. */
export function auditLine (r: AuditRecord, time: string): string {
  const latency = Number.isFinite(r.latencyMs) ? String(r.latencyMs) : 'null'
  const shadow = r.shadow === undefined ? '' : `,"shadow":{"effect":${str(r.shadow.effect)},"rule":${orNull(r.shadow.rule)}}`
  return `{"level":30,"time":"${time}","kind":"${r.kind}","id":${str(r.id)},"key":${str(r.key)},"ori":${str(r.ori)},"line":${str(r.line)},` +
    `"destination":${str(r.destination)},"effect":${str(r.effect)},"rule":${orNull(r.rule)},"policyVersion":${str(r.policyVersion)},` +
    `"replyKey":${str(r.replyKey)},"status":${str(r.status)},"latencyMs":${latency}${shadow}}\n`
}

/** Pending audit text handed to the file stream at once, at the latest. */
const BATCH_CHARS = 64 * 1024

/** Audit to `file` (created with its folder), buffered and written off the request path, on disk within `flushEveryMs` (1 s). */
export function fileAudit (file: string, opts: { sync?: boolean, now?: () => number, flushEveryMs?: number } = {}): Audit {
  // Fail at start, naming the setting, rather than on the first write.
  try {
    mkdirSync(dirname(file), { recursive: true })
    closeSync(openSync(file, 'a'))
  } catch (err) {
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_AUDIT_FILE', `cannot write the audit file \`${file}\`: ${(err as Error).message}`)
  }
  // Buffered up to 4 KB, and on disk within a second however quiet the hub is (`audit search` reads the file).
  const dest = pino.destination({
    dest: file, sync: opts.sync ?? false, mkdir: true, minLength: opts.sync ? 0 : 4096, periodicFlush: opts.flushEveryMs ?? 1000,
  } as Parameters<typeof pino.destination>[0] & { periodicFlush: number })
  // A write error later (disk full) must not take the switch down: report it once.
  let reported = false
  dest.on('error', (err: Error) => {
    if (!reported) process.emitWarning(format('NSIM_HUB_AUDIT_WRITE', file, err.message), { code: 'NSIM_HUB_AUDIT_WRITE' })
    reported = true
  })
  const clock = new IsoClock()
  const now = opts.now ?? Date.now
  // Lines of this turn of the event loop, handed to sonic-boom together: it
  // measures its whole pending buffer on every write, which cost more than the
  // line itself when written one by one.
  let pending = ''
  let scheduled = false
  const drain = (): void => {
    scheduled = false
    if (pending === '') return
    const text = pending
    pending = ''
    dest.write(text)
  }
  const flush = async (): Promise<void> => {
    drain()
    await new Promise<void>((resolve) => { dest.flush((err) => { void err; resolve() }) })
  }
  return {
    write: (r) => {
      pending += auditLine(r, clock.format(now()))
      if (pending.length >= BATCH_CHARS) drain()
      else if (!scheduled) {
        scheduled = true
        setImmediate(drain)
      }
    },
    flush,
    close: async () => {
      await flush()
      await new Promise<void>((resolve) => { dest.end(); dest.once('close', () => resolve()); setTimeout(resolve, 500).unref() })
    },
  }
}
