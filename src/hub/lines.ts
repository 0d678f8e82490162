/**
 * @module hub/lines
 * Line credentials: which member line a bearer token speaks for. Locally the
 * token of line X is `demo-X` (never in production); in production tokens come
 * from a file of SHA-256 hashes, so the file holds no secret.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isLine } from '../directory/model.js'
import { NsimError } from '../errors.js'

export interface Credentials {
  /** The line a token belongs to, or undefined. */
  lineOf: (token: string) => string | undefined
  readonly kind: 'demo' | 'hashed'
}

export function sha256 (s: string): string {
  return createHash('sha256').update(s).digest('hex')
}

/** `demo-X` -> X for every known line. Local use only. */
export const demoCredentials: Credentials = {
  kind: 'demo',
  lineOf: (token) => {
    if (!token.startsWith('demo-')) return undefined
    const line = token.slice(5)
    return isLine(line) ? line : undefined
  },
}

/**
 * Tokens file: `{ "lines": { "IL": "sha256:<64 hex>", ... } }` (a line may also
 * map to a list of hashes, for rotation). Create a hash with
 * `printf %s "$TOKEN" | sha256sum`.
 */
export function parseTokensFile (text: string, file: string, opts: { production?: boolean } = {}): Credentials {
  let doc: unknown
  try { doc = JSON.parse(text) } catch (err) {
    throw new NsimError('NSIM_HUB_CONFIG', file, `not JSON: ${(err as Error).message}`)
  }
  const lines = (doc as { lines?: unknown } | null)?.lines
  if (lines === null || typeof lines !== 'object') throw new NsimError('NSIM_HUB_CONFIG', file, 'expected `{ "lines": { "IL": "sha256:..." } }`')
  const byHash = new Map<string, string>()
  for (const [line, v] of Object.entries(lines as Record<string, unknown>)) {
    if (!isLine(line)) throw new NsimError('NSIM_HUB_CONFIG', file, `unknown line \`${line}\``)
    for (const h of Array.isArray(v) ? v : [v]) {
      if (typeof h !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(h)) {
        throw new NsimError('NSIM_HUB_CONFIG', file, `line \`${line}\`: each token hash must be \`sha256:\` and 64 lowercase hex digits`)
      }
      // A demo token's hash in a production file would reopen the local credentials.
      if (opts.production === true && h.slice(7) === sha256(`demo-${line}`)) {
        throw new NsimError('NSIM_HUB_CONFIG', file, `line \`${line}\`: that hash is of the local demo token \`demo-${line}\`, refused in production`)
      }
      byHash.set(h.slice(7), line)
    }
  }
  return { kind: 'hashed', lineOf: (token) => byHash.get(sha256(token)) }
}

export async function loadTokensFile (file: string, opts: { production?: boolean } = {}): Promise<Credentials> {
  const text = await readFile(file, 'utf8').catch((err: Error) => { throw new NsimError('NSIM_HUB_CONFIG', file, err.message) })
  return parseTokensFile(text, file, opts)
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearer (header: string | undefined): string | undefined {
  if (header === undefined || header.length < 8 || !header.startsWith('Bearer ')) return undefined
  const t = header.slice(7).trim()
  return t === '' ? undefined : t
}
