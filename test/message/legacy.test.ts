/**
 * Legacy text form: samples for every key, control characters, several
 * destinations, the control field, the configurable GAPs, and structural faults.
 */
import t from 'tap'
import { formatLegacy, parseLegacy, resolveLegacyOptions, type LegacyOptions } from '../../src/message/legacy.js'
import type { Message } from '../../src/message/types.js'

function parsed (text: string, options?: LegacyOptions): Message {
  const r = parseLegacy(text, options)
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.error.detail}`)
  return r.message
}

function failure (text: string, options?: LegacyOptions) {
  const r = parseLegacy(text, options)
  return r.ok ? undefined : r.error
}

// One valid sample per key, including the real examples from DOMAIN.md 1.2.
const SAMPLES = [
  'DQ.TX0020100.IL.TXTOLN/D12345678.IMQ/Y',
  'DQ.TX0020100.IL,E1,NM.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M.RSN/N.PUR/C.ATN/J SMITH',
  'DQG.TX0020100.E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M',
  'DNQ.TX0020100.IL.TXTNAM/SMITH,JOHN',
  'KQ.AZNLETS20.AZ.TXTNAM/SMITH,JOHN.DOB/19500101.SEX/M',
  'KQ.AZNLETS20.AZ.TXTOLN/D11111111',
  'RQ.AZNLETS20.AZ.TXTLIC/123456.LIT/PC',
  'RQ.AZNLETS20.AZ,NM.CTRL000001.TXTLIC/ABC123.LIY/2025.LIT/PC',
  'RQ.AZNLETS20.NL.TXTVIN/1HGCM82633A004352.VMA/HOND.VYR/2003',
  'RQG.AZNLETS20.W2.TXTLIC/ABC123',
  'RNQ.AZNLETS20.AZ.TXTNAM/ACME TRUCKING',
  'RPQ.AZNLETS20.AZ.TXTLIC/AB*12',
]

t.test('every sample parses and formats back to the same text', async (t) => {
  for (const text of SAMPLES) t.equal(formatLegacy(parsed(text)), text, text)
})

t.test('a DQ by OLN parses into header and fields', async (t) => {
  t.same(parsed('DQ.TX0020100.IL.TXTOLN/D12345678.IMQ/Y'), {
    key: 'DQ', ori: 'TX0020100', destinations: ['IL'],
    fields: [{ prefix: 'OLN', value: 'D12345678' }, { prefix: 'IMQ', value: 'Y' }],
  })
})

t.test('the Nlets KQ example keeps the comma inside NAM', async (t) => {
  const m = parsed('KQ.AZNLETS20.AZ.TXTNAM/SMITH,JOHN.DOB/19500101.SEX/M')
  t.same(m.fields, [{ prefix: 'NAM', value: 'SMITH,JOHN' }, { prefix: 'DOB', value: '19500101' }, { prefix: 'SEX', value: 'M' }])
  t.same(m.destinations, ['AZ'], 'a comma in a field is not a destination separator')
})

t.test('several destinations and a control field', async (t) => {
  const m = parsed('RQ.AZNLETS20.AZ,NM.CTRL000001.TXTLIC/ABC123.LIY/2025.LIT/PC')
  t.same(m.destinations, ['AZ', 'NM'])
  t.equal(m.control, 'CTRL000001')
  t.equal(m.fields.length, 3)
  t.notOk('control' in parsed('RQ.AZNLETS20.AZ.TXTLIC/1'), 'no control property without a control field')
  t.same(parsed('DQ.TX0020100.IL,NM,AZ,CO,UT,NV.TXTOLN/1').destinations.length, 6, 'six parse; validation rejects them')
})

t.test('a control field that starts with TXT is still a control field', async (t) => {
  const m = parsed('DQ.TX0020100.IL.TXTREF1.TXTOLN/1')
  t.equal(m.control, 'TXTREF1')
  t.same(m.fields, [{ prefix: 'OLN', value: '1' }])
})

t.test('CR, LF and DEL anywhere are ignored', async (t) => {
  const m = parsed('KQ.AZNLETS20.AZ.TXT\r\n\x7fOLN/D111\r\n11111')
  t.same(m.fields, [{ prefix: 'OLN', value: 'D11111111' }])
  t.equal(formatLegacy(parsed('\rDQ.TX00\n20100.IL.TXTOLN/1\x7f')), 'DQ.TX0020100.IL.TXTOLN/1')
})

t.test('a period inside a value survives unless a prefix follows it', async (t) => {
  t.same(parsed('DQ.TX0020100.IL.TXTATN/J.SMITH.OLN/1').fields, [
    { prefix: 'ATN', value: 'J.SMITH' }, { prefix: 'OLN', value: '1' },
  ])
  t.same(parsed('DQ.TX0020100.IL.TXTATN/A.BCDEF/X').fields, [{ prefix: 'ATN', value: 'A.BCDEF/X' }], '5 letters is not a prefix')
  t.same(parsed('DQ.TX0020100.IL.TXTOLN/.IMQ/').fields, [{ prefix: 'OLN', value: '' }, { prefix: 'IMQ', value: '' }])
})

t.test('no fields after TXT is a parse, not a fault (validation reports .14)', async (t) => {
  t.same(parsed('DQ.TX0020100.IL.TXT').fields, [])
})

t.test('structural faults carry their ER code', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['', '.03', 'empty'],
    ['\r\n', '.03', 'only control characters'],
    ['DQ.TX0020100.IL', '.03', 'no TXT'],
    ['DQ.TX0020100.IL.CTRL.OTHER.TXTOLN/1', '.03', 'TXT too late'],
    ['dq.tx0020100.il.txtoln/1', '.03', 'lower-case txt is not TXT'],
    ['DQ.TXTOLN/1', '.01', 'no ORI'],
    ['DQ.TX0020100.TXTOLN/1', '.19', 'no destination'],
    ['DQ.TX0020100.IL..TXTOLN/1', '.01', 'empty control field'],
    ['DQ.TX0020100.IL.TXTOLN/D12345678.', '0', 'final period'],
    ['DQ.TX0020100.IL.TXT.OLN/1', '0', 'period after TXT'],
    ['DQ.TX0020100.IL.TXTOLN/1.IMQ/Y.', '0', 'final period after several fields'],
  ]
  for (const [text, code, note] of cases) t.equal(failure(text)?.code, code, note)
  t.match(failure('DQ.TX0020100.IL.TXTOLN/D1.')?.detail, /ends with a period/)
})

t.test('an empty destination token parses to no destinations', async (t) => {
  t.same(parsed('DQ.TX0020100..TXTOLN/1').destinations, [])
})

t.test('the separator and the control marker are configurable (both GAPs)', async (t) => {
  const opts = { destinationSeparator: '/', controlMarker: '*' }
  t.throws(() => resolveLegacyOptions({ destinationSeparator: '/' }), TypeError, '/ cannot separate destinations')
  const star = { controlMarker: '*' }
  const m = parsed('RQ.AZNLETS20.AZ,NM.*CTRL1.TXTLIC/1', star)
  t.equal(m.control, 'CTRL1', 'the marker is not part of the control value')
  t.equal(formatLegacy(m, star), 'RQ.AZNLETS20.AZ,NM.*CTRL1.TXTLIC/1')
  t.equal(failure('RQ.AZNLETS20.AZ.CTRL1.TXTLIC/1', star)?.code, '.01', 'a marked control field needs its marker')
  const space = { destinationSeparator: ' ' }
  t.same(parsed('RQ.AZNLETS20.AZ NM.TXTLIC/1', space).destinations, ['AZ', 'NM'])
  t.equal(formatLegacy(parsed('RQ.AZNLETS20.AZ NM.TXTLIC/1', space), space), 'RQ.AZNLETS20.AZ NM.TXTLIC/1')
  t.throws(() => parseLegacy('x', opts), TypeError)
  t.throws(() => resolveLegacyOptions({ controlMarker: '**' }), TypeError)
  t.throws(() => resolveLegacyOptions({ destinationSeparator: '.' }), TypeError)
})

t.test('non-string input is a fault, not a throw', async (t) => {
  t.equal(failure(42 as unknown as string)?.code, '0')
  t.equal(failure(undefined as unknown as string)?.code, '0')
})
