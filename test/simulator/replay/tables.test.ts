/**
 * @module test/simulator/replay/tables
 * The replay's table decision equals the engine's `decide()` on a large sample
 * of generated queries, for every shipped scenario, on days around the WA rule's
 * start (2025-11-19) where the date-conditional slots change their answer.
 */
import { readdirSync } from 'node:fs'
import t from 'tap'
import { isFederal } from '../../../src/directory/directory.js'
import { SLOTS } from '../../../src/policy/compile.js'
import { decide } from '../../../src/policy/evaluate.js'
import { prepare } from '../../../simulator/replay/prepare.js'
import { tableDecision } from '../../../simulator/replay/tables.js'
import { loadScenario } from '../../../simulator/scenarios/load.js'
import { generateQueries, toRequest } from '../../../simulator/traffic/generate.js'
import { DESTINATIONS, SENT_KEYS, SLOT_OF_SENT } from '../../../simulator/traffic/model.js'

const DAY = 86_400_000
const WA_FROM = Date.parse('2025-11-19T00:00:00Z')
/** Every federal query of a day, and one local query in LOCAL_STRIDE. */
const LOCAL_STRIDE = 20

const scenarios = readdirSync('simulator/scenarios').filter((f) => f.endsWith('.yaml')).sort()

t.test('five shipped scenarios', async (t) => { t.equal(scenarios.length, 5, scenarios.join(', ')) })

for (const file of scenarios) {
  t.test(`table decisions = decide() in ${file}`, async (t) => {
    const p = await prepare(await loadScenario(`simulator/scenarios/${file}`))
    const dir = p.set.directory
    const x = Math.round((WA_FROM - p.start) / DAY)
    const days = [...new Set([0, x - 1, x, x + 1, x + 2].filter((d) => d >= 0))].sort((a, b) => a - b)
    let checked = 0
    let conditional = 0
    let mismatches = 0
    let first = ''
    const waIce = { before: { n: 0, denied: 0 }, after: { n: 0, denied: 0 } }
    for (const day of days) {
      let i = 0
      for (const q of generateQueries(p.model, dir, { seed: p.seed, start: p.start, fromDay: day, days: 1 })) {
        const a = dir.agencies[q.agency]!
        if (!isFederal(a) && i++ % LOCAL_STRIDE !== 0) continue
        const slot = SLOT_OF_SENT[SENT_KEYS.indexOf(q.sentKey)]!
        const tb = p.tables[DESTINATIONS.indexOf(q.state)]!
        if (tb.code[(tb.dirClass === null ? 0 : tb.dirClass[q.agency]!) * SLOTS + slot]! < 0) conditional++
        const got = tableDecision(tb, p.set, q.agency, slot, q.time, q.reason, q.purpose)
        const want = decide(toRequest(q), p.set)
        checked++
        if (got.effect !== want.effect || got.rule !== want.rule || String(got.redact) !== String(want.redact)) {
          if (mismatches++ === 0) first = `${q.ori} -> ${q.state} ${q.sentKey} at ${new Date(q.time).toISOString()}: table ${got.effect}/${got.rule}, decide ${want.effect}/${want.rule}`
        }
        if (q.state === 'WA' && a.component === 'ICE-ERO') {
          const w = q.time < WA_FROM ? waIce.before : waIce.after
          w.n++
          if (want.effect === 'deny') w.denied++
        }
      }
    }
    t.equal(mismatches, 0, first || `${checked} decisions agree`)
    t.ok(checked >= 200_000, `${checked} queries checked on days ${days.join(', ')}`)
    // In all-states-block-immigration an unconditional deny comes first, so no slot stays conditional.
    if (file.startsWith('all-states')) t.equal(conditional, 0, 'no date-conditional slot left')
    else t.ok(conditional > 0, `${conditional} of them on date-conditional slots (decided at run time)`)
    // The sample straddles the WA rule's start: before it ICE reads WA, from it on it is denied.
    if (waIce.before.n > 0) t.equal(waIce.before.denied, file.startsWith('all-states') ? waIce.before.n : 0, `ICE-ERO -> WA before 2025-11-19: ${waIce.before.denied} of ${waIce.before.n} denied`)
    t.ok(waIce.after.n > 0, 'ICE-ERO queries WA from 2025-11-19 on')
    t.equal(waIce.after.denied, waIce.after.n, `ICE-ERO -> WA from 2025-11-19: all ${waIce.after.n} denied`)
  })
}
