/**
 * Validation: a valid and invalid forms of every key, and every ER code the
 * switch produces, each with the detail that names the fault.
 */
import t from 'tap'
import { ER_CODES, type ErCode } from '../../src/message/er.js'
import { parseJsonMessage } from '../../src/message/json.js'
import { parseLegacy } from '../../src/message/legacy.js'
import { isRegionalKey, mkeOptions, rewriteKey, singleStateKey } from '../../src/message/rules.js'
import { fieldMap, makeClassifier, validateMessage } from '../../src/message/validate.js'

const classify = makeClassifier(['E1', 'W2'])

/** The ER code for a legacy text (parse or validation), or 'ok'. */
function verdict (text: string): ErCode | 'ok' {
  const r = parseLegacy(text)
  if (!r.ok) return r.error.code
  return validateMessage(r.message, { classify })?.code ?? 'ok'
}

function errorOf (text: string) {
  const r = parseLegacy(text)
  if (!r.ok) return r.error
  return validateMessage(r.message, { classify })
}

const H = 'TX0020100'
// [text, expected] per key: valid forms first, then faults.
const CASES: Record<string, Array<[string, ErCode | 'ok']>> = {
  DQ: [
    [`DQ.${H}.IL.TXTOLN/D12345678`, 'ok'],
    [`DQ.${H}.IL.TXTOLN/D12345678.IMQ/Y`, 'ok'],
    [`DQ.${H}.IL,NM,E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M.RSN/N.PUR/C.ATN/J SMITH`, 'ok'],
    [`DQ.${H}.NL.TXTNAM/O'BRIEN-SMITH,MARY ANN.DOB/010180.SEX/F`, 'ok'],
    [`DQ.${H}.WA.TXTOLN/WDL*AB-123`, 'ok'],
    [`DQ.${H}.IL.TXTNAM/SMITH,JOHN.DOB/19800101`, '.22'],
    [`DQ.${H}.IL.TXTNAM/SMITH,JOHN.SEX/M`, '.05'],
    [`DQ.${H}.IL.TXT`, '.14'],
    [`DQ.${H}.IL.TXTNAM/SMITH,JOHN.DOB/19801332.SEX/M`, '.05'],
    [`DQ.${H}.IL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/X`, '.22'],
    [`DQ.${H}.IL.TXTOLN/D1.RSN/Z`, '.22'],
    [`DQ.${H}.IL.TXTOLN/D1.PUR/Q`, '.22'],
    [`DQ.${H}.IL.TXTOLN/D1.IMQ/X`, '.22'],
    [`DQ.${H}.IL.TXTOLN/D1.ATN/${'A'.repeat(31)}`, '.16'],
    [`DQ.${H}.IL.TXTOLN/D1.ATN/J_SMITH`, '.16'],
    [`DQ.${H}.IL.TXTOLN/${'1'.repeat(21)}`, '.22'],
    [`DQ.${H}.IL.TXTNAM/SMITH JOHN.DOB/19800101.SEX/M`, '.22'],
    [`DQ.${H}.IL.TXTNAM/${'A'.repeat(20)},${'B'.repeat(10)}.DOB/19800101.SEX/M`, '.22'],
    [`DQ.${H}.IL.TXTLIC/ABC123`, '.22'],
    [`DQ.${H}.IL.TXTOLN/D1.OLN/D2`, '.22'],
    [`DQ.${H}.IL,NL.TXTOLN/D1`, '.19'],
    [`DQ.${H}.IL,IL.TXTOLN/D1`, '.19'],
    [`DQ.${H}.IL,NM,AZ,CO,UT,NV.TXTOLN/D1`, '.19'],
    [`DQ.${H}.ZZ.TXTOLN/D1`, '.19'],
    [`DQ.${H}.ILOLN0000.TXTOLN/D1`, '.02'],
  ],
  DQG: [
    [`DQG.${H}.E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M`, 'ok'],
    [`DQG.${H}.E1,W2.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M.RSN/T`, 'ok'],
    [`DQG.${H}.IL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M`, '.02'],
    [`DQG.${H}.NL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M`, '.02'],
    [`DQG.${H}.E1.TXTOLN/D12345678`, '.22'],
    [`DQG.${H}.E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M.IMQ/Y`, '.22'],
    [`DQG.${H}.E1.TXTNAM/SMITH,JOHN.DOB/19800101`, '.22'],
    [`DQG.${H}.E1.TXTRSN/N`, '.14'],
  ],
  DNQ: [
    [`DNQ.${H}.IL.TXTNAM/SMITH,JOHN`, 'ok'],
    [`DNQ.${H}.IL,NM.TXTNAM/SMITH,JOHN.DOB/19800101`, 'ok'],
    [`DNQ.${H}.IL.TXTDOB/19800101`, '.14'],
    [`DNQ.${H}.E1.TXTNAM/SMITH,JOHN`, '.02'],
    [`DNQ.${H}.IL.TXTNAM/SMITH,JOHN.OLN/D1`, '.22'],
  ],
  KQ: [
    [`KQ.AZNLETS20.AZ.TXTNAM/SMITH,JOHN.DOB/19500101.SEX/M`, 'ok'],
    [`KQ.AZNLETS20.AZ.TXTOLN/D11111111`, 'ok'],
    [`KQ.AZNLETS20.AZ.TXTOLN/D11111111.PUR/C.IMQ/Y`, 'ok'],
    [`KQ.AZNLETS20.AZ.TXTOLN/D11111111.IMQ/N`, '.22'],
    [`KQ.AZNLETS20.AZ,NM.TXTOLN/D11111111`, '.02'],
    [`KQ.AZNLETS20.E1.TXTOLN/D11111111`, '.02'],
    [`KQ.AZNLETS20.NL.TXTOLN/D11111111`, '.02'],
    [`KQ.AZNLETS20.AZ.TXTNAM/SMITH,JOHN.DOB/19500101`, '.22'],
    [`KQ.AZNLETS20.AZ.TXTPUR/C`, '.14'],
  ],
  RQ: [
    [`RQ.AZNLETS20.AZ.TXTLIC/123456.LIT/PC`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTLIC/123456.LIY/2025.LIT/PC`, 'ok'],
    [`RQ.AZNLETS20.AZ,NM.CTRL000001.TXTLIC/ABC123.LIY/2025.LIT/PC`, 'ok'],
    [`RQ.AZNLETS20.AZ.TXTLIC/ABC123.LIY/NX.LIT/PC`, 'ok'],
    [`RQ.AZNLETS20.AZ.TXTLIC/ABC123.LIY/NX`, '.22'],
    [`RQ.AZNLETS20.NL.TXTVIN/1HGCM82633A004352.VMA/HOND.VYR/2003`, 'ok'],
    [`RQ.AZNLETS20.W2.TXTVIN/1HGCM82633A004352`, 'ok'],
    [`RQ.AZNLETS20.AZ.TXTLIT/PC`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTRSN/N`, '.14'],
    [`RQ.AZNLETS20.AZ.TXTLIC/ABC123.LIY/25`, '.10'],
    [`RQ.AZNLETS20.AZ.TXTVIN/1HGCM82633A004352.VYR/03`, '.10'],
    [`RQ.AZNLETS20.AZ.TXTLIC/ABC123.LIT/P`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTLIC/ABC-123`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTLIC/AB*123`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTLIC/ABCDEFGHIJK`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTVIN/1HGCM82633A0043521`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTVIN/1HGCM82633A004352.VMA/H`, '.22'],
    [`RQ.AZNLETS20.AZ.TXTOLN/D1`, '.22'],
  ],
  RQG: [
    [`RQG.AZNLETS20.W2.TXTLIC/ABC123.LIY/2025.LIT/PC`, 'ok'],
    [`RQG.AZNLETS20.W2.TXTLIC/ABC123`, '.22'],
    [`RQG.AZNLETS20.AZ.TXTLIC/ABC123`, '.02'],
    [`RQG.AZNLETS20.W2.TXTLIC/ABC123.LIY/1899`, '.10'],
  ],
  RNQ: [
    [`RNQ.AZNLETS20.AZ.TXTNAM/SMITH,JOHN`, 'ok'],
    [`RNQ.AZNLETS20.AZ.TXTNAM/ACME TRUCKING`, 'ok'],
    [`RNQ.AZNLETS20.AZ.TXTLIC/ABC123`, '.22'],
    [`RNQ.AZNLETS20.AZ.TXTRSN/N`, '.14'],
    [`RNQ.AZNLETS20.NL.TXTNAM/SMITH,JOHN`, '.02'],
  ],
  RPQ: [
    [`RPQ.AZNLETS20.AZ.TXTLIC/AB*12`, 'ok'],
    [`RPQ.AZNLETS20.AZ.TXTLIC/*123.LIT/PC.VMA/FORD`, 'ok'],
    [`RPQ.AZNLETS20.AZ.TXTLIC/AB123`, '.22'],
    [`RPQ.AZNLETS20.AZ.TXTLIC/**`, '.22'],
    [`RPQ.AZNLETS20.AZ,NM.TXTLIC/AB*12`, '.02'],
    [`RPQ.AZNLETS20.E1.TXTLIC/AB*12`, '.02'],
    [`RPQ.AZNLETS20.NL.TXTLIC/AB*12`, '.02'],
    [`RPQ.AZNLETS20.AZ.TXTVIN/1HGCM82633A004352`, '.22'],
  ],
}

for (const [key, cases] of Object.entries(CASES)) {
  t.test(`${key}: valid and invalid forms`, async (t) => {
    for (const [text, want] of cases) t.equal(verdict(text), want, text)
  })
}

t.test('header faults are .01 (key, ORI, control field)', async (t) => {
  t.equal(verdict(`IQ.${H}.IL.TXTNAM/SMITH,JOHN`), '.01', 'a key the switch does not take')
  t.equal(verdict(`AM.${H}.IL.TXTREM/HELLO`), '.01')
  t.equal(verdict(`DQQQ.${H}.IL.TXTOLN/1`), '.01', 'four letters')
  t.equal(verdict(`dq.${H}.IL.TXTOLN/1`), '.01', 'lower case')
  t.equal(verdict('DQ.TX00201.IL.TXTOLN/1'), '.01', 'short ORI')
  t.equal(verdict('DQ.1X0020100.IL.TXTOLN/1'), '.01', 'ORI must start with two letters')
  t.equal(verdict(`DQ.${H}.IL.REF-1.TXTOLN/1`), '.01', 'control field with a hyphen')
  t.equal(verdict(`DQ.${H}.IL.ABCDEFGHIJK.TXTOLN/1`), '.01', 'control field of 11')
  t.equal(verdict(`DQ.${H}.IL.NLETSTEST1.TXTOLN/1`), 'ok', 'Nlets\' own control example')
  t.match(errorOf(`IQ.${H}.IL.TXTNAM/SMITH,JOHN`)?.detail, /`IQ` is not taken/)
})

t.test('every ER code the switch produces has a case', async (t) => {
  const produced = new Set(Object.values(CASES).flat().map(([, c]) => c))
  produced.add(verdict(`DQ.${H}.IL`)) // .03: TXT not found
  produced.add(verdict(`DQ.${H}.IL.TXTOLN/D1.`)) // 0: final period
  produced.add(verdict(`AM.${H}.IL.TXTREM/HELLO`))
  const all = Object.keys(ER_CODES).filter((c) => c !== '.04' && c !== '.06')
  t.same(all.filter((c) => !produced.has(c as ErCode)), [], 'no code left untested')
})

t.test('details name what is wrong and where', async (t) => {
  t.same(errorOf(`DQ.${H}.IL.TXTNAM/SMITH,JOHN.DOB/19801332.SEX/M`), {
    code: '.05', text: 'DOB INVALID or MISSING', detail: 'DOB/ 19801332 is not a valid date (field 2)',
  })
  t.equal(errorOf(`DQ.${H}.IL.TXTNAM/SMITH,JOHN.DOB/19800101`)?.detail.split('\n')[0], 'missing SEX/; DQ needs OLN or NAM+DOB+SEX')
  t.equal(errorOf(`DQ.${H}.IL.TXTRSN/N`)?.detail, 'missing OLN/, or NAM/ DOB/ SEX/; DQ needs OLN or NAM+DOB+SEX')
  t.equal(errorOf(`DQ.${H}.IL,ZZ.TXTOLN/1`)?.detail, '`ZZ` is not a state, region, NL or ORI (destination 2)')
  t.equal(errorOf(`KQ.${H}.E1.TXTOLN/1`)?.detail, 'KQ may go to a state only; `E1` is a region (destination 1)')
  const e22 = errorOf('RQ.AZNLETS20.AZ.TXTLIC/123456.XYZ/PC')
  t.equal(e22?.text, 'INVALID MESSAGE FORMAT - REFER TO RQ MKE OPTIONS BELOW')
  t.equal(e22?.detail, 'XYZ/ is not allowed on RQ (field 2)\n1. LIC, LIY, LIT\n2. VIN\nOPTIONAL: LIY, LIT, VMA, VYR, RSN, PUR, ATN')
  t.equal(errorOf(`DQ.${H}.IL.TXTOLN/D1.OLN/D2`)?.detail.split('\n')[0], 'OLN/ appears twice (fields 1 and 2)')
  t.equal(errorOf(`DQ.${H}.IL.TXTOLN/`)?.detail.split('\n')[0], 'OLN/ is empty (field 1)')
})

t.test('DOB: mmddyy or ccyymmdd, and a real date', async (t) => {
  const dob = (d: string) => verdict(`DQ.${H}.IL.TXTNAM/SMITH,JOHN.DOB/${d}.SEX/M`)
  for (const d of ['19800101', '010180', '20000229', '022900', '19961231']) t.equal(dob(d), 'ok', d)
  for (const d of ['19000229', '022901', '19800431', '1980010', '18991231', '130180', '000000', 'JAN0180']) t.equal(dob(d), '.05', d)
})

t.test('values the legacy form cannot carry are 0 (from JSON)', async (t) => {
  const json = (value: string) => {
    const r = parseJsonMessage({ MessageKeyCodeText: 'DQ', OriginatingORIID: H, DestinationORIID: ['IL'], Fields: { OLN: value } })
    return r.ok ? validateMessage(r.message, { classify })?.code : r.error.code
  }
  t.equal(json('D1.IMQ/Y'), '0', 'a value holding .PFX/ would split in legacy')
  t.equal(json('D1.'), '0', 'a final period')
  t.equal(json('D1\r\n'), '0', 'control characters')
  t.equal(json('D1'), undefined)
})

t.test('hub helpers', async (t) => {
  const r = parseLegacy(`DQ.${H}.IL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M.SEX/F`)
  if (!r.ok) throw new Error('must parse')
  t.same(fieldMap(r.message), { NAM: 'SMITH,JOHN', DOB: '19800101', SEX: 'M' }, 'first occurrence wins')
  t.same(Object.getPrototypeOf(fieldMap({ ...r.message, fields: [{ prefix: '__proto__', value: 'x' }] })), Object.prototype)
  t.same(['DQ', 'DQG', 'RQ', 'RQG', 'KQ'].map(isRegionalKey), [false, true, false, true, false])
  t.same(['DQG', 'RQG', 'DQ', 'KQ', 'RPQ'].map(rewriteKey), ['DQ', 'RQ', 'DQ', 'KQ', 'RPQ'])
  t.same(['KQ', 'RPQ', 'CWQ', 'DQ', 'RQ'].map(singleStateKey), [true, true, true, false, false])
  t.same(mkeOptions('DQG'), ['1. NAM, DOB, SEX', 'OPTIONAL: RSN, PUR, ATN'])
  t.same(mkeOptions('AM'), [])
  t.equal(classify('NL'), 'nl')
  t.equal(classify('NB'), 'state')
  t.equal(classify('NE'), undefined, 'USPS NE is not the Nlets code')
  t.equal(classify('VTICE0900'), 'ori')
})
