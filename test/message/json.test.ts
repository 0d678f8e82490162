/**
 * JSON form: both field shapes, the schema (as Ajv 8 runs it for Fastify), and
 * ER-coded faults.
 */
import AjvModule from 'ajv'
import t from 'tap'
import { messageJsonSchema, parseJsonMessage, toJsonMessage } from '../../src/message/json.js'
import { parseLegacy } from '../../src/message/legacy.js'

// ajv is CommonJS: under NodeNext the default import is module.exports.
const Ajv = AjvModule.default
const ajv = new Ajv({ allErrors: true })
const schemaOk = ajv.compile(messageJsonSchema)

const BODY = {
  MessageKeyCodeText: 'DQ',
  OriginatingORIID: 'TX0020100',
  DestinationORIID: ['IL'],
  DocumentControlFieldText: 'REF1',
  Fields: [{ prefix: 'OLN', value: 'D12345678' }],
}

function errorOf (body: unknown) {
  const r = parseJsonMessage(body)
  return r.ok ? undefined : r.error
}

t.test('the array field shape parses', async (t) => {
  t.same(parseJsonMessage(BODY), {
    ok: true,
    message: { key: 'DQ', ori: 'TX0020100', destinations: ['IL'], control: 'REF1', fields: [{ prefix: 'OLN', value: 'D12345678' }] },
  })
})

t.test('the object field shape parses in key order', async (t) => {
  const r = parseJsonMessage({ ...BODY, Fields: { NAM: 'SMITH,JOHN', DOB: '19800101', SEX: 'M' } })
  t.ok(r.ok)
  if (r.ok) t.same(r.message.fields.map((f) => f.prefix), ['NAM', 'DOB', 'SEX'])
})

t.test('a JSON text body is read too', async (t) => {
  t.ok(parseJsonMessage(JSON.stringify(BODY)).ok)
  t.equal(errorOf('{"MessageKeyCodeText":')?.code, '.03', 'malformed JSON is .03')
})

t.test('toJsonMessage mirrors the legacy message', async (t) => {
  const r = parseLegacy('RQ.AZNLETS20.AZ,NM.CTRL000001.TXTLIC/ABC123.LIY/2025.LIT/PC')
  if (!r.ok) throw new Error('sample must parse')
  const json = toJsonMessage(r.message)
  t.same(json, {
    MessageKeyCodeText: 'RQ',
    OriginatingORIID: 'AZNLETS20',
    DestinationORIID: ['AZ', 'NM'],
    DocumentControlFieldText: 'CTRL000001',
    Fields: [{ prefix: 'LIC', value: 'ABC123' }, { prefix: 'LIY', value: '2025' }, { prefix: 'LIT', value: 'PC' }],
  })
  t.ok(schemaOk(json), 'what we write passes the schema')
  t.notOk('DocumentControlFieldText' in toJsonMessage({ ...r.message, control: undefined }), 'no control, no property')
})

t.test('the schema accepts both shapes and rejects extra properties', async (t) => {
  t.ok(schemaOk(BODY))
  t.ok(schemaOk({ ...BODY, Fields: { OLN: 'D123' } }))
  t.notOk(schemaOk({ ...BODY, Priority: 1 }), 'extra header property')
  t.notOk(schemaOk({ ...BODY, Fields: [{ prefix: 'OLN', value: 'D1', note: 'x' }] }), 'extra field property')
  t.notOk(schemaOk({ ...BODY, Fields: { OLN: 1 } }), 'object values must be strings')
  const { Fields: _f, ...noFields } = BODY
  t.notOk(schemaOk(noFields), 'Fields is required')
  t.notOk(schemaOk({ ...BODY, DestinationORIID: 'IL' }), 'destinations are an array')
})

t.test('faults carry ER codes and never throw', async (t) => {
  const { Fields: _f, ...noFields } = BODY
  const cases: Array<[unknown, string, string]> = [
    [null, '0', 'null'],
    [[BODY], '0', 'an array'],
    [42, '0', 'a number'],
    [{ ...BODY, Priority: 1 }, '0', 'extra property'],
    [{ ...BODY, MessageKeyCodeText: 7 }, '.01', 'key not a string'],
    [{ ...BODY, OriginatingORIID: undefined }, '.01', 'no ORI'],
    [{ ...BODY, DestinationORIID: 'IL' }, '.01', 'destinations not an array'],
    [{ ...BODY, DestinationORIID: ['IL', 3] }, '.01', 'a destination not a string'],
    [{ ...BODY, DocumentControlFieldText: 5 }, '.01', 'control not a string'],
    [noFields, '.03', 'no Fields'],
    [{ ...BODY, Fields: 'OLN/D1' }, '0', 'Fields a string'],
    [{ ...BODY, Fields: [{ prefix: 'OLN' }] }, '0', 'field without value'],
    [{ ...BODY, Fields: [{ prefix: 'OLN', value: 'D1', x: 1 }] }, '0', 'field with extra property'],
    [{ ...BODY, Fields: { OLN: 1 } }, '0', 'object field not a string'],
  ]
  for (const [body, code, note] of cases) t.equal(errorOf(body)?.code, code, note)
  t.match(errorOf({ ...BODY, Priority: 1 })?.detail, /Priority/)
})
