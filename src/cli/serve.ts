/**
 * @module cli/serve
 * `nlets-sim serve`: run the hub on PORT (default 8080) and HOST (default
 * 127.0.0.1) with the embedded defaults: every state simulated in-process, the
 * shipped policies and directory. Settings also come from the environment
 * (see src/hub/options.ts). Runs until SIGINT or SIGTERM.
 */
import { buildHub } from '../hub/app.js'
import { consoleEnabled } from '../hub/routes/console.js'
import { hubOptionsFromEnv, type HubOptions, parseStateUrls } from '../hub/options.js'
import { NsimError } from '../errors.js'
import { intFlag, type Io, parseFlags } from './io.js'

const USAGE = `usage: nlets-sim serve [options]

Run the hub (the simulated switch). Defaults: every state simulated in-process,
policies/ for policies, directory and regions, audit to var/audit.ndjson.

  --port N            listen port (default: PORT or 8080)
  --host H            listen address (default: HOST or 127.0.0.1)
  --policies DIR      policy folder (default: policies)
  --shadow DIR        candidate policies evaluated beside the live ones, never enforced
  --audit FILE|off    audit file (default: var/audit.ndjson)
  --state-urls LIST   states served over HTTP, e.g. IL=http://127.0.0.1:9113,WA=http://127.0.0.1:9146
  --latency off|real  latency of in-process simulated states (default off)
  --msq-window-ms N   multi-state (NL) collection window (default 60000)
  --data-dir DIR      the switch's durable state: DIR/nlets-sim.db (default: NSIM_DATA_DIR or var)
  --ephemeral         keep queue, inboxes and counters in memory only (nothing survives a restart)
  --db-sync normal|full  normal survives a killed hub; full a power loss too (default normal)
  --queue-max N       queries kept per state out of service (default 100000; SM .04 past it)
  --inbox-max N       replies kept per line until acknowledged (default 50000; SM .04 past it)
  --no-filtering      do not consult policies (benchmarks only)

Several hubs as one switch: NSIM_NATS_URL=nats://host:4222 keeps queue, inboxes,
counters, destination settings and policy bundles in NATS JetStream, shared by
every replica; NSIM_REPLICA_ID names this one (default host-pid). See
\`nlets-sim cluster --help\`.

Local line tokens are demo-<LINE> (e.g. demo-TX); the admin token is demo-admin
unless NSIM_ADMIN_TOKEN is set. With NODE_ENV=production demo tokens are
refused: set NSIM_TOKENS_FILE and NSIM_ADMIN_TOKEN.`

function positiveFlag (name: string, v: string): number {
  const n = intFlag(name, v, 0)
  if (n <= 0) throw new NsimError('NSIM_CLI_USAGE', `--${name} must be a positive integer, got \`${v}\``)
  return n
}

