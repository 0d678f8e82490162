/**
 * @module simulator/random
 * The simulator's one random number generator: a small seeded PRNG (sfc32,
 * seeded through a 128-bit string hash) that gives the same sequence on every
 * run and platform, 32-bit integer arithmetic only, no Math.random. Used by the
 * directory generator, the simulated states, the traffic model, the replay and
 * the benchmarks.
 */

/** Hash a string to four 32-bit words (cyrb128), the seed material of sfc32. */
export function hashSeed (s: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** Seeded random stream. `new Random(2025)` and `new Random('2025')` are the same stream. */
export class Random {
  #a: number
  #b: number
  #c: number
  #d: number
  /** The seed as given, kept so `fork` can derive independent sub-streams. */
  readonly seed: string

  constructor (seed: number | string) {
    this.seed = String(seed)
    const [a, b, c, d] = hashSeed(this.seed)
    this.#a = a
    this.#b = b
    this.#c = c
    this.#d = d
    // Discard the first outputs: sfc32 mixes poorly in its first few rounds.
    for (let i = 0; i < 12; i++) this.uint32()
  }

  /** The four sfc32 state words (for loops that inline the generator; see replay/kernel.ts). */
  state (): [number, number, number, number] {
    return [this.#a, this.#b, this.#c, this.#d]
  }

  /** Next unsigned 32-bit integer. */
  uint32 (): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return t >>> 0
  }

  /** Uniform float in [0, 1). */
  next (): number {
    return this.uint32() / 4294967296
  }

  /** Uniform integer in [0, n); n must be a positive integer. */
  int (n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) throw new RangeError(`int(n) needs a positive integer, got ${n}`)
    return Math.floor(this.next() * n)
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range (lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1)
  }

  /** True with probability p. */
  chance (p: number): boolean {
    return this.next() < p
  }

  /** A uniformly chosen element; the array must not be empty. */
  pick<T> (arr: readonly T[]): T {
    if (arr.length === 0) throw new RangeError('pick from an empty array')
    return arr[this.int(arr.length)]!
  }

  /** Index chosen with probability proportional to `weights[i]` (non-negative, sum > 0). */
  weightedIndex (weights: readonly number[]): number {
    let sum = 0
    for (const w of weights) sum += w
    if (!(sum > 0)) throw new RangeError('weights must have a positive sum')
    let x = this.next() * sum
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!
      if (x < 0) return i
    }
    // Rounding can leave x at 0 after the loop: return the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i
    return weights.length - 1
  }

  /** Element chosen from `[item, weight]` pairs with probability proportional to weight. */
  weighted<T> (pairs: ReadonlyArray<readonly [T, number]>): T {
    // weightedIndex over the pairs' weights, without building the array (a hot path of the simulated states).
    let sum = 0
    for (let i = 0; i < pairs.length; i++) sum += pairs[i]![1]
    if (!(sum > 0)) throw new RangeError('weights must have a positive sum')
    let x = this.next() * sum
    for (let i = 0; i < pairs.length; i++) {
      x -= pairs[i]![1]
      if (x < 0) return pairs[i]![0]
    }
    for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i]![1] > 0) return pairs[i]![0]
    return pairs[pairs.length - 1]![0]
  }

  /** Shuffle in place (Fisher-Yates) and return the array. */
  shuffle<T> (arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = arr[i]!
      arr[i] = arr[j]!
      arr[j] = tmp
    }
    return arr
  }

  /** An independent stream derived from this seed and a label (does not advance this stream). */
  fork (label: string): Random {
    return new Random(`${this.seed}/${label}`)
  }
}

/**
 * A sampler for many draws from one fixed weight table: cumulative sums and a
 * binary search, O(log n) a draw. Returns indexes into `weights`.
 */
export function weightedSampler (weights: readonly number[]): (rng: Random) => number {
  const cum: number[] = []
  let sum = 0
  for (const w of weights) {
    if (!(w >= 0)) throw new RangeError('weights must be non-negative numbers')
    sum += w
    cum.push(sum)
  }
  if (!(sum > 0)) throw new RangeError('weights must have a positive sum')
  return (rng) => {
    const x = rng.next() * sum
    let lo = 0
    let hi = cum.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cum[mid]! > x) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}
