/**
 * @module hub/audit-tap
 * The audit trail with listeners: the training console's live view and its
 * message traces see every audit record the switch writes, as it writes it.
 * With nobody listening, `write` is the audit's own write (no extra call on
 * the hot path); the first listener swaps in a write that also tells the
 * listeners, the last one to leave swaps it back.
 */
import type { Audit, AuditRecord } from './audit.js'

export type AuditListener = (r: AuditRecord) => void

export class AuditTap implements Audit {
  readonly inner: Audit
  write: (r: AuditRecord) => void
  readonly #listeners = new Set<AuditListener>()

  readonly written: () => Promise<void>
  readonly flush: () => Promise<void>
  readonly close: () => Promise<void>

  constructor (inner: Audit) {
    this.inner = inner
    this.write = inner.write
    // INVARIANT: an Audit's functions need no `this` (fileAudit and noAudit are closures),
    // so they are taken as they are: no call in between on the hot path.
    this.written = inner.written
    this.flush = inner.flush
    this.close = inner.close
  }

  /** How many listen now. */
  get listening (): number {
    return this.#listeners.size
  }

  /** Call `fn` with every record written from now on; returns the function that stops it. */
  listen (fn: AuditListener): () => void {
    this.#listeners.add(fn)
    this.#swap()
    return () => { this.#listeners.delete(fn); this.#swap() }
  }

  #swap (): void {
    if (this.#listeners.size === 0) { this.write = this.inner.write; return }
    const inner = this.inner.write
    const listeners = this.#listeners
    this.write = (r) => {
      inner(r)
      for (const l of listeners) {
        // A listener's failure is its own (a closed live view): never the switch's.
        try { l(r) } catch {}
      }
    }
  }
}
