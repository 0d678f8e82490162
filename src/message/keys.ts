/**
 * @module message/keys
 * DMV query keys and the families policies use. Sources: DOMAIN.md section 2
 * (DQ/DNQ/DQG/KQ driver keys, RQ/RQG/RNQ/RPQ vehicle keys, photos by IMQ/Y).
 */

/** Query keys a state's policy can decide on, in a fixed order (their index is used in tables). */
export const QUERY_KEYS = ['DQ', 'DNQ', 'DQG', 'KQ', 'RQ', 'RQG', 'RNQ', 'RPQ'] as const
export type QueryKey = (typeof QUERY_KEYS)[number]

/** Key families: `photo` is a driver query carrying IMQ/Y, whatever its key. */
export const KEY_FAMILIES = ['driver', 'vehicle', 'photo', 'all'] as const
export type KeyFamily = (typeof KEY_FAMILIES)[number]

export const DRIVER_KEYS: readonly QueryKey[] = ['DQ', 'DNQ', 'DQG', 'KQ']
export const VEHICLE_KEYS: readonly QueryKey[] = ['RQ', 'RQG', 'RNQ', 'RPQ']

/** Keys that may carry IMQ/Y (a licence photo request). */
export const PHOTO_KEYS: readonly QueryKey[] = ['DQ', 'KQ']

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