export async function serveCommand (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, {
    port: { type: 'string' }, host: { type: 'string' }, policies: { type: 'string' }, shadow: { type: 'string' },
    audit: { type: 'string' }, 'state-urls': { type: 'string' }, latency: { type: 'string' }, 'msq-window-ms': { type: 'string' },
    'data-dir': { type: 'string' }, ephemeral: { type: 'boolean' }, 'db-sync': { type: 'string' }, 'queue-max': { type: 'string' },
    'inbox-max': { type: 'string' }, 'no-filtering': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  }, false)
  if (values.help) { io.out(USAGE); return 0 }
  const env = hubOptionsFromEnv()
  const port = intFlag('port', values.port ?? process.env.PORT, 8080)
  if (port > 65535) throw new NsimError('NSIM_CLI_USAGE', `--port must be at most 65535, got ${port}`)
  const host = values.host ?? process.env.HOST ?? '127.0.0.1'
  if (values.latency !== undefined && values.latency !== 'off' && values.latency !== 'real') throw new NsimError('NSIM_CLI_USAGE', '--latency must be off or real')
  const dbSync = values['db-sync']
  if (dbSync !== undefined && dbSync !== 'normal' && dbSync !== 'full') throw new NsimError('NSIM_CLI_USAGE', `--db-sync must be normal or full, got \`${dbSync}\``)
  if (values['data-dir'] === '') throw new NsimError('NSIM_CLI_USAGE', '--data-dir needs a folder')
  const opts: Partial<HubOptions> = {
    ...env,
    logger: true,
    ...(values.policies ? { policiesDir: values.policies, regionsFile: `${values.policies}/regions.yaml` } : {}),
    ...(values.shadow ? { shadowDir: values.shadow } : {}),
    ...(values.audit ? { auditFile: values.audit === 'off' ? false : values.audit } : {}),
    ...(values['state-urls'] ? { stateUrls: parseStateUrls(values['state-urls'], '--state-urls') } : {}),
    ...(values.latency ? { stateLatency: values.latency as 'off' | 'real' } : {}),
    ...(values['msq-window-ms'] ? { msqWindowMs: intFlag('msq-window-ms', values['msq-window-ms'], 60000) } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values.ephemeral ? { ephemeral: true } : {}),
    ...(dbSync ? { dbSync } : {}),
    ...(values['queue-max'] ? { queueMax: positiveFlag('queue-max', values['queue-max']) } : {}),
    ...(values['inbox-max'] ? { inboxMax: positiveFlag('inbox-max', values['inbox-max']) } : {}),
    ...(values['no-filtering'] ? { filtering: false } : {}),
  }
  const hub = await buildHub(opts)
  const closed = new Promise<void>((resolve) => { hub.app.server.once('close', () => resolve()) })
  try {
    await hub.app.listen({ port, host })
  } catch (err) {
    io.err(`nlets-sim: cannot listen on ${host}:${port}: ${(err as Error).message}`)
    await hub.close()
    return 1
  }
  if (hub.metricsApp !== undefined) {
    try {
      await hub.metricsApp.listen({ port: hub.ctx.options.metricsPort!, host })
    } catch (err) {
      io.err(`nlets-sim: cannot listen for metrics on ${host}:${hub.ctx.options.metricsPort}: ${(err as Error).message}`)
      await hub.close()
      return 1
    }
    io.out(`metrics (no token) on http://${host.includes(':') ? `[${host}]` : host}:${hub.ctx.options.metricsPort}/metrics`)
  }
  // The port actually bound (`--port 0` picks a free one).
  const bound = (hub.app.server.address() as { port: number } | null)?.port ?? port
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`
  io.out(`nlets-sim hub listening on ${url} (policy version ${hub.ctx.store.current.version}; ${hub.ctx.destinations.size} states; docs at ${url}/docs)`)
  if (consoleEnabled(hub.ctx)) io.out(`training console at ${url}/console/${hub.ctx.options.production ? ' (a line token is asked for)' : ''}`)
  const st = hub.ctx.sw.deps.state
  const waiting = Object.values(st.queue.depths()).reduce((a, b) => a + b, 0)
  io.out(st.kind === 'memory'
    ? 'switch state in memory (--ephemeral): queued queries and inbox replies end with the process'
    : st.kind === 'nats'
      ? `switch state in NATS JetStream at ${st.where}, shared with other replicas (this one: ${hub.ctx.replica})${waiting ? `; ${waiting} queued` : ''}`
      : `switch state in ${st.where}${waiting ? ` (${waiting} queued quer${waiting === 1 ? 'y' : 'ies'} kept from before)` : ''}`)
  io.out(`try: curl -s -H 'Authorization: Bearer demo-TX' -H 'Content-Type: text/plain' -H 'Accept: text/plain' --data 'DQ.TX0020100.IL.TXTOLN/D1234567' ${url}/v1/messages`)
  // SIGTERM drains (503 with Retry-After meanwhile) before closing; a second signal closes at once.
  const stop = (): void => { void hub.drain(hub.ctx.options.drainMs) }
  process.once('SIGTERM', () => { stop(); process.once('SIGTERM', () => { void hub.close() }) })
  process.once('SIGINT', () => { void hub.close() })
  await closed
  return 0
}
