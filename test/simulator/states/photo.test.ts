/**
 * @module test/simulator/states/photo
 * Licence photos: a valid PNG (chunks, CRCs, pixel data), deterministic, and
 * only on DQ/KQ hits with IMQ/Y from a photo-sharing state.
 */
import { crc32, inflateSync } from 'node:zlib'
import t from 'tap'
import { ALL_STATES, stateCatalog } from '../../../simulator/states/catalog.js'
import { PHOTO_HEIGHT, PHOTO_WIDTH, encodePng, licencePhoto } from '../../../simulator/states/photo.js'
import { answerQuery } from '../../../simulator/states/records.js'
import type { StateKey, StateQuery } from '../../../src/hub/ports/endpoint.js'

/** Walk a PNG's chunks, checking every CRC; returns type -> data (IDATs joined). */
function readPng (png: Buffer): Map<string, Buffer> {
  const chunks = new Map<string, Buffer>()
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('no PNG signature')
  let at = 8
  while (at < png.length) {
    const len = png.readUInt32BE(at)
    const type = png.toString('latin1', at + 4, at + 8)
    const data = png.subarray(at + 8, at + 8 + len)
    if (png.readUInt32BE(at + 8 + len) !== crc32(png.subarray(at + 4, at + 8 + len))) throw new Error(`bad CRC in ${type}`)
    chunks.set(type, Buffer.concat([chunks.get(type) ?? Buffer.alloc(0), data]))
    at += 12 + len
  }
  return chunks
}

t.test('a valid 32x40 RGB PNG', async (t) => {
  const img = licencePhoto('2025/VA/D|OLN|X1', 'BLN')
  t.equal(img.mime, 'image/png')
  const png = Buffer.from(img.data, 'base64')
  t.ok(png.length < 4096, `${png.length} bytes`)
  const chunks = readPng(png)
  t.same([...chunks.keys()], ['IHDR', 'IDAT', 'IEND'])
  const ihdr = chunks.get('IHDR')!
  t.equal(ihdr.readUInt32BE(0), PHOTO_WIDTH)
  t.equal(ihdr.readUInt32BE(4), PHOTO_HEIGHT)
  t.same([...ihdr.subarray(8)], [8, 2, 0, 0, 0])
  const raw = inflateSync(chunks.get('IDAT')!)
  t.equal(raw.length, PHOTO_HEIGHT * (PHOTO_WIDTH * 3 + 1))
  for (let y = 0; y < PHOTO_HEIGHT; y++) t.equal(raw[y * (PHOTO_WIDTH * 3 + 1)], 0, `row ${y} filter none`)
  t.same(licencePhoto('2025/VA/D|OLN|X1', 'BLN'), img, 'deterministic')
  t.not(licencePhoto('2025/VA/D|OLN|X2', 'BLN').data, img.data, 'another driver, another photo')
  t.throws(() => encodePng(2, 2, new Uint8Array(3)), RangeError)
})

const q = (state: string, key: StateKey, image: boolean): StateQuery =>
  ({ id: 'P', key, ori: 'AZNLETS20', state, fields: key === 'DNQ' ? { NAM: 'DOE,JOHN' } : { OLN: 'P1' }, image })
const hit = { DQ: 0, KQ: 0, DNQ: 0 }
const ask = (x: StateQuery) => answerQuery(x, stateCatalog(x.state), { seed: 9, noHit: hit })

t.test('photos only with IMQ/Y, on DQ or KQ, from photo-sharing states', async (t) => {
  t.ok(ask(q('VA', 'DQ', true)).image, 'VA DQ IMQ/Y')
  t.ok(ask(q('VA', 'KQ', true)).image, 'VA KQ IMQ/Y')
  t.notOk(ask(q('VA', 'DQ', false)).image, 'no IMQ/Y, no photo')
  t.notOk(ask(q('VA', 'DNQ', true)).image, 'not on DNQ')
  t.notOk(ask(q('TX', 'DQ', true)).image, 'TX does not share photos')
  t.ok(ask(q('IL', 'DQ', true)).image, 'IL shares photos (its law only bars them for immigration enforcement)')
  t.notOk(ask(q('PR', 'DQ', true)).image, 'territories do not')
  const none = answerQuery(q('VA', 'DQ', true), stateCatalog('VA'), { seed: 9, noHit: { DQ: 1 } })
  t.notOk(none.image, 'not on a no-hit')
  const sharing = ALL_STATES.filter((c) => ask(q(c.code, 'DQ', true)).image !== undefined)
  t.equal(sharing.length, 41, '41 states answer with a photo')
})
