/**
 * @module message/keys
 * DMV query keys and the families policies use, from one table. Sources:
 * DOMAIN.md section 2 (DQ/DNQ/DQG/KQ driver keys, RQ/RQG/RNQ/RPQ vehicle keys,
 * photos by IMQ/Y), 3.1 (single-state keys), 3.2 (regional keys).
 */

/**
 * The one table of DMV query keys: everything else about keys (the key lists,
 * the reply key, the key a state decides and answers, the decision slots of
 * the compiled engine and of the traffic model, the keys a state serves) is
 * derived from it. Adding a key is a row here.
 */
export const KEY_TABLE = [
  { key: 'DQ', family: 'driver', reply: 'DR', decidedAs: 'DQ', photo: true, singleState: false },
  { key: 'DNQ', family: 'driver', reply: 'DNR', decidedAs: 'DNQ', photo: false, singleState: false },
  { key: 'DQG', family: 'driver', reply: 'DR', decidedAs: 'DQ', photo: false, singleState: false },
  { key: 'KQ', family: 'driver', reply: 'KR', decidedAs: 'KQ', photo: true, singleState: true },
  { key: 'RQ', family: 'vehicle', reply: 'RR', decidedAs: 'RQ', photo: false, singleState: false },
  { key: 'RQG', family: 'vehicle', reply: 'RR', decidedAs: 'RQ', photo: false, singleState: false },
  { key: 'RNQ', family: 'vehicle', reply: 'RNR', decidedAs: 'RNQ', photo: false, singleState: false },
  { key: 'RPQ', family: 'vehicle', reply: 'RPR', decidedAs: 'RPQ', photo: false, singleState: true },
] as const satisfies ReadonlyArray<{
  /** The key as sent. */
  key: string
  family: 'driver' | 'vehicle'
  /** The reply key of an answer. */
  reply: string
  /** The key each state is sent and decides on (a regional DQG goes to each state as DQ: DOMAIN.md 3.2). */
  decidedAs: string
  /** May carry IMQ/Y (a licence photo request). */
  photo: boolean
  /** May go to one state only (DOMAIN.md 3.1). */
  singleState: boolean
}>

export type KeyRow = (typeof KEY_TABLE)[number]

/** Query keys, in the table's order (their index is used in tables). */
export const QUERY_KEYS = KEY_TABLE.map((r) => r.key)
export type QueryKey = KeyRow['key']

/** Keys a state is sent, answers and decides on: those that are their own `decidedAs`. */
export type StateKey = KeyRow['decidedAs']
export const STATE_KEYS: readonly StateKey[] = KEY_TABLE.filter((r) => r.key === r.decidedAs).map((r) => r.decidedAs)

/** Key families: `photo` is a driver query carrying IMQ/Y, whatever its key. */
export const KEY_FAMILIES = ['driver', 'vehicle', 'photo', 'all'] as const
export type KeyFamily = (typeof KEY_FAMILIES)[number]

export const DRIVER_KEYS: readonly QueryKey[] = KEY_TABLE.filter((r) => r.family === 'driver').map((r) => r.key)
export const VEHICLE_KEYS: readonly QueryKey[] = KEY_TABLE.filter((r) => r.family === 'vehicle').map((r) => r.key)

const ROW = new Map<string, KeyRow>(KEY_TABLE.map((r) => [r.key, r]))

/** The key a state is sent and decides for `key` as sent (DQG -> DQ, RQG -> RQ); other strings unchanged. */
export function decidedKey (key: string): string {
  return ROW.get(key)?.decidedAs ?? key
}

/** The reply key of an answer to `key` (as sent or as decided), or undefined for a key not in the table. */
export function replyKeyFor (key: string): KeyRow['reply'] | undefined {
  return ROW.get(key)?.reply
}

/**
 * Decision slot base of `key` as sent: twice the index of the key it is decided
 * as (the IMQ/Y flag adds one), or -1. The compiled engine and the traffic
 * model share it.
 */
export function decisionSlot (key: string): number {
  const r = ROW.get(key)
  return r === undefined ? -1 : QUERY_KEYS.indexOf(r.decidedAs) * 2
}

/** Keys that may carry IMQ/Y (a licence photo request). */
export const PHOTO_KEYS: readonly QueryKey[] = KEY_TABLE.filter((r) => r.photo).map((r) => r.key)

/** Keys that may go to one state only. */
export const SINGLE_STATE_KEYS: readonly QueryKey[] = KEY_TABLE.filter((r) => r.singleState).map((r) => r.key)

const KEY_INDEX = new Map<string, number>(QUERY_KEYS.map((k, i) => [k, i]))

/** Index of a query key in QUERY_KEYS, or -1. */
export function keyIndex (key: string): number {
  return KEY_INDEX.get(key) ?? -1
}

export function isQueryKey (s: string): s is QueryKey {
  return KEY_INDEX.has(s)
}

export function isKeyFamily (s: string): s is KeyFamily {
  return (KEY_FAMILIES as readonly string[]).includes(s)
}
