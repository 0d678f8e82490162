/**
 * @module cli/admin
 * Operator commands over a running hub's admin API: `fault`, `state-status`,
 * `reload` and `states`.
 */
import { resolve } from 'node:path'
import { Agent, request } from 'undici'
import { STATE_KEYS } from '../hub/ports/endpoint.js'
import { toJurisdiction } from '../directory/model.js'
import { NsimError } from '../errors.js'
import { DEMO_ADMIN_TOKEN } from '../hub/options.js'
import { intFlag, type Io, parseFlags } from './io.js'

const DEFAULT_HUB = 'http://127.0.0.1:8080'
const DEFAULT_TIMEOUT_MS = 30_000

const COMMON = `  --hub URL         the hub (default: NSIM_HUB_URL, else ${DEFAULT_HUB})
  --token T         admin token (default: NSIM_ADMIN_TOKEN, else ${DEMO_ADMIN_TOKEN})
  --timeout-ms N    give up after N ms (default ${DEFAULT_TIMEOUT_MS})

Exit status: 0 done, 1 the hub refused or cannot be reached, 2 bad options.`

const USAGE = {
  fault: `usage: nlets-sim fault --state XX --mode up|down|slow|flapping [--latency-ms N] [--period-ms N] [options]

Put a state in a fault mode through the hub (PUT /v1/admin/states/XX/fault), or
back up: \`up\` also delivers what was queued for it. Prints the hub's answer.

  --state XX        the state
  --mode M          down: SM .02 and store-and-forward; slow: add --latency-ms;
                    flapping: down every other --period-ms; up: back to normal
  --latency-ms N    extra latency of mode slow
  --period-ms N     period of mode flapping
${COMMON}`,
  'state-status': `usage: nlets-sim state-status --state XX [--removed|--up] [--disable-keys DNQ,RPQ] [options]

Set the switch-side status of a destination (PUT /v1/admin/states/XX/status):
removed (SM .04, nothing stored) or up, and the keys turned off (SM .01). With
neither flag, prints the current status. Prints the hub's answer.

  --state XX            the state
  --removed | --up      put on remove status, or back up
  --disable-keys LIST   keys turned off, comma-separated (${STATE_KEYS.join(', ')});
                        \`none\` or '' turns every key back on
${COMMON}`,
  reload: `usage: nlets-sim reload [--shadow DIR | --target shadow] [options]

Reload the hub's policy folder (POST /v1/admin/policies/reload). A set with any
error is refused and the last good one stays: the errors are printed, exit 1.

  --shadow DIR      evaluate the candidate set in DIR beside the live one, never
                    enforced (starts shadowing, or replaces the shadow set);
                    DIR as the hub sees it (resolved here to an absolute path)
  --target shadow   reload the shadow set's own folder

${COMMON}`,
  states: `usage: nlets-sim states [--json] [options]

List the hub's destinations (GET /v1/admin/states): transport, status, fault,
queued queries, keys turned off.

  --json            the hub's answer as JSON
${COMMON}`,
} as const

const CONNECTION_FLAGS = {
  hub: { type: 'string' }, token: { type: 'string' }, 'timeout-ms': { type: 'string' }, help: { type: 'boolean', short: 'h' },
} as const

interface Connection {
  readonly hub: string
  readonly token: string
  readonly timeoutMs: number
}

function usage (message: string): NsimError {
  return new NsimError('NSIM_CLI_USAGE', message)
}

function connection (v: { hub?: string | undefined, token?: string | undefined, 'timeout-ms'?: string | undefined }): Connection {
  const hub = v.hub ?? (process.env.NSIM_HUB_URL || DEFAULT_HUB)
  let url: URL
  try { url = new URL(hub) } catch { throw usage(`--hub \`${hub}\` is not a URL`) }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usage(`--hub \`${hub}\` is not an http(s) URL`)
  const token = v.token ?? (process.env.NSIM_ADMIN_TOKEN || DEMO_ADMIN_TOKEN)
  if (token === '') throw usage('--token is empty')
  const timeoutMs = intFlag('timeout-ms', v['timeout-ms'], DEFAULT_TIMEOUT_MS)
  if (timeoutMs === 0) throw usage('--timeout-ms must be positive')
  return { hub: hub.replace(/\/+$/, ''), token, timeoutMs }
}

function stateFlag (v: string | undefined, cmd: string): string {
  if (v === undefined) throw usage(`${cmd} needs --state XX`)
  const s = toJurisdiction(v)
  if (s === undefined) throw usage(`--state \`${v}\` is not a jurisdiction code`)
  return s
}

