/**
 * @module message/limits
 * How big a message may be, in one place (the HTTP limits are in
 * hub/limits.ts). Real Nlets limits are not public (a GAP); these are set well
 * above any legitimate DMV query: the longest field the rules allow is 30
 * characters (ATN), and no key takes more than 10 fields.
 */
import { MAX_DESTINATIONS } from './rules.js'

export const MESSAGE_LIMITS = Object.freeze({
  /** Fields after TXT (or in `Fields`): past it, ER `0`. */
  fields: 32,
  /** Characters of one field value: past it, ER `0` (the field rules say more for their own fields). */
  fieldValue: 100,
  /** Destinations of one message: past it, ER `.19` (Nlets: up to five). */
  destinations: MAX_DESTINATIONS,
})

/** Why a list of fields is over a limit, or undefined. */
export function fieldsOverLimit (count: number, longest: { n: number, prefix: string, length: number } | undefined): string | undefined {
  if (count > MESSAGE_LIMITS.fields) return `${count} fields; at most ${MESSAGE_LIMITS.fields}`
  if (longest !== undefined && longest.length > MESSAGE_LIMITS.fieldValue) {
    return `${longest.prefix}/ is ${longest.length} characters long; at most ${MESSAGE_LIMITS.fieldValue} (field ${longest.n})`
  }
  return undefined
}
