/**
 * @module test/hub/audit
 * The hand-built audit line: for any record (quotes, control characters,
 * non-ASCII, nulls, shadow or not) it is the very line a pino logger with an
 * ISO timestamp writes; the cached ISO clock equals Date#toISOString; the file
 * audit writes one line per record and flushes on close.
 */
import fc from 'fast-check'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import t from 'tap'
import { type AuditRecord, auditLine, fileAudit, IsoClock } from '../../src/hub/audit.js'

/** The line pino itself writes for `r` at `time` (base null, ISO time): the reference. */
function pinoLine (r: AuditRecord, time: string): string {
  let out = ''
  const sink = new Writable({ write (chunk, _enc, cb) { out += String(chunk); cb() } })
  const log = pino({ base: null, timestamp: () => `,"time":"${time}"` }, sink)
  log.info(r)
  return out
}

const text = fc.oneof(fc.stringMatching(/^[A-Z0-9.-]{0,12}$/), fc.string(), fc.string({ unit: 'binary', maxLength: 8 }))
const decision: fc.Arbitrary<AuditRecord> = fc.record({
  kind: fc.constantFrom('decision' as const, 'delivery' as const),
  id: text, key: text, ori: text, line: text, destination: text, effect: text,
  rule: fc.option(text, { nil: null }), policyVersion: text, replyKey: text, status: text,
  latencyMs: fc.oneof(fc.nat(100_000), fc.double({ noNaN: true, min: 0, max: 1e6 })),
}).chain((r) => fc.option(fc.record({
  imq: fc.boolean(), reason: fc.option(text, { nil: null }), purpose: fc.option(text, { nil: null }), decidedAt: fc.nat(),
}), { nil: undefined }).map((inputs) => (inputs === undefined ? r : { ...r, ...inputs })))
  .chain((r) => fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }).map((redact) => (redact === undefined ? r : { ...r, redact })))
  .chain((r) => fc.option(fc.oneof(
    fc.record({ effect: text, rule: fc.option(text, { nil: null }) }),
    fc.record({ effect: text, rule: fc.option(text, { nil: null }), policyVersion: text }),
    fc.record({ effect: text, rule: fc.option(text, { nil: null }), policyVersion: text, redact: fc.array(text, { maxLength: 3 }) }),
  ), { nil: undefined }).map((shadow) => (shadow === undefined ? r : { ...r, shadow })))
  .chain((r) => fc.option(fc.record({ effect: text, rule: fc.option(text, { nil: null }), policyVersion: text }), { nil: undefined })
    .map((queued) => (queued === undefined ? r : { ...r, queued })))
const refusal: fc.Arbitrary<AuditRecord> = fc.record({
  kind: fc.constant('refusal' as const), id: text, key: fc.option(text, { nil: null }), ori: fc.option(text, { nil: null }),
  line: fc.option(text, { nil: null }), httpStatus: fc.constantFrom(400, 401, 403, 413), code: text,
  reason: fc.string({ maxLength: 200 }),
})
const record: fc.Arbitrary<AuditRecord> = fc.oneof(decision, refusal)

t.test('auditLine writes what pino writes, byte for byte', async (t) => {
  fc.assert(fc.property(record, (r) => {
    const time = new Date(1_764_000_000_000).toISOString()
    const line = auditLine(r, time)
    t.equal(line, pinoLine(r, time))
    t.same(JSON.parse(line), { level: 30, time, ...r })
  }), { numRuns: 300 })
})

t.test('a record from the switch, as a fixed example', async (t) => {
  const r: AuditRecord = {
    kind: 'decision', id: 'm1-2', key: 'DQ', ori: 'VTICE0900', line: 'VT', destination: 'IL', effect: 'deny', rule: 'il-deny-ice',
    policyVersion: 'v1', replyKey: 'DR', status: 'denied', latencyMs: 3, shadow: { effect: 'allow', rule: null },
  }
  t.equal(auditLine(r, '2025-11-19T12:00:00.000Z'),
    '{"level":30,"time":"2025-11-19T12:00:00.000Z","kind":"decision","id":"m1-2","key":"DQ","ori":"VTICE0900","line":"VT",' +
    '"destination":"IL","effect":"deny","rule":"il-deny-ice","policyVersion":"v1","replyKey":"DR","status":"denied","latencyMs":3,' +
    '"shadow":{"effect":"allow","rule":null}}\n')
})

t.test('IsoClock equals Date#toISOString, within a second and across seconds', async (t) => {
  const clock = new IsoClock()
  fc.assert(fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.nat(2500), (ms, step) => {
    t.equal(clock.format(ms), new Date(ms).toISOString())
    t.equal(clock.format(ms + step), new Date(ms + step).toISOString())
  }), { numRuns: 500 })
})

t.test('fileAudit writes one line per record and flushes on close', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nlets-audit-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'sub', 'audit.ndjson')
  let ms = 1_764_000_000_000
  const audit = fileAudit(file, { now: () => ms++ })
  const base: AuditRecord = {
    kind: 'decision', id: '', key: 'RQ', ori: 'TX0020100', line: 'TX', destination: 'NY', effect: 'allow', rule: null,
    policyVersion: 'v', replyKey: 'RR', status: 'hit', latencyMs: 0,
  }
  for (let i = 0; i < 5000; i++) audit.write({ ...base, id: `m-${i}` })
  await audit.close()
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l))
  t.equal(lines.length, 5000)
  t.same(lines.map((l) => l.id), Array.from({ length: 5000 }, (_, i) => `m-${i}`))
  t.equal(lines[1].time, new Date(1_764_000_000_001).toISOString())
})

t.test('fileAudit: a record written is on disk after flush, before close', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nlets-audit-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'audit.ndjson')
  const audit = fileAudit(file)
  t.teardown(async () => { await audit.close() })
  const r: AuditRecord = {
    kind: 'delivery', id: 'q-1', key: 'DQ', ori: 'TX0020100', line: 'TX', destination: 'IL', effect: 'allow', rule: null,
    policyVersion: 'v', replyKey: 'DR', status: 'hit', latencyMs: 12,
  }
  audit.write(r)
  await audit.flush()
  t.same(readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).id), ['q-1'])
  audit.write({ ...r, id: 'q-2' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  await audit.flush()
  t.same(readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l).id), ['q-1', 'q-2'], 'a later turn of the event loop writes it too')
})

t.test('fileAudit: a record is in the file once written() resolves, without a flush', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nlets-audit-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'audit.ndjson')
  const audit = fileAudit(file)
  t.teardown(async () => { await audit.close() })
  audit.write({
    kind: 'decision', id: 'quiet-1', key: 'RQ', ori: 'TX0020100', line: 'TX', destination: 'NY', effect: 'allow', rule: null,
    policyVersion: 'v', replyKey: 'RR', status: 'hit', latencyMs: 0,
  })
  t.equal(readFileSync(file, 'utf8'), '', 'not yet: lines wait for the end of the turn')
  await audit.written()
  t.match(readFileSync(file, 'utf8'), /"id":"quiet-1"/, 'handed to the operating system when written() resolves')
})

t.test('fileAudit refuses a path it cannot write, naming the setting', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nlets-audit-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(join(dir, 'plain-file'), '')
  t.throws(() => fileAudit(join(dir, 'plain-file', 'audit.ndjson')), { code: 'NSIM_HUB_CONFIG', message: /NSIM_AUDIT_FILE/ })
})
