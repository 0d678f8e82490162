/**
 * @module simulator/replay/tally
 * What the replay counts, as flat Float64Arrays (cheap to fill, to send between
 * threads, and to add up): destination x decision x component, key x effect,
 * agency x destination (all and denied), hour of day.
 */
import { REPORT_COMPONENTS } from '../traffic/params.js'
import { DESTINATIONS, SENT_KEYS } from '../traffic/model.js'

export interface Tally {
  /** Decisions per destination in the layout (1 + the most rules of any state). */
  readonly decisions: number
  /** [dest][decision][component]. */
  readonly byDestDecisionComp: Counter
  /** [sentKey][effect]. */
  readonly byKeyEffect: Counter
  /** [agency][dest]. */
  readonly byAgencyDest: Counter
  /** [agency][dest], denied only. */
  readonly deniedByAgencyDest: Counter
  readonly byHour: Counter
  total: number
}

/** Worker tallies count in Uint32 cells (half the memory, better cache use); totals add up in Float64. */
export type Counter = Float64Array | Uint32Array

export function newTally (agencies: number, decisions: number, Kind: typeof Float64Array | typeof Uint32Array = Float64Array): Tally {
  return {
    decisions,
    byDestDecisionComp: new Kind(DESTINATIONS.length * decisions * REPORT_COMPONENTS.length),
    byKeyEffect: new Kind(SENT_KEYS.length * 3),
    byAgencyDest: new Kind(agencies * DESTINATIONS.length),
    deniedByAgencyDest: new Kind(agencies * DESTINATIONS.length),
    byHour: new Kind(24),
    total: 0,
  }
}

export function addTally (into: Tally, from: Tally): void {
  for (const k of ['byDestDecisionComp', 'byKeyEffect', 'byAgencyDest', 'deniedByAgencyDest', 'byHour'] as const) {
    const a = into[k]
    const b = from[k]
    for (let i = 0; i < a.length; i++) a[i]! += b[i]!
  }
  into.total += from.total
}
