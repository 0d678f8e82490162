/**
 * @module bench/suites/cluster
 * Several hubs as one switch, measured on this machine (issue 13):
 * - throughput through HAProxy with 1, 2 and 3 hub replicas (closed loop from
 *   the load generator, the calibrated mix), with the CPU each part spends per
 *   request: the hubs, HAProxy, nats-server; and, with one replica, the same
 *   load sent to the hub directly, so HAProxy's cost per request shows;
 * - what keeping a query costs in JetStream beside SQLite and memory (the
 *   store suite's measurement, same function, same run);
 * - how fast a fault and a reload set through one replica reach the others.
 * Every process is real (nats-server and haproxy from Debian's packages).
 */
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clusterDown, clusterUp, findProgram, freePort } from '../../src/cluster/topology.js'
import { memoryState } from '../../src/hub/ports/memory.js'
import { jetstreamState } from '../../src/hub/store/jetstream.js'
import { sqliteState } from '../../src/hub/store/sqlite.js'
import { cpuSeconds, generatorLoad, type LoadResult, round2, sleep, trafficRequests } from '../http-common.js'
import { type SuiteOptions, type SuiteResult, table } from '../lib.js'
import { storeCost } from './store.js'

interface Row extends Record<string, string | number | boolean> {
  readonly setup: string
  readonly reqPerS: number
  readonly vsOneReplica: number
  readonly hubCpuUsPerReq: number
  readonly haproxyCpuUsPerReq: number
  readonly natsCpuUsPerReq: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly failed: number
}

async function post (url: string, body: string): Promise<unknown> {
  const r = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer demo-admin', 'content-type': 'application/json' }, body })
  return await r.json()
}

async function versionOf (hub: string): Promise<string> {
  return ((await (await fetch(`${hub}/health`)).json()) as { policyVersion: string }).policyVersion
}

/** Milliseconds until `check` holds (polling every 2 ms), at most 30 s. */
async function until (check: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now()
  while (performance.now() - t0 < 30_000) {
    if (await check()) return performance.now() - t0
    await sleep(2)
  }
  return NaN
}

