/**
 * @module policy/pattern
 * ORI patterns: `*` matches any run of characters (possibly none), `?` exactly
 * one; everything else literally. Patterns are anchored at both ends.
 */

const PATTERN_RE = /^[A-Z0-9*?]{1,9}$|^[A-Z0-9?]*\*[A-Z0-9*?]*$/

/** Why a pattern is malformed, or undefined when it is fine. */
export function checkPattern (p: string): string | undefined {
  if (!PATTERN_RE.test(p)) return 'use letters, digits, `*` and `?` only'
  if (!p.includes('*') && !p.includes('?')) return 'a pattern needs `*` or `?`; list plain ORIs under `oris`'
  if (!p.includes('*') && p.length !== 9) return 'without `*` a pattern must be 9 characters long, as an ORI is'
  if (p.replace(/\*/g, '').length > 9) return 'longer than an ORI'
  return undefined
}

/** An anchored RegExp for a (valid) pattern. */
export function patternRegExp (p: string): RegExp {
  return new RegExp('^' + p.replace(/\*+/g, '.*').replace(/\?/g, '.') + '$')
}
