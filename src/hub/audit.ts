/**
 * @module hub/audit
 * The audit trail: one JSON line per (message, destination) decision, written
 * asynchronously by pino to a file (never on the request's critical path, never
 * with image bytes), in the spirit of Nlets' RAND log.
 */
import pino, { type Logger } from 'pino'

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

/** Audit to `file` (created with its folder), buffered and written off the request path. */
export function fileAudit (file: string, opts: { sync?: boolean } = {}): Audit {
  const dest = pino.destination({ dest: file, sync: opts.sync ?? false, mkdir: true, minLength: opts.sync ? 0 : 4096 })
  const log: Logger = pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime, messageKey: 'msg' }, dest)
  const flush = async (): Promise<void> => {
    await new Promise<void>((resolve) => { dest.flush((err) => { void err; resolve() }) })
  }
  return {
    write: (r) => { log.info(r) },
    flush,
    close: async () => {
      await flush()
      await new Promise<void>((resolve) => { dest.end(); dest.once('close', () => resolve()); setTimeout(resolve, 500).unref() })
    },
  }
}