function positiveFlag (name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = intFlag(name, v, 0)
  if (n === 0) throw usage(`--${name} must be positive`)
  return n
}

function codeOf (err: unknown): string {
  const e = err as { code?: unknown, errors?: unknown[], cause?: unknown }
  if (typeof e?.code === 'string') return e.code
  const first = e?.errors?.[0] as { code?: unknown } | undefined
  if (typeof first?.code === 'string') return first.code
  return e?.cause !== undefined && e.cause !== err ? codeOf(e.cause) : ''
}

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])

type Answer = { ok: true, status: number, json: unknown } | { ok: false }

/** One admin call; prints why on failure (unreachable hub, HTTP error). */
async function call (io: Io, c: Connection, method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown, okStatuses: readonly number[] = []): Promise<Answer> {
  const agent = new Agent({ connect: { timeout: Math.min(c.timeoutMs, 10_000) }, headersTimeout: c.timeoutMs, bodyTimeout: c.timeoutMs })
  const url = c.hub + path
  try {
    const res = await request(url, {
      method,
      dispatcher: agent,
      headers: { authorization: `Bearer ${c.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(c.timeoutMs),
    })
    const text = await res.body.text()
    let json: unknown
    try { json = text === '' ? undefined : JSON.parse(text) } catch { json = text }
    if (res.statusCode >= 400 && !okStatuses.includes(res.statusCode)) {
      const j = json as { message?: unknown, error?: unknown, code?: unknown } | undefined
      const what = typeof j?.message === 'string' ? j.message : typeof json === 'string' ? json.slice(0, 200) : ''
      const code = typeof j?.code === 'string' ? ` ${j.code}` : ''
      const reason = typeof j?.error === 'string' ? ` ${j.error}` : ''
      io.err(`nlets-sim: the hub answered ${method} ${path} with HTTP ${res.statusCode}${reason}${code}${what ? `: ${what}` : ''}`)
      if (res.statusCode === 401) io.err('nlets-sim: give the hub\'s admin token with --token or NSIM_ADMIN_TOKEN')
      return { ok: false }
    }
    return { ok: true, status: res.statusCode, json }
  } catch (err) {
    const code = codeOf(err)
    if (TIMEOUTS.has(code) || (err as Error).name === 'TimeoutError') {
      io.err(`nlets-sim: the hub at ${c.hub} did not answer ${method} ${path} within ${c.timeoutMs} ms`)
    } else {
      io.err(`nlets-sim: cannot reach the hub at ${c.hub} (${code || (err as Error).message}): is it running? Give its address with --hub or NSIM_HUB_URL`)
    }
    return { ok: false }
  } finally {
    await agent.close().catch(() => {})
  }
}

function printJson (io: Io, json: unknown): void {
  io.out(JSON.stringify(json, null, 2))
}

export async function faultCommand (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, {
    ...CONNECTION_FLAGS, state: { type: 'string' }, mode: { type: 'string' }, 'latency-ms': { type: 'string' }, 'period-ms': { type: 'string' },
  }, false)
  if (values.help === true) { io.out(USAGE.fault); return 0 }
  const state = stateFlag(values.state, 'fault')
  const mode = values.mode
  if (mode === undefined) throw usage('fault needs --mode up|down|slow|flapping')
  if (!['up', 'down', 'slow', 'flapping'].includes(mode)) throw usage(`--mode must be up, down, slow or flapping, got \`${mode}\``)
  const latencyMs = positiveFlag('latency-ms', values['latency-ms'])
  const periodMs = positiveFlag('period-ms', values['period-ms'])
  if (mode === 'slow' && latencyMs === undefined) throw usage('--mode slow needs --latency-ms N')
  if (mode === 'flapping' && periodMs === undefined) throw usage('--mode flapping needs --period-ms N')
  if (latencyMs !== undefined && mode !== 'slow') throw usage('--latency-ms goes with --mode slow')
  if (periodMs !== undefined && mode !== 'flapping') throw usage('--period-ms goes with --mode flapping')
  const c = connection(values)
  const body = { mode, ...(latencyMs !== undefined ? { latencyMs } : {}), ...(periodMs !== undefined ? { periodMs } : {}) }
  const r = await call(io, c, 'PUT', `/v1/admin/states/${state}/fault`, body)
  if (!r.ok) return 1
  printJson(io, r.json)
  return 0
}

export async function stateStatusCommand (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, {
    ...CONNECTION_FLAGS, state: { type: 'string' }, removed: { type: 'boolean' }, up: { type: 'boolean' }, 'disable-keys': { type: 'string' },
  }, false)
  if (values.help === true) { io.out(USAGE['state-status']); return 0 }
  const state = stateFlag(values.state, 'state-status')
  if (values.removed === true && values.up === true) throw usage('give --removed or --up, not both')
  const body: { status?: 'up' | 'removed', disabledKeys?: string[] } = {}
  if (values.removed === true) body.status = 'removed'
  if (values.up === true) body.status = 'up'
  const list = values['disable-keys']
  if (list !== undefined) {
    const keys = list.trim().toLowerCase() === 'none' ? [] : list.split(',').map((k) => k.trim().toUpperCase()).filter(Boolean)
    for (const k of keys) {
      if (!(STATE_KEYS as readonly string[]).includes(k)) throw usage(`--disable-keys: \`${k}\` is not a key a state serves (${STATE_KEYS.join(', ')})`)
    }
    body.disabledKeys = [...new Set(keys)]
  }
  const c = connection(values)
  const r = await call(io, c, 'PUT', `/v1/admin/states/${state}/status`, body)
  if (!r.ok) return 1
  printJson(io, r.json)
  return 0
}

export async function reloadCommand (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, { ...CONNECTION_FLAGS, shadow: { type: 'string' }, target: { type: 'string' } }, false)
  if (values.help === true) { io.out(USAGE.reload); return 0 }
  if (values.target !== undefined && values.target !== 'live' && values.target !== 'shadow') throw usage(`--target must be live or shadow, got \`${values.target}\``)
  if (values.shadow !== undefined && values.target === 'live') throw usage('--shadow DIR goes with the shadow set, not --target live')
  if (values.shadow === '') throw usage('--shadow needs a folder')
  const c = connection(values)
  const shadow = values.shadow !== undefined || values.target === 'shadow'
  const r = await call(io, c, 'POST', `/v1/admin/policies/reload${shadow ? '?target=shadow' : ''}`,
    values.shadow === undefined ? undefined : { dir: resolve(io.cwd, values.shadow) }, [409, 422])
  if (!r.ok) return 1
  printJson(io, r.json)
  if (r.status === 409) { io.err('nlets-sim: the hub runs no shadow set: give one with --shadow DIR'); return 1 }
  if (r.status === 422) {
    const errors = (r.json as { errors?: unknown } | undefined)?.errors
    io.err(`nlets-sim: the hub refused the reload and kept the last good ${shadow ? 'shadow ' : ''}policy set${Array.isArray(errors) ? ` (${errors.length} error${errors.length === 1 ? '' : 's'})` : ''}`)
    return 1
  }
  return 0
}

interface StateRow {
  state: string
  transport: string
  status: string
  fault: { mode: string, latencyMs?: number, periodMs?: number } | null
  queued: number
  disabledKeys?: string[]
}

function faultText (f: StateRow['fault']): string {
  if (f === null || f === undefined) return '?'
  if (f.mode === 'up') return '-'
  if (f.mode === 'slow') return `slow ${f.latencyMs ?? '?'}ms`
  if (f.mode === 'flapping') return `flapping ${f.periodMs ?? '?'}ms`
  return f.mode
}

export async function statesCommand (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, { ...CONNECTION_FLAGS, json: { type: 'boolean' } }, false)
  if (values.help === true) { io.out(USAGE.states); return 0 }
  const c = connection(values)
  const r = await call(io, c, 'GET', '/v1/admin/states')
  if (!r.ok) return 1
  if (values.json === true) { printJson(io, r.json); return 0 }
  if (!Array.isArray(r.json)) { io.err('nlets-sim: the hub\'s answer to GET /v1/admin/states is not a list'); return 1 }
  const rows = (r.json as StateRow[]).map((s) => [
    s.state, s.transport, s.status, faultText(s.fault), String(s.queued), s.disabledKeys?.length ? s.disabledKeys.join(',') : '-',
  ])
  const head = ['STATE', 'TRANSPORT', 'STATUS', 'FAULT', 'QUEUED', 'KEYS OFF']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((x) => x[i]!.length)))
  const line = (cells: string[]): string => cells.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd()
  io.out([line(head), ...rows.map(line)].join('\n'))
  if (rows.some((x) => x[3] === '?')) io.out('fault ?: a state server reached over HTTP; the hub does not report its fault')
  return 0
}
