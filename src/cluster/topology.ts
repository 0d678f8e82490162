/**
 * @module cluster/topology
 * The several-hub topology as plain processes on one machine (no container
 * engine needed): nats-server with JetStream, a few simulated state servers,
 * N hub replicas sharing their state through NATS, and HAProxy in front.
 * `clusterUp` starts them detached (they outlive the command), waits until
 * each answers, and writes `<dir>/cluster.json`; `clusterDown` stops them in
 * order (hubs first, so they drain, then HAProxy, the states and NATS).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { JURISDICTIONS } from '../directory/model.js'
import { NsimError } from '../errors.js'
import { haproxyConfig } from './haproxy.js'

const BIN = fileURLToPath(new URL('../../../bin/nlets-sim.js', import.meta.url))
export const CLUSTER_FILE = 'cluster.json'

export interface ClusterOptions {
  /** Folder for the run: logs, NATS data, hub data and audit files, haproxy.cfg, cluster.json. */
  readonly dir: string
  readonly replicas: number
  /**
   * NATS servers (default 1). 3 makes a JetStream cluster of three nodes and
   * the hubs keep three copies of every stream and bucket (NSIM_NATS_REPLICAS=3),
   * so the switch survives the loss of any one node.
   */
  readonly natsNodes?: number
  /** The switch's port (HAProxy); 0 picks free ports for everything. */
  readonly port: number
  /** States served by state servers over HTTP (the others are simulated inside each hub). */
  readonly states: readonly string[]
  readonly host?: string
  readonly policiesDir?: string
  /** Extra environment for the hubs (e.g. NSIM_ADMIN_TOKEN, NSIM_DRAIN_MS). */
  readonly hubEnv?: Readonly<Record<string, string>>
  /** Seconds to wait for each part to answer (default 30). */
  readonly timeoutS?: number
}

export interface ClusterProcess {
  readonly name: string
  readonly kind: 'nats' | 'state' | 'hub' | 'haproxy'
  readonly pid: number
  readonly port: number
  readonly log: string
  /** The program and its arguments, to start it again (tests restart NATS this way). */
  readonly command: readonly string[]
  /**
   * Settings it was started with beyond the caller's environment (a hub's
   * port, NATS address, replica id, data folder...), so `clusterRestart` can
   * start it again the same way. Never a token: names with TOKEN, SECRET or
   * PASSWORD are left out and come from the restarting command's environment.
   */
  readonly env?: Readonly<Record<string, string>>
}

export interface ClusterInfo {
  readonly dir: string
  readonly url: string
  readonly statsUrl: string
  readonly natsUrl: string
  readonly hubs: readonly string[]
  readonly processes: readonly ClusterProcess[]
  readonly startedAt: string
}

/** A program from the PATH (or Debian's sbin, where nats-server and haproxy live). */
export function findProgram (name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name)
  }
  return undefined
}

function need (name: string): string {
  const p = findProgram(name)
  if (p === undefined) throw new NsimError('NSIM_CLI_USAGE', `\`${name}\` is not installed: on Debian, \`apt-get install -y nats-server haproxy\``)
  return p
}

export async function freePort (host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port
      s.close(() => { resolve(port) })
    })
  })
}

function alive (pid: number): boolean {
  try { process.kill(pid, 0); return true } catch { return false }
}

async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** One node's configuration for a JetStream cluster on this machine (nats-server -c). */
export function natsClusterConfig (o: { name: string, host: string, client: number, monitor: number, route: number, storeDir: string, routes: readonly string[] }): string {
  return [
    '# Written by `nlets-sim cluster up --nats-nodes 3`: one node of a three-node JetStream cluster.',
    `server_name: ${o.name}`,
    `listen: ${o.host}:${o.client}`,
    `http: ${o.host}:${o.monitor}`,
    `jetstream { store_dir: ${JSON.stringify(o.storeDir)} }`,
    'cluster {',
    '  name: nlets-sim',
    `  listen: ${o.host}:${o.route}`,
    `  routes: [${o.routes.join(', ')}]`,
    '}',
    '',
  ].join('\n')
}

/** Start a part detached, its output appended to `log`, with the caller's environment and `extra`. */
function start (file: string, args: readonly string[], log: string, extra?: Readonly<Record<string, string>>): ChildProcess {
  const fd = openSync(log, 'a')
  const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...extra } })
  child.unref()
  return child
}

