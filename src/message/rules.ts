/**
 * @module message/rules
 * Per-key rules for the DMV query keys: which field sets are required, which
 * fields may come along, and where the key may be sent. docs/messages.md has the
 * same table with a source (or "our choice") for every cell.
 */

import { decidedKey, isQueryKey, type QueryKey, SINGLE_STATE_KEYS } from './keys.js'

/** What a destination code is; the hub classifies, since the region table is hub data. */
export type DestinationClass = 'state' | 'region' | 'nl' | 'ori'

export interface KeyRule {
  /** Alternative required field sets: one of them must be complete. */
  readonly forms: readonly (readonly string[])[]
  /** Fields allowed besides those of the forms. Anything else is `.22`. */
  readonly optional: readonly string[]
  /** Destination classes the key may go to (`.02` otherwise). */
  readonly destinations: readonly DestinationClass[]
  /** Exactly one destination (KQ, RPQ). */
  readonly single: boolean
}

/** Query metadata every DMV key may carry (DOMAIN.md 4: RSN optional on DMV queries). */
const META = ['RSN', 'PUR', 'ATN']
const PERSON = ['NAM', 'DOB', 'SEX']
const VEHICLE_EXTRA = ['LIY', 'LIT', 'VMA', 'VYR']
const ANYWHERE: readonly DestinationClass[] = ['state', 'region', 'nl']

export const KEY_RULES: Readonly<Record<QueryKey, KeyRule>> = Object.freeze({
  // SEX is required with NAM+DOB: the DQ page names the set as NAM/DOB/SEX (DOMAIN.md 2.1).
  DQ: { forms: [['OLN'], PERSON], optional: [...META, 'IMQ'], destinations: ANYWHERE, single: false },
  // OLN and IMQ are not allowed on DQG (DOMAIN.md 2.1); they are simply absent here.
  DQG: { forms: [PERSON], optional: META, destinations: ['region'], single: false },
  DNQ: { forms: [['NAM']], optional: ['DOB', 'SEX', ...META], destinations: ['state'], single: false },
  KQ: { forms: [['OLN'], PERSON], optional: [...META, 'IMQ'], destinations: ['state'], single: true },
  // A plate query needs plate, plate year and plate type: Nlets' own ER example
  // rejects `RQ.AZNLETS20.AZ.TXTLIC/123456.LIT/PC` listing `1. LIC, LIY, LIT`
  // (https://service.nlets.org/support/solutions/articles/21003096179).
  RQ: { forms: [['LIC', 'LIY', 'LIT'], ['VIN']], optional: [...VEHICLE_EXTRA, ...META], destinations: ANYWHERE, single: false },
  RQG: { forms: [['LIC', 'LIY', 'LIT'], ['VIN']], optional: [...VEHICLE_EXTRA, ...META], destinations: ['region'], single: false },
  RNQ: { forms: [['NAM']], optional: ['DOB', 'SEX', ...META], destinations: ['state'], single: false },
  RPQ: { forms: [['LIC']], optional: [...VEHICLE_EXTRA, ...META], destinations: ['state'], single: true },
})

/** Most destinations one header may carry (DOMAIN.md 3.1). */
export const MAX_DESTINATIONS = 5

/** The rule for a key, or undefined when the switch does not take the key. */
export function keyRule (key: string): KeyRule | undefined {
  return isQueryKey(key) ? KEY_RULES[key] : undefined
}

/** Every prefix a key accepts, in form order then optional order. */
export function allowedFields (rule: KeyRule): string[] {
  return [...new Set([...rule.forms.flat(), ...rule.optional])]
}

/**
 * The key's field sets as an ER `.22` lists them after "REFER TO <MKE> MKE
 * OPTIONS BELOW": numbered required sets (`1. LIC`, as in Nlets' own example),
 * then one `OPTIONAL:` line.
 */
export function mkeOptions (key: string): string[] {
  const rule = keyRule(key)
  if (rule === undefined) return []
  const lines = rule.forms.map((f, i) => `${i + 1}. ${f.join(', ')}`)
  lines.push(`OPTIONAL: ${rule.optional.join(', ')}`)
  return lines
}

/** Keys Nlets fans out to a region and rewrites before delivery (DOMAIN.md 3.2): those the key table decides as another key. */
export function isRegionalKey (key: string): boolean {
  return isQueryKey(key) && decidedKey(key) !== key
}

/** The key a state receives: DQG -> DQ, RQG -> RQ; others unchanged (the key table's `decidedAs`). */
export function rewriteKey (key: string): string {
  return decidedKey(key)
}

/** Keys restricted to one state (DOMAIN.md 3.1: KQ, RPQ from the key table, and CWQ, which this switch does not carry). */
export function singleStateKey (key: string): boolean {
  return (SINGLE_STATE_KEYS as readonly string[]).includes(key) || key === 'CWQ'
}
