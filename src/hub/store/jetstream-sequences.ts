/**
 * @module hub/store/jetstream-sequences
 * Line sequence counters shared by every hub replica, in a NATS KV bucket.
 * Each replica leases blocks of numbers (one compare-and-set on the counter's
 * key per block) and hands them out synchronously, as every reply needs one; a
 * new block is leased in the background when half of the current one is used.
 * Two replicas never hold the same block, so a line's numbers are unique
 * across replicas (within the 5-digit cycle), though not in arrival order
 * across them. A counter the replica was not told about at start is leased on
 * first use; until that lease arrives its numbers come from a block that is
 * only this replica's (`provisional`, counted in `provisionalNumbers`).
 */
import type { KV } from 'nats'
import { SEQ_MODULUS } from '../../message/clock.js'
import type { Sequences } from '../ports/state.js'

/** Numbers leased per block: one write per block, at most one block skipped per replica restart. */
export const JS_SEQ_LEASE = 1000

interface Block { next: number, end: number }

interface Counter {
  current: Block
  spare?: Block | undefined
  leasing?: Promise<void> | undefined
}

/** Counter names are `in:TC`, `out:TC`: KV keys take `in.TC`. */
function keyOf (counter: string): string {
  return counter.replace(/[^A-Za-z0-9_-]/g, '.')
}

export class KvSequences implements Sequences {
  readonly #kv: KV
  readonly #counters = new Map<string, Counter>()
  readonly #onError: (err: Error) => void
  /** Numbers given out before a lease for their counter arrived (see the module comment). */
  provisionalNumbers = 0

  constructor (kv: KV, onError: (err: Error) => void) {
    this.#kv = kv
    this.#onError = onError
  }

  /** Lease a first block for each counter (at start), so `next` never waits. */
  async prepare (counters: readonly string[]): Promise<void> {
    await Promise.all(counters.map(async (name) => {
      const block = await this.#lease(name)
      this.#counters.set(name, { current: block })
    }))
  }

  /** Take the next block of a counter: compare-and-set on its key, retried on conflict. */
  async #lease (name: string): Promise<Block> {
    const key = keyOf(name)
    for (let attempt = 0; ; attempt++) {
      const e = await this.#kv.get(key)
      const at = e === null || e.operation !== 'PUT' ? 0 : Number(e.string())
      const end = at + JS_SEQ_LEASE
      try {
        if (e === null) await this.#kv.create(key, String(end))
        else await this.#kv.update(key, String(end), e.revision)
        return { next: at + 1, end }
      } catch (err) {
        // Another replica leased first: read again. Anything else is an error.
        if (attempt >= 50 || !/wrong last sequence|key exists/i.test((err as Error).message)) throw err
      }
    }
  }

  #refill (name: string, c: Counter): void {
    if (c.leasing !== undefined || c.spare !== undefined) return
    c.leasing = this.#lease(name).then((b) => { c.spare = b }, (err: Error) => { this.#onError(err) }).finally(() => { c.leasing = undefined })
  }

  next (counter: string): number {
    let c = this.#counters.get(counter)
    if (c === undefined) {
      // Unknown at start: a provisional block, replaced as soon as a lease arrives.
      c = { current: { next: 1, end: 0 } }
      this.#counters.set(counter, c)
      this.#refill(counter, c)
    }
    if (c.current.next > c.current.end) {
      if (c.spare !== undefined) {
        // After provisional numbers, the leased block goes on past them (never back to a number given).
        c.current = { next: Math.max(c.spare.next, c.current.next), end: Math.max(c.spare.end, c.current.next) }
        c.spare = undefined
      } else {
        // Used faster than a lease round trip: keep counting in this block (provisional).
        this.provisionalNumbers++
        c.current.end++
      }
    }
    const n = c.current.next++
    if (c.current.end - c.current.next < JS_SEQ_LEASE / 2) this.#refill(counter, c)
    return n % SEQ_MODULUS
  }
}
