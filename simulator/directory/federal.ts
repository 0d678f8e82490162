/**
 * @module simulator/directory/federal
 * Synthetic federal field offices: how many of each component, and how they are
 * spread over the jurisdictions (largest-remainder apportionment of fixed
 * weights, so the offices do not depend on the seed).
 */
import { type Agency, type Component } from '../../src/directory/model.js'
import { apportion } from './apportion.js'
import { type StateRow } from './states.js'

export interface FederalSpec {
  readonly component: Component
  /** Federal member line the office sends through. */
  readonly line: string
  /** Three letters in ORI positions 3-5 (`TXICE0100`). */
  readonly code: string
  /** Name before `<state> <nn>`, e.g. `ICE ERO field office`. */
  readonly label: string
  /** Offices at the default total of 18,000 (scaled with the total). */
  readonly count: number
  readonly weight: (s: StateRow) => number
}

/** The border and port states CBP, HSI and DEA weight up. */
const BORDER_PORT = new Set(['WA', 'NY', 'MI', 'VT', 'ME', 'TX', 'AZ', 'CA', 'NM', 'ND', 'MT', 'MN', 'FL'])
const SOUTHWEST = new Set(['TX', 'AZ', 'CA', 'NM', 'FL'])

/** CBP: land-border crossings, seaports and the main international airports. */
const CBP_WEIGHTS: Readonly<Record<string, number>> = {
  TX: 14, CA: 12, NY: 9, FL: 9, AZ: 8, WA: 8, MI: 6, NM: 4, ND: 4, MT: 4, MN: 4, VT: 4, ME: 4,
  IL: 3, NJ: 3, PR: 3, AK: 2, GA: 2, MA: 2, LA: 2, HI: 2, ID: 1, NH: 1, VI: 1, GM: 1, VA: 1, MD: 1,
  PA: 1, OH: 1, CO: 1, NV: 1, NC: 1, OR: 1, SC: 1, UT: 1,
}

/** NCIS: naval bases and fleet concentration areas. */
const NCIS_WEIGHTS: Readonly<Record<string, number>> = {
  VA: 6, CA: 6, WA: 3, FL: 3, HI: 3, NC: 2, MD: 2, DC: 2, SC: 1, GA: 1, TX: 1, CT: 1, RI: 1,
  PA: 1, IL: 1, ME: 1, MS: 1, GM: 1,
}

/** The 56 FBI field offices (real cities); each state's offices are numbered in this order. */
export const FBI_FIELD_OFFICES: ReadonlyArray<readonly [string, string]> = [
  ['AL', 'Birmingham'], ['AL', 'Mobile'], ['AK', 'Anchorage'], ['AZ', 'Phoenix'], ['AR', 'Little Rock'],
  ['CA', 'Los Angeles'], ['CA', 'Sacramento'], ['CA', 'San Diego'], ['CA', 'San Francisco'], ['CO', 'Denver'],
  ['CT', 'New Haven'], ['DC', 'Washington'], ['FL', 'Jacksonville'], ['FL', 'Miami'], ['FL', 'Tampa'],
  ['GA', 'Atlanta'], ['HI', 'Honolulu'], ['IL', 'Chicago'], ['IL', 'Springfield'], ['IN', 'Indianapolis'],
  ['KY', 'Louisville'], ['LA', 'New Orleans'], ['MD', 'Baltimore'], ['MA', 'Boston'], ['MI', 'Detroit'],
  ['MN', 'Minneapolis'], ['MS', 'Jackson'], ['MO', 'Kansas City'], ['MO', 'St. Louis'], ['NB', 'Omaha'],
  ['NV', 'Las Vegas'], ['NJ', 'Newark'], ['NM', 'Albuquerque'], ['NY', 'Albany'], ['NY', 'Buffalo'],
  ['NY', 'New York'], ['NC', 'Charlotte'], ['OH', 'Cincinnati'], ['OH', 'Cleveland'], ['OK', 'Oklahoma City'],
  ['OR', 'Portland'], ['PA', 'Philadelphia'], ['PA', 'Pittsburgh'], ['PR', 'San Juan'], ['SC', 'Columbia'],
  ['TN', 'Knoxville'], ['TN', 'Memphis'], ['TX', 'Dallas'], ['TX', 'El Paso'], ['TX', 'Houston'],
  ['TX', 'San Antonio'], ['UT', 'Salt Lake City'], ['VA', 'Norfolk'], ['VA', 'Richmond'], ['WA', 'Seattle'],
  ['WI', 'Milwaukee'],
]

