/**
 * @module hub/audit
 * The audit trail: one JSON line per (message, destination) decision, written
 * asynchronously by pino to a file (never on the request's critical path, never
 * with image bytes), in the spirit of Nlets' RAND log.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import pino, { type Logger } from 'pino'
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

/** Audit to `file` (created with its folder), buffered and written off the request path. */
export function fileAudit (file: string, opts: { sync?: boolean } = {}): Audit {
  // Fail at start, naming the setting, rather than on the first write.
  try {
    mkdirSync(dirname(file), { recursive: true })
    closeSync(openSync(file, 'a'))
  } catch (err) {
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_AUDIT_FILE', `cannot write the audit file \`${file}\`: ${(err as Error).message}`)
  }
  const dest = pino.destination({ dest: file, sync: opts.sync ?? false, mkdir: true, minLength: opts.sync ? 0 : 4096 })
  // A write error later (disk full) must not take the switch down: report it once.
  let reported = false
  dest.on('error', (err: Error) => {
    if (!reported) process.emitWarning(format('NSIM_HUB_AUDIT_WRITE', file, err.message), { code: 'NSIM_HUB_AUDIT_WRITE' })
    reported = true
  })
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
