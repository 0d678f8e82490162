/**
 * @module bench/http-common
 * HTTP benchmark plumbing: targets as child processes (hub, echo, state
 * servers) with a start deadline and a sure stop, a request list drawn from
 * the calibrated traffic model, and autocannon runs over it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { freePort } from '../src/cluster/topology.js'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { buildMessages, type LoadMessage } from '../simulator/load/messages.js'
import { runLoadInWorker } from '../simulator/load/worker.js'
import { loadScenario } from '../simulator/scenarios/load.js'

/** The repository root (dist/bench/ is two levels below it). */
/** A free TCP port on 127.0.0.1 (bound, read and released): the one `cluster up` uses. */
export { freePort }

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CLI = fileURLToPath(new URL('../../bin/nlets-sim.js', import.meta.url))
const ECHO = fileURLToPath(new URL('./servers/echo.js', import.meta.url))
const HUB_VARIANT = fileURLToPath(new URL('./servers/hub.js', import.meta.url))
export const BASELINE = 'simulator/scenarios/baseline-oct-2025.yaml'

export interface Child {
  readonly name: string
  readonly url: string
  readonly proc: ChildProcess
  /** The last few kilobytes of the child's stdout and stderr. */
  readonly output: () => string
}

const live = new Set<ChildProcess>()
// However the bench ends, no server is left behind.
process.on('exit', () => { for (const p of live) p.kill('SIGKILL') })

export function liveChildren (): number {
  return live.size
}

/** SIGKILL every child still running (test teardown, last resort). */
export function killAll (): void {
  for (const p of live) p.kill('SIGKILL')
  live.clear()
}

export interface StartOptions {
  /** Line on stdout that says the child is listening. */
  readonly ready: RegExp
  /** Path answered with 200 once the child serves, checked after the ready line. */
  readonly health?: string
  readonly deadlineMs?: number
  /** Flags for node itself (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[]
}

/** Start `node <script> <args>` in the repository root and wait until it serves. */
export async function startChild (name: string, url: string, script: string, args: readonly string[], o: StartOptions): Promise<Child> {
  // No drain on SIGTERM (NSIM_DRAIN_MS): a bench hub stops at once and exits
  // normally, so --cpu-prof writes its profile before stopChild's SIGKILL.
  const proc = spawn(process.execPath, [...(o.nodeArgs ?? []), script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NSIM_DRAIN_MS: '0' } })
  live.add(proc)
  proc.once('exit', () => { live.delete(proc) })
  let out = ''
  const keep = (b: Buffer): void => { out = (out + b.toString()).slice(-4000) }
  const child: Child = { name, url, proc, output: () => out }
  const deadline = Date.now() + (o.deadlineMs ?? 60_000)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${o.deadlineMs ?? 60_000} ms`)), Math.max(0, deadline - Date.now()))
      proc.stderr!.on('data', keep)
      proc.stdout!.on('data', (b: Buffer) => {
        keep(b)
        if (o.ready.test(out)) { clearTimeout(timer); resolve() }
      })
      proc.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`${name} exited (${code ?? signal}) before it was ready`)) })
      proc.once('error', (err) => { clearTimeout(timer); reject(err) })
    })
    if (o.health !== undefined) {
      for (;;) {
        const ok = await fetch(`${url}${o.health}`).then((r) => r.ok, () => false)
        if (ok) break
        if (Date.now() > deadline) throw new Error(`${name}: ${o.health} did not answer 200 in time`)
        await sleep(50)
      }
    }
  } catch (err) {
    await stopChild(child)
    throw new Error(`${(err as Error).message}\n--- ${name} output ---\n${out}`, { cause: err })
  }
  return child
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild (c: Child, graceMs = 3000): Promise<void> {
  const p = c.proc
  if (p.exitCode !== null || p.signalCode !== null) { live.delete(p); return }
  const exited = new Promise<void>((resolve) => { p.once('exit', () => resolve()) })
  p.kill('SIGTERM')
  const t = setTimeout(() => { p.kill('SIGKILL') }, graceMs)
  await exited
  clearTimeout(t)
  live.delete(p)
}

export async function stopAll (children: readonly Child[]): Promise<void> {
  await Promise.all(children.map(async (c) => await stopChild(c)))
}

export interface HubStart {
  readonly name: string
  /** `--audit`: a file, or 'off'. */
  readonly audit: string
  readonly policies?: string
  readonly filtering?: boolean
  readonly stateUrls?: Readonly<Record<string, string>>
  readonly nodeArgs?: readonly string[]
}

/** `nlets-sim serve` on a free port. */
export async function startHub (h: HubStart): Promise<Child> {
  const port = await freePort()
  // Each hub keeps its state in a folder of its own (the store is locked by one hub at a time).
  const args = ['serve', '--port', String(port), '--audit', h.audit, '--data-dir', mkdtempSync(join(tmpdir(), 'nlets-bench-data-'))]
  if (h.policies !== undefined) args.push('--policies', h.policies)
  if (h.filtering === false) args.push('--no-filtering')
  if (h.stateUrls !== undefined) args.push('--state-urls', Object.entries(h.stateUrls).map(([s, u]) => `${s}=${u}`).join(','))
  return await startChild(h.name, `http://127.0.0.1:${port}`, CLI, args, { ready: /hub listening on/, health: '/health', nodeArgs: h.nodeArgs ?? [] })
}

