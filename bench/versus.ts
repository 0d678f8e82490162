/**
 * @module bench/versus
 * `node dist/bench/versus.js OTHER [rounds] [seconds]`: the hub of this
 * checkout against the hub of another built checkout (OTHER: its folder, after
 * `npm run build`; e.g. a `git worktree` of the commit before a change) and the
 * bare echo, in the http suite's interleaved closed loop (same requests, same
 * load generator, 16 connections), so a change's before and after come from
 * one run on one machine, side by side.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type Child, freePort, median, startChild, startEcho, startHub, stopAll, trafficRequests } from './http-common.js'
import { table } from './lib.js'
import { interleaved } from './suites/http.js'

export interface VersusRow { target: string, 'req/s': number, 'vs echo (req/s)': number, 'server CPU µs/req': number, 'vs other (req/s)': number, 'p99 ms': number }

/** `nlets-sim serve` of the checkout at `root`, as startHub starts this one's. */
async function startOtherHub (root: string, audit: string): Promise<Child> {
  const port = await freePort()
  const args = ['serve', '--port', String(port), '--audit', audit, '--data-dir', mkdtempSync(join(tmpdir(), 'nlets-bench-data-'))]
  return await startChild('other', `http://127.0.0.1:${port}`, join(root, 'bin', 'nlets-sim.js'), args, { ready: /hub listening on/, health: '/health' })
}

export async function versus (other: string, rounds: number, seconds: number, out: (s: string) => void): Promise<VersusRow[]> {
  const root = resolve(other)
  if (!existsSync(join(root, 'bin', 'nlets-sim.js')) || !existsSync(join(root, 'dist'))) {
    throw new Error(`${root}: not a built checkout (bin/nlets-sim.js and dist/ expected; run npm ci && npm run build there)`)
  }
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-versus-'))
  const children: Child[] = []
  try {
    children.push(await startHub({ name: 'this', audit: join(tmp, 'this.ndjson') }))
    children.push(await startOtherHub(root, join(tmp, 'other.ndjson')))
    children.push(await startEcho())
    const ids = ['this checkout', `other (${root})`, 'bare Fastify echo']
    const targets = children.map((c, i) => ({ id: ids[i]!, url: c.url, pids: [c.proc.pid!] }))
    const res = await interleaved(targets, await trafficRequests(20_000, 3), { rounds, seconds, warmSeconds: 2, connections: 16 }, out)
    const echo = res.get(ids[2]!)!
    const base = res.get(ids[1]!)!
    return ids.map((id) => {
      const rs = res.get(id)!
      return {
        target: id, 'req/s': Math.round(median(rs.map((r) => r.rps))),
        'vs echo (req/s)': Math.round(median(rs.map((r, i) => r.rps / echo[i]!.rps)) * 1000) / 1000,
        'server CPU µs/req': Math.round(median(rs.map((r) => r.serverCpuUs))),
        'vs other (req/s)': Math.round(median(rs.map((r, i) => r.rps / base[i]!.rps)) * 1000) / 1000,
        'p99 ms': median(rs.map((r) => r.p99)),
      }
    })
  } finally {
    await stopAll(children)
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const other = process.argv[2]
  if (other === undefined || other.startsWith('-')) {
    console.error('usage: node dist/bench/versus.js OTHER [rounds] [seconds]   (OTHER: a built checkout, e.g. git worktree add /tmp/before HEAD~1)')
    process.exit(2)
  }
  const rows = await versus(other, Number(process.argv[3] ?? 5), Number(process.argv[4] ?? 5), console.log)
  console.log(`\n${table(rows as unknown as Array<Record<string, string | number>>)}`)
}