function withoutSecrets (env: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/TOKEN|SECRET|PASSWORD/i.test(k)))
}

/** Wait until `url` answers 200 (or the process ends, or time runs out). */
async function ready (url: string, child: ChildProcess, log: string, timeoutS: number): Promise<void> {
  const until = Date.now() + timeoutS * 1000
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null || (child.pid !== undefined && !alive(child.pid))) break
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) })
      if (r.ok) return
    } catch { /* not yet */ }
    await sleep(100)
  }
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-8).join('\n') : ''
  throw new NsimError('NSIM_CLI_USAGE', `${url} did not answer within ${timeoutS} s (log ${log}):\n${tail}`)
}

/** Read a running cluster's description, or undefined. */
export function readCluster (dir: string): ClusterInfo | undefined {
  const file = join(dir, CLUSTER_FILE)
  if (!existsSync(file)) return undefined
  return JSON.parse(readFileSync(file, 'utf8')) as ClusterInfo
}

export async function clusterUp (o: ClusterOptions): Promise<ClusterInfo> {
  if (!Number.isInteger(o.replicas) || o.replicas < 1 || o.replicas > 16) throw new NsimError('NSIM_CLI_USAGE', `--replicas must be 1 to 16, got ${o.replicas}`)
  const natsNodes = o.natsNodes ?? 1
  if (natsNodes !== 1 && natsNodes !== 3) throw new NsimError('NSIM_CLI_USAGE', `--nats-nodes must be 1 or 3 (a JetStream cluster needs a quorum), got ${natsNodes}`)
  const dir = resolve(o.dir)
  const running = readCluster(dir)
  if (running !== undefined && running.processes.some((p) => alive(p.pid))) {
    throw new NsimError('NSIM_CLI_USAGE', `a cluster already runs from ${dir} (${running.url}): \`nlets-sim cluster down --dir ${o.dir}\` first`)
  }
  const natsBin = need('nats-server')
  const haproxyBin = need('haproxy')
  const host = o.host ?? '127.0.0.1'
  const timeoutS = o.timeoutS ?? 30
  for (const s of o.states) if (!(JURISDICTIONS as readonly string[]).includes(s)) throw new NsimError('NSIM_CLI_USAGE', `--states: \`${s}\` is not a jurisdiction`)
  mkdirSync(join(dir, 'logs'), { recursive: true })
  const pick = async (offset: number): Promise<number> => o.port === 0 ? await freePort(host) : o.port + offset
  // HAProxy's ports: with --port 0 chosen just before HAProxy starts (a port found free now may be taken by then).
  let switchPort = o.port
  let statsPort = o.port === 0 ? 0 : o.port + 324 // 8080 -> 8404, as HAProxy's own examples
  // NATS node i (0-based): clients on 4222 + i, monitoring on 8222 + i, cluster routes on 6222 + i (for --port 8080).
  const natsNodesPorts: Array<{ client: number, monitor: number, route: number }> = []
  for (let i = 0; i < natsNodes; i++) natsNodesPorts.push({ client: await pick(-3858 + i), monitor: await pick(142 + i), route: await pick(-1858 + i) })
  const natsPort = natsNodesPorts[0]!.client
  const processes: ClusterProcess[] = []
  const children: ChildProcess[] = []
  const launch = (name: string, kind: ClusterProcess['kind'], port: number, file: string, args: string[], extra?: Record<string, string>): ChildProcess => {
    const log = join(dir, 'logs', `${name}.log`)
    const child = start(file, args, log, extra)
    if (child.pid === undefined) throw new NsimError('NSIM_CLI_USAGE', `cannot start ${name} (${file})`)
    processes.push({ name, kind, pid: child.pid, port, log, command: [file, ...args], ...(extra !== undefined ? { env: withoutSecrets(extra) } : {}) })
    children.push(child)
    return child
  }
  const save = (info: Omit<ClusterInfo, 'processes'>): ClusterInfo => {
    const full = { ...info, processes }
    writeFileSync(join(dir, CLUSTER_FILE), `${JSON.stringify(full, null, 2)}\n`)
    return full
  }
  let base = {
    dir, url: `http://${host}:${switchPort}`, statsUrl: `http://${host}:${statsPort}/`,
    natsUrl: natsNodesPorts.map((n) => `nats://${host}:${n.client}`).join(','),
    hubs: [] as string[], startedAt: new Date().toISOString(),
  }
  try {
    if (natsNodes === 1) {
      const n = natsNodesPorts[0]!
      launch('nats', 'nats', natsPort, natsBin, ['-js', '-sd', join(dir, 'nats'), '-a', host, '-p', String(natsPort), '-m', String(n.monitor), '-n', 'nlets-sim'])
    } else {
      const routes = natsNodesPorts.map((n) => `nats-route://${host}:${n.route}`)
      natsNodesPorts.forEach((n, i) => {
        const name = `nats-${i + 1}`
        const conf = join(dir, `${name}.conf`)
        writeFileSync(conf, natsClusterConfig({ name, host, ...n, storeDir: join(dir, name), routes }))
        launch(name, 'nats', n.client, natsBin, ['-c', conf])
      })
    }
    save(base)
    // Every node answers, JetStream on (in a cluster: once the nodes have elected their meta leader).
    const natsParts = processes.slice(-natsNodes)
    await Promise.all(natsNodesPorts.map(async (n, i) => { await ready(`http://${host}:${n.monitor}/healthz`, children.at(-natsNodes + i)!, natsParts[i]!.log, timeoutS) }))
    const stateUrls: string[] = []
    for (const s of o.states) {
      const port = await pick(1000 + JURISDICTIONS.indexOf(s as (typeof JURISDICTIONS)[number]) + 20)
      const child = launch(`state-${s.toLowerCase()}`, 'state', port, process.execPath, [BIN, 'state-server', '--state', s, '--port', String(port), '--host', host])
      save(base)
      await ready(`http://${host}:${port}/health`, child, processes.at(-1)!.log, timeoutS)
      stateUrls.push(`${s}=http://${host}:${port}`)
    }
    const hubs: Array<{ name: string, address: string }> = []
    const hubChildren: Array<[ChildProcess, string, string]> = []
    for (let i = 1; i <= o.replicas; i++) {
      const port = await pick(i)
      const name = `hub-${i}`
      const env: Record<string, string> = {
        ...(natsNodes > 1 ? { NSIM_NATS_REPLICAS: String(natsNodes) } : {}), ...o.hubEnv, PORT: String(port), HOST: host, NSIM_NATS_URL: base.natsUrl, NSIM_REPLICA_ID: name,
        NSIM_DATA_DIR: join(dir, 'data'), ...(stateUrls.length > 0 ? { NSIM_STATE_URLS: stateUrls.join(',') } : {}),
        ...(o.policiesDir !== undefined ? { NSIM_POLICIES: resolve(o.policiesDir) } : {}),
      }
      const child = launch(name, 'hub', port, process.execPath, [BIN, 'serve'], env)
      hubs.push({ name, address: `${host}:${port}` })
      hubChildren.push([child, `http://${host}:${port}/health`, processes.at(-1)!.log])
    }
    save({ ...base, hubs: hubs.map((h) => `http://${h.address}`) })
    // Replicas start side by side (the first provisions the streams; the others find them).
    await Promise.all(hubChildren.map(async ([child, url, log]) => { await ready(url, child, log, timeoutS) }))
    const cfg = join(dir, 'haproxy.cfg')
    let info: ClusterInfo | undefined
    for (let attempt = 1; info === undefined; attempt++) {
      if (o.port === 0) {
        switchPort = await freePort(host)
        statsPort = await freePort(host)
        base = { ...base, url: `http://${host}:${switchPort}`, statsUrl: `http://${host}:${statsPort}/` }
      }
      writeFileSync(cfg, haproxyConfig({
        bind: `${host}:${switchPort}`, statsBind: `${host}:${statsPort}`, servers: hubs,
        comment: ['Written by `nlets-sim cluster up`; the repository\'s haproxy.cfg is the same for docker-compose.'],
      }))
      const hap = launch('haproxy', 'haproxy', switchPort, haproxyBin, ['-f', cfg, '-db'])
      try {
        await ready(`${base.url}/health`, hap, processes.at(-1)!.log, timeoutS)
        info = save({ ...base, hubs: hubs.map((h) => `http://${h.address}`) })
      } catch (err) {
        // Lost a race for a free port: try others (twice), else give up.
        processes.pop()
        if (o.port !== 0 || attempt >= 3 || !/cannot bind/.test(readFileSync(join(dir, 'logs', 'haproxy.log'), 'utf8'))) throw err
      }
    }
    return info
  } catch (err) {
    await stopAll(processes, 0)
    rmSync(join(dir, CLUSTER_FILE), { force: true })
    throw err
  }
}

