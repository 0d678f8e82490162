/**
 * @module test/simulator/states/records
 * Synthetic records: determinism, normalisation, no-hit rates, list sizes,
 * field categories, legacy-safe values, VINs and refused queries.
 */
import t from 'tap'
import { Random } from '../../../simulator/random.js'
import { ALL_STATES, stateCatalog } from '../../../simulator/states/catalog.js'
import { answerQuery, matchPlate, normaliseDob, normaliseName } from '../../../simulator/states/records.js'
import { SimulatedState } from '../../../simulator/states/simulated-state.js'
import { type StateAnswer, type StateKey, type StateQuery, StateQueryError } from '../../../src/hub/ports/endpoint.js'
import { vinCheckDigit } from '../../../simulator/states/vehicles.js'

function query (state: string, key: StateKey, fields: Record<string, string>, image = false): StateQuery {
  return { id: 'T1', key, ori: 'AZNLETS20', state, fields, image }
}
const ask = (q: StateQuery, seed: number | string = 2025, noHit?: Partial<Record<StateKey, number>>): StateAnswer =>
  answerQuery(q, stateCatalog(q.state), noHit === undefined ? { seed } : { seed, noHit })

t.test('same query, same answer, across instances; other seed, other answers', async (t) => {
  const a = new SimulatedState('TX', { seed: 7 })
  const b = new SimulatedState('TX', { seed: 7 })
  const c = new SimulatedState('TX', { seed: 8 })
  const qs = [
    query('TX', 'DQ', { OLN: '12345678' }), query('TX', 'KQ', { NAM: 'DOE,JANE', DOB: '19800101', SEX: 'F' }),
    query('TX', 'DNQ', { NAM: 'DOE,JANE' }), query('TX', 'RQ', { LIC: 'ABC123' }), query('TX', 'RQ', { VIN: '1FTXX' }),
    query('TX', 'RNQ', { NAM: 'DOE,JANE' }),
  ]
  let differ = 0
  for (const q of qs) {
    const x = await a.query(q)
    t.same(await b.query(q), x, `${q.key} same on another instance`)
    t.same(await a.query(q), x, `${q.key} same when asked again`)
    if (JSON.stringify(await c.query(q)) !== JSON.stringify(x)) differ++
  }
  t.ok(differ >= qs.length - 1, 'another seed gives other answers')
})

t.test('identifying fields are normalised; DQ and KQ find the same driver', async (t) => {
  t.equal(normaliseName(' doe , jane  q. '), 'DOE,JANE Q')
  t.equal(normaliseDob('01/02/85'), '19850102')
  t.equal(normaliseDob('010225'), '20250102')
  t.equal(normaliseDob('19850102'), '19850102')
  t.equal(normaliseDob('1985'), '')
  const dq = ask(query('OH', 'DQ', { OLN: 'a1234 5678' }))
  t.same(ask(query('OH', 'DQ', { OLN: 'A12345678' })), dq)
  t.same(ask(query('OH', 'DQ', { NAM: 'doe, jane', DOB: '010285', SEX: 'F' })), ask(query('OH', 'DQ', { NAM: 'DOE,JANE', DOB: '19850102', SEX: 'F' })))
  // Find an OLN that hits, then check KQ returns the same person plus history.
  for (let i = 0; i < 20; i++) {
    const d = ask(query('OH', 'DQ', { OLN: `H${i}` }))
    if (d.status !== 'hit') continue
    const k = ask(query('OH', 'KQ', { OLN: `H${i}` }))
    t.equal(k.replyKey, 'KR')
    t.same(k.records[0]!.filter((f) => f.prefix !== 'HIS'), d.records[0])
    break
  }
})

t.test('no-hit share as configured over 2,000 queries', async (t) => {
  const rate = (key: StateKey, field: string, noHit?: number): number => {
    let n = 0
    for (let i = 0; i < 2000; i++) {
      const q = query('CA', key, { [field]: `Q${i}X` })
      if (ask(q, 2025, noHit === undefined ? undefined : { [key]: noHit }).status === 'nohit') n++
    }
    return n / 2000
  }
  const dq = rate('DQ', 'OLN')
  t.ok(Math.abs(dq - 0.15) < 0.03, `DQ ${dq}`)
  const rq = rate('RQ', 'LIC')
  t.ok(Math.abs(rq - 0.10) < 0.03, `RQ ${rq}`)
  const half = rate('DQ', 'OLN', 0.5)
  t.ok(Math.abs(half - 0.5) < 0.04, `DQ at 0.5: ${half}`)
  t.equal(rate('RQ', 'LIC', 0), 0)
  t.equal(rate('RQ', 'LIC', 1), 1)
})

t.test('list keys: 0-3 records by name, 0-5 by partial plate, plates match', async (t) => {
  const sizes = { DNQ: new Set<number>(), RNQ: new Set<number>(), RPQ: new Set<number>() }
  for (let i = 0; i < 300; i++) {
    sizes.DNQ.add(ask(query('CA', 'DNQ', { NAM: `DOE${i},JOHN` })).records.length)
    sizes.RNQ.add(ask(query('CA', 'RNQ', { NAM: `DOE${i},JOHN` })).records.length)
    const rpq = ask(query('CA', 'RPQ', { LIC: `7A${i}*` }))
    sizes.RPQ.add(rpq.records.length)
    for (const r of rpq.records) t.match(r[0], { prefix: 'LIC', value: new RegExp(`^7A${i}[A-Z0-9]{0,2}$`) })
  }
  t.same([...sizes.DNQ].sort(), [0, 1, 2, 3])
  t.same([...sizes.RNQ].sort(), [0, 1, 2, 3])
  t.same([...sizes.RPQ].sort(), [0, 1, 2, 3, 4, 5])
  const rng = new Random(1)
  for (let i = 0; i < 50; i++) {
    t.match(matchPlate(rng, 'AB?1'), /^AB[A-Z0-9]1$/)
    t.match(matchPlate(rng, 'XY12'), /XY12/)
  }
  const one = ask(query('CA', 'RNQ', { NAM: 'ROE,RICHARD' }), 2025, { RNQ: 0 })
  for (const r of one.records) t.match(r.find((f) => f.prefix === 'OWN'), { value: 'ROE,RICHARD', category: 'owner' })
})

