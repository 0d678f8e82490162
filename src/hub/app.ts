/**
 * @module hub/app
 * `buildHub(options)`: the Fastify app factory (tests call `inject()` on it;
 * server.ts listens). Loads the policy set strictly (the hub refuses to start on
 * an invalid set), opens the switch's state (SQLite in the data directory, or
 * memory when ephemeral), builds the destinations (in-process simulated states,
 * or HTTP state servers for the states given URLs) with the settings an
 * operator left, and registers the routes.
 */
import { createServer } from 'node:http'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { createSimulatedStates } from '../../simulator/states/simulated-state.js'
import { FEDERAL_LINES, JURISDICTIONS } from '../directory/model.js'
import { NsimError } from '../errors.js'
import { messageError } from '../message/er.js'
import { PolicyStore } from '../policy/store.js'
import { fileAudit, noAudit } from './audit.js'
import { AuditTap } from './audit-tap.js'
import { PolicyBundles } from './cluster/bundles.js'
import type { HubContext } from './context.js'
import { Destination } from './destinations.js'
import { type Credentials, demoCredentials, loadTokensFile } from './lines.js'
import { createMetrics } from './metrics.js'
import { DEFAULT_HUB_OPTIONS, DEMO_ADMIN_TOKEN, type HubOptions } from './options.js'
import { HTTP_LIMITS } from './limits.js'
import { LineBuckets } from './rate.js'
import { loadRegions } from './regions.js'
import { registerAdminRoutes } from './routes/admin.js'
import { registerBodyParsers } from './routes/body.js'
import { registerConsole } from './routes/console.js'
import { registerDirectoryRoutes } from './routes/directory.js'
import { registerDocs } from './routes/docs.js'
import { registerErrorHandler } from './routes/errors.js'
import { answer, registerMessageRoutes } from './routes/messages.js'
import { buildMetricsApp, registerOpsRoutes } from './routes/ops.js'
import { HttpStateEndpoint } from './state-client.js'
import { memoryState } from './ports/memory.js'
import type { SwitchState } from './ports/state.js'
import { jetstreamState, type JetStreamState } from './store/jetstream.js'
import { sqliteState } from './store/sqlite.js'
import { Switch } from './switch.js'

export interface Hub {
  readonly app: FastifyInstance
  readonly ctx: HubContext
  /** Close the app, the state clients and the audit file. */
  readonly close: () => Promise<void>
  /**
   * Stop gracefully (SIGTERM): for `graceMs` every new request is answered 503
   * with `Retry-After` and `Connection: close` (and /health says `draining`, so
   * a load balancer takes the hub out) while requests in flight finish; then close.
   */
  readonly drain: (graceMs: number) => Promise<void>
  /** GET /metrics alone, for NSIM_METRICS_PORT (the caller listens; close() closes it). */
  readonly metricsApp?: FastifyInstance | undefined
}

