/**
 * A bounded, seeded fuzz of every route and both message forms: tens of
 * thousands of mutated inputs, and the corpus of inputs that once failed.
 * Asserted: no 5xx; every refusal on the message route is an ER (or SM) from
 * NL0000000 in the documented shape; memory back near where it started.
 * Replay a run with NSIM_FUZZ_SEED=<seed> (the seed is printed on failure).
 */
import { readFileSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import t from 'tap'
import type { Hub } from '../../src/hub/app.js'
import { testHub } from './helpers.js'

const SEED = Number(process.env.NSIM_FUZZ_SEED ?? 20251125)
const RUNS = Number(process.env.NSIM_FUZZ_RUNS ?? 20000)

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const LEGACY = [
  'DQ.TX0020100.IL.TXTOLN/D1234561', 'DQ.TX0020100.IL.REF1.TXTOLN/D1.IMQ/Y', 'RQ.TX0020100.IL,WA.TXTLIC/ABC123.LIY/2025.LIT/PC',
  'DNQ.TX0020100.NL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M', 'KQ.TX0020100.WA.TXTOLN/D1.RSN/F.PUR/C', 'RPQ.TX0020100.NY.TXTLIC/AB*',
  'DQG.TX0020100.E1.TXTNAM/DOE,JANE.DOB/19700101.SEX/F', 'RNQ.TX0020100.IL.TXTNAM/SMITH,JOHN', 'RQ.TX0020100.NL.TXTVIN/1HGCM82633A004352',
]
const JSON_SEEDS: object[] = [
  { MessageKeyCodeText: 'DQ', OriginatingORIID: 'TX0020100', DestinationORIID: ['IL'], Fields: [{ prefix: 'OLN', value: 'D1' }] },
  { MessageKeyCodeText: 'RQ', OriginatingORIID: 'TX0020100', DestinationORIID: ['IL', 'WA'], DocumentControlFieldText: 'A1', Fields: { LIC: 'ABC', LIY: '2025', LIT: 'PC' } },
]
const NASTY = ['\n', '\r\n', '\u0000', '\u2028', '.', '/', ',', '"', '\\', '{', '[', 'é', '😀', 'TXT', '.TXT', 'OLN/', ' ', '*', '%00', '<x>']

/** A string mutated by a few edits: inserts (of nasty or random text), deletions, repeats. */
const edits = fc.array(fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 })) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }), times: fc.integer({ min: 2, max: 400 }) }),
), { minLength: 1, maxLength: 5 })

function mutate (s: string, ops: ReadonlyArray<{ op: 'insert', at: number, text: string } | { op: 'delete', at: number, len: number } | { op: 'repeat', at: number, len: number, times: number }>): string {
  for (const o of ops) {
    const at = s.length === 0 ? 0 : o.at % (s.length + 1)
    if (o.op === 'insert') s = s.slice(0, at) + o.text + s.slice(at)
    else if (o.op === 'delete') s = s.slice(0, at) + s.slice(at + o.len)
    else s = s.slice(0, at) + s.slice(at, at + o.len).repeat(o.times) + s.slice(at + o.len)
  }
  return s
}

const LINES = ['Bearer demo-TX', 'Bearer demo-AX', 'Bearer demo-admin', 'Bearer nope', '', 'Basic abc', 'Bearer ']
const TYPES = ['text/plain', 'application/json', 'application/json; charset=utf-8', 'text/plain; charset=latin1', 'application/xml', '', 'multipart/form-data']

interface Req { method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: string }

