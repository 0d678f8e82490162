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
import type { Decision } from '../policy/types.js'

/** One (message, destination): its decision and what became of it. */
export interface DecisionRecord {
  /** `decision`: when the message came in; `delivery`: when a queued query was forwarded (decided again then). */
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
  /** The decision's inputs besides key, ORI and destination: IMQ/Y sent, RSN/ and PUR/ (null: none sent), and when it was decided (epoch ms). */
  readonly imq?: boolean
  readonly reason?: string | null
  readonly purpose?: string | null
  readonly decidedAt?: number
  /** Fields a redact decision strips. */
  readonly redact?: readonly string[]
  /** The shadow set's decision, when one runs. */
  readonly shadow?: { effect: string, rule: string | null, policyVersion?: string, redact?: readonly string[] }
  /** `delivery` only: the decision the query was queued under, and its policy version. */
  readonly queued?: { effect: string, rule: string | null, policyVersion: string }
}

/** A message refused as a whole (authentication, spoofed or unknown ORI, malformed): what the sender claimed, bounded. */
export interface RefusalRecord {
  readonly kind: 'refusal'
  readonly id: string
  /** The key as far as the input shows one (at most 4 characters), or null. */
  readonly key: string | null
  /** The claimed sending ORI when the input shows a well-formed one, or null. */
  readonly ori: string | null
  /** The line of the bearer token, or null when the caller was not authenticated. */
  readonly line: string | null
  readonly httpStatus: number
  /** Nlets ER code (`.01`, `.22` ...). */
  readonly code: string
  /** Why, at most REFUSAL_REASON_CHARS characters. */
  readonly reason: string
}

export type AuditRecord = DecisionRecord | RefusalRecord

/** How much of a refusal's reason the audit keeps. */
export const REFUSAL_REASON_CHARS = 200

export interface Audit {
  write: (r: AuditRecord) => void
  /** Resolves once every line written so far is handed to the operating system (the switch sends replies after it). */
  written: () => Promise<void>
  flush: () => Promise<void>
  close: () => Promise<void>
}

const DONE = Promise.resolve()

export const noAudit: Audit = { write: () => {}, written: async () => await DONE, flush: async () => {}, close: async () => {} }

/** A decision as the audit (and a reply's `shadow`) keeps it. */
export function auditedDecision (d: Decision): { effect: string, rule: string | null, policyVersion: string, redact?: readonly string[] } {
  return d.redact === undefined
    ? { effect: d.effect, rule: d.rule, policyVersion: d.policyVersion }
    : { effect: d.effect, rule: d.rule, policyVersion: d.policyVersion, redact: d.redact }
}

/** What a decision or delivery record says besides the decision: which (message, destination), and what came of it. */
export interface RecordHead {
  readonly kind: DecisionRecord['kind']
  readonly id: string
  readonly key: string
  readonly ori: string
  readonly line: string
  readonly destination: string
  readonly replyKey: string
  readonly status: string
  readonly latencyMs: number
  readonly queued?: DecisionRecord['queued']
}

/**
 * A decision or delivery record: `h`, the decision, its inputs and the
 * shadow's when one runs. Written out field by field, not spread: it is made
 * for every (message, destination), and object spreads cost more than the rest
 * of the step.
 */
export function decisionRecord (h: RecordHead, d: Decision, shadow: Decision | undefined,
  input: { image: boolean, fields: Readonly<Record<string, string>>, time: number }): DecisionRecord {
  return {
    kind: h.kind, id: h.id, key: h.key, ori: h.ori, line: h.line, destination: h.destination, replyKey: h.replyKey, status: h.status,
    latencyMs: h.latencyMs, queued: h.queued, effect: d.effect, rule: d.rule, policyVersion: d.policyVersion,
    imq: input.image, reason: input.fields.RSN ?? null, purpose: input.fields.PUR ?? null, decidedAt: input.time,
    redact: d.redact, shadow: shadow === undefined ? undefined : auditedDecision(shadow),
  }
}

/** Printable ASCII other than `"` and `\`: written between quotes as it is. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

function str (s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s)
}

/** What goes between the quotes of a JSON string: `s` itself when it needs no escape (nearly always), so nothing is built. */
function inner (s: string): string {
  return PLAIN.test(s) ? s : JSON.stringify(s).slice(1, -1)
}

function orNull (s: string | null): string {
  return s === null ? 'null' : str(s)
}

