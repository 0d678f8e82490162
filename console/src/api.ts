/**
 * @module console/api
 * The hub's API as the console uses it. Locally every line's demo token is
 * `demo-<LINE>` (the hub says whether demo tokens work); in production the
 * console sends with the one line token the user entered, and holds nothing
 * else (never the admin token).
 */

export interface ConsoleConfig {
  readonly mode: 'local' | 'production'
  readonly demoTokens: boolean
  readonly operator: boolean
  readonly regions: Readonly<Record<string, readonly string[]>>
}

let config: ConsoleConfig = { mode: 'local', demoTokens: true, operator: true, regions: {} }
let enteredToken = ''

export function setConfig (c: ConsoleConfig): void { config = c }
export function getConfig (): ConsoleConfig { return config }
export function setToken (t: string): void { enteredToken = t.trim() }

/** The bearer token for a line: its demo token locally, else the one the user entered. */
export function tokenFor (line: string | null | undefined): string {
  if (config.demoTokens && line) return `demo-${line}`
  return enteredToken
}

export class ApiError extends Error {
  readonly status: number
  constructor (status: number, message: string) {
    super(message)
    this.status = status
  }
}

/** JSON from the hub; a non-2xx answer throws ApiError with the hub's message. */
export async function api<T> (path: string, init: { method?: string, body?: unknown, line?: string | null, text?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  const token = init.line === undefined ? enteredToken : tokenFor(init.line)
  if (token) headers.authorization = `Bearer ${token}`
  let body: string | undefined
  if (init.text !== undefined) { headers['content-type'] = 'text/plain'; body = init.text } else if (init.body !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(init.body) }
  const res = await fetch(path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) })
  const text = await res.text()
  let data: unknown = text
  try { data = JSON.parse(text) } catch {}
  if (!res.ok && !(path.startsWith('/v1/messages') && typeof data === 'object')) {
    const msg = typeof data === 'object' && data !== null && 'message' in data ? String((data as { message: unknown }).message) : `HTTP ${res.status}`
    throw new ApiError(res.status, msg)
  }
  return data as T
}