/** Stop processes in order: hubs (SIGTERM: they drain for `drainMs`), then HAProxy, states, NATS; SIGKILL what outlives its grace. */
async function stopAll (processes: readonly ClusterProcess[], drainMs: number): Promise<number> {
  let stopped = 0
  for (const kind of ['hub', 'haproxy', 'state', 'nats'] as const) {
    const group = processes.filter((p) => p.kind === kind && alive(p.pid))
    for (const p of group) { try { process.kill(p.pid, 'SIGTERM') } catch { /* gone */ } }
    const until = Date.now() + (kind === 'hub' ? drainMs : 0) + 5000
    while (group.some((p) => alive(p.pid)) && Date.now() < until) await sleep(50)
    for (const p of group) {
      if (alive(p.pid)) { try { process.kill(p.pid, 'SIGKILL') } catch { /* gone */ } }
      stopped++
    }
  }
  return stopped
}

/** Stop a cluster started from `dir`; returns how many processes were stopped (0: none ran). */
export async function clusterDown (dir: string, drainMs = 3000): Promise<number> {
  const info = readCluster(resolve(dir))
  if (info === undefined) return 0
  const n = await stopAll(info.processes, drainMs)
  rmSync(join(resolve(dir), CLUSTER_FILE), { force: true })
  return n
}