t.test('no-hit texts, reply keys and answering ORIs', async (t) => {
  const none = { DQ: 1, KQ: 1, RQ: 1, DNQ: 1, RNQ: 1, RPQ: 1 }
  t.match(ask(query('IL', 'DQ', { OLN: 'X' }), 1, none), { status: 'nohit', replyKey: 'DR', from: 'ILOLN0000', message: 'NO RECORD FOUND', records: [] })
  t.match(ask(query('IL', 'KQ', { OLN: 'X' }), 1, none), { status: 'nohit', replyKey: 'KR', message: 'NOT ON FILE' })
  t.match(ask(query('IL', 'RQ', { LIC: 'X' }), 1, none), { status: 'nohit', replyKey: 'RR', from: 'ILLIC0000', message: 'NO RECORD FOUND' })
  t.match(ask(query('IL', 'DNQ', { NAM: 'X,Y' }), 1, { DNQ: 0 }), { status: 'hit', replyKey: 'DNR', from: 'ILOLN0000' })
  t.match(ask(query('IL', 'RPQ', { LIC: 'X*' }), 1, { RPQ: 0 }), { status: 'hit', replyKey: 'RPR', from: 'ILLIC0000' })
})

t.test('fields, categories and legacy-safe values (no periods) in every state', async (t) => {
  const drv = ['NAM', 'DOB', 'SEX', 'RAC', 'HGT', 'WGT', 'EYE', 'HAI', 'ADR', 'SOC', 'OLN', 'OLS', 'OLY', 'CLS', 'RST', 'STA']
  const veh = ['LIC', 'LIY', 'LIT', 'VIN', 'VYR', 'VMA', 'VMO', 'VCO', 'OWN', 'ADR']
  const cats: Record<string, string> = {
    DOB: 'dob', RAC: 'description', HGT: 'description', WGT: 'description', EYE: 'description', HAI: 'description',
    SOC: 'ssn', OWN: 'owner', ADR: 'address',
  }
  let bad = 0
  let checked = 0
  for (const c of ALL_STATES) {
    for (let i = 0; i < 10; i++) {
      for (const a of [
        ask(query(c.code, 'DQ', { OLN: `Z${i}.9` }), 3, { DQ: 0 }),
        ask(query(c.code, 'KQ', { NAM: "O'NEIL.,PAT", DOB: '19700101' }), 3, { KQ: 0 }),
        ask(query(c.code, 'RQ', { LIC: `P.${i}/1`, LIY: '2026', LIT: 'pc' }), 3, { RQ: 0 }),
        ask(query(c.code, 'RQ', { VIN: `1HG${i}` }), 3, { RQ: 0 }),
      ]) {
        const rec = a.records[0]!
        const want = a.replyKey === 'RR' ? veh : drv
        t.same(rec.map((f) => f.prefix).filter((p) => p !== 'HIS'), want)
        for (const f of rec) {
          checked++
          if (!/^[A-Z0-9 ,*-]+$/.test(f.value) || f.category !== cats[f.prefix]) bad++
        }
        if (a.replyKey === 'DR') t.match(rec.find((f) => f.prefix === 'SOC')?.value, /^9\d{8}$/)
      }
    }
  }
  t.equal(bad, 0, `${checked} values: letters, digits, space, comma, hyphen, asterisk; categories as documented`)
})

t.test('VINs: 17 characters, valid check digit, year code matches VYR', async (t) => {
  t.equal(vinCheckDigit('1M8GDM9AXKP042788'), 'X', 'the textbook example')
  t.equal(vinCheckDigit('11111111111111111'), '1')
  for (let i = 0; i < 200; i++) {
    const rec = ask(query('MI', 'RQ', { LIC: `V${i}` }), 2025, { RQ: 0 }).records[0]!
    const vin = rec.find((f) => f.prefix === 'VIN')!.value
    t.equal(vin.length, 17)
    t.equal(vin[8], vinCheckDigit(vin), vin)
    t.notMatch(vin, /[IOQ]/)
    const vyr = Number(rec.find((f) => f.prefix === 'VYR')!.value)
    t.equal('123456789ABCDEFGHJKLMNPRSTVWXY'.indexOf(vin[9]!) + 2001, vyr)
  }
})

t.test('refused queries throw StateQueryError', async (t) => {
  t.throws(() => ask(query('IL', 'DQ', {})), StateQueryError)
  t.throws(() => answerQuery(query('IL', 'DQ', { OLN: '1' }), stateCatalog('IN'), { seed: 1 }), /addressed to `IL`/)
  t.throws(() => ask(query('NY', 'DNQ', { NAM: 'DOE,JOHN' })), /does not answer DNQ/)
  t.throws(() => ask(query('IL', 'DQ', { NAM: 'DOE,JOHN' })), /needs DOB/)
  t.throws(() => ask(query('IL', 'DQ', { NAM: 'DOE,JOHN', DOB: '1985' })), /mmddyy or ccyymmdd/)
  t.throws(() => ask(query('IL', 'RQ', { LIT: 'PC' })), /needs LIC\/ or VIN/)
  t.throws(() => ask(query('IL', 'RPQ', {})), /needs LIC/)
  t.throws(() => ask(query('IL', 'RNQ', { NAM: '...' })), /needs NAM/)
})
