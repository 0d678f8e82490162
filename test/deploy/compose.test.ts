/**
 * @module test/deploy/compose
 * docker-compose.yml (three hub replicas on NATS behind HAProxy, state servers,
 * Prometheus, Grafana): validated by `docker-compose config -q` and checked as
 * YAML against haproxy.cfg, the Prometheus targets and the hub's metrics; then
 * a hub with three state servers started as plain processes and driven over
 * HTTP: routing, a denial, an allowed CBP query, and a state outage through the
 * hub's admin API with store-and-forward. (The replicas, NATS and HAProxy as
 * processes: test/cluster.)
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import t from 'tap'
import { Agent, request } from 'undici'
import { parse } from 'yaml'
import { composeHaproxyConfig, COMPOSE_REPLICAS } from '../../src/cluster/haproxy.js'
import { findProgram, freePort } from '../../src/cluster/topology.js'
import { buildHub } from '../../src/hub/app.js'
import { parseStateUrls } from '../../src/hub/options.js'

const root = process.cwd()
const COMPOSE_FILE = join(root, 'docker-compose.yml')

type Env = Record<string, string>

interface Service {
  build?: unknown
  command?: unknown
  environment?: Env | string[]
  healthcheck?: { test?: unknown }
  depends_on?: Record<string, { condition?: string }> | string[]
  ports?: string[]
}

function envOf (s: Service): Env {
  const e = s.environment ?? {}
  if (!Array.isArray(e)) return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v)]))
  return Object.fromEntries(e.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i), kv.slice(i + 1)] }))
}

/** Value of `--flag` in a command list. */
function flag (command: unknown, name: string): string | undefined {
  if (!Array.isArray(command)) return undefined
  const i = command.indexOf(name)
  return i < 0 ? undefined : String(command[i + 1])
}

function findDockerCompose (): string | undefined {
  if (existsSync('/usr/bin/docker-compose')) return '/usr/bin/docker-compose'
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, 'docker-compose'))) return join(dir, 'docker-compose')
  }
  return undefined
}

/** Environment of child processes: ours without NODE_ENV and NSIM_* settings, plus `extra`. */
function childEnv (extra: Env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (k !== 'NODE_ENV' && !k.startsWith('NSIM_') && k !== 'PORT' && k !== 'HOST') env[k] = v
  return { ...env, ...extra }
}

function run (file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: root, env, timeout: 15_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1
      resolve({ code, stdout, stderr })
    })
  })
}

