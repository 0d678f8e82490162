/**
 * @module test/simulator/replay/audit-lines
 * The byte-level audit reader against JSON.parse on every line: generated
 * files of decision records in the hub's own shape and in other shapes
 * (escaped and unicode strings, other field order, no decidedAt, a float
 * latency, a shadow decision), other record kinds, blank and malformed lines,
 * LF or CRLF, with or without a final newline, read in chunks small enough
 * that lines cross chunk ends and outgrow the buffer.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import t from 'tap'
import { AuditLineReader } from '../../../simulator/replay/audit-lines.js'

type Event = ['decision', string, string, string, boolean, string | null, string | null, string, string, string | null, string, number] | ['other', string] | ['malformed', number]

const code = fc.constantFrom('C', 'F', 'S', 'X')
const text = fc.oneof(fc.constantFrom('il-deny-ice', 'tx-redact-photo', 'a "quoted" rule', 'back\\slash', 'ünïcode rule', 'tab\there'), fc.string({ maxLength: 12 }))
const decision = fc.record({
  time: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }).map((n) => new Date(n).toISOString()),
  id: fc.oneof(fc.constantFrom('mx70l5p3-1', 'mx71bip1-hub-1-7'), fc.string({ maxLength: 10 })),
  key: fc.constantFrom('DQ', 'DNQ', 'KQ', 'RQ', 'RNQ', 'RPQ', 'DQG', 'RQG', 'XQ'),
  ori: fc.constantFrom('TX0020100', 'VTICE0900', 'AZCBP0100', 'ZZ9999999', 'IL"ODD"01'),
  line: fc.constantFrom('TX', 'AX', 'TC'),
  destination: fc.constantFrom('IL', 'TX', 'WA', 'NY'),
  effect: fc.constantFrom('allow', 'deny', 'redact'),
  rule: fc.option(text, { nil: null }),
  policyVersion: fc.constantFrom('152ce92417c1', 'ea4e07245606'),
  replyKey: fc.constantFrom('DR', 'RR', 'KR'),
  status: fc.constantFrom('hit', 'nohit', 'denied'),
  latencyMs: fc.oneof(fc.nat({ max: 5000 }), fc.double({ min: 0, max: 100, noNaN: true })),
  imq: fc.boolean(),
  reason: fc.option(code, { nil: null }),
  purpose: fc.option(code, { nil: null }),
  decidedAt: fc.option(fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }), { nil: undefined }),
  redact: fc.option(fc.subarray(['photo', 'address', 'ssn']), { nil: undefined }),
  shadow: fc.option(fc.record({ effect: fc.constantFrom('allow', 'deny'), rule: fc.option(text, { nil: null }), policyVersion: fc.constant('ea4e07245606') }), { nil: undefined }),
})
const otherKind = fc.record({ time: fc.constant('2026-12-03T03:47:57.776Z'), kind: fc.constantFrom('delivery', 'refusal'), id: fc.string({ maxLength: 6 }) })
const garbage = fc.oneof(
  fc.constantFrom('not json at all', '{"level":30,"time":"2026-12-03T03:47:57.776Z","kind":"decision","id":"x"', '[1,2,3]', '"a string"', '{"no":"kind"}',
    '{"level":30,"time":"2026-12-03T03:47:57.776Z","kind":"decision","id":"x","key":"DQ"}', 'null'),
  fc.string({ maxLength: 40 }).filter((s) => !s.includes('\n') && !s.includes('\r')),
)

/** One line of the file and what it must read as. */
const line = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(decision, fc.boolean()).map(([d, shuffled]) => {
    const { shadow, redact, decidedAt, ...rest } = d
    // The hub's own order: level, time, kind, id, the decision, latency, the inputs, decidedAt, redact, shadow.
    const o: Record<string, unknown> = {
      level: 30, time: rest.time, kind: 'decision', id: rest.id, key: rest.key, ori: rest.ori, line: rest.line, destination: rest.destination,
      effect: rest.effect, rule: rest.rule, policyVersion: rest.policyVersion, replyKey: rest.replyKey, status: rest.status, latencyMs: rest.latencyMs,
      imq: rest.imq, reason: rest.reason, purpose: rest.purpose,
      ...(decidedAt !== undefined ? { decidedAt } : {}), ...(redact !== undefined ? { redact } : {}), ...(shadow !== undefined ? { shadow } : {}),
    }
    const entries = Object.entries(o)
    const text = JSON.stringify(Object.fromEntries(shuffled ? entries.toReversed() : entries))
    return { text, expect: expected(text) }
  }) },
  { weight: 1, arbitrary: otherKind.map((o) => { const text = JSON.stringify({ level: 30, ...o }); return { text, expect: expected(text) } }) },
  { weight: 1, arbitrary: garbage.map((text) => ({ text, expect: expected(text) })) },
  { weight: 1, arbitrary: fc.constant({ text: '', expect: undefined }) },
)

