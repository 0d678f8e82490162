/**
 * The switch's promises across restarts, on a real hub process and its SQLite
 * store: queued queries, inbox replies, line counters and faults survive
 * SIGKILL and SIGTERM with nothing lost or duplicated; every answered
 * (message, destination) pair and every refused message is in the audit file
 * even when the hub is killed right after answering.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { call, dataPaths, startHubProcess } from './process.js'

function tempDir (t: Tap): string {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-durable-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}
type Tap = { teardown: (fn: () => void) => void }

/** Output sequence number of a reply text (third header line). */
function outSeq (text: string): number {
  return Number(text.split('\n')[2]!.split(' ')[2])
}

t.test('queued queries, inbox replies, counters and faults survive SIGKILL and SIGTERM', async (t) => {
  const { data, audit } = dataPaths(tempDir(t))
  const args = ['--data-dir', data, '--audit', audit]
  let hub = await startHubProcess(t, args, { NSIM_DRAIN_MS: '200' })
  t.equal((await call(hub.url, 'PUT', '/v1/admin/states/IL/fault', { token: 'demo-admin', body: { mode: 'down' } })).status, 200)
  const ids: string[] = []
  for (let i = 0; i < 300; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, async (_, j) =>
      await call(hub.url, 'POST', '/v1/messages', { token: 'demo-TX', body: `DQ.TX0020100.IL.TXTOLN/D${1000000 + i + j}` })))
    for (const r of batch) {
      if (r.json?.replies?.[0]?.status !== 'queued') t.fail(`not queued: ${r.text}`)
      ids.push(r.json.id)
    }
  }
  const seqBefore = outSeq((await call(hub.url, 'POST', '/v1/messages', { token: 'demo-TX', body: 'DQ.TX0020100.WA.TXTOLN/D1' })).json.replies[0].text)
  await hub.stop('SIGKILL')

  hub = await startHubProcess(t, args, { NSIM_DRAIN_MS: '200' })
  t.match(hub.output(), /300 queued queries kept from before/, 'the start says what it kept')
  const health = (await call(hub.url, 'GET', '/health')).json
  t.equal(health.queued, 300, 'every queued query survived the kill')
  t.same(health.states.down, ['IL'], 'the fault survived too')
  const seqAfter = outSeq((await call(hub.url, 'POST', '/v1/messages', { token: 'demo-TX', body: 'DQ.TX0020100.WA.TXTOLN/D1' })).json.replies[0].text)
  t.ok(seqAfter > seqBefore, `the line's output numbers go on (${seqBefore} then ${seqAfter})`)
  const up = await call(hub.url, 'PUT', '/v1/admin/states/IL/fault', { token: 'demo-admin', body: { mode: 'up' } })
  t.match(up.json, { delivered: 300, queued: 0 })
  const first = (await call(hub.url, 'GET', '/v1/inbox?max=1000', { token: 'demo-TX' })).json
  t.same(first.replies.map((r: { messageId: string }) => r.messageId), ids, 'one reply per queued query, in order')
  await hub.stop('SIGKILL')

  hub = await startHubProcess(t, args, { NSIM_DRAIN_MS: '200' })
  const again = (await call(hub.url, 'GET', '/v1/inbox?max=1000', { token: 'demo-TX' })).json
  t.same(again.replies, first.replies, 'unacknowledged replies survive a kill, unchanged and not duplicated')
  t.equal((await call(hub.url, 'GET', '/health')).json.queued, 0, 'and are not queued again')
  const ack = await call(hub.url, 'POST', '/v1/inbox/ack', { token: 'demo-TX', body: { ids: first.replies.slice(0, 100).map((r: { id: string }) => r.id) } })
  t.same(ack.json, { acknowledged: 100, waiting: 200 })
  await hub.stop('SIGTERM')

  hub = await startHubProcess(t, args, { NSIM_DRAIN_MS: '200' })
  const rest = (await call(hub.url, 'GET', '/v1/inbox?max=1000', { token: 'demo-TX' })).json
  t.same(rest.replies.map((r: { id: string }) => r.id), first.replies.slice(100).map((r: { id: string }) => r.id), 'acknowledged ones stay gone')
  t.notOk((await call(hub.url, 'GET', '/health')).json.states.down, 'IL is up after the restart, as it was left')
  await hub.stop('SIGTERM')
  const deliveries = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.kind === 'delivery')
  t.same(deliveries.map((r) => r.id), ids, 'each forwarded query audited once')
})

t.test('every answered pair and every refusal is in the audit after SIGKILL', async (t) => {
  const { data, audit } = dataPaths(tempDir(t))
  const hub = await startHubProcess(t, ['--data-dir', data, '--audit', audit])
  const kinds = [
    { token: 'demo-TX', body: 'DQ.TX0020100.IL.TXTOLN/D1234561' },
    { token: 'demo-TX', body: 'RQ.TX0020100.IL,WA,NY.TXTLIC/ABC123.LIY/2025.LIT/PC' },
    { token: 'demo-AX', body: 'DQ.VTICE0900.IL.TXTOLN/D1234561' },
    { token: 'demo-TX', body: 'DQ.VTICE0900.IL.TXTOLN/D1' },
    { token: 'wrong', body: 'DQ.TX0020100.IL.TXTOLN/D1' },
    { token: 'demo-TX', body: 'DQ.TX0020100.IL.TXT' },
  ]
  const answered: Array<{ id: string, destinations: string[], status: number }> = []
  const total = 1200
  let next = 0
  await Promise.all(Array.from({ length: 24 }, async () => {
    while (next < total) {
      const k = kinds[next++ % kinds.length]!
      const r = await call(hub.url, 'POST', '/v1/messages', k)
      answered.push({ id: r.json.id, status: r.status, destinations: r.json.decisions.map((d: { destination: string }) => d.destination) })
    }
  }))
  await hub.stop('SIGKILL')
  const records = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const seen = new Set(records.map((r) => r.kind === 'refusal' ? `${r.id} refusal` : `${r.id} ${r.destination}`))
  const missing: string[] = []
  for (const a of answered) {
    if (a.status === 200) for (const d of a.destinations) { if (!seen.has(`${a.id} ${d}`)) missing.push(`${a.id} ${d}`) } else if (!seen.has(`${a.id} refusal`)) missing.push(`${a.id} refusal`)
  }
  t.equal(answered.length, total)
  t.same(missing, [], `all ${answered.length} answered messages audited before the kill`)
  const refusals = records.filter((r) => r.kind === 'refusal')
  t.equal(refusals.length, total / 2, 'refusals audited: unauthenticated, spoofed, malformed')
  t.match(refusals.find((r) => r.httpStatus === 401), { line: null, ori: 'TX0020100', code: '.01' })
  t.match(refusals.find((r) => r.httpStatus === 403), { line: 'TX', ori: 'VTICE0900', key: 'DQ', reason: /belongs to line AX/ })
  t.match(refusals.find((r) => r.httpStatus === 400), { line: 'TX', ori: 'TX0020100', key: 'DQ' })
})
