/**
 * @module simulator/states/catalog
 * Per-jurisdiction configuration of the simulated DMV endpoints, as data: the
 * keys each serves, whether it shares licence photos, its answering ORIs and
 * its latency. Most of it is a GAP in the sources, so the choices below are
 * invented (drawn once with the seeded PRNG and frozen here; README.md lists them).
 */
import { JURISDICTIONS, type Jurisdiction, TERRITORY_CODES, toJurisdiction } from '../../src/directory/model.js'
import { codedRangeError } from '../../src/errors.js'
import { STATE_KEYS, type StateKey } from '../../src/hub/ports/endpoint.js'

/** Jurisdictions that are not states or DC: they serve DQ, KQ and RQ only and share no photos (invented). */
/** The territories (src/directory/model.ts). */
export const TERRITORIES: readonly Jurisdiction[] = TERRITORY_CODES

/** The Nlets photo-sharing pilot states (NISP, Oct 2006; DOMAIN.md 2.2): always photo sharers here. */
export const PHOTO_PILOT_STATES: readonly Jurisdiction[] = ['OR', 'NC', 'VA', 'SC']

/**
 * The 10 of the 50 states + DC that do NOT share licence photos, so that 41
 * do ("41 states share drivers' license photos through Nlets", Nov 2025). The
 * real list is a GAP: these were drawn with `Random('nlets-sim/states/no-photo')`
 * from the 46 states + DC that are neither pilot states nor Illinois. Illinois
 * is kept among the sharers because its photo law (SB 225, PA 102-0354) bars
 * photos for immigration enforcement only, which presumes it shares them
 * otherwise; the shipped IL policy models that law as a photo redaction.
 */
export const PHOTO_STATES_BY_SOURCE: readonly Jurisdiction[] = ['IL']
export const NO_PHOTO_STATES: readonly Jurisdiction[] = ['CT', 'FL', 'IN', 'MD', 'MA', 'MT', 'PA', 'TN', 'TX', 'WY']

/**
 * DNQ (name-only licence query) participants. "Not all states answer" and the
 * list (help file NLNOQHELP) is a GAP: 30 of the 50 states + DC, drawn with
 * `Random('nlets-sim/states/dnq')`.
 */
export const DNQ_STATES: readonly Jurisdiction[] = [
  'AL', 'AZ', 'CA', 'DE', 'FL', 'GA', 'ID', 'IL', 'IA', 'KS', 'KY', 'LA', 'MI', 'MN', 'MO',
  'NB', 'NH', 'NC', 'OK', 'OR', 'RI', 'SC', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY',
]

/**
 * States + DC that do not answer RNQ (registration by owner name): a GAP, 8
 * drawn with `Random('nlets-sim/states/no-rnq')`, so 43 serve it.
 */
export const NO_RNQ_STATES: readonly Jurisdiction[] = ['AK', 'DE', 'MD', 'MA', 'MI', 'OK', 'PA', 'WA']

/**
 * States + DC that do not answer RPQ (partial plate, a wildcard search): a GAP,
 * 14 drawn with `Random('nlets-sim/states/no-rpq')`, so 37 serve it.
 */
export const NO_RPQ_STATES: readonly Jurisdiction[] = [
  'AK', 'FL', 'GA', 'HI', 'IA', 'LA', 'MD', 'MS', 'MO', 'NH', 'ND', 'OH', 'RI', 'UT',
]

/**
 * Latency model, all parameters invented: the sources only give a 2005 delivery
 * target of "one second or less" for the whole switch. Each state answers after
 * a log-normal delay `median * exp(sigma * z)`, z standard normal, capped at
 * `maxMs` so that a healthy state never trips the 5 s default client timeout
 * (timeouts come from faults). Medians are 50-400 ms, drawn uniformly, except
 * five states drawn as slow back ends (CA NY OH PA VT) and the three
 * territories, 500-1,200 ms.
 */
export const LATENCY = {
  sigma: 0.5,
  maxMs: 4500,
  medianMs: {
    AL: 320, AK: 100, AZ: 340, AR: 190, CA: 1200, CO: 110, CT: 140, DE: 130, DC: 100, FL: 290, GA: 310,
    HI: 310, ID: 130, IL: 380, IN: 90, IA: 330, KS: 400, KY: 170, LA: 130, ME: 50, MD: 390, MA: 360,
    MI: 390, MN: 50, MS: 190, MO: 370, MT: 390, NB: 350, NV: 140, NH: 200, NJ: 150, NM: 360, NY: 1000,
    NC: 120, ND: 310, OH: 550, OK: 240, OR: 290, PA: 1050, RI: 150, SC: 210, SD: 240, TN: 100, TX: 190,
    UT: 250, VT: 1000, VA: 290, WA: 170, WV: 60, WI: 250, WY: 240, PR: 1100, VI: 600, GM: 600,
  } satisfies Record<Jurisdiction, number>,
} as const

export interface LatencyParams {
  readonly medianMs: number
  readonly sigma: number
  readonly maxMs: number
}

export interface StateConfig {
  readonly code: Jurisdiction
  /** Keys this state answers, in STATE_KEYS order; others get SM .01 from the switch. */
  readonly keys: readonly StateKey[]
  /** Returns a licence photo on DQ/KQ with IMQ/Y. */
  readonly photos: boolean
  /** Answering ORI for driver keys (DQ, DNQ, KQ): the DL bureau `XXOLN0000`. */
  readonly driverOri: string
  /** Answering ORI for vehicle keys (RQ, RNQ, RPQ): the registration agency `XXLIC0000`. */
  readonly vehicleOri: string
  readonly latency: LatencyParams
}

function build (code: Jurisdiction): StateConfig {
  const territory = TERRITORIES.includes(code)
  const serves = (key: StateKey): boolean => {
    switch (key) {
      case 'DQ': case 'KQ': case 'RQ': return true
      case 'DNQ': return DNQ_STATES.includes(code)
      case 'RNQ': return !territory && !NO_RNQ_STATES.includes(code)
      case 'RPQ': return !territory && !NO_RPQ_STATES.includes(code)
    }
  }
  return Object.freeze({
    code,
    keys: Object.freeze(STATE_KEYS.filter(serves)),
    photos: !territory && !NO_PHOTO_STATES.includes(code),
    driverOri: `${code}OLN0000`,
    vehicleOri: `${code}LIC0000`,
    latency: Object.freeze({ medianMs: LATENCY.medianMs[code], sigma: LATENCY.sigma, maxMs: LATENCY.maxMs }),
  })
}

/** Every jurisdiction's configuration, in JURISDICTIONS order (50 states, DC, PR, VI, GM). */
export const ALL_STATES: readonly StateConfig[] = Object.freeze(JURISDICTIONS.map(build))

const BY_CODE: ReadonlyMap<string, StateConfig> = new Map(ALL_STATES.map((c) => [c.code, c]))

/** Configuration of one jurisdiction (USPS NE/GU accepted); throws a RangeError for an unknown code. */
export function stateCatalog (code: string): StateConfig {
  const j = toJurisdiction(code)
  const config = j === undefined ? undefined : BY_CODE.get(j)
  if (config === undefined) throw codedRangeError('NSIM_STATE_UNKNOWN', code)
  return config
}

/** True when `code` is a jurisdiction that serves `key`. */
export function serves (code: string, key: string): boolean {
  const config = BY_CODE.get(code)
  return config !== undefined && (config.keys as readonly string[]).includes(key)
}
