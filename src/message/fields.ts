/**
 * @module message/fields
 * Value rules for the prefixed fields of DMV queries (sizes from DOMAIN.md 1.3,
 * https://service.nlets.org/support/solutions/articles/21003098582 and
 * https://service.nlets.org/support/solutions/articles/21003096403). Each rule
 * says why a value is bad, and which ER code that earns.
 */

import type { ErCode } from './er.js'

/** How one field is checked: `check` returns why the value is bad, or undefined. */
export interface FieldRule {
  readonly code: ErCode
  readonly check: (value: string, key: string) => string | undefined
}

export const REASON_CODES = ['N', 'F', 'V', 'T', 'S', 'H', 'I'] as const
export const PURPOSE_CODES = ['C', 'F', 'E', 'D', 'J', 'S'] as const
export const SEX_CODES = ['M', 'F', 'U'] as const
/** RPQ wildcard: `*` stands for any run of characters (the choice is ours: the sources do not say). */
export const PLATE_WILDCARD = '*'

function sized (re: RegExp, max: number, what: string) {
  return (v: string): string | undefined => {
    if (v === '') return 'is empty'
    if (v.length > max) return `is longer than ${max} characters`
    return re.test(v) ? undefined : `may only hold ${what}`
  }
}

function oneOf (codes: readonly string[]) {
  return (v: string): string | undefined => codes.includes(v) ? undefined : `must be one of ${codes.join(' ')}`
}

/** Years 1900-2099: a plate or model year outside that is a typo, not a record. */
function year (v: string): string | undefined {
  return /^(19|20)\d\d$/.test(v) ? undefined : 'is not a 4-digit year (ccyy)'
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * DOB: mmddyy or ccyymmdd and a real date. A 6-digit 0229 is accepted when yy is
 * a multiple of 4 (2000 was a leap year, so either century may be meant).
 * No future-date check: validation is pure and has no clock.
 */
export function checkDob (v: string): string | undefined {
  const long = /^(\d{4})(\d\d)(\d\d)$/.exec(v)
  const short = /^(\d\d)(\d\d)(\d\d)$/.exec(v)
  if (long === null && short === null) return 'is not a date (mmddyy or ccyymmdd)'
  const [y, m, d] = long !== null
    ? [Number(long[1]), Number(long[2]), Number(long[3])]
    : [2000 + Number(short?.[3]), Number(short?.[1]), Number(short?.[2])]
  if (y < 1900 || y > 2099) return 'is not a valid date (year outside 1900-2099)'
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  const max = m === 2 && !leap ? 28 : DAYS[m - 1]
  return max !== undefined && d >= 1 && d <= max ? undefined : 'is not a valid date'
}

const NAME_PART = "[A-Z][A-Z'-]*(?: [A-Z][A-Z'-]*)*"
const PERSON_NAME = new RegExp(`^${NAME_PART},${NAME_PART}$`)
const ANY_NAME = new RegExp(`^${NAME_PART}(?:,${NAME_PART})?$`)

/** NAM: `LAST,FIRST MIDDLE SUFFIX`, 30 at most. RNQ also takes a comma-less owner (a business name). */
function checkName (v: string, key: string): string | undefined {
  if (v.length > 30) return 'is longer than 30 characters'
  if (key === 'RNQ') return ANY_NAME.test(v) ? undefined : 'is not a name (LAST,FIRST MIDDLE or an owner name)'
  return PERSON_NAME.test(v) ? undefined : 'is not a name (LAST,FIRST MIDDLE)'
}

function checkPlate (v: string, key: string): string | undefined {
  if (key !== 'RPQ') return sized(/^[A-Z0-9]+$/, 10, 'letters and digits')(v)
  const bad = sized(/^[A-Z0-9*]+$/, 10, 'letters, digits and the wildcard *')(v)
  if (bad !== undefined) return bad
  if (!v.includes(PLATE_WILDCARD)) return 'has no wildcard * (RPQ is a partial-plate query; use RQ for a full plate)'
  return /[A-Z0-9]/.test(v) ? undefined : 'has no letter or digit'
}

/** Rules by prefix. A prefix missing here is unknown to every key. */
export const FIELD_RULES: Readonly<Record<string, FieldRule>> = Object.freeze({
  OLN: { code: '.22', check: sized(/^[A-Z0-9*-]+$/, 20, 'letters, digits, * and -') },
  NAM: { code: '.22', check: checkName },
  DOB: { code: '.05', check: checkDob },
  SEX: { code: '.22', check: oneOf(SEX_CODES) },
  RSN: { code: '.22', check: oneOf(REASON_CODES) },
  PUR: { code: '.22', check: oneOf(PURPOSE_CODES) },
  ATN: { code: '.16', check: sized(/^[A-Z0-9 ,'-]+$/, 30, "letters, digits, spaces and , ' -") },
  // KQ takes IMQ "XML use only, send Y or omit" (DOMAIN.md 1.3): Y only there.
  IMQ: { code: '.22', check: (v, key) => oneOf(key === 'KQ' ? ['Y'] : ['Y', 'N'])(v) },
  LIC: { code: '.22', check: checkPlate },
  LIY: { code: '.10', check: (v) => v === 'NX' ? undefined : year(v) === undefined ? undefined : 'is not a 4-digit year or NX' },
  LIT: { code: '.22', check: (v) => /^[A-Z]{2}$/.test(v) ? undefined : 'is not a 2-letter plate type' },
  VIN: { code: '.22', check: sized(/^[A-Z0-9]+$/, 17, 'letters and digits') },
  VMA: { code: '.22', check: (v) => /^[A-Z0-9]{2,4}$/.test(v) ? undefined : 'is not a 2-4 character make code' },
  VYR: { code: '.10', check: year },
})
