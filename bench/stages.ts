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
  const hub = await buildHub({ auditFile: join(tmp, 'audit.ndjson'), logger: false, dataDir: join(tmp, 'data') })
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
    const { cpu, wall } = await timeSwitches(variants, passes, await switchInputs(count), async () => { await hub.ctx.audit.flush() })
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

interface SwitchInput { readonly text: string, readonly line: string }

async function switchInputs (count: number): Promise<SwitchInput[]> {
  return (await trafficRequests(count, count <= 2000 ? 1 : 3)).map((r) => ({ text: r.body, line: r.headers.authorization!.slice('Bearer demo-'.length) }))
}

/** CPU and wall µs per message of each switch over `passes` interleaved passes (with `warm`, a pass 0 first, not counted). */
async function timeSwitches (variants: ReadonlyArray<readonly [string, Switch]>, passes: number, reqs: readonly SwitchInput[],
  after: () => Promise<void>, warm = true): Promise<{ cpu: Map<string, number[]>, wall: Map<string, number[]> }> {
  const cpu = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  const wall = new Map<string, number[]>(variants.map(([n]) => [n, []]))
  for (let p = warm ? 0 : 1; p <= passes; p++) {
    for (const [name, s] of variants) {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      for (const r of reqs) await s.handle({ kind: 'text', text: r.text }, r.line)
      await after()
      const c = process.cpuUsage(c0)
      if (p > 0) {
        cpu.get(name)!.push((c.user + c.system) / reqs.length)
        wall.get(name)!.push((performance.now() - t0) * 1000 / reqs.length)
      }
    }
  }
  return { cpu, wall }
}

/**
 * The switch's CPU per message with filtering on and off, in process (the
 * hub as served, audit and metrics included): the cost of the policy decisions
 * without HTTP and load-generator noise. Blocks of on-off-off-on passes (linear
 * drift cancels); per block, (off1 + off2) / (on1 + on2), like a/b over HTTP.
 */
export async function filterCost (blocks: number, count: number): Promise<{ onUs: number, offUs: number, ratios: number[] }> {
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-filter-'))
  const hub = await buildHub({ auditFile: join(tmp, 'audit.ndjson'), logger: false, dataDir: join(tmp, 'data') })
  try {
    const sw = hub.ctx.sw
    const off = new Switch(sw.deps, { ...sw.options, filtering: false })
    const reqs = await switchInputs(count)
    const flush = async (): Promise<void> => { await hub.ctx.audit.flush() }
    // One warm-up pass of each (timeSwitches' pass 0), not counted.
    await timeSwitches([['on', sw], ['off', off]], 0, reqs, flush)
    const on: number[] = []
    const offs: number[] = []
    const ratios: number[] = []
    for (let b = 0; b < blocks; b++) {
      const { cpu } = await timeSwitches([['on1', sw], ['off1', off], ['off2', off], ['on2', sw]], 1, reqs, flush, false)
      const [on1, off1, off2, on2] = ['on1', 'off1', 'off2', 'on2'].map((k) => cpu.get(k)![0]!) as [number, number, number, number]
      on.push(on1, on2)
      offs.push(off1, off2)
      ratios.push((off1 + off2) / (on1 + on2))
    }
    return { onUs: median(on), offUs: median(offs), ratios }
  } finally {
    await hub.close()
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { rows } = await stages(Number(process.argv[2] ?? 5))
  console.log(table(rows.map((r) => ({ 'in process, per message': r.variant, 'CPU µs': r.cpuUs, 'wall µs': r.wallUs, 'saved vs as served µs': r.savedUs }))))
}
