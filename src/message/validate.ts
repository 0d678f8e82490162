/**
 * @module message/validate
 * Checks a parsed message the way the switch does before routing it, and names
 * the first fault with its Nlets ER code. Order: header (`.01`), destinations
 * (`.19`, then `.02`), fields one by one (`.22`, `0`, `.05`, `.10`, `.16`), then
 * missing fields (`.14`, or `.05` when only the DOB is missing).
 */

import { isJurisdiction, isOri } from '../directory/model.js'
import { type MessageError, messageError } from './er.js'
import { FIELD_RULES } from './fields.js'
import { QUERY_KEYS } from './keys.js'
import { allowedFields, type DestinationClass, type KeyRule, keyRule, MAX_DESTINATIONS, mkeOptions } from './rules.js'
import type { Message } from './types.js'

export type DestinationClassifier = (dest: string) => DestinationClass | undefined

export interface ValidateOptions {
  /** What a destination code is; undefined when it is none of the four. */
  readonly classify: DestinationClassifier
}

/** Control field: up to 10 letters or digits (Nlets' examples: `NLETSTEST1`, `LTN2000157`). */
const CONTROL_RE = /^[A-Z0-9]{1,10}$/
/** Inside a value, these would change how the legacy form reads (a new field, a final period, a stripped character). */
const UNSAFE_VALUE = /\.[A-Z]{2,4}\/|\.$|[\r\n\x7f]/

/** The first fault of a message, or undefined when it may be routed. Never throws. */
export function validateMessage (m: Message, opts: ValidateOptions): MessageError | undefined {
  const rule = keyRule(m.key)
  if (rule === undefined) {
    const why = /^[A-Z]{2,3}$/.test(m.key)
      ? `message key \`${m.key}\` is not taken by this switch (it handles ${QUERY_KEYS.join(' ')})`
      : `message key \`${m.key}\` is not 2-3 letters`
    return messageError('.01', why)
  }
  if (!isOri(m.ori)) {
    return messageError('.01', `sending ORI \`${m.ori}\` is not 9 characters (two letters, then seven letters or digits)`)
  }
  if (m.control !== undefined && (!CONTROL_RE.test(m.control) || m.control === 'TXT')) {
    return messageError('.01', `control field \`${m.control}\` must be 1-10 letters or digits`)
  }
  return checkDestinations(m, rule, opts.classify) ?? checkFields(m, rule)
}

function checkDestinations (m: Message, rule: KeyRule, classify: DestinationClassifier): MessageError | undefined {
  const dests = m.destinations
  if (dests.length === 0) return messageError('.19', 'no destination')
  if (dests.length > MAX_DESTINATIONS) return messageError('.19', `${dests.length} destinations; at most ${MAX_DESTINATIONS}`)
  const classes: DestinationClass[] = []
  for (const [i, d] of dests.entries()) {
    const first = dests.indexOf(d)
    if (first !== i) return messageError('.19', `destination \`${d}\` appears twice (destinations ${first + 1} and ${i + 1})`)
    const c = classify(d)
    if (c === undefined) return messageError('.19', `\`${d}\` is not a state, region, NL or ORI (destination ${i + 1})`)
    classes.push(c)
  }
  // A multi-state query goes to NL alone: NL already means every participating state.
  if (dests.length > 1 && classes.includes('nl')) {
    return messageError('.19', 'NL (multi-state query) cannot be combined with other destinations')
  }
  if (rule.single && dests.length > 1) {
    return messageError('.02', `${m.key} goes to exactly one state; ${dests.length} destinations given`)
  }
  for (const [i, c] of classes.entries()) {
    if (!rule.destinations.includes(c)) {
      const may = rule.destinations.map(describeClass).join(', ')
      return messageError('.02', `${m.key} may go to ${may} only; \`${dests[i]}\` is ${describeClass(c)} (destination ${i + 1})`)
    }
  }
  return undefined
}

function describeClass (c: DestinationClass): string {
  switch (c) {
    case 'state': return 'a state'
    case 'region': return 'a region'
    case 'nl': return 'NL (multi-state query)'
    case 'ori': return 'an ORI'
  }
}

