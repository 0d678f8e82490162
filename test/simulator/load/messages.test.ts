/**
 * @module test/simulator/load/messages
 * The load's messages from the traffic model: deterministic for a seed, on
 * the sending line's token, legacy text and JSON, the injected shares, tokens
 * from a file leaving other lines out, and the export formats.
 */
import t from 'tap'
import { loadScenario } from '../../../simulator/scenarios/load.js'
import { buildMessages } from '../../../simulator/load/messages.js'
import { toNdjson, toText } from '../../../simulator/load/export.js'

const scenario = await loadScenario('simulator/scenarios/nov-2025.yaml')

t.test('deterministic; lines, tokens, keys, destinations and forms', async (t) => {
  const a = await buildMessages(scenario, { count: 2000 })
  const b = await buildMessages(scenario, { count: 2000 })
  t.same(a, b, 'same scenario, same messages')
  t.equal(a.messages.length, 2000)
  t.equal(a.seed, scenario.seed)
  const ms = a.messages
  t.ok(ms.every((m) => m.token === `demo-${m.line}` && m.kind === 'model'))
  t.ok(ms.every((m) => m.contentType === 'text/plain' ? /^[A-Z]+\.[A-Z0-9]{9}\.[A-Z0-9]+\.TXT/.test(m.body) : typeof JSON.parse(m.body).MessageKeyCodeText === 'string'))
  const json = ms.filter((m) => m.contentType === 'application/json').length
  t.ok(json > 200 && json < 600, `about a fifth as JSON (${json})`)
  t.ok(ms.some((m) => m.key === 'DQG' || m.key === 'RQG'), 'regional keys')
  t.ok(ms.some((m) => /^[A-Z]\d$/.test(m.state)), 'regional destinations')
  t.ok(ms.some((m) => m.key === 'DQ+IMQ' && m.body.includes('IMQ')), 'photo requests')
  t.ok(new Set(ms.map((m) => m.component)).size >= 5, 'several requester components')
  for (const half of [ms.slice(0, 1000), ms.slice(1000)]) {
    t.ok(half.some((m) => m.component === 'CBP') && half.some((m) => m.component === 'local'), 'each half of the run carries the mix (shuffled, not stream by stream)')
  }
  const other = await buildMessages(scenario, { count: 2000, seed: 'x' })
  t.not(JSON.stringify(other.messages), JSON.stringify(ms), 'another seed, other messages')
})

t.test('injected malformed and spoofed messages, in proportion', async (t) => {
  const s = await buildMessages(scenario, { count: 4000, invalid: 0.1, spoof: 0.05, jsonShare: 0 })
  const n = (k: string): number => s.messages.filter((m) => m.kind === k).length
  t.ok(n('invalid') > 300 && n('invalid') < 500, `invalid ${n('invalid')}`)
  t.ok(n('spoof') > 120 && n('spoof') < 280, `spoof ${n('spoof')}`)
  t.ok(s.messages.filter((m) => m.kind === 'spoof').every((m) => m.contentType === 'text/plain'))
})

t.test('tokens from a map: lines without one are left out', async (t) => {
  const s = await buildMessages(scenario, { count: 500, tokens: new Map([['TX', 'secret-tx'], ['TC', 'secret-tc']]) })
  t.ok(s.messages.length > 0)
  t.ok(s.messages.every((m) => (m.line === 'TX' && m.token === 'secret-tx') || (m.line === 'TC' && m.token === 'secret-tc')))
  t.ok(s.withoutToken > 0)
})

t.test('export formats', async (t) => {
  const s = await buildMessages(scenario, { count: 3 })
  const lines = toNdjson(s.messages).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, string>)
  t.same(lines.map((l) => Object.keys(l)), [['line', 'token', 'contentType', 'body'], ['line', 'token', 'contentType', 'body'], ['line', 'token', 'contentType', 'body']])
  t.equal(toText(s.messages), s.messages.map((m) => m.body).join('\n') + '\n')
  t.equal(toNdjson([]), '')
})

t.test('multi-state queries (NL): a share of DQ and RQ, valid messages', async (t) => {
  const { parseLegacy } = await import('../../../src/message/legacy.js')
  const { parseJsonMessage } = await import('../../../src/message/json.js')
  const { makeClassifier, validateMessage } = await import('../../../src/message/validate.js')
  const classify = makeClassifier(['E1', 'E2', 'W1'])
  const s = await buildMessages(scenario, { count: 3000, nlShare: 0.2 })
  const nl = s.messages.filter((m) => m.state === 'NL')
  const eligible = s.messages.filter((m) => m.key === 'DQ' || m.key === 'DQ+IMQ' || m.key === 'RQ')
  t.ok(nl.length > 0.1 * eligible.length && nl.length < 0.3 * eligible.length, `about a fifth of ${eligible.length} DQ/RQ to NL (${nl.length})`)
  t.ok(nl.every((m) => m.key === 'DQ' || m.key === 'DQ+IMQ' || m.key === 'RQ'), 'only keys that may go to NL')
  for (const m of nl) {
    const parsed = m.contentType === 'text/plain' ? parseLegacy(m.body) : parseJsonMessage(JSON.parse(m.body))
    if (!parsed.ok) { t.fail(`${m.body}: ${parsed.error.text}`); continue }
    t.same(parsed.message.destinations, ['NL'])
    const invalid = validateMessage(parsed.message, { classify })
    if (invalid !== undefined) t.fail(`${m.body}: ${invalid.text} ${invalid.detail}`)
  }
  const none = await buildMessages(scenario, { count: 3000, nlShare: 0 })
  t.equal(none.messages.filter((m) => m.state === 'NL').length, 0, '--nl 0: none')
  const byDefault = await buildMessages(scenario, { count: 3000 })
  t.ok(byDefault.messages.filter((m) => m.state === 'NL').length <= 10, 'by default a small share')
})
