/**
 * @module test/cluster/nats-cluster
 * The capacity plan's shape, as real processes: two hub replicas behind
 * HAProxy on a three-node NATS JetStream cluster (`cluster up --nats-nodes 3`),
 * every stream and bucket kept on all three nodes. The node leading the
 * queue of a state that is down is SIGKILLed under load: no request fails
 * (until the queue has a new leader the hub answers SM .04, not stored), the
 * switch stores queries again once it has one (the time it took is reported), settings still reach every replica, and every query
 * answered SM .02, before or after, is delivered exactly once.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'nats'
import t from 'tap'
import { clusterDown, clusterUp, findProgram } from '../../src/cluster/topology.js'
import { ADMIN, agent, call, checkOnce, hubUrl, queuedTotal, readInbox, sendLoad, sleep, TX, within } from './helpers.js'

const missing = ['nats-server', 'haproxy'].filter((p) => findProgram(p) === undefined)
const skip = missing.length > 0 && !process.env.CI ? `not installed: ${missing.join(', ')} (Debian: apt-get install -y nats-server haproxy)` : false
t.setTimeout(300_000)

/** How many of `at` fell in each second from `from` (negative: before). */
function histogram (at: readonly number[], from: number): Record<string, number> {
  const h: Record<string, number> = {}
  for (const x of at) { const k = String(Math.floor((x - from) / 1000)); h[k] = (h[k] ?? 0) + 1 }
  return h
}

t.test('two replicas on a three-node JetStream cluster survive the loss of a node', { skip }, async (t) => {
  if (missing.length > 0) { t.fail(`CI is set and ${missing.join(', ')} is missing: .ci/run installs them with apt`); return }
  const dir = mkdtempSync(join(tmpdir(), 'nsim-nats3-'))
  const policies = join(dir, 'policies')
  cpSync('policies', policies, { recursive: true })
  t.teardown(async () => { await clusterDown(dir, 500); await agent.close(); rmSync(dir, { recursive: true, force: true }) })
  const c = await clusterUp({ dir, replicas: 2, natsNodes: 3, port: 0, states: ['IL'], policiesDir: policies, hubEnv: { NSIM_DRAIN_MS: '500' }, timeoutS: 60 })
  const nodes = c.processes.filter((p) => p.kind === 'nats')
  t.same(nodes.map((p) => p.name), ['nats-1', 'nats-2', 'nats-3'], 'three NATS nodes')
  t.equal(c.natsUrl.split(',').length, 3, 'the hubs know all three')

  const nc = await connect({ servers: c.natsUrl.split(','), maxReconnectAttempts: -1, reconnectTimeWait: 250 })
  t.teardown(async () => { await nc.close().catch(() => undefined) })
  const jsm = await nc.jetstreamManager()
  for (const name of ['nsim-queue-IL', 'nsim-inbox', 'KV_nsim_destinations', 'KV_nsim_sequences', 'KV_nsim_policy', 'OBJ_nsim_policies']) {
    const si = await jsm.streams.info(name)
    t.equal(si.config.num_replicas, 3, `${name}: a copy on every node`)
  }

  t.equal((await call(`${c.url}/v1/admin/states/IL/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'down' }) })).status, 200)
  await sleep(300)
  const leader = (await jsm.streams.info('nsim-queue-IL')).cluster?.leader
  const victim = nodes.find((p) => p.name === leader)
  t.ok(victim !== undefined, `the IL queue's leader is one of ours (${leader})`)
  let killedAt = 0
  let recoveredMs = -1
  const probes: string[] = []
  const r = await sendLoad(c, 6, 3000, async (live) => {
    // Kill the leader once some queries are stored (a loaded machine stores fewer a second).
    await within(30_000, async () => live.queued.length >= 30)
    killedAt = Date.now()
    process.kill(victim!.pid, 'SIGKILL')
    // Until the queue has a new leader, the hub answers SM .04 (not stored); then SM .02 again.
    recoveredMs = await within(60_000, async () => {
      const p = await call(`${c.url}/v1/messages`, { method: 'POST', headers: TX, body: 'DQ.TX0020100.IL.TXTOLN/D9000001' })
      if (p.status === 200 && p.json?.replies?.[0]?.status === 'queued') { probes.push(p.json.id as string); return true }
      return false
    })
    await sleep(1000)
  })
  const before = r.queuedAt.filter((at) => at < killedAt).length
  const after = r.queued.length - before
  t.equal(r.failed, 0, 'no request failed when the node died')
  t.ok(before >= 30, `${before} queries answered SM .02 before the node died`)
  t.ok(recoveredMs >= 0, `the switch stored queries again ${recoveredMs} ms after the node died (the queue's new leader elected; ${after} stored after the kill in all)`)
  t.comment(`answered otherwise meanwhile: ${JSON.stringify(r.others)} (SM .04 "not stored": the hub never promises to forward what it could not store)`)
  t.comment(`stored by second from the kill: ${JSON.stringify(histogram(r.queuedAt, killedAt))}; not stored: ${JSON.stringify(histogram(r.otherAt, killedAt))}`)
  t.same(Object.keys(r.others).filter((s) => s !== 'status'), [], 'anything not queued was answered SM .04, not an error')

  // Settings are still shared: IL back up through hub-2 is seen by hub-1, which then delivers too.
  // A client retries a 503 (the settings bucket may be electing its own leader).
  const statuses: number[] = []
  t.ok(await within(30_000, async () => {
    statuses.push((await call(`${hubUrl(c, 1)}/v1/admin/states/IL/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'up' }) })).status)
    return statuses.at(-1) === 200
  }) >= 0, `IL back up through hub-2 (answers: ${statuses.join(', ')})`)
  t.same(statuses.filter((s) => s !== 200 && s !== 503), [], 'never anything but 200 or 503')
  const seen = await within(30_000, async () => ((await call(`${hubUrl(c, 0)}/v1/admin/states`, { headers: ADMIN })).json as Array<{ state: string, fault: unknown }>)
    .find((s) => s.state === 'IL')?.fault === null)
  t.ok(seen >= 0, `hub-1 saw IL back up, set through hub-2, with a node gone (${seen} ms)`)
  t.ok(await within(90_000, async () => await queuedTotal(c) === 0 && await queuedTotal(c, 1) === 0) >= 0, 'the queue drains')
  checkOnce(t, [...r.queued, ...probes], await readInbox(c, 2000))
})