/**
 * Population damped to p^0.75 so smaller states still get some offices; built
 * from sqrt, which IEEE 754 rounds exactly, so every platform gets the same weights.
 */
const byPop = (s: StateRow): number => Math.sqrt(s.population) * Math.sqrt(Math.sqrt(s.population))
const table = (t: Readonly<Record<string, number>>) => (s: StateRow): number => t[s.code] ?? 0

/** Apportioned components (FBI field offices come from FBI_FIELD_OFFICES instead). */
export const FEDERAL_SPECS: readonly FederalSpec[] = [
  { component: 'ICE-ERO', line: 'AX', code: 'ICE', label: 'ICE ERO field office', count: 59, weight: byPop },
  { component: 'HSI', line: 'AX', code: 'HSI', label: 'HSI office', count: 80, weight: (s) => byPop(s) * (BORDER_PORT.has(s.code) ? 1.5 : 1) },
  { component: 'CBP', line: 'TC', code: 'CBP', label: 'CBP port of entry', count: 120, weight: table(CBP_WEIGHTS) },
  { component: 'FBI', line: 'FB', code: 'FBI', label: 'FBI resident agency', count: 40, weight: byPop },
  { component: 'DEA', line: 'DX', code: 'DEA', label: 'DEA office', count: 39, weight: (s) => byPop(s) * (SOUTHWEST.has(s.code) ? 1.5 : 1) },
  { component: 'USMS', line: 'UM', code: 'USM', label: 'US Marshals office', count: 50, weight: (s) => Math.sqrt(s.population) },
  { component: 'ATF', line: 'AF', code: 'ATF', label: 'ATF field office', count: 30, weight: byPop },
  { component: 'USSS', line: 'SS', code: 'USS', label: 'Secret Service field office', count: 40, weight: byPop },
  { component: 'NCIS', line: 'DN', code: 'NCS', label: 'NCIS field office', count: 25, weight: table(NCIS_WEIGHTS) },
]

function scaled (count: number, scale: number): number {
  return Math.max(1, Math.round(count * scale))
}

/** Generate the synthetic offices; `reserved` holds ORIs already taken (the real ones). */
export function generateFederal (jurisdictions: readonly StateRow[], scale: number, reserved: ReadonlySet<string>): Agency[] {
  const out: Agency[] = []
  const next = new Map<string, number>()
  const office = (state: string, spec: Pick<FederalSpec, 'component' | 'line' | 'code'>, name: (nn: string) => string): void => {
    const key = state + spec.code
    let n = next.get(key) ?? 1
    while (reserved.has(`${key}${pad2(n)}00`)) n++
    if (n > 99) throw new RangeError(`more than 99 ${spec.component} offices in ${state}: lower the total`)
    next.set(key, n + 1)
    out.push({
      ori: `${key}${pad2(n)}00`, name: name(pad2(n)), line: spec.line, state,
      type: 'FE', component: spec.component, active: true, access: 'ACDZ',
    })
  }
  const fbi = FEDERAL_SPECS.find((f) => f.component === 'FBI')!
  for (const [state, city] of FBI_FIELD_OFFICES) office(state, fbi, (nn) => `FBI field office ${city} ${state} ${nn}`)
  for (const spec of FEDERAL_SPECS) {
    const parts = apportion(scaled(spec.count, scale), jurisdictions.map(spec.weight))
    jurisdictions.forEach((j, i) => {
      for (let k = 0; k < parts[i]!; k++) office(j.code, spec, (nn) => `${spec.label} ${j.code} ${nn}`)
    })
  }
  return out
}

function pad2 (n: number): string {
  return String(n).padStart(2, '0')
}
