/**
 * @module hub/options
 * Every hub setting with its default in one place, and the environment
 * variables that set them (`hubOptionsFromEnv`). Bad values fail at start with
 * a message naming the setting.
 */
import { isJurisdiction, toJurisdiction } from '../directory/model.js'
import { NsimError } from '../errors.js'
import { HTTP_LIMITS } from './limits.js'

export interface HubOptions {
  /** Policy folder: directory.csv, groups.yaml, states/, regions.yaml. */
  readonly policiesDir: string
  /** Candidate policies evaluated beside the live ones, never enforced. */
  readonly shadowDir?: string | undefined
  readonly regionsFile: string
  /** Audit file (NDJSON), or false for none. */
  readonly auditFile: string | false
  /** Multi-state (NL) collection window. */
  readonly msqWindowMs: number
  /** Point-to-point answer timeout. */
  readonly stateTimeoutMs: number
  /** States reached over HTTP (state -> base URL); the rest run in-process. */
  readonly stateUrls: Readonly<Record<string, string>>
  /** Latency of in-process simulated states. */
  readonly stateLatency: 'off' | 'real'
  readonly seed: number
  /** Production refuses demo tokens and requires NSIM_ADMIN_TOKEN and a tokens file. */
  readonly production: boolean
  readonly tokensFile?: string | undefined
  readonly adminToken?: string | undefined
  /** Bearer token that may read /metrics besides the admin token. */
  readonly metricsToken?: string | undefined
  /** Serve /metrics, without a token, on this port of its own (for a private network). */
  readonly metricsPort?: number | undefined
  /** Folder of the switch's durable state (`nlets-sim.db`: queue, inboxes, counters, destination settings). */
  readonly dataDir: string
  /** Keep the switch's state in memory only (nothing survives the process). */
  readonly ephemeral: boolean
  /** NATS server URL(s): the switch's state in JetStream, shared with other hub replicas (store/jetstream.ts). */
  readonly natsUrl?: string | undefined
  /** This hub's name among replicas: in /health, the audit file's name (`{replica}`) and NATS connection names. */
  readonly replicaId?: string | undefined
  /** Copies JetStream keeps of each stream and bucket (1, or 3 on a 3-node NATS cluster: a quorum survives one node). */
  readonly natsReplicas?: number | undefined
  /** SQLite synchronous mode: `normal` survives a killed process, `full` a power loss too. */
  readonly dbSync: 'normal' | 'full'
  /** Queue bound per destination for store-and-forward (SM .04 past it). */
  readonly queueMax: number
  /** Inbox bound per line: replies waiting plus queries queued for the line (SM .04 past it). */
  readonly inboxMax: number
  /** Milliseconds a store-and-forward drain keeps the event loop before giving way (benchmarks compare values). */
  readonly drainSliceMs?: number
  /** SQLite WAL pages between checkpoints (benchmarks; default WAL_CHECKPOINT_PAGES in store/sqlite.ts). */
  readonly dbCheckpointPages?: number
  /** false: skip policy decisions (benchmarks: filtering on vs off). */
  readonly filtering: boolean
  readonly bodyLimit: number
  /** A request must arrive whole within this many ms (slow-body clients are cut off with 408). */
  readonly requestTimeoutMs: number
  /** Connections open at once; past it new ones are closed at once. */
  readonly maxConnections: number
  /** Messages a second per line (token bucket); 0: no limit. */
  readonly lineRate: number
  /** Burst of the per-line limit (default: twice the rate, at least 1). */
  readonly lineBurst?: number | undefined
  /** On SIGTERM: ms of answering 503 with Retry-After before closing (in-flight requests finish meanwhile). */
  readonly drainMs: number
  /** Time zone of reply header clocks. */
  readonly timeZone: string
  /** Fastify's own logger (startup, errors); request logging stays off. */
  readonly logger: boolean
  /** Register the OpenAPI document and /docs. */
  readonly docs: boolean
  /** The training console at /console: undefined = on locally, off with NODE_ENV=production (NSIM_CONSOLE=on|off). */
  readonly console?: boolean | undefined
  readonly now?: () => number
}