/** What JSON.parse says a line is (the line number is filled in later); undefined for a blank line. */
function expected (text: string): Event | undefined {
  if (text.trim() === '') return undefined
  let v: any
  try { v = JSON.parse(text) } catch { return ['malformed', 0] }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof v.kind !== 'string') return ['malformed', 0]
  if (v.kind !== 'decision') return ['other', v.kind]
  if ([v.key, v.ori, v.destination, v.effect, v.policyVersion].some((x) => typeof x !== 'string')) return ['malformed', 0]
  const at = typeof v.decidedAt === 'number' ? v.decidedAt : Date.parse(v.time) - (typeof v.latencyMs === 'number' ? v.latencyMs : 0)
  if (!Number.isFinite(at)) return ['malformed', 0]
  return ['decision', v.key, v.ori, v.destination, v.imq === true, v.reason ?? null, v.purpose ?? null, v.policyVersion, v.effect, v.rule ?? null, (v.redact ?? []).join(','), at]
}

t.test('the byte reader reads every line as JSON.parse does', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-audit-lines-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  let n = 0
  await fc.assert(fc.asyncProperty(
    fc.array(line, { minLength: 1, maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.integer({ min: 16, max: 4096 }),
    async (lines, eol, finalEol, chunkBytes) => {
      const file = join(dir, `a${n++}.ndjson`)
      writeFileSync(file, lines.map((l) => l.text).join(eol) + (finalEol ? eol : ''))
      const want: Event[] = []
      lines.forEach((l, i) => {
        if (l.expect === undefined) return
        want.push(l.expect[0] === 'malformed' ? ['malformed', i + 1] : l.expect)
      })
      const got: Event[] = []
      const reader = new AuditLineReader({
        decision: (s, at) => { got.push(['decision', s.key, s.ori, s.destination, s.imq, s.reason, s.purpose, s.policyVersion, s.before.effect, s.before.rule, s.before.redact.join(','), at]) },
        other: (kind) => { got.push(['other', kind]) },
        malformed: (lineNo) => { got.push(['malformed', lineNo]) },
      })
      await reader.readFile(file, { chunkBytes })
      t.same(got, want)
      // Blank lines count; a final newline does not add one, and without it a blank last "line" is no line.
      return reader.lines === lines.length - (!finalEol && lines.at(-1)!.text === '' ? 1 : 0)
    },
  ), { numRuns: 300 })
})

t.test('a range of a file: lines numbered from the range, nothing before or after read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-audit-lines-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'a.ndjson')
  const a = '{"level":30,"time":"2026-12-03T03:47:57.776Z","kind":"delivery","id":"x"}'
  writeFileSync(file, `${a}\nbroken\n${a}\nbroken again\n`)
  const got: Array<[string, number]> = []
  const reader = new AuditLineReader({ decision: () => undefined, other: (k) => { got.push([k, 0]) }, malformed: (l, _why, offset) => { got.push(['malformed', l * 1000 + offset]) } })
  const second = a.length + 'broken\n'.length + 1
  await reader.readFile(file, { start: second, end: second + a.length + 1 + 'broken again\n'.length, firstLine: 3 })
  t.same(got, [['delivery', 0], ['malformed', 4 * 1000 + second + a.length + 1]], 'line 4 at its byte offset')
  t.equal(reader.lines, 2)
})
