/**
 * @module simulator/states/vehicles
 * Synthetic registrations: an RR record as an ordered list of categorised
 * fields, drawn from a seeded stream. VINs are 17 characters with a valid
 * North American check digit and a year code that matches VYR.
 */
import type { Random } from '../random.js'
import { address, digits, fillShape, personName, stateShape } from './people.js'
import type { RecordField } from '../../src/hub/ports/endpoint.js'
import { COLORS, MAKES, type Make, PLATE_TYPES, SURNAMES } from './vocabulary.js'

/** Identifying values taken from the query, already normalised; the rest is generated. */
export interface VehicleGiven {
  readonly lic?: string
  readonly liy?: string
  readonly lit?: string
  readonly vin?: string
  /** Registered owner, `LAST,FIRST MIDDLE`. */
  readonly owner?: string
}

/** Plate shapes (`A` letter, `#` digit); each state uses one, chosen by hashing its code. */
const PLATE_SHAPES = ['#AAA###', 'AAA####', 'AAA###', '###AAA', 'AA#####', 'A##AAA', '####AA']
const VIN_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'
/** Model-year codes (VIN position 10) for 2001-2030; the cycle skips I O Q U Z and 0. */
const YEAR_CODES = '123456789ABCDEFGHJKLMNPRSTVWXY'
const FIRST_YEAR = 2001
const TRANSLIT: Readonly<Record<string, number>> = {
  A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8, J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
  S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
}
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
const BUSINESS = ['CONSTRUCTION LLC', 'RENTALS INC', 'LANDSCAPING LLC', 'PLUMBING INC', 'TRUCKING CO']

/** The check digit (position 9) of a 17-character VIN: `0`-`9` or `X`. */
export function vinCheckDigit (vin: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const c = vin[i] ?? '0'
    const v = c >= '0' && c <= '9' ? Number(c) : TRANSLIT[c] ?? 0
    sum += v * WEIGHTS[i]!
  }
  const r = sum % 11
  return r === 10 ? 'X' : String(r)
}

function randomVin (rng: Random, make: Make, year: number): string {
  let vds = ''
  for (let i = 0; i < 5; i++) vds += VIN_CHARS[rng.int(VIN_CHARS.length)]
  const yearCode = YEAR_CODES[(year - FIRST_YEAR) % YEAR_CODES.length]!
  const rest = `${yearCode}${VIN_CHARS[rng.int(23)]}${digits(rng, 6)}`
  const draft = `${make.wmi}${vds}0${rest}`
  return `${make.wmi}${vds}${vinCheckDigit(draft)}${rest}`
}

/** Model year from a VIN's position 10 (2001-2030), or undefined. */
function vinYear (vin: string): number | undefined {
  const i = vin.length === 17 ? YEAR_CODES.indexOf(vin[9]!) : -1
  return i < 0 ? undefined : FIRST_YEAR + i
}

/** MAKES as `[make, weight]` pairs for Random.weighted, built once. */
const WEIGHTED_MAKES: ReadonlyArray<readonly [Make, number]> = MAKES.map((m) => [m, m.weight] as const)

/** Draw a vehicle registered in `state`. Given values (from the query) are echoed. */
export function makeVehicle (rng: Random, state: string, given: VehicleGiven): RecordField[] {
  const make = (given.vin === undefined ? undefined : MAKES.find((m) => given.vin!.startsWith(m.wmi))) ?? rng.weighted(WEIGHTED_MAKES)
  const drawnYear = rng.range(FIRST_YEAR, 2026)
  const year = given.vin === undefined ? drawnYear : vinYear(given.vin) ?? drawnYear
  const plate = fillShape(rng, stateShape(state, PLATE_SHAPES))
  const vin = randomVin(rng, make, year)
  const plateYear = rng.chance(0.03) ? 'NX' : String(rng.range(2025, 2027))
  const owner = rng.chance(0.06) ? `${rng.pick(SURNAMES)} ${rng.pick(BUSINESS)}` : personName(rng, rng.chance(0.5) ? 'M' : 'F')
  return [
    { prefix: 'LIC', value: given.lic ?? plate },
    { prefix: 'LIY', value: given.liy ?? plateYear },
    { prefix: 'LIT', value: given.lit ?? rng.weighted(PLATE_TYPES) },
    { prefix: 'VIN', value: given.vin ?? vin },
    { prefix: 'VYR', value: String(year) },
    { prefix: 'VMA', value: make.code },
    { prefix: 'VMO', value: rng.pick(make.models) },
    { prefix: 'VCO', value: rng.weighted(COLORS) },
    { prefix: 'OWN', value: given.owner ?? owner, category: 'owner' },
    // The owner's address is a home address like a driver's: category `address`,
    // so one `address` redaction hides both (README.md).
    { prefix: 'ADR', value: address(rng, state), category: 'address' },
  ]
}