const request: fc.Arbitrary<Req> = fc.oneof(
  // The message route, legacy text.
  fc.record({ seed: fc.nat(), ops: edits, auth: fc.constantFrom(...LINES), type: fc.constantFrom(...TYPES) }).map(({ seed, ops, auth, type }) => ({
    method: 'POST' as const, url: '/v1/messages', headers: { authorization: auth, 'content-type': type }, payload: mutate(LEGACY[seed % LEGACY.length]!, ops),
  })),
  // The message route, JSON text mutated.
  fc.record({ seed: fc.nat(), ops: edits, auth: fc.constantFrom(...LINES) }).map(({ seed, ops, auth }) => ({
    method: 'POST' as const, url: '/v1/messages', headers: { authorization: auth, 'content-type': 'application/json' }, payload: mutate(JSON.stringify(JSON_SEEDS[seed % JSON_SEEDS.length]), ops),
  })),
  // The message route, JSON values of any shape.
  fc.record({ body: fc.jsonValue({ maxDepth: 6 }), auth: fc.constantFrom(...LINES) }).map(({ body, auth }) => ({
    method: 'POST' as const, url: '/v1/messages', headers: { authorization: auth, 'content-type': 'application/json' }, payload: JSON.stringify(body),
  })),
  // Every other route, with bodies and query strings of any kind.
  fc.record({
    route: fc.constantFrom<[Req['method'], string]>(['GET', '/v1/inbox'], ['POST', '/v1/inbox/ack'], ['GET', '/v1/directory/VTICE0900'], ['GET', '/v1/directory'],
      ['PUT', '/v1/admin/states/IL/fault'], ['PUT', '/v1/admin/states/WA/status'], ['GET', '/v1/admin/states'], ['GET', '/health'], ['GET', '/metrics'], ['POST', '/v1/messages/x']),
    query: fc.oneof(fc.constant(''), fc.string({ maxLength: 20 }).map((q) => `?${encodeURIComponent(q)}=${encodeURIComponent(q)}`), fc.constantFrom('?max=0', '?max=-1', '?max=99999999999', '?limit=abc', '?line=%00', '?component=ICE-ERO&limit=1000')),
    body: fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 40 })),
    auth: fc.constantFrom(...LINES),
  }).map(({ route, query, body, auth }) => ({
    method: route[0], url: route[1] + query, headers: { authorization: auth, 'content-type': 'application/json' }, ...(route[0] === 'GET' ? {} : { payload: body }),
  })),
)

/** The corpus: inputs that once failed (a 500, an unbounded echo, a forged line), one JSON request a line. */
function corpus (): Req[] {
  return readFileSync('test/fixtures/fuzz-corpus.ndjson', 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => JSON.parse(l) as Req & { repeat?: { text: string, times: number } })
    .map((r) => r.repeat === undefined ? r : { ...r, payload: (r.payload ?? '').replace('@REPEAT@', r.repeat.text.repeat(r.repeat.times)) })
}

async function check (hub: Hub, r: Req): Promise<string | undefined> {
  const headers = Object.fromEntries(Object.entries(r.headers).filter(([, v]) => v !== ''))
  const res = await hub.app.inject({ method: r.method, url: r.url, headers, ...(r.payload === undefined ? {} : { payload: r.payload }) })
  if (res.statusCode >= 500) return `HTTP ${res.statusCode}: ${res.body.slice(0, 200)}`
  if (r.url === '/v1/messages' && res.statusCode !== 200) {
    let body: { replies?: Array<{ key?: string, from?: string, text?: string }> }
    try { body = res.json() } catch { return `HTTP ${res.statusCode} without a JSON body` }
    const first = body.replies?.[0]
    if (first === undefined || (first.key !== 'ER' && first.key !== 'SM') || first.from !== 'NL0000000') return `HTTP ${res.statusCode} without an ER: ${res.body.slice(0, 200)}`
    if (res.body.length > 4096) return `an ER of ${res.body.length} bytes`
    if ((first.text ?? '').split('\n').slice(0, 4).some((l, i) => i === 3 ? l !== 'TXT' : false)) return 'ER header not four lines'
  }
  return undefined
}

t.test('the corpus of inputs that once failed', async (t) => {
  const hub = await testHub(t)
  const cases = corpus()
  t.ok(cases.length >= 8, `${cases.length} corpus inputs`)
  for (const r of cases) t.equal(await check(hub, r), undefined, `${r.method} ${r.url} ${(r.payload ?? '').slice(0, 40)}`)
})

t.test(`fuzz: ${RUNS} mutated requests over every route (seed ${SEED})`, async (t) => {
  const hub = await testHub(t)
  gc()
  const before = process.memoryUsage().heapUsed
  let n = 0
  const result = await fc.check(fc.asyncProperty(request, async (r) => {
    n++
    const why = await check(hub, r)
    if (why !== undefined) throw new Error(why)
  }), { seed: SEED, numRuns: RUNS, endOnFailure: true })
  t.notOk(result.failed, result.failed ? `failed (replay with NSIM_FUZZ_SEED=${SEED}): ${fc.defaultReportMessage(result)}` : `${n} requests, none failed`)
  gc()
  const grown = (process.memoryUsage().heapUsed - before) / 1e6
  t.ok(grown < 64, `heap back near its start after the run (grew ${grown.toFixed(1)} MB)`)
})