/**
 * Restart one hub replica or state server of a running cluster (a rolling
 * restart, one part at a time): SIGTERM, so a hub drains (answers 503 while
 * HAProxy's checks take it out and retries its requests elsewhere), SIGKILL if
 * it outlives its drain by 10 s; then the same command with the same settings,
 * until it answers `/health` again (HAProxy takes it back after two good
 * checks). Returns the part as now recorded in cluster.json.
 */
export async function clusterRestart (dir: string, name: string, timeoutS = 30): Promise<ClusterProcess> {
  const root = resolve(dir)
  const info = readCluster(root)
  if (info === undefined) throw new NsimError('NSIM_CLI_USAGE', `no cluster runs from ${root}`)
  const i = info.processes.findIndex((p) => p.name === name)
  const p = info.processes[i]
  const parts = info.processes.filter((x) => x.kind === 'hub' || x.kind === 'state').map((x) => x.name).join(', ')
  if (p === undefined) throw new NsimError('NSIM_CLI_USAGE', `cluster restart: no part named \`${name}\` in ${root} (restartable: ${parts})`)
  if (p.kind !== 'hub' && p.kind !== 'state') throw new NsimError('NSIM_CLI_USAGE', `cluster restart: \`${name}\` is ${p.kind}; only hub replicas and state servers restart one at a time (${parts}); \`cluster down\` and \`up\` for the rest`)
  if (alive(p.pid)) {
    try { process.kill(p.pid, 'SIGTERM') } catch { /* gone */ }
    const drainMs = Number(p.env?.NSIM_DRAIN_MS ?? process.env.NSIM_DRAIN_MS ?? 3000)
    const until = Date.now() + (Number.isFinite(drainMs) ? drainMs : 3000) + 10_000
    while (alive(p.pid) && Date.now() < until) await sleep(50)
    if (alive(p.pid)) { try { process.kill(p.pid, 'SIGKILL') } catch { /* gone */ } }
    while (alive(p.pid)) await sleep(20)
  }
  const [file, ...args] = p.command
  const child = start(file!, args, p.log, p.env)
  if (child.pid === undefined) throw new NsimError('NSIM_CLI_USAGE', `cannot start ${name} again (${file})`)
  const now: ClusterProcess = { ...p, pid: child.pid }
  const processes = info.processes.map((x, j) => j === i ? now : x)
  writeFileSync(join(root, CLUSTER_FILE), `${JSON.stringify({ ...info, processes }, null, 2)}\n`)
  await ready(`http://${new URL(info.url).hostname}:${p.port}/health`, child, p.log, timeoutS)
  return now
}