t.test('docker-compose.yml', async (t) => {
  const doc = parse(readFileSync(COMPOSE_FILE, 'utf8'), { merge: true }) as { services?: Record<string, Service & { image?: string, volumes?: string[] }> }
  const services = doc.services ?? {}
  const hubs = Object.entries(services).filter(([, s]) => Array.isArray(s.command) && s.command[0] === 'serve')
  const stateServices = Object.entries(services).filter(([, s]) => Array.isArray(s.command) && s.command[0] === 'state-server')
  t.same(hubs.map(([n]) => n), [...COMPOSE_REPLICAS], 'three hub replicas, the ones haproxy.cfg names')
  t.ok(stateServices.length >= 1, 'state services')
  t.same(Object.keys(services).sort(), [...hubs.map(([n]) => n), ...stateServices.map(([n]) => n), 'grafana', 'haproxy', 'nats', 'prometheus'].sort(),
    'every service is a hub replica, a state server, NATS, HAProxy, Prometheus or Grafana')

  for (const [name, s] of [...hubs, ...stateServices]) {
    t.equal(s.build, '.', `${name} builds from the repository's Dockerfile`)
    const test = s.healthcheck?.test
    t.ok(Array.isArray(test) && test.length > 1, `${name} has a healthcheck`)
    const port = s.command !== undefined && (s.command as string[])[0] === 'serve' ? envOf(s).PORT : flag(s.command, '--port')
    t.match(JSON.stringify(test), new RegExp(`127\\.0\\.0\\.1:${port}/health`), `${name}'s healthcheck asks its own port (${port})`)
    t.match(envOf(s).NSIM_ADMIN_TOKEN, /^\$\{NSIM_ADMIN_TOKEN(:?\?[^}]*)?\}$/, `${name} takes the admin token from the environment, with no default`)
  }
  for (const [name, s] of stateServices) {
    const state = flag(s.command, '--state')
    t.equal(name, `state-${state?.toLowerCase()}`, `${name} serves its own state`)
    t.equal(flag(s.command, '--host'), '0.0.0.0', `${name} listens beyond the container`)
  }

  const ids = new Set<string>()
  for (const [name, hub] of hubs) {
    const env = envOf(hub)
    t.equal(env.NSIM_REPLICA_ID, name, `${name} is replica ${name}`)
    ids.add(env.NSIM_REPLICA_ID!)
    t.equal(env.NSIM_NATS_URL, 'nats://nats:4222', `${name} keeps its state in the nats service`)
    t.equal(env.PORT, '8080', `${name} listens where haproxy.cfg sends`)
    const urls = parseStateUrls(env.NSIM_STATE_URLS ?? '')
    const named = Object.entries(urls).map(([state, u]) => ({ state, host: new URL(u).hostname, port: new URL(u).port }))
    t.same(named.map((n) => n.host).sort(), stateServices.map(([n]) => n).sort(), `${name}'s NSIM_STATE_URLS names exactly the state services`)
    for (const n of named) {
      const st = services[n.host]
      if (st === undefined) continue
      t.equal(flag(st.command, '--state'), n.state, `${n.host} answers for ${n.state}`)
      t.equal(flag(st.command, '--port'), n.port, `${n.host} listens on the port ${name} calls`)
    }
    const deps = hub.depends_on
    t.same(Array.isArray(deps) ? deps : Object.keys(deps ?? {}).sort(), ['nats', ...stateServices.map(([n]) => n)].sort(), `${name} waits for NATS and every state service`)
    if (deps !== undefined && !Array.isArray(deps)) t.ok(Object.values(deps).every((d) => d.condition === 'service_healthy'), '... until each is healthy')
  }
  t.equal(ids.size, hubs.length, 'replica ids differ')
  t.match(services.nats?.command, ['-js'], 'NATS runs with JetStream')
  t.ok((services.haproxy?.volumes ?? []).some((v) => v.startsWith('./haproxy.cfg:')), "HAProxy runs the repository's haproxy.cfg")
  t.ok((services.haproxy?.ports ?? []).some((p) => String(p) === '8080:8080'), 'the switch port is published by HAProxy')
  t.equal(readFileSync(join(root, 'haproxy.cfg'), 'utf8'), composeHaproxyConfig(), 'haproxy.cfg is what composeHaproxyConfig() writes')

  // Prometheus scrapes every replica's metrics port and HAProxy; the dashboard asks only for metrics that exist.
  const prom = parse(readFileSync(join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as { scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }> }
  const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).sort()
  t.same(targets, [...hubs.map(([n, h]) => `${n}:${envOf(h).NSIM_METRICS_PORT}`), 'haproxy:8404'].sort(), 'Prometheus scrapes every replica and HAProxy')
  const hub = await buildHub({ ephemeral: true, auditFile: false, docs: false })
  const metrics = (await hub.app.inject({ url: '/metrics', headers: { authorization: 'Bearer demo-admin' } })).body
  await hub.close()
  const known = new Set([...metrics.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap((m) => m[2] === 'histogram' ? [`${m[1]}_bucket`, `${m[1]}_sum`, `${m[1]}_count`] : [m[1]!]))
  const dash = JSON.parse(readFileSync(join(root, 'deploy/grafana/dashboards/nlets-sim.json'), 'utf8')) as { panels: Array<{ title: string, targets: Array<{ expr: string }> }> }
  t.ok(dash.panels.length >= 8, `a dashboard of ${dash.panels.length} panels`)
  for (const p of dash.panels) {
    for (const q of p.targets) {
      const names = [...q.expr.matchAll(/\b(nsim_[a-z_]+|haproxy_[a-z_]+)/g)].map((m) => m[1]!)
      t.ok(names.length > 0, `"${p.title}" asks for a metric`)
      for (const n of names.filter((x) => x.startsWith('nsim_'))) t.ok(known.has(n), `"${p.title}": ${n} is a metric the hub exports`)
    }
  }
})

const dockerCompose = findDockerCompose()
const skipCompose = dockerCompose === undefined && !process.env.CI
  ? 'docker-compose is not installed: run `apt-get install -y docker-compose` (Debian) to validate docker-compose.yml'
  : false

t.test('docker-compose config', { skip: skipCompose }, async (t) => {
  const bin = dockerCompose
  if (bin === undefined) {
    t.fail('docker-compose is not installed, and CI is set: .ci/run installs it (apt-get install -y docker-compose)')
    return
  }
  const ok = await run(bin, ['-f', COMPOSE_FILE, 'config', '-q'], childEnv({ NSIM_ADMIN_TOKEN: 'x' }))
  t.equal(ok.code, 0, `docker-compose config -q: ${ok.stderr}`)
  const noToken = await run(bin, ['-f', COMPOSE_FILE, 'config', '-q'], childEnv({}))
  t.not(noToken.code, 0, 'refused without NSIM_ADMIN_TOKEN')
  t.match(noToken.stderr, /NSIM_ADMIN_TOKEN/)
})