function list (xs: readonly string[]): string {
  return `[${xs.map(str).join(',')}]`
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
  if (r.kind === 'refusal') {
    return `{"level":30,"time":"${time}","kind":"refusal","id":${str(r.id)},"key":${orNull(r.key)},"ori":${orNull(r.ori)},` +
      `"line":${orNull(r.line)},"httpStatus":${r.httpStatus},"code":${str(r.code)},"reason":${str(r.reason.slice(0, REFUSAL_REASON_CHARS))}}\n`
  }
  const latency = Number.isFinite(r.latencyMs) ? String(r.latencyMs) : 'null'
  const sh = r.shadow
  const shadow = sh === undefined
    ? ''
    : `,"shadow":{"effect":${str(sh.effect)},"rule":${orNull(sh.rule)}${sh.policyVersion === undefined ? '' : `,"policyVersion":${str(sh.policyVersion)}`}` +
      `${sh.redact === undefined ? '' : `,"redact":${list(sh.redact)}`}}`
  const inputs = (r.imq === undefined ? '' : `,"imq":${r.imq}`) + (r.reason === undefined ? '' : `,"reason":${orNull(r.reason)}`) +
    (r.purpose === undefined ? '' : `,"purpose":${orNull(r.purpose)}`) + (r.decidedAt === undefined ? '' : `,"decidedAt":${r.decidedAt}`) +
    (r.redact === undefined ? '' : `,"redact":${list(r.redact)}`)
  const queued = r.queued === undefined
    ? ''
    : `,"queued":{"effect":${str(r.queued.effect)},"rule":${orNull(r.queued.rule)},"policyVersion":${str(r.queued.policyVersion)}}`
  return `{"level":30,"time":"${time}","kind":"${r.kind}","id":"${inner(r.id)}","key":"${inner(r.key)}","ori":"${inner(r.ori)}","line":"${inner(r.line)}",` +
    `"destination":"${inner(r.destination)}","effect":"${inner(r.effect)}","rule":${orNull(r.rule)},"policyVersion":"${inner(r.policyVersion)}",` +
    `"replyKey":"${inner(r.replyKey)}","status":"${inner(r.status)}","latencyMs":${latency}${inputs}${shadow}${queued}}\n`
}

/** Pending audit text handed to the operating system at once, at the latest. */
const BATCH_CHARS = 64 * 1024

/**
 * Audit to `file` (created with its folder). The lines of one turn of the
 * event loop are handed to the operating system in one write at the end of the
 * turn (`setImmediate`), and `written()` resolves after it: the switch sends a
 * turn's replies only then, so a reply never leaves before its audit line is
 * in the kernel's hands (it survives a kill of the process; a power loss is the
 * file system's matter).
 */
export function fileAudit (file: string, opts: { now?: () => number } = {}): Audit {
  // Fail at start, naming the setting, rather than on the first write.
  try {
    mkdirSync(dirname(file), { recursive: true })
    closeSync(openSync(file, 'a'))
  } catch (err) {
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_AUDIT_FILE', `cannot write the audit file \`${file}\`: ${(err as Error).message}`)
  }
  // Synchronous mode: each write is one write(2) of the whole batch (sonic-boom retries EAGAIN).
  const dest = pino.destination({ dest: file, sync: true, mkdir: true, minLength: 0 })
  // A write error later (disk full) must not take the switch down: report it once.
  let reported = false
  const report = (err: Error): void => {
    if (!reported) process.emitWarning(format('NSIM_HUB_AUDIT_WRITE', file, err.message), { code: 'NSIM_HUB_AUDIT_WRITE' })
    reported = true
  }
  dest.on('error', report)
  const clock = new IsoClock()
  const now = opts.now ?? Date.now
  let pending = ''
  /** The end-of-turn write to come, and what waits on it. */
  let batch: { promise: Promise<void>, resolve: () => void } | undefined
  const writeOut = (): void => {
    if (pending === '') return
    const text = pending
    pending = ''
    try { dest.write(text) } catch (err) { report(err as Error) }
  }
  const endOfTurn = (): void => {
    const b = batch
    batch = undefined
    writeOut()
    b?.resolve()
  }
  const written = async (): Promise<void> => {
    if (batch === undefined) return await DONE
    await batch.promise
  }
  const flush = async (): Promise<void> => {
    endOfTurn()
    await new Promise<void>((resolve) => { dest.flush((err) => { void err; resolve() }) })
  }
  return {
    write: (r) => {
      pending += auditLine(r, clock.format(now()))
      if (batch === undefined) {
        let resolve!: () => void
        const promise = new Promise<void>((res) => { resolve = res })
        batch = { promise, resolve }
        setImmediate(endOfTurn)
      }
      if (pending.length >= BATCH_CHARS) writeOut()
    },
    written,
    flush,
    close: async () => {
      await flush()
      await new Promise<void>((resolve) => { dest.end(); dest.once('close', () => resolve()); setTimeout(resolve, 500).unref() })
    },
  }
}