export const DEFAULT_HUB_OPTIONS: HubOptions = Object.freeze({
  policiesDir: 'policies',
  regionsFile: 'policies/regions.yaml',
  auditFile: 'var/audit.ndjson',
  msqWindowMs: 60_000,
  stateTimeoutMs: 5_000,
  stateUrls: {},
  stateLatency: 'off',
  seed: 2025,
  production: false,
  dataDir: 'var',
  ephemeral: false,
  dbSync: 'normal',
  queueMax: 100_000,
  inboxMax: 50_000,
  filtering: true,
  bodyLimit: HTTP_LIMITS.bodyBytes,
  requestTimeoutMs: 10_000,
  maxConnections: 10_000,
  drainMs: 3000,
  lineRate: 0,
  timeZone: 'America/Phoenix',
  logger: false,
  docs: true,
})

/** Local admin token when none is configured (refused in production). */
export const DEMO_ADMIN_TOKEN = 'demo-admin'

/** Environment variables the hub and the CLI read (not error codes, though they share the prefix). */
export const ENV_VARS: readonly string[] = [
  'NSIM_POLICIES', 'NSIM_REGIONS', 'NSIM_SHADOW', 'NSIM_AUDIT_FILE', 'NSIM_MSQ_WINDOW_MS', 'NSIM_STATE_TIMEOUT_MS',
  'NSIM_STATE_URLS', 'NSIM_STATE_LATENCY', 'NSIM_TOKENS_FILE', 'NSIM_ADMIN_TOKEN', 'NSIM_FILTERING',
  'NSIM_DATA_DIR', 'NSIM_EPHEMERAL', 'NSIM_DB_SYNC', 'NSIM_QUEUE_MAX', 'NSIM_INBOX_MAX', 'NSIM_REQUEST_TIMEOUT_MS',
  'NSIM_MAX_CONNECTIONS', 'NSIM_DRAIN_MS', 'NSIM_METRICS_TOKEN', 'NSIM_METRICS_PORT',
  'NSIM_LINE_RATE', 'NSIM_LINE_BURST', 'NSIM_NATS_URL', 'NSIM_NATS_REPLICAS', 'NSIM_REPLICA_ID', 'NSIM_CONSOLE',
]

function positive (name: string, v: string): number {
  if (!/^\d+$/.test(v) || Number(v) <= 0) throw new NsimError('NSIM_HUB_CONFIG', name, `must be a positive integer, got \`${v}\``)
  return Number(v)
}

/** `IL=http://host:9101,WA=http://...` -> { IL: ..., WA: ... } */
export function parseStateUrls (s: string, name = 'NSIM_STATE_URLS'): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of s.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [code, url] = part.split('=', 2) as [string, string | undefined]
    const state = toJurisdiction(code.trim())
    if (state === undefined || !isJurisdiction(state)) throw new NsimError('NSIM_HUB_CONFIG', name, `\`${code}\` is not a jurisdiction`)
    try { if (!/^https?:$/.test(new URL(url ?? '').protocol)) throw new Error('not http') } catch {
      throw new NsimError('NSIM_HUB_CONFIG', name, `\`${url ?? ''}\` for ${state} is not an http(s) URL`)
    }
    out[state] = url!
  }
  return out
}