export async function run (o: SuiteOptions): Promise<SuiteResult> {
  for (const p of ['nats-server', 'haproxy']) if (findProgram(p) === undefined) throw new Error(`cluster suite: ${p} is not installed (apt-get install -y nats-server haproxy)`)
  const seconds = o.smoke ? 2 : o.quick ? 4 : 8
  const connections = 32
  const requests = await trafficRequests(o.smoke ? 2000 : 20_000, 7)
  const rows: Row[] = []
  const notes: string[] = []
  const counts = o.smoke ? [1, 2] : [1, 2, 3]
  for (const replicas of counts) {
    const dir = mkdtempSync(join(tmpdir(), 'nlets-bench-cluster-'))
    const policies = join(dir, 'policies')
    cpSync('policies', policies, { recursive: true })
    try {
      const c = await clusterUp({ dir, replicas, port: 0, states: [], policiesDir: policies, timeoutS: 90 })
      const pid = (kind: string): number[] => c.processes.filter((p) => p.kind === kind).map((p) => p.pid)
      const measure = async (url: string): Promise<{ r: LoadResult, hap: number, nats: number }> => {
        const h0 = cpuSeconds(pid('haproxy')[0]!)
        const n0 = cpuSeconds(pid('nats')[0]!)
        const r = await generatorLoad({ url, requests, seconds, connections, pids: pid('hub') })
        return { r, hap: (cpuSeconds(pid('haproxy')[0]!) - h0) * 1e6 / r.requests, nats: (cpuSeconds(pid('nats')[0]!) - n0) * 1e6 / r.requests }
      }
      // Warm-up, then the measured run.
      await generatorLoad({ url: c.url, requests, seconds: o.smoke ? 1 : 2, connections })
      const row = (setup: string, m: { r: LoadResult, hap: number, nats: number }, viaHaproxy: boolean): Row => ({
        setup, reqPerS: Math.round(m.r.rps), vsOneReplica: NaN, hubCpuUsPerReq: Math.round(m.r.serverCpuUs),
        haproxyCpuUsPerReq: viaHaproxy ? round2(m.hap) : 0, natsCpuUsPerReq: round2(m.nats),
        p50Ms: round2(m.r.p50), p99Ms: round2(m.r.p99), failed: m.r.errors + m.r.timeouts + m.r.non2xx + m.r.bad,
      })
      if (replicas === 1) {
        const direct = await measure(c.hubs[0]!)
        rows.push(row('1 replica, sent to the hub directly (no HAProxy)', direct, false))
      }
      const through = await measure(c.url)
      rows.push(row(`${replicas} replica${replicas === 1 ? '' : 's'} through HAProxy`, through, true))
      if (replicas === counts.at(-1)) {
        // Propagation: a fault through hub-1 seen by the last replica; a reload through hub-1 run by every replica.
        const last = c.hubs.at(-1)!
        const put = await fetch(`${c.hubs[0]}/v1/admin/states/WA/fault`, { method: 'PUT', headers: { authorization: 'Bearer demo-admin', 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'down' }) })
        await put.text()
        const faultMs = await until(async () => ((await (await fetch(`${last}/v1/admin/states`, { headers: { authorization: 'Bearer demo-admin' } })).json()) as Array<{ state: string, fault: { mode: string } | null }>)
          .find((s) => s.state === 'WA')?.fault?.mode === 'down')
        const il = join(policies, 'states', 'IL.yaml')
        writeFileSync(il, readFileSync(il, 'utf8').replace(/^default: allow$/m, 'default: deny'))
        const r0 = performance.now()
        const reloaded = await post(`${c.hubs[0]}/v1/admin/policies/reload`, '{}') as { version: string }
        const reloadMs = performance.now() - r0
        const everyMs = await until(async () => (await Promise.all(c.hubs.map(versionOf))).every((v) => v === reloaded.version))
        notes.push(`${replicas} replicas: a fault set through hub-1 was on hub-${replicas} ${round2(faultMs)} ms after hub-1 answered the call; ` +
          `a reload through hub-1 answered in ${Math.round(reloadMs)} ms, and every replica ran the new version ${Math.round(everyMs)} ms after that answer`)
      }
    } finally {
      await clusterDown(dir, 500)
      rmSync(dir, { recursive: true, force: true })
    }
  }

  // Ratios to one replica through HAProxy, measured in this run.
  const one = rows.find((r) => r.setup === '1 replica through HAProxy')?.reqPerS ?? NaN
  for (let i = 0; i < rows.length; i++) rows[i] = { ...rows[i]!, vsOneReplica: round2(rows[i]!.reqPerS / one) }

  // What keeping a query costs: JetStream (its own nats-server), SQLite, memory; same function as the store suite.
  const n = o.smoke ? 500 : o.quick ? 2000 : 5000
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-js-'))
  const port = await freePort()
  const nats = spawn(findProgram('nats-server')!, ['-js', '-sd', join(tmp, 'js'), '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  const storeRows: Array<Record<string, string | number>> = []
  try {
    await sleep(500)
    const bounds = { queueMax: 1_000_000, inboxMax: 1_000_000 }
    const js = await jetstreamState({ url: `nats://127.0.0.1:${port}`, replica: 'bench', destinations: ['IL', 'WA'], counters: [], ...bounds })
    const n0 = cpuSeconds(nats.pid!)
    const jsCost = await storeCost(js, n)
    const natsUs = (cpuSeconds(nats.pid!) - n0) * 1e6 / (3 * n)
    await js.close()
    const sql = sqliteState({ dataDir: join(tmp, 'sqlite'), ...bounds })
    const sqlCost = await storeCost(sql, n)
    await sql.close()
    const memCost = await storeCost(memoryState(bounds), n)
    for (const [store, cost] of [['memory', memCost], ['SQLite (synchronous=NORMAL)', sqlCost], ['NATS JetStream (file storage)', jsCost]] as const) {
      storeRows.push({
        store, enqueueOneUs: round2(cost.enqueueOneUs), enqueueTurnUs: round2(cost.enqueueTurnUs), forwardUs: round2(cost.forwardUs),
        vsMemoryOne: round2(cost.enqueueOneUs / memCost.enqueueOneUs),
      })
    }
    notes.push(`nats-server CPU per JetStream operation in that run (queue, queue, forward of ${n} each): ${round2(natsUs)} µs`)
  } finally {
    nats.kill('SIGKILL')
    rmSync(tmp, { recursive: true, force: true })
  }
  o.out(table(rows))
  o.out(table(storeRows))
  for (const line of notes) o.out(line)
  return { suite: 'cluster', rows: [...rows, ...storeRows], notes }
}
