/**
 * @module simulator/load/flags
 * Values the load and traffic commands take: durations (`60s`, `2m`, `500ms`,
 * a bare number of seconds) and shares (`0.01` or `1%`), each checked and
 * reported with the flag's name; and the `--tokens` file of line tokens.
 */
import { readFile } from 'node:fs/promises'
import { NsimError } from '../../src/errors.js'

const usage = (m: string): NsimError => new NsimError('NSIM_CLI_USAGE', m)

/** Seconds from `60s`, `2m`, `1h`, `500ms` or `45`. */
export function parseDuration (flag: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim())
  if (m === null) throw usage(`--${flag} must be a duration such as 60s, 2m or 500ms, got \`${v}\``)
  const n = Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2] ?? 's']!
  if (n <= 0) throw usage(`--${flag} must be positive, got \`${v}\``)
  return n
}

/** A share from 0 to 1, written `0.01` or `1%`. */
export function parseShare (flag: string, v: string | undefined, fallback: number, max = 1): number {
  if (v === undefined) return fallback
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(v.trim())
  const n = m === null ? NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1)
  if (!(n >= 0 && n <= max)) throw usage(`--${flag} must be a share from 0 to ${max} (e.g. 0.01 or 1%), got \`${v}\``)
  return n
}

/** A positive number (integer unless `real`). */
export function parsePositive (flag: string, v: string, real = false): number {
  const ok = real ? /^\d+(?:\.\d+)?$/.test(v) : /^\d+$/.test(v)
  const n = Number(v)
  if (!ok || !(n > 0)) throw usage(`--${flag} must be a positive ${real ? 'number' : 'integer'}, got \`${v}\``)
  return n
}

/**
 * `--tokens FILE`: plain line tokens, `{ "lines": { "IL": "secret", ... } }`
 * (the hub's NSIM_TOKENS_FILE holds their SHA-256 hashes instead).
 */
export async function readTokens (file: string): Promise<Map<string, string>> {
  let j: unknown
  try { j = JSON.parse(await readFile(file, 'utf8')) } catch (err) { throw usage(`--tokens \`${file}\`: ${(err as Error).message}`) }
  const lines = (j as { lines?: unknown } | null)?.lines
  if (typeof lines !== 'object' || lines === null || Array.isArray(lines)) throw usage(`--tokens \`${file}\` must be { "lines": { "<LINE>": "<token>", ... } }`)
  const out = new Map<string, string>()
  for (const [line, token] of Object.entries(lines)) {
    if (typeof token !== 'string' || token === '' || token.startsWith('sha256:')) throw usage(`--tokens \`${file}\`: the token of line \`${line}\` must be the plain token (a non-empty string, not a sha256: hash)`)
    out.set(line.toUpperCase(), token)
  }
  if (out.size === 0) throw usage(`--tokens \`${file}\` has no line tokens`)
  return out
}
