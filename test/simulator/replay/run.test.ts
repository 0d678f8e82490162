/**
 * @module test/simulator/replay/run
 * `runReplay`: worker threads give exactly the in-thread result, the report's
 * shape and sums, and what each shipped scenario's policies do to the traffic.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t, { type Test } from 'tap'
import { formatReportText } from '../../../simulator/replay/report-text.js'
import { runReplay } from '../../../simulator/replay/run.js'
import type { ReplayReport } from '../../../simulator/replay/report.js'
import { DESTINATIONS } from '../../../simulator/traffic/model.js'
import { REPORT_COMPONENTS } from '../../../simulator/traffic/params.js'

const file = (name: string): string => `simulator/scenarios/${name}.yaml`

function sums (t: Test, r: ReplayReport): void {
  t.equal(r.total, r.planned.total, 'total = planned total')
  t.equal(r.allowed + r.denied + r.redacted, r.total, 'allowed + denied + redacted = total')
  for (const c of REPORT_COMPONENTS) t.equal(r.byComponent[c]!.queries, r.planned.byComponent[c], `${c}: replayed = planned`)
  t.equal(Object.values(r.byState).reduce((n, s) => n + s.queries, 0), r.total, 'states add up to the total')
  t.equal(Object.values(r.byKey).reduce((n, k) => n + k.queries, 0), r.total, 'keys add up to the total')
  t.equal(r.byHour.reduce((a, b) => a + b, 0), r.total, 'hours add up to the total')
  for (const [s, x] of Object.entries(r.byState)) {
    if (x.allowed + x.denied + x.redacted !== x.queries) t.fail(`${s}: effects do not add up`)
    if (Object.values(x.byRule).reduce((a, b) => a + b, 0) !== x.queries) t.fail(`${s}: rules do not add up`)
  }
}

t.test('2 worker threads give exactly the in-thread result', async (t) => {
  const threads = await runReplay(file('baseline-oct-2025'), { days: 2, workers: 2 })
  const progress: number[] = []
  const inThread = await runReplay(file('baseline-oct-2025'), { days: 2, workers: 0, onProgress: (done, days, q) => { progress.push(done, days, q) } })
  for (const k of ['total', 'allowed', 'denied', 'redacted', 'byComponent', 'byState', 'byKey', 'byHour', 'planned', 'policyVersion'] as const) {
    t.same(threads[k], inThread[k], `${k} equal`)
  }
  t.equal(threads.workers, 2)
  t.equal(inThread.workers, 1)
  t.same(progress.slice(0, 2), [1, 2], 'progress after day 1 of 2')
  t.same(progress.slice(3, 6), [2, 2, inThread.total], 'progress after day 2 with every query')

  t.match(threads, {
    scenario: 'baseline-oct-2025', description: String, start: '2024-10-01', days: 2, seed: '2025',
    total: Number, allowed: Number, denied: Number, redacted: Number,
    byComponent: Object, byState: Object, byKey: Object, byHour: Array, planned: { total: Number, byComponent: Object },
    policyVersion: /^[0-9a-f]{12}$/, seconds: Number, queriesPerSecond: Number,
  })
  t.same(Object.keys(threads.byComponent), [...REPORT_COMPONENTS])
  t.same(Object.keys(threads.byState).sort(), [...DESTINATIONS].sort())
  t.same(Object.keys(threads.byKey), ['DQ', 'DQ+IMQ', 'DNQ', 'DQG', 'KQ', 'RQ', 'RQG', 'RNQ', 'RPQ'])
  t.equal(threads.byHour.length, 24)
  for (const c of REPORT_COMPONENTS) t.match(threads.byComponent[c], { queries: Number, denied: Number, redacted: Number })
  t.match(threads.byState.IL, { queries: Number, allowed: Number, denied: Number, redacted: Number, byComponent: { CBP: { queries: Number, denied: Number, redacted: Number } }, byRule: Object, topAgencies: Array })
  t.ok(threads.total > 1_500_000 && threads.total < 1_700_000, `${threads.total} queries in 2 days (~290 M a year)`)
  sums(t, threads)
  t.ok(JSON.parse(JSON.stringify(threads)), 'plain JSON')
})

t.test('baseline-oct-2025: WA denies nobody yet; IL, MA, MN, NY deny ICE; IL redacts CBP photos', async (t) => {
  const r = await runReplay(file('baseline-oct-2025'), { days: 2, workers: 0 })
  sums(t, r)
  t.equal(r.byState.WA!.denied, 0, 'WA\'s rule starts 2025-11-19')
  t.ok(r.byState.WA!.byComponent['ICE-ERO']!.queries > 0, 'ICE queries WA')
  for (const s of ['IL', 'MA', 'MN', 'NY']) {
    const x = r.byState[s]!
    t.equal(x.byComponent['ICE-ERO']!.denied, x.byComponent['ICE-ERO']!.queries, `${s} denies every ICE-ERO query`)
    t.equal(x.byComponent.HSI!.denied, x.byComponent.HSI!.queries, `${s} denies every HSI query`)
    t.equal(x.byComponent.FBI!.denied, 0, `${s} does not deny the FBI`)
  }
  t.equal(r.byState.NY!.byComponent.CBP!.denied, r.byState.NY!.byComponent.CBP!.queries, 'NY denies CBP')
  const il = r.byState.IL!.byComponent.CBP!
  t.ok(il.redacted > 0 && il.redacted < il.queries, `IL redacts ${il.redacted} of ${il.queries} CBP queries (the photo ones)`)
  t.equal(il.denied, 0, 'IL does not deny CBP')
  t.equal(r.byState.IL!.byRule['il-redact-photo-immigration'], r.byState.IL!.redacted, 'the photo rule decides every redaction')
  t.equal(r.byComponent['out-of-state local/state']!.denied, 0, 'no local agency is denied')
  t.equal(r.byKey.DQG!.denied + r.byKey.RQG!.denied, 0, 'regional keys come only from local agencies')
})

t.test('nov-2025: WA denies ICE-ERO and HSI, not CBP', async (t) => {
  const r = await runReplay(file('nov-2025'), { days: 2, workers: 0 })
  sums(t, r)
  t.equal(r.start, '2025-11-19')
  const wa = r.byState.WA!
  for (const c of ['ICE-ERO', 'HSI']) {
    t.ok(wa.byComponent[c]!.queries > 0, `${c} queries WA`)
    t.equal(wa.byComponent[c]!.denied, wa.byComponent[c]!.queries, `WA denies every ${c} query`)
  }
  t.ok(wa.byComponent.CBP!.queries > 10_000, 'CBP queries WA heavily (border state)')
  t.equal(wa.byComponent.CBP!.denied, 0, 'CBP keeps access to WA')
  t.equal(wa.byRule['wa-deny-ice'], wa.denied)
})

t.test('all-states-block-immigration denies every immigration query', async (t) => {
  const r = await runReplay(file('all-states-block-immigration'), { days: 1, workers: 0 })
  sums(t, r)
  for (const c of ['ICE-ERO', 'HSI', 'CBP']) t.equal(r.byComponent[c]!.denied, r.byComponent[c]!.queries, `every ${c} query denied`)
  t.equal(r.redacted, 0, 'nothing left to redact')
  t.equal(r.byComponent.FBI!.denied, 0)
  t.equal(r.denied, r.byComponent['ICE-ERO']!.queries + r.byComponent.HSI!.queries + r.byComponent.CBP!.queries)
})

t.test('letters-19 denies ICE and HSI in more states than the baseline', async (t) => {
  const r = await runReplay(file('letters-19'), { days: 1, workers: 0 })
  sums(t, r)
  const denying = Object.keys(r.byState).filter((s) => r.byState[s]!.byComponent['ICE-ERO']!.denied > 0 || r.byState[s]!.byComponent.HSI!.denied > 0)
  t.ok(denying.length >= 21, `${denying.length} states deny ICE or HSI (19 letters + IL, MA, MN, NY)`)
  t.equal(r.byState.CA!.byComponent.CBP!.denied, 0, 'CBP is not in the letters')
})

t.test('purpose-aware: HSI criminal-purpose queries pass, the rest of ICE is denied', async (t) => {
  const r = await runReplay(file('purpose-aware'), { days: 3, workers: 0 })
  sums(t, r)
  const allowedByPurpose = Object.values(r.byState).reduce((n, s) => n + (s.byRule['purpose-allow-hsi-criminal'] ?? 0), 0)
  const deniedHsi = ['CA', 'AZ', 'NJ'].reduce((n, s) => n + r.byState[s]!.byComponent.HSI!.denied, 0)
  t.ok(allowedByPurpose > 0, `${allowedByPurpose} HSI queries with PUR/C decided by the purpose rule`)
  t.ok(deniedHsi > 0, `${deniedHsi} HSI queries without PUR/C denied in CA, AZ, NJ`)
  t.equal(r.byState.CA!.byComponent['ICE-ERO']!.denied, r.byState.CA!.byComponent['ICE-ERO']!.queries, 'every ICE-ERO query to CA denied')
  t.same(r.idleRules.filter((w) => w.rule.startsWith('purpose-') && w.state === 'CA'), [], 'both scenario rules decided queries in CA')
})

t.test('the report warns about rules that decided nothing, and says why when known', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-idle-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const scenario = join(dir, 'idle.yaml')
  const rule = (id: string, extra: string): string => `  - states: [TX]\n    rule:\n      id: ${id}\n      effect: deny\n      description: d\n${extra}`
  await writeFile(scenario, [`name: idle\npolicies: ${resolve('policies')}\nstart: 2024-10-01\ndays: 1\nseed: 1\nadd:`,
    rule('never-sent', '      requesters: { components: [ICE-ERO] }\n      when: { purposes: [E] }\n'),
    rule('no-reason', '      requesters: { components: [HSI] }\n      when: { reasons: [N] }\n'),
    rule('over', '      requesters: { components: [CBP] }\n      when: { until: 2020-01-01 }\n'),
    rule('kq-photo', '      requesters: { components: [CBP] }\n      keys: [KQ]\n      when: { from: 2020-01-01 }\n'),
    rule('nobody', '      requesters: { oris: [ZZZZZ0001] }\n'),
    rule('not-from-them', '      requesters: { types: [PD] }\n      when: { purposes: [C] }\n')].join('\n'))
  const r = await runReplay(scenario, { workers: 0 })
  const why = Object.fromEntries(r.idleRules.map((w) => [w.rule, w.message]))
  t.match(why['never-sent'], /its condition PUR\/E is never sent by the model/)
  t.match(why['no-reason'], /its condition RSN\/N is never sent by the model \(reasonShares/)
  t.match(why.over, /not in effect in the replayed span \(until 2020-01-01\)/)
  t.match(why.nobody, /match no agency the model sends traffic from/)
  t.match(why['not-from-them'], /PUR\/C is never sent by the agencies it names/)
  t.notOk('kq-photo' in why, 'a rule that decided queries is not listed')
  t.match(formatReportText(r), /Warning: \d+ rules decided no query in the replayed span\n {2}TX /)
})