export async function buildHub (partial: Partial<HubOptions> = {}): Promise<Hub> {
  const options: HubOptions = { ...DEFAULT_HUB_OPTIONS, ...partial }
  const credentials = await credentialsFor(options)
  const adminToken = options.adminToken ?? (options.production
    ? (() => { throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_ADMIN_TOKEN', 'required in production') })()
    : DEMO_ADMIN_TOKEN)
  if (options.production && (adminToken === DEMO_ADMIN_TOKEN || adminToken.startsWith('demo-'))) {
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_ADMIN_TOKEN', 'a demo token is refused in production: choose a secret of your own')
  }
  const { store } = await PolicyStore.open(options.policiesDir, { strict: true })
  const shadow = options.shadowDir ? (await PolicyStore.open(options.shadowDir, { strict: true })).store : undefined
  const regions = await loadRegions(options.regionsFile)
  const sims = createSimulatedStates({ seed: options.seed, latency: options.stateLatency })
  const destinations = new Map<string, Destination>()
  for (const [state, sim] of sims) {
    const url = options.stateUrls[state]
    destinations.set(state, url === undefined
      ? new Destination(sim, 'in-process')
      : new Destination(new HttpStateEndpoint({ url, state, timeoutMs: options.stateTimeoutMs, adminToken }), 'http'))
  }
  const bounds = { queueMax: options.queueMax, inboxMax: options.inboxMax }
  const replica = options.replicaId ?? `${hostname()}-${process.pid}`
  const warn = (err: Error): void => { process.emitWarning(`${replica}: ${err.message}`, { code: 'NSIM_HUB_CLUSTER' }) }
  const nats: JetStreamState | undefined = options.natsUrl === undefined ? undefined : await jetstreamState({
    url: options.natsUrl, replica, destinations: [...destinations.keys()], onError: warn, ...bounds,
    ...(options.natsReplicas !== undefined ? { streamReplicas: options.natsReplicas } : {}),
    counters: [...JURISDICTIONS, ...Object.keys(FEDERAL_LINES)].flatMap((l) => [`in:${l}`, `out:${l}`]),
  })
  const state: SwitchState = nats ?? (options.ephemeral ? memoryState(bounds) : sqliteState({ dataDir: options.dataDir, sync: options.dbSync, checkpointPages: options.dbCheckpointPages, ...bounds }))
  const bundles = nats === undefined ? undefined : new PolicyBundles(nats.nats, store, join(options.dataDir, `bundles-${replica}`), warn)
  try {
    for (const [code, saved] of Object.entries(await state.destinations.load())) await destinations.get(code)?.restore(saved)
    await bundles?.start()
  } catch (err) {
    await state.close()
    throw err
  }
  let audit: AuditTap
  try {
    audit = new AuditTap(options.auditFile === false ? noAudit : fileAudit(auditFileOf(options, replica)))
  } catch (err) {
    await state.close()
    throw err
  }
  const metrics = createMetrics({
    queueDepths: () => state.queue.depths(),
    stateStatus: () => Object.fromEntries([...destinations].map(([s, d]) => [s, d.health])),
    policyVersion: () => store.current.version,
  })
  const sw = new Switch({ store, shadow, destinations, regions, state, audit, metrics, ...(options.now ? { now: options.now } : {}) }, {
    msqWindowMs: options.msqWindowMs, stateTimeoutMs: options.stateTimeoutMs, filtering: options.filtering, timeZone: options.timeZone,
    ...(nats !== undefined ? { replica } : {}),
    ...(options.drainSliceMs !== undefined ? { drainSliceMs: options.drainSliceMs } : {}),
  })
  const app = Fastify({
    // Per-request logging costs a large share of throughput: Fastify logs requests
    // at info, so the logger (when on) runs at warn; the audit trail is separate.
    logger: options.logger ? { level: 'warn' } : false,
    // No child logger per request (pino builds one from the request id, a few
    // microseconds each): the error handler names the request id itself.
    childLoggerFactory: (logger) => logger,
    bodyLimit: options.bodyLimit,
    return503OnClosing: true,
    // A request must arrive whole in time: a client trickling its body is cut off (408), checked every second.
    requestTimeout: options.requestTimeoutMs,
    serverFactory: (handler) => {
      const server = createServer({
        connectionsCheckingInterval: 1000, requestTimeout: options.requestTimeoutMs, headersTimeout: options.requestTimeoutMs,
        maxHeaderSize: HTTP_LIMITS.headerBytes,
      }, handler)
      server.maxConnections = options.maxConnections
      // One more than the limit is kept, so that a request over it can be told apart and refused (Node drops the rest).
      server.maxHeadersCount = HTTP_LIMITS.headers + 1
      return server
    },
    // Unknown properties are an error (the JSON message form promises an ER for them), never silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
  })
  registerBodyParsers(app)
  let draining = false
  app.addHook('onRequest', (req, reply, done) => {
    if (req.raw.rawHeaders.length > 2 * HTTP_LIMITS.headers) {
      const why = `more than ${HTTP_LIMITS.headers} header lines`
      reply.header('connection', 'close')
      if (req.url.startsWith('/v1/messages')) void answer(req, reply, ctx, sw.refuse(sw.nextId(), 431, messageError('0', why), '', '', null, Date.now()))
      else void reply.code(431).send({ statusCode: 431, code: 'NSIM_HUB_BAD_REQUEST', error: 'Request Header Fields Too Large', message: why })
      return
    }
    if (!draining) { done(); return }
    void reply.code(503).header('retry-after', '1').header('connection', 'close')
      .send(req.url === '/health'
        ? { status: 'draining' }
        : { statusCode: 503, code: 'NSIM_HUB_DRAINING', error: 'Service Unavailable', message: 'the hub is shutting down: send to another hub or retry' })
  })
  const rate = new LineBuckets({ rate: options.lineRate, burst: options.lineBurst ?? Math.max(1, options.lineRate * 2) }, options.now)
  const ctx: HubContext = { options, sw, rate, store, destinations, credentials, adminToken, metrics, audit, auditTap: audit, startedAt: Date.now(), replica, bundles }
  // Settings saved through another replica (faults, status) hold here too.
  await nats?.watchDestinations((code, saved) => {
    const d = destinations.get(code)
    if (d === undefined) return
    void d.apply(saved).then(() => {
      sw.forgetServing()
      if (d.health === 'up') return sw.drain(code)
    }).catch(warn)
  })
  if (options.docs) await registerDocs(app)
  registerErrorHandler(app, ctx)
  registerMessageRoutes(app, ctx)
  registerDirectoryRoutes(app, ctx)
  registerOpsRoutes(app, ctx)
  registerAdminRoutes(app, ctx)
  await registerConsole(app, ctx)
  // Forward what waits for states that are back (a drain that finds its state still down stops at once).
  const metricsApp = options.metricsPort !== undefined ? buildMetricsApp(ctx) : undefined
  const retry = setInterval(() => {
    for (const s of Object.keys(state.queue.depths())) {
      sw.drain(s).catch((err: Error) => { app.log.warn(`store-and-forward: draining ${s} failed: ${err.message}`) })
    }
  }, 1000)
  retry.unref()
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => { closing ??= shutdown(); await closing }
  const shutdown = async (): Promise<void> => {
    clearInterval(retry)
    await app.close()
    await metricsApp?.close()
    await sw.stop()
    bundles?.stop()
    for (const d of destinations.values()) await d.endpoint.close?.()
    await audit.close()
    await state.close()
  }
  const drain = async (graceMs: number): Promise<void> => {
    draining = true
    await new Promise((resolve) => setTimeout(resolve, graceMs))
    await close()
  }
  return { app, ctx, close, drain, metricsApp }
}

/** The audit file: `{replica}` in its name is the replica id; with NATS the default name carries it. */
function auditFileOf (o: HubOptions, replica: string): string {
  const file = o.auditFile as string
  if (file.includes('{replica}')) return file.replaceAll('{replica}', replica)
  if (o.natsUrl !== undefined && file === DEFAULT_HUB_OPTIONS.auditFile) return join(o.dataDir, `audit-${replica}.ndjson`)
  return file
}

async function credentialsFor (o: HubOptions): Promise<Credentials> {
  if (o.tokensFile) return await loadTokensFile(o.tokensFile, { production: o.production })
  if (o.production) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_TOKENS_FILE', 'production refuses demo tokens: give a file of hashed line tokens')
  return demoCredentials
}
