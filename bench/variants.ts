/**
 * @module bench/variants
 * `node dist/bench/variants.js [rounds] [seconds]`: the http suite's closed
 * loop over the hub as served, hub builds with parts switched off
 * (bench/servers/hub.ts) and the bare echo, interleaved, with each one's
 * throughput and server CPU per request relative to the echo in the same round.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Child, median, startEcho, startHub, startHubVariant, stopAll, trafficRequests } from './http-common.js'
import { table } from './lib.js'
import { stages } from './stages.js'
import { interleaved, roundsRow } from './suites/http.js'

export async function variants (rounds: number, seconds: number, out: (s: string) => void): Promise<Array<Record<string, string | number | boolean>>> {
  // What the switch costs in process (HTTP aside), measured now: the busy echo spins that long.
  const busyUs = Math.round((await stages(2)).http)
  out(`the hub's switch in process: ${busyUs} µs CPU per message`)
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-variants-'))
  const children: Child[] = []
  try {
    const specs: Array<[string, () => Promise<Child>]> = [
      ['serve, audit to a file (the http suite\'s a)', async () => await startHub({ name: 'a', audit: join(tmp, 'audit.ndjson') })],
      ['audit to a file, replies not waiting for their audit lines (before)', async () => await startHubVariant('reply first', ['--logger', '--audit', join(tmp, 'audit-b.ndjson'), '--reply-before-audit'])],
      ['serve --audit off', async () => await startHub({ name: 'audit off', audit: 'off' })],
      ['audit off, no Prometheus metrics', async () => await startHubVariant('no metrics', ['--no-metrics'])],
      ['audit off, states answer a remembered answer', async () => await startHubVariant('memo', ['--memo-states'])],
      ['audit, metrics and record synthesis off; message route alone on a bare Fastify', async () => await startHubVariant('stripped', ['--no-metrics', '--memo-states', '--bare-app'])],
      [`bare Fastify echo spinning ${busyUs} µs per request (the switch's in-process CPU per message)`, async () => await startEcho('echo busy', [], ['--busy-us', String(busyUs)])],
      ['bare Fastify echo (the http suite\'s c)', async () => await startEcho()],
    ]
    for (const [, start] of specs) children.push(await start())
    const requests = await trafficRequests(20_000, 3)
    const targets = specs.map(([label], i) => ({ id: label, url: children[i]!.url, pids: [children[i]!.proc.pid!] }))
    const res = await interleaved(targets, requests, { rounds, seconds, warmSeconds: 2, connections: 16 }, out)
    const echo = res.get(specs[specs.length - 1]![0])!
    return specs.map(([label]) => {
      const rs = res.get(label)!
      const r = roundsRow(label, rs)
      return {
        variant: label, 'req/s': r['req/s']!, 'vs echo (req/s)': Math.round(median(rs.map((x, i) => x.rps / echo[i]!.rps)) * 1000) / 1000,
        'server CPU µs/req': r['server CPU µs/req']!, 'echo µs / this µs': Math.round(median(rs.map((x, i) => echo[i]!.serverCpuUs / x.serverCpuUs)) * 1000) / 1000,
        'p99 ms': r['p99 ms']!, 'non-2xx': r['non-2xx']!, errors: r.errors!,
      }
    })
  } finally {
    await stopAll(children)
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await variants(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 5), console.log)
  console.log(`\n${table(rows)}`)
}
