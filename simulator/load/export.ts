/**
 * @module simulator/load/export
 * The calibrated traffic for other load tools (`nlets-sim traffic export`):
 * ndjson (one `{ line, token, contentType, body }` a line, for Vegeta, curl
 * loops or any client), text (one legacy message a line) or a runnable k6
 * script with its ndjson data file beside it.
 */
import type { LoadMessage } from './messages.js'

export type ExportFormat = 'ndjson' | 'text' | 'k6'
export const EXPORT_FORMATS: readonly ExportFormat[] = ['ndjson', 'text', 'k6']

export function toNdjson (ms: readonly LoadMessage[]): string {
  return ms.map((m) => JSON.stringify({ line: m.line, token: m.token, contentType: m.contentType, body: m.body })).join('\n') + (ms.length ? '\n' : '')
}

export function toText (ms: readonly LoadMessage[]): string {
  return ms.map((m) => m.body).join('\n') + (ms.length ? '\n' : '')
}

/** A k6 script that sends the data file's messages at a constant arrival rate and counts the decisions. */
export function k6Script (dataFile: string, about: string): string {
  return `// ${about}
// Run: k6 run -e TARGET=http://127.0.0.1:8080 -e RATE=500 -e DURATION=60s <this file>
// Open model (constant-arrival-rate); the messages of ${dataFile} in turn; decisions counted per destination.
import http from 'k6/http'
import exec from 'k6/execution'
import { check } from 'k6'
import { SharedArray } from 'k6/data'
import { Counter } from 'k6/metrics'

const messages = new SharedArray('nlets messages', () => open('./${dataFile}').split('\\n').filter((l) => l !== '').map((l) => JSON.parse(l)))
const TARGET = (__ENV.TARGET || 'http://127.0.0.1:8080').replace(/\\/$/, '')

export const options = {
  scenarios: {
    nlets: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 500),
      timeUnit: '1s',
      duration: __ENV.DURATION || '60s',
      preAllocatedVUs: Number(__ENV.VUS || 50),
      maxVUs: Number(__ENV.MAX_VUS || 500),
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(99)<' + (__ENV.P99_MS || '100')],
  },
}

const decisions = { allow: new Counter('nlets_allow'), deny: new Counter('nlets_deny'), redact: new Counter('nlets_redact') }
const er = new Counter('nlets_er')
const queued = new Counter('nlets_queued')

export default function () {
  const m = messages[exec.scenario.iterationInTest % messages.length]
  const res = http.post(TARGET + '/v1/messages', m.body, {
    headers: { authorization: 'Bearer ' + m.token, 'content-type': m.contentType, accept: 'application/json' },
    tags: { line: m.line },
  })
  check(res, { 'answered with decisions': (r) => r.status === 200 })
  let body
  try { body = res.json() } catch (e) { return }
  for (const d of body.decisions || []) if (decisions[d.effect]) decisions[d.effect].add(1, { destination: d.destination })
  for (const r of body.replies || []) {
    if (r.key === 'ER') er.add(1)
    if (r.status === 'queued') queued.add(1)
  }
}
`
}
