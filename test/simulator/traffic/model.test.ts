/**
 * @module test/simulator/traffic/model
 * The traffic model: full-year calibration of the planned counts against the
 * seed, destination volumes (WA's federal traffic), no local stream to its own
 * state, CBP's border weighting, alias draws, determinism, generate.ts = the
 * kernel, and mergeParams' checks.
 */
import t from 'tap'
import { isFederal } from '../../../src/directory/directory.js'
import { Random } from '../../../simulator/random.js'
import { decisionsNeeded, replayDay } from '../../../simulator/replay/kernel.js'
import { prepare } from '../../../simulator/replay/prepare.js'
import { EFFECT_INDEX, tableDecision } from '../../../simulator/replay/tables.js'
import { newTally } from '../../../simulator/replay/tally.js'
import { loadScenario } from '../../../simulator/scenarios/load.js'
import { AliasTable } from '../../../simulator/traffic/alias.js'
import { generateQueries } from '../../../simulator/traffic/generate.js'
import { dailyCount, DESTINATIONS, expectedByDestination, plannedCounts, SENT_KEYS, SLOT_OF_SENT } from '../../../simulator/traffic/model.js'
import { DEFAULT_TRAFFIC, mergeParams, REPORT_COMPONENTS } from '../../../simulator/traffic/params.js'

const p = await prepare(await loadScenario('simulator/scenarios/baseline-oct-2025.yaml'))
const { model } = p
const dir = p.set.directory
const within = (got: number, want: number, tol = 0.02): boolean => Math.abs(got - want) <= tol * want
const D = DESTINATIONS.length

t.test('a full year of planned counts matches the seed within 2%', async (t) => {
  const year = plannedCounts(model, 365)
  t.comment(`planned year: total ${year.total}, ${JSON.stringify(year.byComponent)}`)
  t.equal(year.byComponent['ICE-ERO'], 292_114, 'ICE-ERO exactly the seed figure')
  t.equal(year.byComponent.HSI, 605_116, 'HSI exactly the seed figure')
  t.ok(year.total > 290_000_000, `total ${year.total} is over 290 M`)
  t.ok(within(year.total, DEFAULT_TRAFFIC.totalPerYear), 'total within 2% of totalPerYear')
  t.ok(within(year.total, 290_000_000), 'total within 2% of the seed\'s 290 M')
  t.equal(year.byComponent.CBP, DEFAULT_TRAFFIC.federalPerYear.CBP)
  t.equal(Object.values(year.byComponent).reduce((a, b) => a + b, 0), year.total)
  // Daily counts add up exactly over the year, and a split year equals the whole.
  for (const s of model.streams.slice(0, 12)) {
    let sum = 0
    for (let d = 0; d < 365; d++) sum += dailyCount(s.perYear, d, s.phase)
    t.equal(sum, Math.floor(s.perYear), `${s.name}: 365 daily counts = the year`)
  }
  const a = plannedCounts(model, 100)
  const b = plannedCounts(model, 265, 100)
  t.equal(a.total + b.total, year.total, 'days 0-99 plus days 100-364 = the year')
})

t.test('expected destination volumes', async (t) => {
  const all = expectedByDestination(model, 365)
  const sum = Object.values(all).reduce((x, y) => x + y, 0)
  t.ok(within(sum, plannedCounts(model, 365).total, 1e-6), 'expected volumes add up to the plan')
  for (const d of DESTINATIONS) t.ok(all[d]! > 0, `${d} receives queries`)
  const federal = Array.from({ length: D }, () => 0)
  const cbp = Array.from({ length: D }, () => 0)
  for (const s of model.streams) {
    if (s.origin !== '') continue
    s.destTable.probabilities().forEach((x, j) => { federal[j]! += x * s.perYear; if (s.name.startsWith('CBP:')) cbp[j]! += x * s.perYear })
  }
  const wa = DESTINATIONS.indexOf('WA')
  t.comment(`WA a year: ${Math.round(federal[wa]!)} federal (${Math.round(cbp[wa]!)} CBP), ${Math.round(all.WA!)} in all; calibration: ~2.9 M federal`)
  // CALIBRATION.md 4: 2,671,776 federal queries of WA data Jan-Nov 2025 (~2.9 M/yr).
  t.ok(federal[wa]! > 2_000_000 && federal[wa]! < 3_500_000, 'WA federal traffic within 2-3.5 M a year')
  t.ok(cbp[wa]! / federal[wa]! > 0.8, 'mostly CBP (8 of 9 documented cases)')
  // CBP goes to the border and port states rather than by population.
  const idx = (s: string): number => DESTINATIONS.indexOf(s)
  for (const border of ['WA', 'TX', 'MI', 'AZ']) t.ok(cbp[idx(border)]! > cbp[idx('OH')]!, `CBP: ${border} > OH`)
  t.ok(cbp[idx('WA')]! > cbp[idx('PA')]!, 'CBP: WA > PA')
  t.ok(cbp[idx('VT')]! > cbp[idx('TN')]!, 'CBP: VT > TN (a tenth of its population)')
})

