/**
 * @module test/simulator/replay/report-text
 * The terminal report: header, totals, components, denying states with who and
 * which rules, key table, and the calibration checks (ok and off).
 */
import t from 'tap'
import { runReplay } from '../../../simulator/replay/run.js'
import { calibrationChecks, formatReportText, int, pct } from '../../../simulator/replay/report-text.js'

const r = await runReplay('simulator/scenarios/nov-2025.yaml', { days: 1, workers: 0 })
const text = formatReportText(r)

t.test('formatting helpers', async (t) => {
  t.equal(int(0), '0')
  t.equal(int(605116), '605,116')
  t.equal(int(290499973), '290,499,973')
  t.equal(pct(1, 4), '25.00%')
  t.equal(pct(1, 1_000_000), '<0.01%')
  t.equal(pct(0, 10), '0.00%')
  t.equal(pct(1, 0), '-')
})

t.test('header and totals', async (t) => {
  t.match(text, /^Nlets year replay: nov-2025\n/)
  t.match(text, /Washington blocking ICE/, 'the description')
  t.match(text, /period {10}2025-11-19 to 2025-11-19 \(1 day\), seed 2025/)
  t.match(text, new RegExp(`policy version  ${r.policyVersion}`))
  t.match(text, /run {13}\d+\.\d s, [\d,]+ queries\/s/)
  t.match(text, new RegExp(`queries +${int(r.total)} +100%`))
  t.match(text, new RegExp(`allowed +${int(r.allowed)} +${pct(r.allowed, r.total)}`))
  t.match(text, new RegExp(`denied +${int(r.denied)} +${pct(r.denied, r.total)}`))
  t.match(text, new RegExp(`redacted +${int(r.redacted)} +${pct(r.redacted, r.total).replace('<', '\\<')}`))
})

t.test('components, states, rules, top agencies and keys', async (t) => {
  for (const [c, n] of Object.entries(r.byComponent)) t.match(text, new RegExp(`\\n  ${c} +${int(n.queries)} +${int(n.denied)} +${int(n.redacted)} +${pct(n.denied, n.queries)}\\n`), c)
  for (const s of ['NY', 'IL', 'WA', 'MA', 'MN']) {
    const x = r.byState[s]!
    t.match(text, new RegExp(`\\n  ${s} +${int(x.queries)} +${int(x.denied)} +${int(x.redacted)} +${pct(x.denied, x.queries)}\\n`), `${s} in the state table`)
    const ice = x.byComponent['ICE-ERO']!.denied
    const hsi = x.byComponent.HSI!.denied
    t.match(text, new RegExp(`\\n  ${s}  denied: ICE-ERO ${int(ice)}, HSI ${int(hsi)}`), `${s}: by whom`)
    t.match(text, new RegExp(`rules: ${s.toLowerCase()}-deny-(ice|immigration) ${int(x.byRule[Object.keys(x.byRule).find((k) => k !== '(default)')!]!)}`), `${s}: deciding rule`)
    t.match(text, new RegExp(`\\n  ${s} +${x.topAgencies[0]!.ori} `), `${s}: top requester`)
  }
  t.match(text, /IL {2}denied: ICE-ERO [\d,]+, HSI [\d,]+; {2}redacted: CBP [\d,]+/)
  t.notMatch(text, /\n {2}TX +[\d,]+ +0 +0/, 'states that deny nothing are not in the state table')
  for (const [k, n] of Object.entries(r.byKey)) t.match(text, new RegExp(`\\n  ${k.replace('+', '\\+')} +${int(n.queries)} +${int(n.allowed)} +${int(n.denied)}`), k)
})

t.test('checks against the plan and the seed', async (t) => {
  t.match(text, /total vs planned +([\d,]+) +\1 +\+0\.00% +ok/)
  t.match(text, /ICE-ERO vs seed 292,114\/yr +800 +800 +[-+]0\.\d\d% +ok/)
  t.match(text, /HSI vs seed 605,116\/yr +1,657 +1,658 +-0\.\d\d% +ok/)
  t.match(text, /total vs seed >290 M\/yr +[\d,]+ +794,521 +\+0\.\d\d% +ok/)
  t.match(text, /All checks within 2%\./)
  const checks = calibrationChecks(r)
  t.ok(checks.every((c) => c.ok))
  t.equal(checks.length, 1 + 6 + 3)
  const off = calibrationChecks({ ...r, total: Math.round(r.total * 0.9) })
  t.notOk(off[0]!.ok, 'a total 10% short is off the plan')
  t.notOk(off.at(-1)!.ok, 'and under the seed\'s 290 M')
  const low = formatReportText({ ...r, byComponent: { ...r.byComponent, HSI: { ...r.byComponent.HSI!, queries: 1000 } } })
  t.match(low, /HSI vs seed 605,116\/yr +1,000 +1,658 +-39\.\d\d% +OFF/)
  t.match(low, /SOME CHECKS NOT within 2%/)
})

t.test('a scenario where nobody is denied', async (t) => {
  const none = { ...r, denied: 0, redacted: 0, byState: Object.fromEntries(Object.entries(r.byState).map(([s, x]) => [s, { ...x, denied: 0, redacted: 0 }])) }
  t.match(formatReportText(none), /States that deny or redact\n {2}none: every query was allowed/)
})
