/**
 * @module policy/resolve
 * Compile-time resolution of a rule's selectors: requester selector -> a mask
 * over the directory plus the ORIs and patterns that can still match ORIs
 * outside it; key list -> a bit mask over the (key, IMQ) slots.
 */
import type { Directory } from '../directory/directory.js'
import { DRIVER_KEYS, type KeyFamily, QUERY_KEYS, type QueryKey, VEHICLE_KEYS } from '../message/keys.js'
import { patternRegExp } from './pattern.js'
import type { NamedGroup, Selector } from './types.js'

export interface SelectorResolution {
  /** The selector lists something (an empty requester selector matches everyone). */
  readonly any: boolean
  /** Matches every requester, in the directory or not. */
  readonly universal: boolean
  /** 1 where the directory agency at that index matches. */
  readonly mask: Uint8Array
  /** Named ORIs (directly or through named groups) that are not in the directory; may repeat. */
  readonly outside: readonly string[]
  readonly patterns: readonly RegExp[]
}

/**
 * Resolve a selector. `emptyMeansAll`: an empty requester selector matches every
 * requester; an empty `except` matches none.
 */
export function resolveSelector (sel: Selector, dir: Directory, groups: readonly NamedGroup[], emptyMeansAll: boolean):
SelectorResolution {
  const N = dir.size
  const mask = new Uint8Array(N)
  const any = sel.oris.length + sel.patterns.length + sel.groups.length + sel.types.length + sel.lines.length +
    sel.components.length > 0
  const universal = !any && emptyMeansAll
  if (universal) mask.fill(1)
  const mark = (idx: readonly number[]): void => { for (const i of idx) mask[i] = 1 }
  const outside: string[] = []
  const addOri = (ori: string): void => {
    const i = dir.indexOf(ori)
    if (i >= 0) mask[i] = 1
    else outside.push(ori)
  }
  for (const o of sel.oris) addOri(o)
  const byName = new Map(groups.map((g) => [g.name, g]))
  const addGroup = (name: string, seen: Set<string>): void => {
    const named = byName.get(name)
    if (named === undefined) { mark(dir.members(name)); return }
    if (seen.has(name)) return
    seen.add(name)
    for (const m of named.members) {
      if (byName.has(m) || m.includes(':') || m === 'federal') addGroup(m, seen)
      else addOri(m)
    }
  }
  for (const g of sel.groups) addGroup(g, new Set())
  for (const t of sel.types) mark(dir.members(`type:${t}`))
  for (const l of sel.lines) mark(dir.members(`line:${l}`))
  for (const c of sel.components) mark(dir.members(`component:${c}`))
  const patterns = sel.patterns.map(patternRegExp)
  if (patterns.length > 0) {
    const agencies = dir.agencies
    for (let i = 0; i < N; i++) {
      if (mask[i] === 1) continue
      const ori = agencies[i]!.ori
      for (const re of patterns) if (re.test(ori)) { mask[i] = 1; break }
    }
  }
  return { any, universal, mask, outside, patterns }
}

/**
 * Does a resolved selector match an ORI outside the directory by pattern or
 * universally? (ORIs a rule names are classed at compile time; see compile.ts.)
 */
export function unknownMatches (r: SelectorResolution, ori: string): boolean {
  if (r.universal) return true
  for (const re of r.patterns) if (re.test(ori)) return true
  return false
}

/** Slot index of a query key with or without IMQ/Y. */
export function slotOf (key: QueryKey, image: boolean): number {
  return QUERY_KEYS.indexOf(key) * 2 + (image ? 1 : 0)
}

export function keySlotMask (keys: ReadonlyArray<QueryKey | KeyFamily>): number {
  let m = 0
  QUERY_KEYS.forEach((key, k) => {
    for (const image of [false, true]) {
      const hit = keys.some((x) => x === 'all' || x === key || (x === 'driver' && DRIVER_KEYS.includes(key)) ||
        (x === 'vehicle' && VEHICLE_KEYS.includes(key)) || (x === 'photo' && image))
      if (hit) m |= 1 << (k * 2 + (image ? 1 : 0))
    }
  })
  return m
}
