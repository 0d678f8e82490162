/**
 * The audit reader's byte-keyed table agrees with a Map keyed by the same
 * bytes as a string, however the key is cut into pieces.
 */
import fc from 'fast-check'
import t from 'tap'
import { ByteTable } from '../../../simulator/replay/byte-table.js'

/** A key's bytes in a buffer among other bytes, and where its (up to three) pieces are. */
function placed (key: Uint8Array, cuts: [number, number], junk: number): { buf: Uint8Array, r: [number, number, number, number, number, number] } {
  const [x, y] = cuts[0] <= cuts[1] ? cuts : [cuts[1], cuts[0]]
  const a = Math.min(x, key.length)
  const b = Math.min(y, key.length)
  // Pieces key[0, a), key[a, b), key[b, n) with junk bytes between them in the buffer.
  const parts = [key.subarray(0, a), key.subarray(a, b), key.subarray(b)]
  const buf = new Uint8Array(key.length + 3 * junk)
  const r: number[] = []
  let at = junk
  for (const p of parts) {
    buf.fill(0x5a, at - junk, at)
    buf.set(p, at)
    r.push(at, at + p.length)
    at += p.length + junk
  }
  return { buf, r: r as [number, number, number, number, number, number] }
}

t.test('same answers as a Map of strings, keys cut anywhere', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.record({
      key: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constantFrom(new Uint8Array([]), new Uint8Array([0]), new Uint8Array([0, 0]), new Uint8Array([1]), new Uint8Array([1, 0]), new Uint8Array([1, 0, 0, 0]))),
      cuts: fc.tuple(fc.nat(45), fc.nat(45)),
      junk: fc.nat(5),
    }), { maxLength: 60 }),
    (ops) => {
      const table = new ByteTable<number>()
      const ref = new Map<string, number>()
      for (let i = 0; i < ops.length; i++) {
        const { key, cuts, junk } = ops[i]!
        const { buf, r } = placed(key, cuts, junk)
        table.load(buf, ...r)
        const want = ref.get(Buffer.from(key).toString('latin1'))
        if (table.get() !== want) return false
        if (want === undefined) { table.set(i); ref.set(Buffer.from(key).toString('latin1'), i) }
      }
      return table.size === ref.size
    },
  ), { numRuns: 300 })
  t.pass('300 runs of up to 60 keys')
})

t.test('long keys grow the scratch; clear empties the table', async (t) => {
  const table = new ByteTable<string>()
  const long = Buffer.alloc(5000, 'x')
  table.load(long, 0, 5000)
  t.equal(table.get(), undefined)
  table.set('long')
  table.load(Buffer.from('short'), 0, 5)
  table.set('short')
  table.load(long, 0, 2000, 2000, 5000)
  t.equal(table.get(), 'long', 'the same bytes in two pieces')
  table.load(long, 0, 4999)
  t.equal(table.get(), undefined, 'one byte shorter is another key')
  t.equal(table.size, 2)
  table.clear()
  table.load(Buffer.from('short'), 0, 5)
  t.equal(table.get(), undefined)
  t.equal(table.size, 0)
})