/** The bare Fastify echo (dist/bench/servers/echo.js) on a free port; `args` as there (`--busy-us N`). */
export async function startEcho (name = 'echo', nodeArgs: readonly string[] = [], args: readonly string[] = []): Promise<Child> {
  const port = await freePort()
  return await startChild(name, `http://127.0.0.1:${port}`, ECHO, [String(port), ...args], { ready: /echo listening on/, health: '/health', nodeArgs })
}

/** buildHub with parts switched off (dist/bench/servers/hub.js; flags as there), on a free port. */
export async function startHubVariant (name: string, flags: readonly string[], nodeArgs: readonly string[] = []): Promise<Child> {
  const port = await freePort()
  return await startChild(name, `http://127.0.0.1:${port}`, HUB_VARIANT, [String(port), ...flags], { ready: /hub variant listening on/, health: '/health', nodeArgs })
}

/** `nlets-sim state-server --state XX` on a free port. */
export async function startStateServer (state: string): Promise<Child> {
  const port = await freePort()
  return await startChild(`state-${state}`, `http://127.0.0.1:${port}`, CLI, ['state-server', '--state', state, '--port', String(port)], { ready: /state server \w+ listening on/, health: '/health' })
}

/** A message of the load generator (simulator/load) with its HTTP headers ready for autocannon. */
export interface LoadRequest extends LoadMessage {
  readonly headers: Readonly<Record<string, string>>
}

const cache = new Map<string, LoadRequest[]>()

/**
 * `count` requests from the first `days` days of the baseline scenario's
 * traffic, every k-th query of the kernel's order (so every stream, origin,
 * destination and key in proportion), as legacy text with the sending line's
 * demo token: the load generator's messages (simulator/load/messages, the
 * ones `nlets-sim load` sends), all in the legacy form. Cached per (count, days).
 */
export async function trafficRequests (count: number, days: number): Promise<LoadRequest[]> {
  const id = `${count}/${days}`
  const hit = cache.get(id)
  if (hit !== undefined) return hit
  const set = await buildMessages(await loadScenario(BASELINE), { count, days, jsonShare: 0 })
  const out = set.messages.map((m) => ({ ...m, headers: { 'content-type': m.contentType, authorization: `Bearer ${m.token}` } }))
  cache.set(id, out)
  return out
}

export interface LoadOptions {
  readonly url: string
  readonly requests: readonly LoadRequest[]
  readonly seconds: number
  readonly connections: number
  /** Requests per second over all connections (autocannon overallRate). */
  readonly rate?: number
  /** Parse and check every n-th response (status 200, replies and decisions present). */
  readonly checkEvery?: number
  /** Called with the running instance (to stop it early). */
  readonly onStart?: (stop: () => void) => void
  /** Server processes whose CPU time per request is reported (Linux /proc). */
  readonly pids?: readonly number[]
}

/** Latency percentiles (ms) and failures, as both load clients report them. */
export interface LatencyFigures {
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly p999: number
  readonly max: number
  readonly errors: number
  readonly non2xx: number
}

export interface LoadResult extends LatencyFigures {
  readonly rps: number
  readonly requests: number
  readonly timeouts: number
  readonly statuses: string
  readonly bytesPerResponse: number
  readonly seconds: number
  /** Responses parsed and checked, and those that failed the check (first one kept). */
  readonly checked: number
  readonly bad: number
  readonly firstBad?: string
  /** CPU time (user + system) of the server processes, and of this process (the load generator), per completed request. */
  readonly serverCpuUs: number
  readonly clientCpuUs: number
}

let clkTck: number | undefined
/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN where unreadable. */
export function cpuSeconds (pid: number): number {
  try {
    clkTck ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / clkTck
  } catch { return NaN }
}

