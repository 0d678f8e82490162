/**
 * Properties of the message model: the legacy form round-trips exactly, and no
 * input, however broken, makes a parser or the validator throw.
 */
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import t from 'tap'
import { parseJsonMessage, toJsonMessage } from '../../src/message/json.js'
import { formatLegacy, parseLegacy, stripControl, type LegacyOptions } from '../../src/message/legacy.js'
import type { Field, Message } from '../../src/message/types.js'
import { makeClassifier, validateMessage } from '../../src/message/validate.js'

const classify = makeClassifier(['E1', 'W2'])
const STAR: LegacyOptions = { controlMarker: '*' }

const ori = fc.stringMatching(/^[A-Z]{2}[A-Z0-9]{7}$/)
const dest = fc.oneof(fc.stringMatching(/^[A-Z]{2}$/), ori)
const control = fc.stringMatching(/^[A-Z0-9]{1,10}$/).filter((c) => c !== 'TXT')
const valueChar = fc.constantFrom(...'ABCIMQOLN0129 ,./*-\''.split(''))
// Canonical values: no `.PFX/` inside (it would start a new field).
const value = fc.string({ unit: valueChar, maxLength: 14 }).map((v) => v.replace(/\.(?=[A-Z]{2,4}\/)/g, ','))
// Built as plain objects: fc.record may give null-prototype ones, which deep equality tells apart.
const field: fc.Arbitrary<Field> = fc.tuple(fc.stringMatching(/^[A-Z]{2,4}$/), value).map(([prefix, value]) => ({ prefix, value }))

/** A canonical message: the last value never ends with a period (Nlets forbids a final period). */
const canonical: fc.Arbitrary<Message> = fc.record({
  key: fc.stringMatching(/^[A-Z]{2,3}$/),
  ori,
  destinations: fc.array(dest, { minLength: 1, maxLength: 5 }),
  control: fc.option(control, { nil: undefined }),
  fields: fc.array(field, { maxLength: 8 }),
}).map(({ key, ori, destinations, control, fields }) => {
  const last = fields.at(-1)
  const fixed = last === undefined ? fields : [...fields.slice(0, -1), { ...last, value: last.value.replace(/\.+$/, '') }]
  return control === undefined ? { key, ori, destinations, fields: fixed } : { key, ori, destinations, control, fields: fixed }
})

t.test('parseLegacy(formatLegacy(m)) gives m back, with either option set', async (t) => {
  fc.assert(fc.property(canonical, (m) => {
    return [undefined, STAR].every((opts) => {
      const r = parseLegacy(formatLegacy(m, opts), opts)
      return r.ok && isDeepStrictEqual(r.message, m)
    })
  }), { numRuns: 500 })
  t.pass('500 random messages round-trip')
})

t.test('formatLegacy(parseLegacy(x)) === x for canonical text x', async (t) => {
  fc.assert(fc.property(canonical.map((m) => formatLegacy(m)), (x) => {
    const r = parseLegacy(x)
    return r.ok && formatLegacy(r.message) === x
  }), { numRuns: 500 })
  t.pass('500 canonical texts round-trip')
})

// Text over an alphabet rich in the characters that matter: periods, commas,
// slashes, TXT, control characters. Whatever parses must print back as it came
// in, less the ignored control characters.
const noisyChar = fc.constantFrom(...'.,/*TXDQOLN0129 \r\n\x7f'.split(''))
const noisy = fc.oneof(
  fc.string({ unit: noisyChar, maxLength: 40 }),
  fc.tuple(fc.constantFrom('DQ.', 'RQ.AZNLETS20.', 'KQ.AZNLETS20.AZ.', 'X.Y.Z.*C.'), fc.string({ unit: noisyChar, maxLength: 30 }))
    .map(([a, b]) => a + b),
)

t.test('any text that parses formats back to itself without CR, LF, DEL', async (t) => {
  fc.assert(fc.property(noisy, fc.constantFrom(undefined, STAR), (x, opts) => {
    const r = parseLegacy(x, opts)
    return !r.ok || formatLegacy(r.message, opts) === stripControl(x)
  }), { numRuns: 2000 })
  t.pass('2000 noisy texts')
})

t.test('parsers and the validator never throw', async (t) => {
  fc.assert(fc.property(fc.oneof(noisy, fc.string()), (x) => {
    const r = parseLegacy(x)
    if (r.ok) validateMessage(r.message, { classify })
    return true
  }), { numRuns: 1000 })
  fc.assert(fc.property(fc.jsonValue(), (x) => {
    parseJsonMessage(x)
    parseJsonMessage(JSON.stringify(x))
    return true
  }), { numRuns: 500 })
  fc.assert(fc.property(canonical, (m) => {
    validateMessage(m, { classify })
    return true
  }), { numRuns: 500 })
  t.pass('no throw')
})

t.test('the JSON form carries the same message', async (t) => {
  fc.assert(fc.property(canonical, (m) => {
    const r = parseJsonMessage(JSON.parse(JSON.stringify(toJsonMessage(m))))
    return r.ok && formatLegacy(r.message) === formatLegacy(m)
  }), { numRuns: 300 })
  t.pass('300 messages through JSON')
})
