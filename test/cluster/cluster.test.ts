/**
 * @module test/cluster/cluster
 * Several hubs as one switch, as real processes: `clusterUp` starts
 * nats-server (JetStream), a state server for IL, three hub replicas and
 * HAProxy; the tests drive it over HTTP and check what the issue promises:
 * a fault set through one replica holds on the others within a second; a
 * line's output sequence numbers are unique across replicas; a reload through
 * one replica reaches all within 2 s, no message is decided with two
 * versions, and a broken set or bundle is refused everywhere; a rolling
 * restart of a replica under load fails no request; a replica
 * SIGKILLed under load and a NATS restart under load lose and duplicate no
 * query that was answered SM .02.
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'nats'
import t from 'tap'
import { type ClusterProcess, clusterDown, clusterRestart, clusterUp, findProgram, readCluster } from '../../src/cluster/topology.js'
import { OBJECT_BUCKET, POINTER_BUCKET, POINTER_KEY } from '../../src/hub/cluster/bundles.js'
import { ADMIN, agent, call, checkOnce, hubUrl, queuedTotal, readInbox, sendLoad, sleep, TX, within } from './helpers.js'

const missing = ['nats-server', 'haproxy'].filter((p) => findProgram(p) === undefined)
const skip = missing.length > 0 && !process.env.CI ? `not installed: ${missing.join(', ')} (Debian: apt-get install -y nats-server haproxy)` : false
// Processes, a replica killed and NATS restarted: longer than .taprc's 120 s on a busy machine.
t.setTimeout(420_000)

t.test('a three-replica switch behind HAProxy, state on NATS JetStream', { skip, timeout: 400_000 }, async (t) => {
  if (missing.length > 0) { t.fail(`CI is set and ${missing.join(', ')} is missing: .ci/run installs them with apt`); return }
  const dir = mkdtempSync(join(tmpdir(), 'nsim-cluster-'))
  const policies = join(dir, 'policies')
  cpSync('policies', policies, { recursive: true })
  t.teardown(async () => { await clusterDown(dir, 500); await agent.close(); rmSync(dir, { recursive: true, force: true }) })
  // A drain outlasts HAProxy's two failed checks (500 ms apart, then 250), as NSIM_DRAIN_MS's 3 s default does, only shorter.
  const c = await clusterUp({ dir, replicas: 3, port: 0, states: ['IL'], policiesDir: policies, hubEnv: { NSIM_DRAIN_MS: '1500' }, timeoutS: 60 })
  t.equal(c.hubs.length, 3, 'three replicas')
  const health = await Promise.all(c.hubs.map(async (h) => (await call(`${h}/health`)).json))
  t.same(health.map((h) => h.store), ['nats', 'nats', 'nats'], 'every replica keeps its state in NATS')
  t.same(health.map((h) => h.replica).sort(), ['hub-1', 'hub-2', 'hub-3'], 'each under its own name')
  const seenReplicas = new Set<string>()
  for (let i = 0; i < 6; i++) seenReplicas.add((await call(`${c.url}/health`)).json.replica as string)
  t.equal(seenReplicas.size, 3, 'HAProxy sends requests to every replica (round-robin)')

  await t.test('a fault set through one replica holds on the others within 1 s', async (t) => {
    const r = await call(`${hubUrl(c, 0)}/v1/admin/states/WA/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'down' }) })
    t.equal(r.status, 200)
    const faultOn = async (i: number, mode: string): Promise<boolean> =>
      ((await call(`${hubUrl(c, i)}/v1/admin/states`, { headers: ADMIN })).json as Array<{ state: string, fault: { mode: string } | null }>)
        .find((s) => s.state === 'WA')?.fault?.mode === mode
    for (const i of [1, 2]) {
      const ms = await within(1000, async () => await faultOn(i, 'down'))
      t.ok(ms >= 0, `WA down on hub-${i + 1} after ${ms} ms`)
    }
    const q = await call(`${hubUrl(c, 2)}/v1/messages`, { method: 'POST', headers: TX, body: 'DQ.TX0020100.WA.TXTOLN/D7654321' })
    t.equal(q.json.replies[0].status, 'queued', 'hub-3 queues a query for WA (SM .02)')
    await call(`${hubUrl(c, 1)}/v1/admin/states/WA/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'up' }) })
    for (const i of [0, 2]) t.ok(await within(1000, async () => !(await faultOn(i, 'down'))) >= 0, `WA back up on hub-${i + 1}`)
    const inbox = await readInbox(c, 1500)
    t.same(inbox.map((x) => x.messageId), [q.json.id], 'the query queued on hub-3 is delivered once, into the TX inbox')
  })

  await t.test("a line's output sequence numbers are unique across replicas", async (t) => {
    const outs: string[] = []
    const ins: string[] = []
    await Promise.all(Array.from({ length: 6 }, async (_, s) => {
      for (let i = 0; i < 60; i++) {
        const r = await call(`${c.url}/v1/messages`, { method: 'POST', headers: TX, body: `DQ.TX0020100.TX.TXTOLN/D${2_000_000 + s * 100 + i}` })
        const lines = String(r.json.replies[0].text).split('\n')
        outs.push(lines[1]!.slice(-5))
        ins.push(lines[2]!.split(' ')[2]!)
      }
    }))
    t.equal(outs.length, 360)
    t.equal(new Set(outs).size, outs.length, `360 output sequence numbers, all different (e.g. ${outs.slice(0, 4).join(', ')})`)
    t.equal(new Set(ins).size, ins.length, '... and input sequence numbers')
  })

  await t.test('a reload through one replica reaches every replica; no message sees two versions', async (t) => {
    const before = (await call(`${hubUrl(c, 0)}/health`)).json.policyVersion as string
    const il = join(policies, 'states', 'IL.yaml')
    const original = readFileSync(il, 'utf8')
    writeFileSync(il, original.replace(/^default: allow$/m, 'default: deny'))
    let reloaded: { status: number, json: any } | undefined
    let after = ''
    const state = { done: false }
    // NL queries (every state) through HAProxy from before the reload until every replica runs the new set.
    const nl = async (): Promise<void> => {
      while (!state.done) await call(`${c.url}/v1/messages`, { method: 'POST', headers: TX, body: 'DQ.TX0020100.NL.TXTOLN/D3000001' })
    }
    await Promise.all([nl(), nl(), (async () => {
      await sleep(500)
      reloaded = await call(`${hubUrl(c, 1)}/v1/admin/policies/reload`, { method: 'POST', headers: ADMIN, body: '{}' })
      after = reloaded.json.version
      // Within 2 s on a quiet machine (bench/RESULTS.md); the bound here allows for a CI machine running other tests.
      for (const i of [0, 2]) {
        const ms = await within(15_000, async () => (await call(`${hubUrl(c, i)}/health`)).json.policyVersion === after)
        t.ok(ms >= 0, `hub-${i + 1} runs ${after} ${ms} ms after the reload answered`)
      }
      await sleep(300)
      state.done = true
    })()])
    t.equal(reloaded?.status, 200, 'the reload is accepted')
    t.not(after, before, 'a new version')
    t.equal(reloaded?.json.published.publishedBy, 'hub-2', 'and published by the replica that loaded it')
    const versions = new Map<string, Set<string>>()
    for (const f of readdirSync(join(dir, 'data')).filter((n) => n.startsWith('audit-'))) {
      for (const line of readFileSync(join(dir, 'data', f), 'utf8').split('\n')) {
        if (!line.includes('"kind":"decision"')) continue
        const r = JSON.parse(line) as { id: string, policyVersion: string }
        let s = versions.get(r.id)
        if (s === undefined) { s = new Set(); versions.set(r.id, s) }
        s.add(r.policyVersion)
      }
    }
    const all = new Set([...versions.values()].flatMap((s) => [...s]))
    t.ok(all.has(before) && all.has(after), 'messages were decided under both versions during the test')
    t.same([...versions].filter(([, s]) => s.size > 1).map(([id]) => id), [], `none of ${versions.size} messages was decided with two versions`)
    t.ok(readdirSync(join(dir, 'data')).filter((n) => /^audit-hub-\d\.ndjson$/.test(n)).length === 3, 'one audit file per replica, named by it')

    // A broken folder is refused where it is loaded and never published.
    writeFileSync(il, 'state: IL\nrules: [ {')
    const broken = await call(`${hubUrl(c, 2)}/v1/admin/policies/reload`, { method: 'POST', headers: ADMIN, body: '{}' })
    t.equal(broken.status, 422, 'a broken set is refused')
    await sleep(300)
    for (const h of c.hubs) t.equal((await call(`${h}/health`)).json.policyVersion, after, `${h} keeps ${after}`)

    // A broken bundle published straight into NATS is refused by every replica, each keeping its set.
    const nc = await connect({ servers: c.natsUrl })
    const js = nc.jetstream()
    const os = await js.views.os(OBJECT_BUCKET)
    await os.putBlob({ name: 'badbadbadbad' }, new TextEncoder().encode(JSON.stringify({ files: { 'states/IL.yaml': Buffer.from('rules: [').toString('base64') } })))
    const kv = await js.views.kv(POINTER_BUCKET)
    await kv.put(POINTER_KEY, JSON.stringify({ version: 'badbadbadbad', publishedBy: 'test', publishedAt: new Date().toISOString() }))
    await nc.close()
    for (const h of c.hubs) {
      const ms = await within(5000, async () => (await call(`${h}/health`)).json.policyBundle?.state === 'refused')
      const hh = (await call(`${h}/health`)).json
      t.ok(ms >= 0, `${hh.replica} refuses the broken bundle: ${String(hh.policyBundle?.error).slice(0, 80)}`)
      t.equal(hh.policyVersion, after, `${hh.replica} keeps its last good set`)
    }

    // The folder as it was: the version is a content hash, so the first version comes back.
    writeFileSync(il, original)
    const back = await call(`${hubUrl(c, 0)}/v1/admin/policies/reload`, { method: 'POST', headers: ADMIN, body: '{}' })
    t.equal(back.json.version, before, 'the original folder reloads as the original version')
    for (const i of [1, 2]) t.ok(await within(15_000, async () => (await call(`${hubUrl(c, i)}/health`)).json.policyVersion === before) >= 0, `hub-${i + 1} back on ${before}`)
  })

  await t.test('a rolling restart of a replica under load: no request fails, and it comes back', async (t) => {
    const before = c.processes.find((p) => p.name === 'hub-3')!
    let after: ClusterProcess | undefined
    const r = await sendLoad(c, 6, 2000, async () => { await sleep(500); after = await clusterRestart(dir, 'hub-3', 60) })
    t.ok(r.other > 100, `${r.other} queries answered through HAProxy while hub-3 drained, stopped and started again`)
    t.equal(r.failed, 0, `none failed: HAProxy retried the drain's 503s and refused connections on another replica ${JSON.stringify(r.failures)}`)
    t.not(after?.pid, before.pid, 'hub-3 is a new process')
    t.equal(readCluster(dir)?.processes.find((p) => p.name === 'hub-3')?.pid, after?.pid, 'cluster.json names the new process')
    const health = await call(`${hubUrl(c, 2)}/health`)
    t.match(health.json, { replica: 'hub-3', store: 'nats' }, 'it came back as hub-3 on NATS, with its settings')
    t.ok(await within(15_000, async () => {
      const seen = new Set<string>()
      for (let i = 0; i < 6; i++) seen.add((await call(`${c.url}/health`)).json.replica as string)
      return seen.has('hub-3')
    }) >= 0, 'HAProxy sends to it again')
  })

  await t.test('SIGKILL of a replica under load: every SM .02 delivered once after the state recovers', async (t) => {
    t.equal((await call(`${c.url}/v1/admin/states/IL/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'down' }) })).status, 200)
    await sleep(300)
    const victim = c.processes.find((p) => p.name === 'hub-2')!
    const r = await sendLoad(c, 8, 3000, async () => { await sleep(1000); process.kill(victim.pid, 'SIGKILL') })
    t.ok(r.queued.length > 50, `${r.queued.length} queries answered SM .02 (${r.failed} requests failed when hub-2 died, ${r.other} other replies)`)
    t.comment(`requests that failed with the killed replica: ${r.failed}`)
    // hub-1's count is refreshed each second; it may count more (a query stored as hub-2 died, its answer lost).
    let total = 0
    t.ok(await within(10_000, async () => (total = await queuedTotal(c)) >= r.queued.length) >= 0,
      `the queue holds every one of them (${total} by hub-1's count for ${r.queued.length} answered SM .02)`)
    t.equal((await call(`${c.url}/v1/admin/states/IL/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'up' }) })).status, 200)
    t.ok(await within(60_000, async () => await queuedTotal(c) === 0 && await queuedTotal(c, 2) === 0) >= 0, 'the surviving replicas drain the queue')
    checkOnce(t, r.queued, await readInbox(c, 2000))
  })

  await t.test('nats-server restarted under load: the hubs reconnect and lose no queued query', async (t) => {
    const nats = c.processes.find((p) => p.kind === 'nats')!
    t.equal((await call(`${hubUrl(c, 0)}/v1/admin/states/IL/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'down' }) })).status, 200)
    await sleep(300)
    const r = await sendLoad(c, 6, 5000, async () => {
      await sleep(1000)
      process.kill(nats.pid, 'SIGTERM')
      await within(10_000, async () => { try { process.kill(nats.pid, 0); return false } catch { return true } })
      await sleep(300)
      const [file, ...args] = nats.command
      const child = spawn(file!, args, { detached: true, stdio: 'ignore' })
      child.unref()
      t.teardown(() => { try { process.kill(child.pid!, 'SIGKILL') } catch { /* gone */ } })
    })
    t.ok(r.queued.length > 20, `${r.queued.length} answered SM .02 across the restart (${r.other} other replies, e.g. SM .04 while NATS was away; ${r.failed} failed)`)
    const ok = await within(15_000, async () => (await call(`${hubUrl(c, 0)}/v1/admin/states/IL/fault`, { method: 'PUT', headers: ADMIN, body: JSON.stringify({ mode: 'up' }) })).status === 200)
    t.ok(ok >= 0, 'IL back up')
    const ilUpOn = async (i: number): Promise<boolean> =>
      ((await call(`${hubUrl(c, i)}/v1/admin/states`, { headers: ADMIN })).json as Array<{ state: string, fault: { mode: string } | null }>)
        .find((s) => s.state === 'IL')?.fault === null
    t.ok(await within(10_000, async () => await ilUpOn(2)) >= 0, 'the watches came back with NATS: hub-3 sees IL up, set through hub-1')
    // Queries a replica had pulled when the connection dropped go back after the consumer's ack wait (15 s).
    t.ok(await within(90_000, async () => await queuedTotal(c) === 0) >= 0, 'the queue drains')
    checkOnce(t, r.queued, await readInbox(c, 2000))
  })
})