t.test('no local stream sends to its own state', async (t) => {
  let local = 0
  for (const s of model.streams) {
    if (s.origin === '') continue
    local++
    t.equal(s.destTable.probabilities()[DESTINATIONS.indexOf(s.origin)], 0, `${s.name} never to ${s.origin}`)
    for (const a of s.agencies) if (dir.agencies[a]!.line !== s.origin || isFederal(dir.agencies[a]!)) t.fail(`${s.name}: agency ${dir.agencies[a]!.ori} is not a local agency of ${s.origin}`)
  }
  t.ok(local >= 50, `${local} local streams`)
  let n = 0
  for (const q of generateQueries(model, dir, { seed: p.seed, start: p.start, days: 1 })) {
    if (!isFederal(dir.agencies[q.agency]!) && q.state === q.line) { t.fail(`${q.ori} queried its own state ${q.state}`); break }
    n++
  }
  t.equal(n, plannedCounts(model, 1).total, 'a day generates the planned count')
})

t.test('alias table draws match the probabilities', async (t) => {
  const w = [5, 1, 0, 12.5, 3, 0.5, 7, 0, 2, 9]
  const table = new AliasTable(w)
  const sum = w.reduce((a, b) => a + b, 0)
  const p = table.probabilities()
  w.forEach((x, i) => t.ok(Math.abs(p[i]! - x / sum) < 1e-12, `probability of ${i}`))
  const rng = new Random('alias-test')
  const N = 200_000
  const counts = Array.from({ length: w.length }, () => 0)
  for (let i = 0; i < N; i++) counts[table.draw(rng)]!++
  let chi2 = 0
  let df = -1
  w.forEach((x, i) => {
    if (x === 0) { t.equal(counts[i], 0, `outcome ${i} of weight 0 never drawn`); return }
    const e = (N * x) / sum
    chi2 += (counts[i]! - e) ** 2 / e
    df++
  })
  t.equal(df, 7)
  t.ok(chi2 < 24.32, `chi-square ${chi2.toFixed(2)} with 7 degrees of freedom below the 0.1% critical value 24.32`)
  t.throws(() => new AliasTable([]), RangeError)
  t.throws(() => new AliasTable([0, 0]), RangeError)
  t.throws(() => new AliasTable([1, -1]), RangeError)
})

t.test('deterministic: same seed same queries, other seed other queries', async (t) => {
  const first = (seed: string): string[] => {
    const out: string[] = []
    for (const q of generateQueries(model, dir, { seed, start: p.start, days: 1 })) {
      out.push(`${q.ori} ${q.state} ${q.sentKey} ${q.time} ${q.salt}`)
      if (out.length === 10_000) break
    }
    return out
  }
  const a = first('2025')
  t.equal(a.length, 10_000)
  t.same(first('2025'), a, 'same seed, same 10,000 queries')
  const b = first('2026')
  const same = a.filter((x, i) => x === b[i]).length
  t.ok(same < 1_000, `other seed: only ${same} of 10,000 equal by chance`)
})

t.test('generate.ts yields exactly the kernel\'s queries', async (t) => {
  const nov = await prepare(await loadScenario('simulator/scenarios/nov-2025.yaml'))
  const pa = await prepare(await loadScenario('simulator/scenarios/purpose-aware.yaml'))
  const C = REPORT_COMPONENTS.length
  for (const [name, ctx] of [['baseline', p], ['nov-2025 (WA rule from day 0)', nov], ['purpose-aware (PUR/C rules)', pa]] as const) {
    const tally = newTally(ctx.set.directory.size, decisionsNeeded(ctx.tables))
    const n = replayDay(ctx, 0, tally)
    const kernel = new Float64Array(D * 3)
    for (let d = 0; d < D; d++) {
      for (let di = 0; di < tally.decisions; di++) {
        for (let c = 0; c < C; c++) kernel[d * 3 + ctx.tables[d]!.effect[di]!]! += tally.byDestDecisionComp[(d * tally.decisions + di) * C + c] ?? 0
      }
    }
    const gen = new Float64Array(D * 3)
    const keyEff = new Float64Array(SENT_KEYS.length * 3)
    const hours = new Float64Array(24)
    let m = 0
    for (const q of generateQueries(ctx.model, ctx.set.directory, { seed: ctx.seed, start: ctx.start, days: 1 })) {
      const d = DESTINATIONS.indexOf(q.state)
      const k = SENT_KEYS.indexOf(q.sentKey)
      const e = EFFECT_INDEX[tableDecision(ctx.tables[d]!, ctx.set, q.agency, SLOT_OF_SENT[k]!, q.time, q.reason, q.purpose).effect]!
      gen[d * 3 + e]!++
      keyEff[k * 3 + e]!++
      hours[Math.floor((q.time - ctx.start) / 3_600_000)]!++
      m++
    }
    t.equal(m, n, `${name}: same number of queries (${n})`)
    t.same(Array.from(gen), Array.from(kernel), `${name}: destination x effect counts equal`)
    t.same(Array.from(keyEff), Array.from(tally.byKeyEffect), `${name}: key x effect counts equal`)
    t.same(Array.from(hours), Array.from(tally.byHour), `${name}: hour counts equal`)
    t.ok(kernel.some((x, i) => i % 3 === 1 && x > 0), `${name}: some queries denied`)
  }
})

