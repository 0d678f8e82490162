/**
 * @module bench/profile
 * `node dist/bench/profile.js <hub|nofilter|echo|states|variant:FLAGS> [seconds] [connections]`:
 * start the target with --cpu-prof (profile to /tmp/nlets-prof-<target>-<time>/),
 * put the traffic model's requests on it with autocannon, stop it, and print the
 * top self-time functions and the self time by file / package.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Child, load, startEcho, startHub, startHubVariant, startStateServer, stopAll, trafficRequests } from './http-common.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string, url: string, lineNumber: number, columnNumber: number }
  hitCount?: number
  children?: number[]
}

interface CpuProfile { nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }

export interface SelfTime { name: string, where: string, ms: number, share: number }

/** Inclusive time (self plus callees) per function, each call tree counted once per function (recursion not double-counted). */
export function inclusive (p: CpuProfile, top = 40): SelfTime[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0))
  const keyOf = (n: ProfileNode): string => `${n.callFrame.functionName}@${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`
  const acc = new Map<string, SelfTime>()
  const onStack = new Map<string, number>()
  let total = 0
  const root = p.nodes[0]!
  // Iterative DFS: inclusive(node) = self + children; credited to a key only at its outermost frame.
  const walk = (n: ProfileNode): number => {
    const k = keyOf(n)
    const idle = n.callFrame.functionName === '(idle)'
    onStack.set(k, (onStack.get(k) ?? 0) + 1)
    let t = idle ? 0 : (self.get(n.id) ?? 0)
    for (const c of n.children ?? []) t += walk(byId.get(c)!)
    onStack.set(k, onStack.get(k)! - 1)
    if (onStack.get(k) === 0 && !idle) {
      const e = acc.get(k) ?? { name: n.callFrame.functionName || '(anonymous)', where: n.callFrame.url === '' ? '' : `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`, ms: 0, share: 0 }
      e.ms += t / 1000
      acc.set(k, e)
    }
    return t
  }
  total = walk(root) / 1000
  return [...acc.values()].filter((e) => e.where.includes('src/') || e.where.includes('simulator/') || e.where.includes('node_modules/'))
    .sort((a, b) => b.ms - a.ms).slice(0, top).map((e) => ({ ...e, ms: Math.round(e.ms), share: Math.round(e.ms / total * 1000) / 10 }))
}

const shortUrl = (u: string): string => u.replace(/^file:\/\//, '').replace(/^.*\/dist\//, '').replace(/^.*\/node_modules\//, 'node_modules/')

/** Self time per function and per file (or package, or node internals). */
export function summarise (p: CpuProfile, top = 25): { total: number, functions: SelfTime[], files: SelfTime[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0))
  let total = 0
  const fn = new Map<string, SelfTime>()
  const file = new Map<string, SelfTime>()
  for (const [id, us] of self) {
    const n = byId.get(id)!
    const f = n.callFrame
    const ms = us / 1000
    if (f.functionName === '(idle)') continue
    total += ms
    const where = f.url === '' ? '' : `${shortUrl(f.url)}:${f.lineNumber + 1}`
    const key = `${f.functionName}@${where}`
    const e = fn.get(key) ?? { name: f.functionName || '(anonymous)', where, ms: 0, share: 0 }
    e.ms += ms
    fn.set(key, e)
    const u = shortUrl(f.url)
    const area = u === '' ? f.functionName : u.startsWith('node_modules/') ? u.split('/').slice(0, u.split('/')[1]!.startsWith('@') ? 3 : 2).join('/') : u.startsWith('node:') ? 'node: internals' : u
    const g = file.get(area) ?? { name: area, where: '', ms: 0, share: 0 }
    g.ms += ms
    file.set(area, g)
  }
  const rank = (m: Map<string, SelfTime>): SelfTime[] => [...m.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map((e) => ({ ...e, ms: Math.round(e.ms), share: Math.round(e.ms / total * 1000) / 10 }))
  return { total: Math.round(total), functions: rank(fn), files: rank(file) }
}

export function readProfile (dir: string): CpuProfile {
  const f = readdirSync(dir).filter((n) => n.endsWith('.cpuprofile')).sort().pop()
  if (f === undefined) throw new Error(`no .cpuprofile in ${dir}`)
  return JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile
}

export async function profileTarget (target: string, seconds: number, connections: number): Promise<{ dir: string, rps: number, p99: number, requests: number }> {
  const dir = join(tmpdir(), `nlets-prof-${target}-${Date.now()}`)
  mkdirSync(dir, { recursive: true })
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`]
  const reqs = await trafficRequests(20_000, 3)
  const children: Child[] = []
  try {
    let server: Child
    if (target === 'echo') server = await startEcho('echo', nodeArgs)
    else if (target.startsWith('variant:')) server = await startHubVariant(target, target.slice(8).split(/[ ,]+/).filter(Boolean), nodeArgs)
    else if (target === 'states') {
      const states = await Promise.all(['IL', 'WA', 'NY', 'TX'].map(startStateServer))
      children.push(...states)
      server = await startHub({ name: 'hub-http-states', audit: join(dir, 'audit.ndjson'), stateUrls: Object.fromEntries(states.map((s) => [s.name.slice(6), s.url])), nodeArgs })
    } else server = await startHub({ name: target, audit: join(dir, 'audit.ndjson'), filtering: target !== 'nofilter', nodeArgs })
    children.push(server)
    const w = await load({ url: server.url, requests: reqs, seconds: 2, connections })
    const r = await load({ url: server.url, requests: reqs, seconds, connections })
    return { dir, rps: r.rps, p99: r.p99, requests: w.requests + r.requests }
  } finally {
    await stopAll(children)
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2] ?? 'hub'
  const { dir, rps, p99, requests } = await profileTarget(target, Number(process.argv[3] ?? 10), Number(process.argv[4] ?? 16))
  const s = summarise(readProfile(dir), Number(process.argv[5] ?? 30))
  const per = (ms: number): string => (ms * 1000 / requests).toFixed(1)
  console.log(`${target}: ${Math.round(rps)} req/s, p99 ${p99} ms under --cpu-prof; ${requests} requests (2 s warm-up included); profile in ${dir}; ${s.total} ms sampled (idle excluded), ${per(s.total)} µs per request\n`)
  console.log('| self ms | µs/req | % | function | where |\n|---|---|---|---|---|')
  for (const f of s.functions) console.log(`| ${f.ms} | ${per(f.ms)} | ${f.share} | ${f.name} | ${f.where} |`)
  console.log('\n| self ms | µs/req | % | file / package |\n|---|---|---|---|')
  for (const f of s.files) console.log(`| ${f.ms} | ${per(f.ms)} | ${f.share} | ${f.name} |`)
  console.log('\n| inclusive ms | µs/req | % | function (project and packages) | where |\n|---|---|---|---|---|')
  for (const f of inclusive(readProfile(dir), Number(process.argv[6] ?? 40))) console.log(`| ${f.ms} | ${per(f.ms)} | ${f.share} | ${f.name} | ${f.where} |`)
}
