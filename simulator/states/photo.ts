/**
 * @module simulator/states/photo
 * A synthetic licence photo: a 32x40 RGB PNG of a head-and-shoulders figure,
 * drawn deterministically from a seed string and encoded with node:zlib
 * (deflate and CRC32). Nothing is cached: a photo costs tens of microseconds.
 */
import { LRUCache } from 'lru-cache'
import { crc32, deflateSync } from 'node:zlib'
import type { Image } from '../../src/message/types.js'
import { Random } from '../random.js'

export const PHOTO_WIDTH = 32
export const PHOTO_HEIGHT = 40
export const PHOTO_MIME = 'image/png'

type Rgb = readonly [number, number, number]

const SKIN: readonly Rgb[] = [[255, 219, 172], [241, 194, 125], [224, 172, 105], [198, 134, 66], [141, 85, 36], [92, 58, 33]]
const SHIRTS: readonly Rgb[] = [[40, 60, 110], [90, 90, 95], [150, 30, 40], [230, 230, 225], [30, 90, 60], [20, 20, 25]]
/** Hair colours by NCIC HAI code; BAL (bald) is drawn in skin colour. */
const HAIR: Readonly<Record<string, Rgb>> = {
  BRO: [101, 67, 33], BLK: [28, 28, 30], BLN: [222, 192, 112], RED: [165, 62, 30],
  GRY: [150, 150, 152], WHI: [232, 232, 228], SDY: [190, 150, 90],
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk (type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/** Encode 8-bit RGB pixels (row-major, width*height*3 bytes) as a PNG file. */
export function encodePng (width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} bytes of RGB, got ${rgb.length}`)
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    // Each scanline starts with its filter type, 0 (none).
    raw[y * (width * 3 + 1)] = 0
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 2 // colour type: truecolour
  // compression, filter and interlace methods stay 0
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

function inEllipse (x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean {
  const dx = (x - cx) / rx
  const dy = (y - cy) / ry
  return dx * dx + dy * dy <= 1
}

/** The pixels of one synthetic portrait. */
export function portrait (seed: string, hairCode = 'BRO'): Uint8Array {
  const rng = new Random(`photo/${seed}`)
  const skin = rng.pick(SKIN)
  const hair = HAIR[hairCode] ?? skin
  const shirt = rng.pick(SHIRTS)
  const shade = rng.range(-12, 12)
  const bg: Rgb = [196 + shade, 208 + shade, 222 + shade]
  const eyeY = rng.range(16, 18)
  const out = new Uint8Array(PHOTO_WIDTH * PHOTO_HEIGHT * 3)
  // Pixel grain from a cheap LCG seeded by the stream (a draw per pixel costs more than the rest).
  let grain = rng.uint32()
  for (let y = 0; y < PHOTO_HEIGHT; y++) {
    for (let x = 0; x < PHOTO_WIDTH; x++) {
      let c: Rgb = bg
      if (inEllipse(x, y, 16, 43, 16, 11)) c = shirt
      else if (x >= 13 && x <= 18 && y >= 26 && y <= 33) c = skin
      if (inEllipse(x, y, 15.5, 15, 9.5, 11)) c = hair
      if (inEllipse(x, y, 15.5, 18, 8, 10) && y >= 11) c = skin
      if (y === eyeY && (x === 12 || x === 19)) c = [35, 30, 30]
      if (y === 23 && x >= 14 && x <= 17) c = [skin[0] * 0.7, skin[1] * 0.55, skin[2] * 0.55]
      grain = (Math.imul(grain, 1664525) + 1013904223) >>> 0
      const noise = (grain >>> 28) % 9 - 4
      const i = (y * PHOTO_WIDTH + x) * 3
      out[i] = Math.max(0, Math.min(255, Math.round(c[0] + noise)))
      out[i + 1] = Math.max(0, Math.min(255, Math.round(c[1] + noise)))
      out[i + 2] = Math.max(0, Math.min(255, Math.round(c[2] + noise)))
    }
  }
  return out
}

/**
 * Recently drawn photos: the same driver asked again (a common pattern) costs a
 * map lookup instead of a PNG encoding. Bounded, so memory cannot grow.
 */
const recent = new LRUCache<string, Image>({ max: 2048 })

/** A licence photo for the driver identified by `seed`, base64 PNG; `hairCode` is the record's HAI. */
export function licencePhoto (seed: string, hairCode?: string): Image {
  const key = `${seed}|${hairCode ?? ''}`
  let img = recent.get(key)
  if (img === undefined) {
    const png = encodePng(PHOTO_WIDTH, PHOTO_HEIGHT, portrait(seed, hairCode))
    img = Object.freeze({ mime: PHOTO_MIME, data: png.toString('base64') })
    recent.set(key, img)
  }
  return img
}