/** Allowed prefixes per rule, built once: validation is on the hot path. */
const ALLOWED = new WeakMap<KeyRule, ReadonlySet<string>>()

function allowedSet (rule: KeyRule): ReadonlySet<string> {
  let set = ALLOWED.get(rule)
  if (set === undefined) {
    set = new Set(allowedFields(rule))
    ALLOWED.set(rule, set)
  }
  return set
}

/** A `.22`: the detail, then the key's field sets (Nlets: "REFER TO <MKE> MKE OPTIONS BELOW"). */
function formatError (key: string, detail: string): MessageError {
  return messageError('.22', detail, key, mkeOptions(key))
}

function checkFields (m: Message, rule: KeyRule): MessageError | undefined {
  const allowed = allowedSet(rule)
  const seen = new Map<string, number>()
  for (const [i, { prefix, value }] of m.fields.entries()) {
    const n = i + 1
    if (!allowed.has(prefix)) return formatError(m.key, `${prefix}/ is not allowed on ${m.key} (field ${n})`)
    const first = seen.get(prefix)
    if (first !== undefined) return formatError(m.key, `${prefix}/ appears twice (fields ${first} and ${n})`)
    seen.set(prefix, n)
    if (UNSAFE_VALUE.test(value)) {
      return messageError('0', `${prefix}/ ${value} holds a control character, a final period or \`.PFX/\` (field ${n})`)
    }
    const fieldRule = FIELD_RULES[prefix]
    const why = fieldRule?.check(value, m.key)
    if (fieldRule !== undefined && why !== undefined) {
      const detail = `${prefix}/${value === '' ? '' : ' ' + value} ${why} (field ${n})`
      return fieldRule.code === '.22' ? formatError(m.key, detail) : messageError(fieldRule.code, detail)
    }
  }
  return checkRequired(m.key, rule, seen)
}

function checkRequired (key: string, rule: KeyRule, present: ReadonlyMap<string, number>): MessageError | undefined {
  let best: readonly string[] = []
  let bestCount = -1
  for (const form of rule.forms) {
    const count = form.filter((p) => present.has(p)).length
    if (count === form.length) return undefined
    if (count > bestCount) {
      best = form
      bestCount = count
    }
  }
  const needs = rule.forms.map((f) => f.join('+')).join(' or ')
  // With nothing of any set present, every alternative is missing; else the closest set's gaps.
  const missing = bestCount === 0
    ? rule.forms.map((f) => f.map((p) => p + '/').join(' ')).join(', or ')
    : best.filter((p) => !present.has(p)).map((p) => p + '/').join(' ')
  if (missing === 'DOB/') return messageError('.05', `DOB/ is missing; ${key} needs ${needs}`)
  // Nothing identifying at all: .14 FIELDS MISSING. A set begun but not finished
  // (e.g. LIC/ and LIT/ without LIY/) is what Nlets' own ER example answers with
  // .22 and the key's field sets (DOMAIN.md 3.4), so the requester sees the options.
  if (bestCount > 0) return formatError(key, `missing ${missing}; ${key} needs ${needs}`)
  return messageError('.14', `missing ${missing}; ${key} needs ${needs}`)
}

/** The fields as a prefix -> value map; the first occurrence wins. */
export function fieldMap (m: Message): Record<string, string> {
  const seen = new Set<string>()
  const firsts = m.fields.filter((f) => !seen.has(f.prefix) && seen.add(f.prefix))
  // fromEntries defines own properties, so even a `__proto__` prefix stays plain data.
  return Object.fromEntries(firsts.map((f) => [f.prefix, f.value]))
}

/**
 * A classifier for tests and tools: Nlets jurisdiction codes are states, `NL` is
 * the multi-state query, 9-character ORIs are ORIs, and `regions` (hub data: the
 * region table is a GAP) are regions.
 */
export function makeClassifier (regions: Iterable<string>): DestinationClassifier {
  const regionSet = new Set(regions)
  return (d) => {
    if (d === 'NL') return 'nl'
    if (isJurisdiction(d)) return 'state'
    if (regionSet.has(d)) return 'region'
    return isOri(d) ? 'ori' : undefined
  }
}