t.test('mergeParams checks names and values, naming the field', async (t) => {
  const m = mergeParams(DEFAULT_TRAFFIC, { totalPerYear: 1000, federalPerYear: { CBP: 5 } }, 'traffic')
  t.equal(m.totalPerYear, 1000)
  t.equal(m.federalPerYear.CBP, 5)
  t.equal(m.federalPerYear['ICE-ERO'], 292_114, 'mappings merge onto the defaults')
  t.equal(DEFAULT_TRAFFIC.federalPerYear.CBP, 12_000_000, 'the defaults are untouched')
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { totalPerYr: 1 }, 'traffic'), /traffic: unknown traffic parameter `totalPerYr`/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { totalPerYear: -5 }, 'traffic'), /`totalPerYear` must be a non-negative number/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { adjacencyBoost: 'high' }, 'traffic'), /`adjacencyBoost` must be a non-negative number/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { hourCurve: [1, 2, 3] }, 'traffic'), /`hourCurve` must be 24 non-negative numbers/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { federalPerYear: { CBP: 'lots' } }, 'traffic'), /`federalPerYear\.CBP` must be a non-negative number/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { cbpBorderWeight: [1, 2] }, 'traffic'), /`cbpBorderWeight` must be a mapping/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { localKeyMix: { RQ: Number.NaN } }, 'traffic'), /`localKeyMix\.RQ`/)
  const pur = mergeParams(DEFAULT_TRAFFIC, { purposeShares: { HSI: { C: 0.9 }, PD: { C: 0.01 } }, reasonShares: { 'ICE-ERO': { I: 0.5 } } }, 'traffic')
  t.same(pur.purposeShares.HSI, { C: 0.9 }, 'a requester\'s shares replace the default ones')
  t.same(pur.purposeShares.FBI, DEFAULT_TRAFFIC.purposeShares.FBI, 'other requesters keep theirs')
  t.same(pur.reasonShares['ICE-ERO'], { I: 0.5 })
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { purposeShares: { ICE: { C: 0.1 } } }, 'traffic'), /`purposeShares\.ICE` is not a federal component or an agency type/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { purposeShares: { HSI: { Q: 0.1 } } }, 'traffic'), /`purposeShares\.HSI\.Q` is not a PUR\/ code/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { reasonShares: { HSI: { N: 0.7, F: 0.5 } } }, 'traffic'), /add up to 1\.2, more than 1/)
  t.throws(() => mergeParams(DEFAULT_TRAFFIC, { purposeShares: { HSI: 0.5 } }, 'traffic'), /`purposeShares\.HSI` must be a mapping of codes to shares/)
})

t.test('RSN/ and PUR/: local agencies send none; federal shares as in the parameters', async (t) => {
  const counts = new Map<string, { n: number, C: number, reason: number }>()
  for (const q of generateQueries(p.model, p.set.directory, { seed: p.seed, start: p.start, days: 2 })) {
    const comp = p.set.directory.agencies[q.agency]!.component || 'local'
    const c = counts.get(comp) ?? { n: 0, C: 0, reason: 0 }
    c.n++
    if (q.purpose === 'C') c.C++
    if (q.reason !== undefined) c.reason++
    counts.set(comp, c)
  }
  const local = counts.get('local')!
  t.same([local.C, local.reason], [0, 0], `local: no PUR/, no RSN/ in ${local.n} queries`)
  const hsi = counts.get('HSI')!
  t.ok(Math.abs(hsi.C / hsi.n - 0.5) < 0.1, `HSI sends PUR/C on about half its queries (${hsi.C} of ${hsi.n})`)
  t.equal([...counts.values()].reduce((a, c) => a + c.reason, 0), 0, 'nobody sends RSN/ by default')
})
