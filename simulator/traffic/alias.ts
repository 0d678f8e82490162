/**
 * @module simulator/traffic/alias
 * Walker/Vose alias tables: a draw from a fixed discrete distribution in O(1)
 * with one random word, whatever the number of outcomes. The replay draws
 * about a billion times a year-run, so this is the traffic model's inner loop.
 */
import type { Random } from '../random.js'

export class AliasTable {
  readonly n: number
  /** Column acceptance probabilities and aliases, exposed for inlined draws. */
  readonly prob: Float64Array
  readonly alias: Int32Array

  constructor (weights: ArrayLike<number>) {
    const n = weights.length
    if (n === 0) throw new RangeError('an alias table needs at least one outcome')
    let sum = 0
    for (let i = 0; i < n; i++) {
      const w = weights[i]!
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} must be a finite non-negative number`)
      sum += w
    }
    if (!(sum > 0)) throw new RangeError('weights must have a positive sum')
    this.n = n
    this.prob = new Float64Array(n)
    this.alias = new Int32Array(n)
    const scaled = new Float64Array(n)
    const small: number[] = []
    const large: number[] = []
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / sum
      if (scaled[i]! < 1) small.push(i)
      else large.push(i)
    }
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!
      const l = large[large.length - 1]!
      this.prob[s] = scaled[s]!
      this.alias[s] = l
      scaled[l] = scaled[l]! + scaled[s]! - 1
      if (scaled[l]! < 1) { large.pop(); small.push(l) }
    }
    for (const i of large) { this.prob[i] = 1; this.alias[i] = i }
    for (const i of small) { this.prob[i] = 1; this.alias[i] = i }
  }

  /** One draw: the column from the integer part of u*n, the coin from its fraction. */
  draw (rng: Random): number {
    return this.drawWord(rng.uint32())
  }

  /** The draw of one random 32-bit word (unsigned). */
  drawWord (w: number): number {
    const x = (w / 4294967296) * this.n
    const i = x | 0
    return x - i < this.prob[i]! ? i : this.alias[i]!
  }

  /** Probability of each outcome (for tests and expected counts). */
  probabilities (): Float64Array {
    const p = new Float64Array(this.n)
    for (let i = 0; i < this.n; i++) {
      p[i]! += this.prob[i]! / this.n
      if (this.prob[i]! < 1) p[this.alias[i]!]! += (1 - this.prob[i]!) / this.n
    }
    return p
  }
}

/**
 * The word a query's context (RSN/, PUR/) is drawn with, derived from its hour
 * word by a multiplicative hash (a bijection that spreads any hour's interval
 * of words over the whole range), so the context costs no extra random word:
 * the replay decodes it only where a rule's conditions leave a decision open.
 */
export function contextWord (hourWord: number): number {
  const h = Math.imul(hourWord ^ (hourWord >>> 16), 0x45d9f3b)
  return (Math.imul(h ^ (h >>> 16), 0x45d9f3b) ^ (h >>> 16)) >>> 0
}
