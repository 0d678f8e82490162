/**
 * Replay of recorded traffic: the hub's audit decided again under a
 * candidate equals decide() on each recorded request; the live folder itself
 * changes nothing; the CLI's report and its errors.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Io } from '../../../src/cli/io.js'
import { main } from '../../../src/cli/main.js'
import { decidedKey, type QueryKey } from '../../../src/message/keys.js'
import { decide } from '../../../src/policy/evaluate.js'
import { loadPolicySet } from '../../../src/policy/load.js'
import { mergeAuditTally, newAuditTally, replayAudit, tallyAudit } from '../../../simulator/replay/audit-replay.js'
import { splitRanges } from '../../../simulator/replay/audit-workers.js'
import { send, tempAudit, testHub } from '../../hub/helpers.js'
import { copyPolicies } from '../../policy/helpers.js'

const TRAFFIC: Array<[string, string]> = [
  ['TX', 'DQ.TX0020100.IL.TXTOLN/D1234561'], ['TX', 'DQ.TX0020100.IL.TXTOLN/D1234561.IMQ/Y'], ['AX', 'DQ.VTICE0900.IL.TXTOLN/D1'],
  ['AX', 'RQ.VTICE0900.WA.TXTLIC/ABC123.LIY/2025.LIT/PC'], ['TC', 'DQ.NYCBP0100.IL.TXTOLN/D1.IMQ/Y'], ['TC', 'DQ.NYCBP0100.TX.TXTOLN/D1.PUR/C'],
  ['TC', 'KQ.NYCBP0100.MN.TXTOLN/D1.PUR/F'], ['TX', 'RQ.TX0020100.IL,WA,NY.TXTLIC/ABC123.LIY/2025.LIT/PC'], ['TX', 'DQG.TX0020100.E1.TXTNAM/DOE,JANE.DOB/19700101.SEX/F'],
  ['AX', 'DQ.VTICE0900.TX.TXTOLN/D1.PUR/C'], ['TC', 'RPQ.NYCBP0100.NY.TXTLIC/AB*'], ['TX', 'DNQ.TX0020100.IL.TXTNAM/SMITH,JOHN'],
]

function io (): Io & { out: (s: string) => void, stdout: string[], stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { cwd: process.cwd(), stdout, stderr, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
}

t.test('a shape decided again across a rule\'s dates: each line by its own time, in any order', async (t) => {
  const audit = tempAudit()
  const hub = await testHub(t, { auditFile: audit })
  await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1234561')
  await send(hub, 'TX', 'RQ.TX0020100.WA.TXTLIC/ABC123.LIY/2025.LIT/PC')
  await hub.ctx.audit.flush()
  const [dq, rq] = readFileSync(audit, 'utf8').trim().split('\n')
  // IL denies TX's agency from 2026-01-01 until 2026-02-01; WA never changes.
  const dir = copyPolicies(t, 'nsim-audit-replay-dates-')
  const il = join(dir, 'states', 'IL.yaml')
  writeFileSync(il, readFileSync(il, 'utf8').replace(/^rules:\n/m, [
    'rules:', '  - id: il-deny-tx-january', '    effect: deny', '    description: t', '    requesters: { oris: [TX0020100] }',
    '    when: { from: 2026-01-01, until: 2026-02-01 }', '',
  ].join('\n')))
  const cand = await loadPolicySet(dir)
  t.same(cand.diagnostics.filter((d) => d.severity === 'error'), [], 'the candidate loads')
  const at = (iso: string): number => Date.parse(iso)
  // The same two shapes, times going back and forth over both dates (a merged audit of several hubs is not in order).
  const times = ['2025-12-31T23:59:59Z', '2026-01-01T00:00:00Z', '2025-12-15T00:00:00Z', '2026-01-20T00:00:00Z', '2026-02-01T00:00:00Z',
    '2026-01-31T23:59:59.999Z', '2025-06-01T00:00:00Z', '2026-03-01T00:00:00Z', '2026-01-05T00:00:00Z'].map(at)
  const out: string[] = []
  for (const time of times) for (const line of [dq!, rq!]) out.push(line.replace(/"decidedAt":\d+/, `"decidedAt":${time}`))
  writeFileSync(audit, out.join('\n') + '\n')
  const r = await replayAudit([audit], cand.set)
  const inJanuary = times.filter((x) => x >= at('2026-01-01T00:00:00Z') && x < at('2026-02-01T00:00:00Z')).length
  t.equal(inJanuary, 4)
  t.equal(r.decisions, times.length * 2)
  t.same(r.changes.map((c) => [c.state, c.after.rule, c.count]), [['IL', 'il-deny-tx-january', inJanuary]], 'only the January lines change, each counted by its own time')
})

t.test('recorded traffic decided again equals decide() on every recorded request', async (t) => {
  const audit = tempAudit()
  const hub = await testHub(t, { auditFile: audit })
  for (let i = 0; i < 5; i++) for (const [line, text] of TRAFFIC) await send(hub, line, text)
  await send(hub, 'TX', 'DQ.VTICE0900.IL.TXTOLN/D1') // a refusal: skipped
  await hub.ctx.audit.flush()
  const records = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const decisions = records.filter((r) => r.kind === 'decision')

  const live = await loadPolicySet('policies')
  const same = await replayAudit([audit], live.set)
  t.equal(same.decisions, decisions.length)
  t.equal(same.skipped.refusals, 1)
  t.same(same.changes, [], 'the live set decides every recorded query as recorded')

  const dir = copyPolicies(t, 'nsim-audit-replay-')
  const il = join(dir, 'states', 'IL.yaml')
  writeFileSync(il, readFileSync(il, 'utf8').replace('id: il-deny-ice', 'id: il-deny-ice-v2').replace(/^rules:\n/m, [
    'rules:', '  - id: il-deny-cbp', '    effect: deny', '    description: t', '    requesters: { components: [CBP] }', '',
  ].join('\n')))
  const tx = join(dir, 'states', 'TX.yaml')
  writeFileSync(tx, readFileSync(tx, 'utf8').replace(/^rules:.*$/m, [
    'rules:', '  - id: tx-deny-ice-civil', '    effect: deny', '    description: t', '    requesters: { components: [ICE-ERO] }', '    when: { purposes: [C] }',
  ].join('\n')))
  const cand = await loadPolicySet(dir)
  t.same(cand.diagnostics.filter((d) => d.severity === 'error'), [], 'the candidate loads')
  const r = await replayAudit([audit], cand.set)

  // Brute force: each recorded decision against decide() under the candidate.
  const expected = new Map<string, number>()
  for (const rec of decisions) {
    const d = decide({
      ori: rec.ori, state: rec.destination, key: decidedKey(rec.key) as QueryKey, image: rec.imq, time: rec.decidedAt,
      ...(rec.reason ? { reason: rec.reason } : {}), ...(rec.purpose ? { purpose: rec.purpose } : {}),
    }, cand.set)
    const redact = (d.redact ?? []).join(',')
    if (d.effect === rec.effect && d.rule === rec.rule && redact === (rec.redact ?? []).join(',')) continue
    const id = `${rec.destination} ${decidedKey(rec.key)} ${rec.imq} ${rec.purpose} ${rec.effect}/${rec.rule} -> ${d.effect}/${d.rule}`
    expected.set(id, (expected.get(id) ?? 0) + 1)
  }
  const got = new Map(r.changes.map((c) => [`${c.state} ${c.key} ${c.imq} ${c.context.purpose} ${c.before.effect}/${c.before.rule} -> ${c.after.effect}/${c.after.rule}`, c.count]))
  t.same(Object.fromEntries(got), Object.fromEntries(expected), 'every change, and only changes, with its count')
  t.ok(expected.size >= 3, `several kinds of change (${expected.size})`)
  const cbp = r.changes.find((c) => c.after.rule === 'il-deny-cbp' && c.before.effect === 'redact')
  t.match(cbp, { state: 'IL', key: 'DQ', imq: true, access: 'lost', before: { effect: 'redact', redact: ['photo'] }, after: { effect: 'deny', redact: [] }, byComponent: { CBP: 5 } })
  t.match(r.changes.find((c) => c.after.rule === 'il-deny-ice-v2'), { access: 'unchanged' }, 'a renamed rule: rule only')
  t.match(r.changes.find((c) => c.after.rule === 'tx-deny-ice-civil'), { state: 'TX', context: { purpose: 'C' }, access: 'lost', count: 5, oris: ['VTICE0900'] })
  t.equal(r.summary.changed, [...expected.values()].reduce((a, b) => a + b, 0))

  // The same through the CLI, and a line the fast reader cannot take (escaped characters) still read.
  writeFileSync(audit, readFileSync(audit, 'utf8') + JSON.stringify({ ...decisions[0], id: 'with "quotes"' }) + '\n')
  const c = io()
  t.equal(await main(['replay', '--audit', audit, '--policies', dir, '--json', '-'], c), 0, c.stderr.join('\n'))
  const j = JSON.parse(c.stdout.join('\n'))
  t.equal(j.decisions, decisions.length + 1)
  const text = io()
  t.equal(await main(['replay', '--audit', audit, '--policies', dir], text), 0)
  t.match(text.stdout.join('\n'), /would change: \d+ queries \(gain access 0, lose access \d+/)
  t.match(text.stdout.join('\n'), /IL DQ IMQ\/Y: redact\(photo\) by il-redact-photo-immigration -> deny by il-deny-cbp \[lost\] x5/)
  const html = join(dir, 'report.html')
  t.equal(await main(['replay', '--audit', audit, '--policies', dir, '--html', html], io()), 0)
  const page = readFileSync(html, 'utf8')
  t.match(page, /<td>IL<\/td><td>DQ<\/td><td>IMQ\/Y<\/td><td>redact \(photo\) by il-redact-photo-immigration<\/td><td>deny by il-deny-cbp<\/td><td>lost<\/td><td class="n">5<\/td>/)
  t.notMatch(page, /(src|href)="?https?:/, 'no external resource')
  t.ok(j.changes.every((x: { outsideDirectory: unknown }) => typeof x.outsideDirectory === 'boolean'), 'outsideDirectory on every change, as in policy diff')
  t.equal(j.changes.find((x: { after: { rule: string } }) => x.after.rule === 'tx-deny-ice-civil').outsideDirectory, false)

  // Lines that are not audit records: counted, named with file and line, never a query; threads give the same report.
  const lines = readFileSync(audit, 'utf8').split('\n')
  const messy = join(dir, 'messy.ndjson')
  writeFileSync(messy, [...lines.slice(0, 3), 'not json', ...lines.slice(3, 7), '{"kind":"decision","key":"DQ"}', ...lines.slice(7)].join('\n'))
  const one = await replayAudit([messy, audit], cand.set)
  t.equal(one.skipped.malformed, 2)
  t.same(one.malformedLines.map((m) => [m.file, m.line, m.reason]), [[messy, 4, 'not JSON'], [messy, 9, 'a decision without `ori`, `destination`, `effect`, `policyVersion`']])
  t.equal(one.decisions, 2 * (decisions.length + 1), 'the malformed lines are not queries')
  const threads = await replayAudit([messy, audit], cand.set, { workers: 3, policiesDir: dir })
  t.same(threads, one, 'three threads report exactly what one does')
  const shown = io()
  t.equal(await main(['replay', '--audit', messy, '--policies', dir, '--workers', '2'], shown), 0, shown.stderr.join('\n'))
  t.match(shown.stdout.join('\n'), new RegExp(`not an audit record: ${messy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: not JSON`))
  t.equal(await main(['replay', '--audit', messy, '--policies', dir, '--workers', '99'], io()), 2, '--workers beyond 64')

  const bad = io()
  t.equal(await main(['replay', '--audit', audit], bad), 2, '--audit needs --policies')
  t.equal(await main(['replay', '--audit', audit, '--policies', dir, '--scenario', 'nov-2025'], io()), 2)
  writeFileSync(join(dir, 'states', 'WA.yaml'), 'state: WA\nrules: [}\n')
  const broken = io()
  t.equal(await main(['replay', '--audit', audit, '--policies', dir], broken), 1, 'a broken candidate: exit 1')
  t.match(broken.stderr.join('\n'), /WA\.yaml/)
})

t.test('files cut into ranges at line ends: every byte once, each range a line start, the tally the same', async (t) => {
  const audit = tempAudit()
  const hub = await testHub(t, { auditFile: audit })
  for (let i = 0; i < 3; i++) for (const [line, text] of TRAFFIC) await send(hub, line, text)
  await hub.ctx.audit.flush()
  const bytes = readFileSync(audit)
  const ranges = await splitRanges([audit], 7, 300)
  t.ok(ranges.length >= 5, `${ranges.length} ranges`)
  t.equal(ranges[0]!.start, 0)
  t.equal(ranges.at(-1)!.end, bytes.length)
  for (const [i, r] of ranges.entries()) {
    if (i > 0) t.equal(r.start, ranges[i - 1]!.end, 'contiguous')
    if (r.start! > 0) t.equal(bytes[r.start! - 1], 10, 'starts after a newline')
  }
  const live = await loadPolicySet('policies')
  const whole = newAuditTally()
  await tallyAudit([{ file: audit }], live.set, whole)
  const parts = newAuditTally()
  for (const r of ranges) { const one = newAuditTally(); await tallyAudit([r], live.set, one); mergeAuditTally(parts, one) }
  t.same(parts, whole, 'tallied range by range and merged: the same')
})
