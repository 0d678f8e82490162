/**
 * @module hub/expand
 * Destinations as sent -> the jurisdictions a query goes to: state codes stand
 * for themselves, region codes for their members, `NL` (multi-state query) for
 * every state that serves the key. Duplicates collapse, first place kept.
 */
import type { DestinationClassifier } from '../message/validate.js'
import type { RegionTable } from './regions.js'

export interface Expansion {
  readonly states: readonly string[]
  /** The query went to NL: merge replies, drop NO HITs. */
  readonly multiState: boolean
}

export function expandDestinations (dests: readonly string[], key: string, regions: RegionTable,
  classify: DestinationClassifier, servingStates: (key: string) => readonly string[]): Expansion {
  if (dests.length === 1 && dests[0] === 'NL') return { states: servingStates(key), multiState: true }
  const out: string[] = []
  const seen = new Set<string>()
  const add = (s: string): void => { if (!seen.has(s)) { seen.add(s); out.push(s) } }
  for (const d of dests) {
    const c = classify(d)
    if (c === 'state') add(d)
    else if (c === 'region') for (const s of regions.get(d) ?? []) add(s)
  }
  return { states: out, multiState: false }
}
