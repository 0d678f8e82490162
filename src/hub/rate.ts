/**
 * @module hub/rate
 * Per-line rate limit: a token bucket per member line, so one member cannot
 * starve the others. `rate` messages a second on average, bursts up to
 * `burst`; a message over the limit is refused before any work is done. Lines
 * are a fixed set (the directory's), so the buckets cannot grow without bound.
 */

export interface RateLimit {
  /** Messages a second per line; 0 turns the limit off. */
  readonly rate: number
  /** Messages a line may send at once after a quiet spell. */
  readonly burst: number
}

export class LineBuckets {
  readonly limit: RateLimit
  readonly #now: () => number
  readonly #buckets = new Map<string, { tokens: number, at: number }>()

  constructor (limit: RateLimit, now: () => number = Date.now) {
    this.limit = limit
    this.#now = now
  }

  get enabled (): boolean {
    return this.limit.rate > 0
  }

  /** Take one token for `line`: 0 when the message may go, else the seconds until it could. */
  take (line: string): number {
    if (this.limit.rate <= 0) return 0
    const now = this.#now()
    let b = this.#buckets.get(line)
    if (b === undefined) { b = { tokens: this.limit.burst, at: now }; this.#buckets.set(line, b) }
    b.tokens = Math.min(this.limit.burst, b.tokens + (now - b.at) / 1000 * this.limit.rate)
    b.at = now
    if (b.tokens >= 1) { b.tokens -= 1; return 0 }
    return (1 - b.tokens) / this.limit.rate
  }
}