const promtool = findProgram('promtool')

t.test('promtool check config: the Prometheus configuration of docker-compose.yml', {
  skip: promtool === undefined && !process.env.CI ? 'promtool is not installed: run `apt-get install -y prometheus` (Debian) to validate it' : false,
}, async (t) => {
  if (promtool === undefined) {
    t.fail('promtool is not installed, and CI is set: .ci/run installs it (apt-get install -y prometheus)')
    return
  }
  const ok = await run(promtool, ['check', 'config', join(root, 'deploy/prometheus/prometheus.yml')], childEnv({}))
  t.equal(ok.code, 0, `promtool check config: ${ok.stderr}`)
  // The check can fail: a misspelt setting is refused.
  const dir = mkdtempSync(join(tmpdir(), 'nsim-prom-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const bad = join(dir, 'prometheus.yml')
  writeFileSync(bad, 'scrape_configs:\n  - job_name: x\n    scrape_intervall: 5s\n')
  const refused = await run(promtool, ['check', 'config', bad], childEnv({}))
  t.not(refused.code, 0, 'a broken configuration is refused')
})

interface Proc {
  readonly name: string
  readonly child: ChildProcess
  output: string
  exited: boolean
}

const procs: Proc[] = []

function start (name: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [join(root, 'bin/nlets-sim.js'), ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const p: Proc = { name, child, output: '', exited: false }
  child.stdout!.setEncoding('utf8').on('data', (s: string) => { p.output += s })
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { p.output += s })
  child.once('exit', () => { p.exited = true })
  child.once('error', (err) => { p.output += `\nspawn error: ${err.message}`; p.exited = true })
  procs.push(p)
  return p
}

async function stop (p: Proc): Promise<void> {
  if (p.exited) return
  const gone = new Promise<void>((resolve) => { p.child.once('exit', () => resolve()) })
  p.child.kill('SIGTERM')
  const kill = setTimeout(() => { p.child.kill('SIGKILL') }, 3000)
  let giveUp: NodeJS.Timeout | undefined
  await Promise.race([gone, new Promise((resolve) => { giveUp = setTimeout(resolve, 5000) })])
  clearTimeout(kill)
  clearTimeout(giveUp)
}

// Whatever happens to the test, no child outlives it.
process.once('exit', () => { for (const p of procs) if (!p.exited) p.child.kill('SIGKILL') })

/** Wait until `p` prints a line matching `re`, at most `ms`. */
async function waitForOutput (p: Proc, re: RegExp, ms: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms
  for (;;) {
    const m = re.exec(p.output)
    if (m !== null) return m
    if (p.exited) throw new Error(`${p.name} exited before printing ${re}:\n${p.output}`)
    if (Date.now() > deadline) throw new Error(`${p.name} did not print ${re} within ${ms} ms:\n${p.output}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const agent = new Agent({ connect: { timeout: 2000 }, headersTimeout: 5000, bodyTimeout: 5000 })

async function http (method: 'GET' | 'POST' | 'PUT', url: string, opts: { token?: string, body?: string | object } = {}): Promise<{ status: number, json: any }> {
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body)
  const headers: Record<string, string> = { accept: 'application/json' }
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`
  if (body !== undefined) headers['content-type'] = typeof opts.body === 'string' ? 'text/plain' : 'application/json'
  const res = await request(url, { method, headers, dispatcher: agent, signal: AbortSignal.timeout(5000), ...(body === undefined ? {} : { body }) })
  const text = await res.body.text()
  return { status: res.statusCode, json: text === '' ? undefined : JSON.parse(text) }
}

/** Poll GET url/health until 200, at most `ms`. */
async function waitHealthy (p: Proc, url: string, ms: number): Promise<any> {
  const deadline = Date.now() + ms
  let last = ''
  for (;;) {
    try {
      const r = await http('GET', `${url}/health`)
      if (r.status === 200) return r.json
      last = `HTTP ${r.status}`
    } catch (err) {
      last = (err as Error).message
    }
    if (p.exited) throw new Error(`${p.name} exited:\n${p.output}`)
    if (Date.now() > deadline) throw new Error(`${p.name} not healthy at ${url} within ${ms} ms (${last}):\n${p.output}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

t.test('the compose topology as processes', { timeout: 60_000 }, async (t) => {
  t.teardown(async () => {
    await Promise.all(procs.map(stop))
    await agent.close()
  })
  const token = 'compose-test-admin'
  const env = childEnv({ NSIM_ADMIN_TOKEN: token })

  const states = ['IL', 'WA', 'NY'].map((state) => ({ state, proc: start(`state-${state.toLowerCase()}`, ['state-server', '--state', state, '--port', '0'], env) }))
  const stateUrls: Record<string, string> = {}
  for (const s of states) {
    const m = await waitForOutput(s.proc, new RegExp(`state server ${s.state} listening on (http://127\\.0\\.0\\.1:\\d+)`), 60_000)
    stateUrls[s.state] = m[1]!
  }
  for (const s of states) t.match(await waitHealthy(s.proc, stateUrls[s.state]!, 5000), { state: s.state, status: 'up' }, `${s.state} healthy`)

  const port = await freePort()
  const hubProc = start('hub', ['serve', '--port', String(port), '--state-urls', Object.entries(stateUrls).map(([s, u]) => `${s}=${u}`).join(','), '--audit', 'off', '--ephemeral'], env)
  const hub = `http://127.0.0.1:${port}`
  t.match(await waitHealthy(hubProc, hub, 10_000), { status: 'ok' }, 'hub healthy')

  const list = await http('GET', `${hub}/v1/admin/states`, { token })
  t.equal(list.status, 200)
  const transport = Object.fromEntries((list.json as Array<{ state: string, transport: string }>).map((s) => [s.state, s.transport]))
  t.match(transport, { IL: 'http', WA: 'http', NY: 'http', TX: 'in-process' }, 'IL, WA and NY over HTTP, the rest in-process')
  t.equal((await http('GET', `${hub}/v1/admin/states`, { token: 'demo-admin' })).status, 401, 'the demo admin token is refused when NSIM_ADMIN_TOKEN is set')

  const dq = await http('POST', `${hub}/v1/messages`, { token: 'demo-TX', body: 'DQ.TX0020100.IL.TXTOLN/D1234567' })
  t.equal(dq.status, 200)
  t.match(dq.json, { replies: [{ key: 'DR', from: 'ILOLN0000', to: 'TX0020100' }], decisions: [{ destination: 'IL', effect: 'allow' }] }, 'DQ to IL answered by ILOLN0000')

  const ice = await http('POST', `${hub}/v1/messages`, { token: 'demo-AX', body: 'DQ.VTICE0900.IL.TXTOLN/D1234567' })
  t.equal(ice.status, 200)
  t.match(ice.json, { replies: [{ status: 'denied' }], decisions: [{ destination: 'IL', effect: 'deny', rule: 'il-deny-ice' }] }, 'ICE denied by il-deny-ice')

  const cbp = await http('POST', `${hub}/v1/messages`, { token: 'demo-TC', body: 'RQ.NYCBP0100.WA.TXTLIC/ABC123.LIY/2025.LIT/PC' })
  t.equal(cbp.status, 200)
  t.match(cbp.json, { replies: [{ key: 'RR', from: 'WALIC0000', to: 'NYCBP0100' }], decisions: [{ destination: 'WA', effect: 'allow' }] }, 'CBP RQ to WA answered by WALIC0000')

  const down = await http('PUT', `${hub}/v1/admin/states/IL/fault`, { token, body: { mode: 'down' } })
  t.equal(down.status, 200, JSON.stringify(down.json))
  t.match((await http('GET', `${stateUrls.IL}/health`)).json, { state: 'IL', status: 'down' }, 'the fault reached the IL server')
  const queued = await http('POST', `${hub}/v1/messages`, { token: 'demo-TX', body: 'DQ.TX0020100.IL.TXTOLN/D7654321' })
  t.match(queued.json, { replies: [{ key: 'SM', status: 'queued', text: /\.02/ }] }, 'IL down: SM .02, queued')
  t.same((await http('GET', `${hub}/v1/inbox`, { token: 'demo-TX' })).json.replies, [], 'nothing delivered yet')

  const up = await http('PUT', `${hub}/v1/admin/states/IL/fault`, { token, body: { mode: 'up' } })
  t.match(up.json, { state: 'IL', delivered: 1, queued: 0 }, 'up delivers the queued query')
  const inbox = await http('GET', `${hub}/v1/inbox`, { token: 'demo-TX' })
  t.match(inbox.json, { line: 'TX', replies: [{ key: 'DR', from: 'ILOLN0000', to: 'TX0020100' }] }, 'the TX inbox holds the DR')
})
