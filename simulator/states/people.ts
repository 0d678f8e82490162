/**
 * @module simulator/states/people
 * Synthetic licence holders: a driver record as an ordered list of categorised
 * fields (DR/KR layout), drawn from a seeded stream so the same stream gives
 * the same person. Nothing here is a real person: SSNs start with 9, an area
 * the SSA never issues.
 */
import { Random, hashSeed } from '../random.js'
import type { RecordField } from '../../src/hub/ports/endpoint.js'
import {
  CLASSES, EYES, GIVEN_FEMALE, GIVEN_MALE, HAIR, HISTORY_EVENTS, RACES, RESTRICTIONS, STATUSES,
  STREETS, STREET_TYPES, SURNAMES, TOWNS,
} from './vocabulary.js'

/** Identifying values taken from the query, already normalised; the rest is generated. */
export interface DriverGiven {
  readonly oln?: string
  /** `LAST,FIRST MIDDLE`. */
  readonly name?: string
  /** ccyymmdd. */
  readonly dob?: string
  readonly sex?: string
}

/** A generated driver: its DR fields and the traits the photo uses. */
export interface Driver {
  readonly fields: RecordField[]
  readonly hair: string
}

/** Licence-number shapes (`A` letter, `#` digit); each state uses one, chosen by hashing its code. */
const OLN_SHAPES = ['A########', '#########', 'A############', '########', 'AA######', 'A#######', 'A###########']
const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ'

/** Fill a shape: `A` becomes a letter, `#` a digit, anything else stays. */
export function fillShape (rng: Random, shape: string): string {
  let out = ''
  for (const c of shape) {
    if (c === 'A') out += LETTERS[rng.int(LETTERS.length)]
    else if (c === '#') out += String(rng.int(10))
    else out += c
  }
  return out
}

/** The shape a state's identifiers follow, fixed per state and table. */
export function stateShape (state: string, shapes: readonly string[]): string {
  let h = SHAPE_HASH.get(state)
  if (h === undefined) SHAPE_HASH.set(state, h = hashSeed(state)[0])
  return shapes[h % shapes.length]!
}

/** The first word of each state code's hash (54 codes at most), so a record does not hash its state again. */
const SHAPE_HASH = new Map<string, number>()

export function digits (rng: Random, n: number): string {
  let out = ''
  for (let i = 0; i < n; i++) out += String(rng.int(10))
  return out
}

/** `LAST,FIRST M` for a person of the given sex. */
export function personName (rng: Random, sex: string): string {
  const given = sex === 'F' ? rng.pick(GIVEN_FEMALE) : rng.pick(GIVEN_MALE)
  return `${rng.pick(SURNAMES)},${given} ${LETTERS[rng.int(LETTERS.length)]}`
}

/** A street address in `state`: `1234 OAK ST SALEM IL 62701` (ZIP codes are random). */
export function address (rng: Random, state: string): string {
  return `${rng.range(1, 9899)} ${rng.pick(STREETS)} ${rng.pick(STREET_TYPES)} ${rng.pick(TOWNS)} ${state} ${digits(rng, 5)}`
}

function pad2 (n: number): string {
  return String(n).padStart(2, '0')
}

/** Draw a driver licensed by `state`; `history` adds KQ history lines (HIS/). */
export function makeDriver (rng: Random, state: string, given: DriverGiven, history = false): Driver {
  const sex = given.sex === 'M' || given.sex === 'F' ? given.sex : rng.chance(0.5) ? 'M' : 'F'
  const name = given.name ?? personName(rng, sex)
  const born = rng.range(1945, 2008)
  const dob = given.dob ?? `${born}${pad2(rng.range(1, 12))}${pad2(rng.range(1, 28))}`
  const male = sex === 'M'
  const inches = male ? rng.range(65, 76) : rng.range(59, 70)
  const hair = rng.weighted(HAIR)
  const fields: RecordField[] = [
    { prefix: 'NAM', value: name },
    { prefix: 'DOB', value: dob, category: 'dob' },
    { prefix: 'SEX', value: sex },
    { prefix: 'RAC', value: rng.weighted(RACES), category: 'description' },
    { prefix: 'HGT', value: `${Math.floor(inches / 12)}${pad2(inches % 12)}`, category: 'description' },
    { prefix: 'WGT', value: String(male ? rng.range(140, 260) : rng.range(105, 210)).padStart(3, '0'), category: 'description' },
    { prefix: 'EYE', value: rng.weighted(EYES), category: 'description' },
    { prefix: 'HAI', value: hair, category: 'description' },
    { prefix: 'ADR', value: address(rng, state), category: 'address' },
    { prefix: 'SOC', value: `9${digits(rng, 8)}`, category: 'ssn' },
    { prefix: 'OLN', value: given.oln ?? fillShape(rng, stateShape(state, OLN_SHAPES)) },
    { prefix: 'OLS', value: state },
    { prefix: 'OLY', value: String(rng.range(2025, 2033)) },
    { prefix: 'CLS', value: rng.weighted(CLASSES) },
    { prefix: 'RST', value: rng.weighted(RESTRICTIONS) },
    { prefix: 'STA', value: rng.weighted(STATUSES) },
  ]
  if (history) {
    const n = rng.int(4)
    const dates: string[] = []
    for (let i = 0; i < n; i++) dates.push(`${rng.range(2015, 2025)}${pad2(rng.range(1, 12))}${pad2(rng.range(1, 28))}`)
    for (const d of dates.sort()) fields.push({ prefix: 'HIS', value: `${d} ${rng.pick(HISTORY_EVENTS)}` })
  }
  return { fields, hair }
}
