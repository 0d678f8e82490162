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
  readonly byDestDecisionComp: Float64Array
  /** [sentKey][effect]. */
  readonly byKeyEffect: Float64Array
  /** [agency][dest]. */
  readonly byAgencyDest: Float64Array
  /** [agency][dest], denied only. */
  readonly deniedByAgencyDest: Float64Array
  readonly byHour: Float64Array
  total: number
}

export function newTally (agencies: number, decisions: number): Tally {
  return {
    decisions,
    byDestDecisionComp: new Float64Array(DESTINATIONS.length * decisions * REPORT_COMPONENTS.length),
    byKeyEffect: new Float64Array(SENT_KEYS.length * 3),
    byAgencyDest: new Float64Array(agencies * DESTINATIONS.length),
    deniedByAgencyDest: new Float64Array(agencies * DESTINATIONS.length),
    byHour: new Float64Array(24),
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