export function hubOptionsFromEnv (env: NodeJS.ProcessEnv = process.env): Partial<HubOptions> {
  const o: Record<string, unknown> = {}
  if (env.NSIM_POLICIES) { o.policiesDir = env.NSIM_POLICIES; o.regionsFile = `${env.NSIM_POLICIES}/regions.yaml` }
  if (env.NSIM_REGIONS) o.regionsFile = env.NSIM_REGIONS
  if (env.NSIM_SHADOW) o.shadowDir = env.NSIM_SHADOW
  if (env.NSIM_AUDIT_FILE !== undefined) o.auditFile = env.NSIM_AUDIT_FILE === '' || env.NSIM_AUDIT_FILE === 'off' ? false : env.NSIM_AUDIT_FILE
  if (env.NSIM_MSQ_WINDOW_MS) o.msqWindowMs = positive('NSIM_MSQ_WINDOW_MS', env.NSIM_MSQ_WINDOW_MS)
  if (env.NSIM_STATE_TIMEOUT_MS) o.stateTimeoutMs = positive('NSIM_STATE_TIMEOUT_MS', env.NSIM_STATE_TIMEOUT_MS)
  if (env.NSIM_STATE_URLS) o.stateUrls = parseStateUrls(env.NSIM_STATE_URLS)
  if (env.NSIM_STATE_LATENCY) {
    if (env.NSIM_STATE_LATENCY !== 'off' && env.NSIM_STATE_LATENCY !== 'real') throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_STATE_LATENCY', 'must be off or real')
    o.stateLatency = env.NSIM_STATE_LATENCY
  }
  if (env.NSIM_TOKENS_FILE) o.tokensFile = env.NSIM_TOKENS_FILE
  if (env.NSIM_ADMIN_TOKEN) o.adminToken = env.NSIM_ADMIN_TOKEN
  if (env.NSIM_LINE_RATE !== undefined && env.NSIM_LINE_RATE !== '') {
    if (!/^\d+$/.test(env.NSIM_LINE_RATE)) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_LINE_RATE', `must be a whole number of messages a second (0: no limit), got \`${env.NSIM_LINE_RATE}\``)
    o.lineRate = Number(env.NSIM_LINE_RATE)
  }
  if (env.NSIM_LINE_BURST) o.lineBurst = positive('NSIM_LINE_BURST', env.NSIM_LINE_BURST)
  if (env.NSIM_METRICS_TOKEN) o.metricsToken = env.NSIM_METRICS_TOKEN
  if (env.NSIM_METRICS_PORT) {
    const port = positive('NSIM_METRICS_PORT', env.NSIM_METRICS_PORT)
    if (port > 65535) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_METRICS_PORT', `must be at most 65535, got \`${port}\``)
    o.metricsPort = port
  }
  if (env.NSIM_FILTERING === 'off') o.filtering = false
  if (env.NSIM_DATA_DIR) o.dataDir = env.NSIM_DATA_DIR
  if (env.NSIM_NATS_URL) {
    for (const u of env.NSIM_NATS_URL.split(',')) {
      if (!/^(nats|tls):\/\/[^\s/]+$|^[^\s:/]+:\d+$/.test(u.trim())) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_NATS_URL', `\`${u.trim()}\` is not a NATS server address (nats://host:port)`)
    }
    o.natsUrl = env.NSIM_NATS_URL
  }
  if (env.NSIM_NATS_REPLICAS) {
    const n = positive('NSIM_NATS_REPLICAS', env.NSIM_NATS_REPLICAS)
    if (n > 5) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_NATS_REPLICAS', `JetStream keeps at most 5 copies, got \`${n}\``)
    o.natsReplicas = n
  }
  if (env.NSIM_REPLICA_ID) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(env.NSIM_REPLICA_ID)) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_REPLICA_ID', `must be 1 to 64 letters, digits, - or _, got \`${env.NSIM_REPLICA_ID}\``)
    o.replicaId = env.NSIM_REPLICA_ID
  }
  if (env.NSIM_EPHEMERAL !== undefined && env.NSIM_EPHEMERAL !== '') {
    if (env.NSIM_EPHEMERAL !== '1' && env.NSIM_EPHEMERAL !== '0') throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_EPHEMERAL', 'must be 1 or 0')
    o.ephemeral = env.NSIM_EPHEMERAL === '1'
  }
  if (env.NSIM_DB_SYNC) {
    if (env.NSIM_DB_SYNC !== 'normal' && env.NSIM_DB_SYNC !== 'full') throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_DB_SYNC', 'must be normal or full')
    o.dbSync = env.NSIM_DB_SYNC
  }
  if (env.NSIM_QUEUE_MAX) o.queueMax = positive('NSIM_QUEUE_MAX', env.NSIM_QUEUE_MAX)
  if (env.NSIM_INBOX_MAX) o.inboxMax = positive('NSIM_INBOX_MAX', env.NSIM_INBOX_MAX)
  if (env.NSIM_REQUEST_TIMEOUT_MS) o.requestTimeoutMs = positive('NSIM_REQUEST_TIMEOUT_MS', env.NSIM_REQUEST_TIMEOUT_MS)
  if (env.NSIM_MAX_CONNECTIONS) o.maxConnections = positive('NSIM_MAX_CONNECTIONS', env.NSIM_MAX_CONNECTIONS)
  if (env.NSIM_DRAIN_MS !== undefined && env.NSIM_DRAIN_MS !== '') {
    if (!/^\d+$/.test(env.NSIM_DRAIN_MS)) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_DRAIN_MS', `must be a whole number of ms, got \`${env.NSIM_DRAIN_MS}\``)
    o.drainMs = Number(env.NSIM_DRAIN_MS)
  }
  if (env.NSIM_CONSOLE !== undefined && env.NSIM_CONSOLE !== '') {
    if (env.NSIM_CONSOLE !== 'on' && env.NSIM_CONSOLE !== 'off') throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_CONSOLE', `must be on or off, got \`${env.NSIM_CONSOLE}\``)
    o.console = env.NSIM_CONSOLE === 'on'
  }
  o.production = env.NODE_ENV === 'production'
  return o as Partial<HubOptions>
}
