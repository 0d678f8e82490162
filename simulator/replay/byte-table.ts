/**
 * @module simulator/replay/byte-table
 * A map keyed by bytes, for the audit reader's shapes: the key's pieces (up to
 * three ranges of one buffer) are copied into an aligned scratch array, hashed
 * four bytes at a time and compared word by word with the keys kept. No string
 * is made of a key: building one, flattening it and hashing it a character at
 * a time was the largest part of reading an audit line.
 */

interface Entry<V> { readonly length: number, readonly words: Uint32Array, readonly value: V }

export class ByteTable<V> {
  #bytes = new Uint8Array(1024)
  #words = new Uint32Array(this.#bytes.buffer)
  /** Length in bytes and hash of the key in the scratch (set by `load`). */
  #length = 0
  #hash = 0
  readonly #buckets = new Map<number, Array<Entry<V>>>()
  #size = 0

  get size (): number {
    return this.#size
  }

  /** Make `buf[a, b) + buf[c, d) + buf[e, f)` the current key (for `get`, then `set`). */
  load (buf: Uint8Array, a: number, b: number, c = b, d = b, e = b, f = b): void {
    const n = (b - a) + (d - c) + (f - e)
    if (n + 4 > this.#bytes.length) {
      this.#bytes = new Uint8Array((Math.max(n + 4, this.#bytes.length * 2) + 3) & ~3)
      this.#words = new Uint32Array(this.#bytes.buffer)
    }
    const bytes = this.#bytes
    // Plain views, not Buffer subarrays (cheaper to make).
    const src = buf.buffer
    const off = buf.byteOffset
    bytes.set(new Uint8Array(src, off + a, b - a), 0)
    if (d > c) bytes.set(new Uint8Array(src, off + c, d - c), b - a)
    if (f > e) bytes.set(new Uint8Array(src, off + e, f - e), b - a + d - c)
    // Zero the tail of the last word, so equal keys have equal words.
    bytes[n] = 0
    bytes[n + 1] = 0
    bytes[n + 2] = 0
    const words = this.#words
    const count = (n + 3) >>> 2
    let h = n | 0
    for (let i = 0; i < count; i++) h = Math.imul(h ^ words[i]!, 0x9e3779b1) ^ (h >>> 15)
    this.#length = n
    this.#hash = h
  }

  /** The value of the current key. */
  get (): V | undefined {
    const list = this.#buckets.get(this.#hash)
    if (list === undefined) return undefined
    const n = this.#length
    const count = (n + 3) >>> 2
    const words = this.#words
    for (let j = 0; j < list.length; j++) {
      const entry = list[j]!
      if (entry.length !== n) continue
      const w = entry.words
      let i = 0
      while (i < count && w[i] === words[i]) i++
      if (i === count) return entry.value
    }
    return undefined
  }

  /** Keep `value` under the current key (not already kept: `get` said so). */
  set (value: V): void {
    const entry = { length: this.#length, words: this.#words.slice(0, (this.#length + 3) >>> 2), value }
    const list = this.#buckets.get(this.#hash)
    if (list === undefined) this.#buckets.set(this.#hash, [entry])
    else list.push(entry)
    this.#size++
  }

  clear (): void {
    this.#buckets.clear()
    this.#size = 0
  }
}
