/**
 * @module bench/stages
 * `node dist/bench/stages.js [passes]`: where the hub's CPU per message goes,
 * without HTTP: the hub's own Switch (built by buildHub) handling the traffic
 * model's messages in process, with one part at a time taken out (metrics,
 * audit, policy decisions, record synthesis), passes interleaved against drift.
 * The differences estimate what each part costs and what a change would save.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildHub } from '../src/hub/app.js'
import { noAudit } from '../src/hub/audit.js'
import { Destination } from '../src/hub/destinations.js'
import { Switch } from '../src/hub/switch.js'
import { median, trafficRequests } from './http-common.js'
import { table } from './lib.js'
import { memoEndpoint } from './servers/hub.js'

export interface StageRow { variant: string, cpuUs: number, wallUs: number, savedUs: number }

export async function stages (passes = 5, count = 20_000): Promise<{ rows: StageRow[], http: number }> {
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-stages-'))
  const hub = await buildHub({ auditFile: join(tmp, 'audit.ndjson'), logger: false })
  try {
    const sw = hub.ctx.sw
    const memo = new Map([...sw.deps.destinations].map(([s, d]) => [s, new Destination(memoEndpoint(d.endpoint), 'in-process')]))
    const variants: Array<[string, Switch]> = [
      ['hub switch as served (metrics, audit to a file, policies, simulated states)', sw],
      ['- without Prometheus metrics', new Switch({ ...sw.deps, metrics: undefined }, sw.options)],
      ['- without the audit file', new Switch({ ...sw.deps, audit: noAudit }, sw.options)],
      ['- without policy decisions (filtering off)', new Switch(sw.deps, { ...sw.options, filtering: false })],
      ['- states answering a remembered answer (no record synthesis)', new Switch({ ...sw.deps, destinations: memo }, sw.options)],
      ['- without metrics, audit and record synthesis', new Switch({ ...sw.deps, metrics: undefined, audit: noAudit, destinations: memo }, sw.options)],
    ]
    const reqs = (await trafficRequests(count, 3)).map((r) => ({ text: r.body, line: r.headers.authorization!.slice('Bearer demo-'.length) }))
    const cpu = new Map<string, number[]>(variants.map(([n]) => [n, []]))
    const wall = new Map<string, number[]>(variants.map(([n]) => [n, []]))
    for (let p = 0; p <= passes; p++) {
      for (const [name, s] of variants) {
        const c0 = process.cpuUsage()
        const t0 = performance.now()
        for (const r of reqs) await s.handle({ kind: 'text', text: r.text }, r.line)
        await hub.ctx.audit.flush()
        const c = process.cpuUsage(c0)
        // Pass 0 warms every variant up and is not counted.
        if (p > 0) {
          cpu.get(name)!.push((c.user + c.system) / reqs.length)
          wall.get(name)!.push((performance.now() - t0) * 1000 / reqs.length)
        }
      }
    }
    const base = median(cpu.get(variants[0]![0])!)
    const rows = variants.map(([n]) => {
      const v = median(cpu.get(n)!)
      return { variant: n, cpuUs: Math.round(v * 10) / 10, wallUs: Math.round(median(wall.get(n)!) * 10) / 10, savedUs: Math.round((base - v) * 10) / 10 }
    })
    return { rows, http: base }
  } finally {
    await hub.close()
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows } = await stages(Number(process.argv[2] ?? 5))
  console.log(table(rows.map((r) => ({ 'in process, per message': r.variant, 'CPU µs': r.cpuUs, 'wall µs': r.wallUs, 'saved vs as served µs': r.savedUs }))))
}