/** One autocannon run cycling through `requests` (one shared cursor over all connections). */
export async function load (o: LoadOptions): Promise<LoadResult> {
  const list = o.requests
  let next = 0
  let seen = 0
  let checked = 0
  let bad = 0
  let firstBad: string | undefined
  const every = o.checkEvery ?? 50
  const opts: autocannon.Options = {
    url: o.url,
    connections: o.connections,
    duration: o.seconds,
    timeout: 10,
    ...(o.rate !== undefined ? { overallRate: o.rate } : {}),
    requests: [{
      method: 'POST',
      path: '/v1/messages',
      setupRequest: (req) => {
        const r = list[next++ % list.length]!
        req.body = r.body
        req.headers = { ...r.headers }
        return req
      },
      onResponse: (status, body) => {
        if (seen++ % every !== 0) return
        checked++
        let ok = status === 200
        if (ok) {
          try {
            const j = JSON.parse(body) as { replies?: unknown[], decisions?: unknown[] }
            ok = Array.isArray(j.replies) && j.replies.length > 0 && Array.isArray(j.decisions) && j.decisions.length > 0
          } catch { ok = false }
        }
        if (!ok) { bad++; firstBad ??= `${status} ${body.slice(0, 300)}` }
      },
    }],
  }
  const pids = o.pids ?? []
  const cpu0 = pids.map(cpuSeconds)
  const self0 = process.cpuUsage()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const inst = autocannon(opts, (err: unknown, res: autocannon.Result) => { if (err) reject(err instanceof Error ? err : new Error(String(err))); else resolve(res) })
    o.onStart?.(() => { inst.stop() })
  })
  const serverCpu = pids.map(cpuSeconds).reduce((a, c, i) => a + c - cpu0[i]!, 0)
  const self = process.cpuUsage(self0)
  const statuses = Object.entries(result.statusCodeStats ?? {}).map(([s, v]) => `${s}:${v.count ?? 0}`).join(' ')
  const completed = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']
  return {
    rps: result.requests.mean, requests: completed,
    p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, p999: result.latency.p99_9, max: result.latency.max,
    errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statuses,
    bytesPerResponse: completed > 0 ? result.throughput.total / completed : 0, seconds: result.duration,
    checked, bad, ...(firstBad !== undefined ? { firstBad } : {}),
    serverCpuUs: completed > 0 && pids.length > 0 ? serverCpu * 1e6 / completed : NaN,
    clientCpuUs: completed > 0 ? (self.user + self.system) / completed : NaN,
  }
}

/**
 * A closed-loop run through the load generator (simulator/load, what
 * `nlets-sim load --closed-loop` runs) in a worker thread, in the figures of
 * `load` above: every response is parsed and checked (status 200 with
 * decisions), so `checked` is every answer.
 */
export async function generatorLoad (o: LoadOptions): Promise<LoadResult> {
  const pids = o.pids ?? []
  const cpu0 = pids.map(cpuSeconds)
  const self0 = process.cpuUsage()
  const r = await runLoadInWorker({
    url: o.url, messages: o.requests, mode: 'closed', rate: 0, seconds: o.seconds, connections: o.connections, timeoutMs: 10_000, maxInFlight: Number.MAX_SAFE_INTEGER, progressMs: 0,
  })
  const serverCpu = pids.map(cpuSeconds).reduce((a, c, i) => a + c - cpu0[i]!, 0)
  const self = process.cpuUsage(self0)
  const t = r.tally
  const non2xx = Object.entries(t.http).reduce((n, [s, c]) => n + (Number(s) >= 200 && Number(s) <= 299 ? 0 : c), 0)
  const answered = t.completed - t.errors.timeout - t.errors.connection
  return {
    rps: r.achieved, requests: answered, ...t.latencyMs, errors: t.errors.connection, timeouts: t.errors.timeout, non2xx,
    statuses: Object.entries(t.http).map(([s, n]) => `${s}:${n}`).join(' '), bytesPerResponse: answered > 0 ? t.bytes / answered : 0, seconds: r.seconds,
    checked: answered, bad: non2xx + t.noDecisions,
    serverCpuUs: answered > 0 && pids.length > 0 ? serverCpu * 1e6 / answered : NaN,
    clientCpuUs: answered > 0 ? (self.user + self.system) / answered : NaN,
  }
}

export function median (xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

export const round2 = (x: number): number => Math.round(x * 100) / 100

/** A target of the list, judged on figures measured in this run. */
export interface TargetCheck {
  readonly target: string
  readonly value: string
  readonly met: boolean
}

export function verdict (t: TargetCheck): string {
  return `target ${t.target}: ${t.met ? 'MET' : 'MISSED'} (${t.value})`
}
