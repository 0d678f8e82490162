/**
 * @module test/simulator/states/catalog
 * The per-jurisdiction catalog: keys served, the 41 photo states, ORIs,
 * latency parameters, and that the frozen GAP lists are the documented draws.
 */
import t from 'tap'
import { JURISDICTIONS } from '../../../src/directory/model.js'
import { Random } from '../../../simulator/random.js'
import {
  ALL_STATES, DNQ_STATES, LATENCY, NO_PHOTO_STATES, PHOTO_STATES_BY_SOURCE, NO_RNQ_STATES, NO_RPQ_STATES, PHOTO_PILOT_STATES, TERRITORIES,
  serves, stateCatalog,
} from '../../../simulator/states/catalog.js'

const statesAndDc = JURISDICTIONS.filter((c) => !TERRITORIES.includes(c))

t.test('one entry per jurisdiction, in order', async (t) => {
  t.equal(ALL_STATES.length, 54)
  t.same(ALL_STATES.map((c) => c.code), [...JURISDICTIONS])
  t.equal(stateCatalog('IL').code, 'IL')
  t.equal(stateCatalog('ne').code, 'NB', 'USPS alias')
  t.equal(stateCatalog('GU').code, 'GM')
  t.throws(() => stateCatalog('XX'), RangeError)
  t.ok(Object.isFrozen(stateCatalog('IL')))
})

t.test('exactly 41 photo states: pilots in, territories out', async (t) => {
  const photo = ALL_STATES.filter((c) => c.photos).map((c) => c.code)
  t.equal(photo.length, 41)
  for (const p of PHOTO_PILOT_STATES) t.ok(photo.includes(p), `pilot ${p} shares photos`)
  for (const p of TERRITORIES) t.notOk(photo.includes(p), `territory ${p} does not`)
  t.equal(NO_PHOTO_STATES.length, 10)
})

t.test('keys: DQ, KQ, RQ everywhere; DNQ, RNQ, RPQ by subsets', async (t) => {
  for (const c of ALL_STATES) {
    for (const k of ['DQ', 'KQ', 'RQ'] as const) t.ok(c.keys.includes(k), `${c.code} ${k}`)
  }
  const dnq = ALL_STATES.filter((c) => c.keys.includes('DNQ'))
  t.equal(dnq.length, 30, 'DNQ: 30 participants')
  t.same(dnq.map((c) => c.code), [...DNQ_STATES])
  t.equal(ALL_STATES.filter((c) => c.keys.includes('RNQ')).length, 43)
  t.equal(ALL_STATES.filter((c) => c.keys.includes('RPQ')).length, 37)
  for (const p of TERRITORIES) t.same(stateCatalog(p).keys, ['DQ', 'KQ', 'RQ'])
  t.ok(serves('IL', 'DNQ'))
  t.notOk(serves('NY', 'DNQ'))
  t.notOk(serves('XX', 'DQ'))
})

t.test('answering ORIs and latency parameters', async (t) => {
  for (const c of ALL_STATES) {
    t.equal(c.driverOri, `${c.code}OLN0000`)
    t.equal(c.vehicleOri, `${c.code}LIC0000`)
    t.ok(c.latency.medianMs >= 50 && c.latency.medianMs <= 1200, `${c.code} median ${c.latency.medianMs}`)
    t.equal(c.latency.sigma, LATENCY.sigma)
    t.ok(c.latency.maxMs < 5000, 'below the client default timeout')
  }
  const slow = ALL_STATES.filter((c) => c.latency.medianMs > 400).map((c) => c.code)
  t.same(slow, ['CA', 'NY', 'OH', 'PA', 'VT', 'PR', 'VI', 'GM'])
})

/** The draw README.md and the catalog comments describe. */
function draw (label: string, pool: readonly string[], n: number): string[] {
  const picked = new Random(label).shuffle([...pool]).slice(0, n)
  return pool.filter((c) => picked.includes(c))
}

t.test('the frozen GAP lists are the documented seeded draws', async (t) => {
  const nonPilot = statesAndDc.filter((c) => !PHOTO_PILOT_STATES.includes(c) && !PHOTO_STATES_BY_SOURCE.includes(c))
  t.same(NO_PHOTO_STATES, draw('nlets-sim/states/no-photo', nonPilot, 10))
  t.same(DNQ_STATES, draw('nlets-sim/states/dnq', statesAndDc, 30))
  t.same(NO_RNQ_STATES, draw('nlets-sim/states/no-rnq', statesAndDc, 8))
  t.same(NO_RPQ_STATES, draw('nlets-sim/states/no-rpq', statesAndDc, 14))
  t.same(draw('nlets-sim/states/slow', statesAndDc, 5), ['CA', 'NY', 'OH', 'PA', 'VT'])
})
