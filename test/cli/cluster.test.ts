/**
 * @module test/cli/cluster
 * `nlets-sim cluster` without NATS or HAProxy: its usage errors, status of a
 * folder with no cluster, and `cluster restart` of a state server recorded in
 * a cluster.json (the rolling restart of hub replicas behind HAProxy is in
 * test/cluster/cluster.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t, { type Test } from 'tap'
import { CLUSTER_FILE, type ClusterInfo, freePort } from '../../src/cluster/topology.js'
import { run } from './helpers.js'

function folder (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-cli-cluster-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

t.test('usage errors say what is wrong', async (t) => {
  const dir = folder(t)
  const none = await run('cluster', 'status', '--dir', dir)
  t.equal(none.code, 1)
  t.match(none.out, /no cluster runs from/)
  const noName = await run('cluster', 'restart', '--dir', dir)
  t.equal(noName.code, 2)
  t.match(noName.err, /name one part, e\.g\. `cluster restart hub-2`/)
  const noCluster = await run('cluster', 'restart', 'hub-1', '--dir', dir)
  t.equal(noCluster.code, 2)
  t.match(noCluster.err, /no cluster runs from/)
  const other = await run('cluster', 'sideways', '--dir', dir)
  t.equal(other.code, 2)
  t.match(other.err, /unknown sub-command `sideways` \(up, down, status or restart\)/)
  const stray = await run('cluster', 'status', 'extra', '--dir', dir)
  t.equal(stray.code, 2, 'positionals only for restart')
})

t.test('cluster restart: a state server started again with the same command; the wrong part named', async (t) => {
  const dir = folder(t)
  const port = await freePort()
  const bin = resolve('bin/nlets-sim.js')
  const info: ClusterInfo = {
    dir, url: 'http://127.0.0.1:1', statsUrl: 'http://127.0.0.1:2/', natsUrl: 'nats://127.0.0.1:3', hubs: [], startedAt: new Date().toISOString(),
    processes: [
      { name: 'haproxy', kind: 'haproxy', pid: 2 ** 22 + 1, port: 1, log: join(dir, 'haproxy.log'), command: ['haproxy'] },
      { name: 'state-il', kind: 'state', pid: 2 ** 22 + 2, port, log: join(dir, 'state-il.log'), command: [process.execPath, bin, 'state-server', '--state', 'IL', '--port', String(port), '--host', '127.0.0.1'] },
    ],
  }
  writeFileSync(join(dir, CLUSTER_FILE), JSON.stringify(info))
  const wrong = await run('cluster', 'restart', 'haproxy', '--dir', dir)
  t.equal(wrong.code, 2)
  t.match(wrong.err, /`haproxy` is haproxy; only hub replicas and state servers restart one at a time \(state-il\)/)
  const unknown = await run('cluster', 'restart', 'hub-7', '--dir', dir)
  t.match(unknown.err, /no part named `hub-7`.*restartable: state-il/)

  const r = await run('cluster', 'restart', 'state-il', '--dir', dir)
  const now = (JSON.parse(readFileSync(join(dir, CLUSTER_FILE), 'utf8')) as ClusterInfo).processes.find((p) => p.name === 'state-il')!
  t.teardown(() => { try { process.kill(now.pid, 'SIGKILL') } catch { /* gone */ } })
  t.equal(r.code, 0, r.err)
  t.match(r.out, new RegExp(`state-il restarted: pid ${now.pid}, port ${port}`))
  t.not(now.pid, info.processes[1]!.pid, 'cluster.json records the new process')
  const health = await fetch(`http://127.0.0.1:${port}/health`)
  t.equal(health.status, 200, 'it answers')
  t.match(readFileSync(join(dir, 'state-il.log'), 'utf8'), /state server IL listening/, 'its output goes to the same log')
})
