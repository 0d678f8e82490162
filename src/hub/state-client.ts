/**
 * @module hub/state-client
 * The hub's client of a state server (simulator/states/server.ts) over HTTP,
 * through an undici Pool: answers, outages (503, refused or reset connections)
 * and timeouts come back as the StateEndpoint contract says.
 */
import { Pool } from 'undici'
import {
  type StateAnswer, type StateEndpoint, type StateFault, type StateQuery, StateQueryError, StateUnavailableError,
} from './ports/endpoint.js'

export interface HttpStateEndpointOptions {
  /** Base URL of the state server, e.g. `http://127.0.0.1:9101`. */
  readonly url: string
  /** The jurisdiction the server answers for. */
  readonly state: string
  /** Pooled connections (default 16). */
  readonly connections?: number
  /** Header and body timeout of each request, ms (default 5000). */
  readonly timeoutMs?: number
  /** Requests in flight per connection (default 1: no pipelining). */
  readonly pipelining?: number
  /** Bearer token for the admin route (setFault). */
  readonly adminToken?: string
}

export interface StateHealth {
  readonly state: string
  readonly status: 'up' | 'down'
  readonly fault: StateFault
}

/** The state did not answer within the timeout. */
export class StateTimeoutError extends Error {
  readonly code = 'NSIM_STATE_TIMEOUT'
  readonly state: string
  constructor (state: string, timeoutMs: number) {
    super(`state \`${state}\` did not answer within ${timeoutMs} ms`)
    this.name = 'StateTimeoutError'
    this.state = state
  }
}

/** Error codes that mean nobody is there to answer: the state is down. */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT',
])
const TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
/** Abort reason of our own timer. */
const TIMED_OUT = Symbol('nsim.state-timeout')

function codeOf (err: unknown): string {
  const e = err as { code?: unknown, errors?: unknown[] }
  if (typeof e?.code === 'string') return e.code
  // Happy-eyeballs connects fail with an AggregateError of per-address errors.
  const first = e?.errors?.[0] as { code?: unknown } | undefined
  return typeof first?.code === 'string' ? first.code : ''
}

function isAnswer (x: unknown): x is StateAnswer {
  const a = x as Partial<StateAnswer> | null
  return typeof a === 'object' && a !== null && (a.status === 'hit' || a.status === 'nohit') &&
    typeof a.replyKey === 'string' && typeof a.from === 'string' && Array.isArray(a.records)
}

export class HttpStateEndpoint implements StateEndpoint {
  readonly state: string
  readonly url: string
  readonly timeoutMs: number
  readonly #pool: Pool
  readonly #base: string
  readonly #adminToken: string | undefined

  constructor (opts: HttpStateEndpointOptions) {
    const url = new URL(opts.url)
    this.state = opts.state
    this.url = opts.url
    this.timeoutMs = opts.timeoutMs ?? 5000
    this.#base = url.pathname.replace(/\/+$/, '')
    this.#adminToken = opts.adminToken
    this.#pool = new Pool(url.origin, {
      connections: opts.connections ?? 16,
      pipelining: opts.pipelining ?? 1,
      headersTimeout: this.timeoutMs + 2000,
      bodyTimeout: this.timeoutMs + 2000,
      connectTimeout: Math.min(this.timeoutMs, 10_000),
    })
  }

  /**
   * Send one request; map transport failures to the contract's errors. Returns
   * status and parsed JSON body. The timeout is a native timer over the whole
   * exchange: undici's own header and body timeouts tick with about a second of
   * slack, so they are only a backstop here.
   */
  async #request (method: 'GET' | 'POST' | 'PUT', path: string, body: unknown, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<{ status: number, json: unknown }> {
    const ac = new AbortController()
    const timer = setTimeout(() => ac.abort(TIMED_OUT), this.timeoutMs)
    const onAbort = (): void => ac.abort(signal?.reason)
    if (signal?.aborted === true) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const res = await this.#pool.request({
        method,
        path: this.#base + path,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: ac.signal,
      })
      const text = await res.body.text()
      let json: unknown
      try { json = text === '' ? undefined : JSON.parse(text) } catch { json = text }
      return { status: res.statusCode, json }
    } catch (err) {
      if (ac.signal.reason === TIMED_OUT) throw new StateTimeoutError(this.state, this.timeoutMs)
      if (signal?.aborted === true) throw signal.reason ?? err
      const code = codeOf(err)
      if (TIMEOUT.has(code)) throw new StateTimeoutError(this.state, this.timeoutMs)
      if (UNREACHABLE.has(code)) throw new StateUnavailableError(this.state, `cannot reach ${this.url} (${code})`)
      throw err
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }

  #fail (what: string, status: number, json: unknown): never {
    const message = (json as { message?: unknown } | undefined)?.message
    const detail = typeof message === 'string' ? `: ${message}` : ''
    throw new Error(`state \`${this.state}\` ${what} answered HTTP ${status}${detail}`)
  }

  async query (q: StateQuery, signal?: AbortSignal): Promise<StateAnswer> {
    const { status, json } = await this.#request('POST', '/query', q, signal)
    if (status === 200) {
      if (!isAnswer(json)) throw new Error(`state \`${this.state}\` sent a malformed answer`)
      return json
    }
    if (status === 503) throw new StateUnavailableError(this.state, (json as { message?: string } | undefined)?.message ?? 'HTTP 503')
    if (status === 400 && (json as { error?: unknown } | undefined)?.error === 'bad-query') {
      throw new StateQueryError(this.state, String((json as { message?: unknown }).message ?? 'bad query'))
    }
    return this.#fail('/query', status, json)
  }

  /** Put the remote state into a fault (PUT /admin/fault with the admin token). */
  async setFault (f: StateFault): Promise<StateHealth> {
    const auth: Record<string, string> = this.#adminToken === undefined ? {} : { authorization: `Bearer ${this.#adminToken}` }
    const { status, json } = await this.#request('PUT', '/admin/fault', f, undefined, auth)
    if (status !== 200) this.#fail('/admin/fault', status, json)
    return json as StateHealth
  }

  /** GET /health; rejects with StateUnavailableError when the server cannot be reached. */
  async health (): Promise<StateHealth> {
    const { status, json } = await this.#request('GET', '/health', undefined)
    if (status !== 200) this.#fail('/health', status, json)
    return json as StateHealth
  }

  async close (): Promise<void> {
    await this.#pool.close()
  }
}
