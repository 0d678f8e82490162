/**
 * @module policy/diff-others
 * The class of "every other ORI" in a policy diff: ORIs outside the directory
 * that neither set names. Their decisions depend only on the rules' ORI
 * patterns and on whether the office prefix is the state's, so the diff
 * decides one witness ORI per (office, patterns matched) it can find: for each
 * pattern and each pair of patterns, in the state, out of it and anywhere.
 */
import { isOri } from '../directory/model.js'
import type { CompiledState } from './compile.js'
import { globMatch } from './reference.js'

/** Patterns of the rules of the two states (requesters and except). */
export function patternsOf (sts: ReadonlyArray<CompiledState | undefined>): string[] {
  const out = new Set<string>()
  for (const st of sts) {
    for (const cr of st?.rules ?? []) for (const p of [...cr.rule.requesters.patterns, ...cr.rule.except.patterns]) out.add(p)
  }
  return [...out].sort()
}

const FILL = ['Z', '0', 'X', '9']

/**
 * ORIs (9 characters: two letters, seven letters or digits) matching every
 * glob in `globs`, found by a depth-first walk over the globs' positions; up to
 * `max` of them, trying filler characters and the globs' own letters.
 */
export function globWitnesses (globs: readonly string[], max = 2): string[] {
  const alphabet = [...new Set([...FILL, ...globs.join('').replace(/[*?]/g, '')])]
  const out: string[] = []
  const seen = new Set<string>()
  const step = (g: string, pos: ReadonlySet<number>, ch: string): Set<number> => {
    const next = new Set<number>()
    for (const i of pos) {
      if (i < g.length && (g[i] === '?' || g[i] === ch)) next.add(i + 1)
      if (i < g.length && g[i] === '*') next.add(i)
    }
    return closure(g, next)
  }
  const closure = (g: string, pos: Set<number>): Set<number> => {
    for (const i of pos) { let j = i; while (j < g.length && g[j] === '*') { j++; pos.add(j) } }
    return pos
  }
  const walk = (prefix: string, states: ReadonlyArray<ReadonlySet<number>>): void => {
    if (out.length >= max) return
    const key = `${prefix.length}|${states.map((s) => [...s].sort().join('.')).join('/')}`
    if (seen.has(key)) return
    seen.add(key)
    if (prefix.length === 9) {
      if (states.every((s, k) => s.has(globs[k]!.length)) && isOri(prefix)) out.push(prefix)
      return
    }
    for (const ch of alphabet) {
      if (prefix.length < 2 && !/[A-Z]/.test(ch)) continue
      const next = states.map((s, k) => step(globs[k]!, s, ch))
      if (next.some((s) => s.size === 0)) continue
      walk(prefix + ch, next)
    }
  }
  walk('', globs.map((g) => closure(g, new Set([0]))))
  return out
}

/** Witness ORIs for the class of "every other ORI" of a state. */
export function otherWitnesses (state: string, patterns: readonly string[], taken: (ori: string) => boolean): string[] {
  // Each pattern, and each pair, with the office in the state, out of it (QZ: no
  // jurisdiction), or anywhere; then one ORI per (office, patterns matched).
  const sets: string[][] = [[]]
  for (const p of patterns) {
    sets.push([p])
    for (const q of patterns) if (q > p) sets.push([p, q])
  }
  const out = new Map<string, string>()
  for (const g of sets) {
    for (const office of [`${state}*`, 'QZ*', undefined]) {
      const globs = office === undefined ? g : [...g, office]
      if (globs.length === 0) continue
      for (const o of globWitnesses(globs, 4)) {
        if (taken(o)) continue
        const sig = `${o.startsWith(state)}|${patterns.map((p) => globMatch(p, o, 0, 0) ? 1 : 0).join('')}`
        if (!out.has(sig)) out.set(sig, o)
      }
    }
  }
  return [...out.values()]
}

