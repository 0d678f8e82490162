/**
 * @module simulator/traffic/params
 * Every assumption of the traffic model, named, with its source or marked as
 * inferred, in one place. A scenario may override any of them.
 *
 * Unit: one *query* is one (message, destination state) pair, what a state's
 * DMV sees. A multi-state or regional message is several queries. The seed's
 * "over 290 million DMV queries" (year to 1 Oct 2025, federal and out-of-state
 * only) is read in that unit.
 */

import { AGENCY_TYPES, COMPONENTS, JURISDICTIONS } from '../../src/directory/model.js'
import { PURPOSE_CODES, REASON_CODES } from '../../src/policy/types.js'

/** Keys of the key mixes (`DQ+IMQ` is a DQ with IMQ/Y). */
export const MIX_KEYS = ['DQ', 'DQ+IMQ', 'DNQ', 'DQG', 'KQ', 'RQ', 'RQG', 'RNQ', 'RPQ'] as const

export interface TrafficParams {
  /** Queries a year, all requesters (seed: "over 290 million"). */
  readonly totalPerYear: number
  /** Federal queries a year by component. ICE-ERO and HSI from the seed; the rest inferred. */
  readonly federalPerYear: Readonly<Record<string, number>>
  /** CBP destination weights (border and port states heavy). */
  readonly cbpBorderWeight: Readonly<Record<string, number>>
  /** Share of CBP traffic spread by border weight; the rest follows population. */
  readonly cbpBorderMix: number
  /**
   * Share of a federal office's queries that go to the state where it sits; the
   * rest follow the component's national destination weights.
   */
  readonly federalHomeShare: number
  /** Origin volume of local traffic: this share by population, the rest by (type-weighted) agencies. */
  readonly originPopulationMix: number
  /** Multipliers on the out-of-state volume of remote origins (islands, Alaska). */
  readonly remoteOriginFactor: Readonly<Record<string, number>>
  /** Relative query activity of an out-of-state requester, by ORION agency type. */
  readonly agencyTypeWeight: Readonly<Record<string, number>>
  /** Multiplier on the gravity share of land neighbours (CALIBRATION.md 6, refinement 1). */
  readonly adjacencyBoost: number
  /** Share of each origin's out-of-state local traffic that goes to the territories (PR, VI, GM), split by population. */
  readonly territoryShare: number
  /** Key mix of out-of-state local and state agencies: sent key -> share. `DQ+IMQ` is a DQ with IMQ/Y. */
  readonly localKeyMix: Readonly<Record<string, number>>
  /** Key mix of federal requesters. */
  readonly federalKeyMix: Readonly<Record<string, number>>
  /** Key mix of CBP (plates at the border: registration-heavy). */
  readonly cbpKeyMix: Readonly<Record<string, number>>
  /** Share of queries by local hour 0-23 (CALIBRATION.md 5, Rhode Island State Police stops). */
  readonly hourCurve: readonly number[]
  /**
   * PUR/ purpose codes sent, by requester: a federal component, or the ORION
   * agency type of an out-of-state local or state agency -> code -> share of its
   * queries. The rest of its queries send no PUR/. A requester not listed sends none.
   */
  readonly purposeShares: Readonly<Record<string, Readonly<Record<string, number>>>>
  /** RSN/ reason codes sent, by requester, in the same form as `purposeShares` (drawn independently of it). */
  readonly reasonShares: Readonly<Record<string, Readonly<Record<string, number>>>>
}

export const DEFAULT_TRAFFIC: TrafficParams = Object.freeze({
  totalPerYear: 290_500_000,
  federalPerYear: Object.freeze({
    // Seed (Wyden press release, 12 Nov 2025): exact.
    'ICE-ERO': 292_114,
    HSI: 605_116,
    // INFERRED. Federal agencies ran 2,671,776 queries of WA data in Jan-Nov 2025
    // (about 2.9 M a year), mostly CBP (8 of 9 documented cases). With the border
    // weights below, 12 M a year nationally gives WA about 2.86 M from CBP and
    // 2.93 M federal queries in all.
    CBP: 12_000_000,
    // INFERRED, no public figures: "other federal agencies modest".
    FBI: 900_000,
    DEA: 350_000,
    USMS: 450_000,
    ATF: 200_000,
    USSS: 150_000,
    NCIS: 60_000,
  }),
  // INFERRED: WA is calibrated to its reported federal volume; the other land-border
  // and major port-of-entry states follow CALIBRATION.md 6 (refinement 3).
  cbpBorderWeight: Object.freeze({
    WA: 3.6, TX: 2.2, CA: 1.6, AZ: 1.0, NY: 0.9, MI: 0.9, NM: 0.4, VT: 0.35, ME: 0.3, ND: 0.25, MT: 0.25,
    MN: 0.25, ID: 0.12, NH: 0.08, FL: 0.5, NJ: 0.2, IL: 0.15, GA: 0.12, PR: 0.1,
  }),
  // INFERRED: state police and sheriffs patrol the highways where out-of-state
  // plates are met; courts, prosecutors and DMVs query other states rarely.
  cbpBorderMix: 0.85,
  // INFERRED: field offices work mostly in their own state.
  federalHomeShare: 0.6,
  // INFERRED: a state's out-of-state queries grow with its people and its agencies.
  originPopulationMix: 0.5,
  // INFERRED: few vehicles cross from islands or Alaska (their gravity rows have
  // no land neighbours, CALIBRATION.md 6).
  remoteOriginFactor: Object.freeze({ HI: 0.25, AK: 0.5, PR: 0.25, VI: 0.25, GM: 0.25 }),
  agencyTypeWeight: Object.freeze({
    PD: 1.0, SO: 1.6, SA: 3.0, LE: 0.5, JA: 0.3, JC: 0.2, JG: 0.2, JJ: 0.2, CJ: 0.2, NJ: 0.05, FE: 0, JF: 0.1,
  }),
  adjacencyBoost: 1.5,
  territoryShare: 0.002,
  // INFERRED: no public split by key (CALIBRATION.md 5 "not found"); plate runs
  // (RQ) are the typical field use, then licences; photos on a share of DQ.
  localKeyMix: Object.freeze({
    RQ: 0.54, DQ: 0.30, 'DQ+IMQ': 0.05, KQ: 0.03, DNQ: 0.02, RNQ: 0.02, RPQ: 0.01, DQG: 0.015, RQG: 0.015,
  }),
  federalKeyMix: Object.freeze({
    RQ: 0.42, DQ: 0.30, 'DQ+IMQ': 0.15, KQ: 0.04, DNQ: 0.03, RNQ: 0.04, RPQ: 0.02,
  }),
  cbpKeyMix: Object.freeze({
    RQ: 0.70, DQ: 0.16, 'DQ+IMQ': 0.06, KQ: 0.02, RNQ: 0.03, RPQ: 0.03,
  }),
  hourCurve: Object.freeze([
    6.06, 5.25, 3.12, 1.34, 0.30, 0.16, 2.72, 4.47, 5.96, 7.24, 7.47, 6.67,
    4.54, 4.95, 5.86, 5.08, 4.03, 2.85, 2.51, 2.56, 4.38, 1.97, 3.85, 6.64,
  ]),
  // PUR/ is optional on DMV queries (DOMAIN.md 4: required only on IAQ, optional
  // on KQ), and lawmakers note that Nlets requests do not state why the data is
  // sought (https://meritalk.com/articles/democrats-warn-states-of-ices-quiet-access-to-dmv-records):
  // so out-of-state local and state agencies send none (no agency type is listed).
  // Every federal share below is INFERRED (no public figure); C is read as
  // criminal justice, S as national security (the FBI/NIEM criminal-history
  // purpose codes, DOMAIN.md 4; their meaning on DMV queries is not published).
  purposeShares: Object.freeze({
    // INFERRED: ERO's work is civil immigration enforcement; a small share of its
    // queries concern criminal cases (criminal aliens), and only those would say C.
    'ICE-ERO': Object.freeze({ C: 0.10 }),
    // INFERRED: HSI is ICE's criminal-investigation directorate; half of its
    // queries are taken to state C, the rest nothing.
    HSI: Object.freeze({ C: 0.50 }),
    // INFERRED: CBP's queries are mostly border and port-of-entry checks; a fifth say C.
    CBP: Object.freeze({ C: 0.20 }),
    // INFERRED: the FBI's queries are criminal investigations; some national security.
    FBI: Object.freeze({ C: 0.60, S: 0.05 }),
    // INFERRED: the other federal law-enforcement components, like the FBI, minus S.
    DEA: Object.freeze({ C: 0.50 }),
    USMS: Object.freeze({ C: 0.50 }),
    ATF: Object.freeze({ C: 0.50 }),
    USSS: Object.freeze({ C: 0.50 }),
    NCIS: Object.freeze({ C: 0.50 }),
  }),
  // The meanings of the RSN/ letters (N, F, V, T, S, H, I) are not published
  // (DOMAIN.md 1.3), so the model does not invent a use for them: nobody sends
  // RSN/ by default. A scenario can set shares to try a reason-based rule.
  reasonShares: Object.freeze({}),
})

/** Report groups of requesters (the seed's figures separate ICE-ERO and HSI). */
export const REPORT_COMPONENTS = ['ICE-ERO', 'HSI', 'CBP', 'FBI', 'other federal', 'out-of-state local/state'] as const
export type ReportComponent = (typeof REPORT_COMPONENTS)[number]

export function reportComponentOf (component: string, federal: boolean): ReportComponent {
  if (component === 'ICE-ERO' || component === 'HSI' || component === 'CBP' || component === 'FBI') return component
  return component !== '' || federal ? 'other federal' : 'out-of-state local/state'
}

/** Names each mapping parameter may use as keys. */
const MAPPING_KEYS: Readonly<Record<string, readonly string[]>> = {
  federalPerYear: COMPONENTS,
  cbpBorderWeight: JURISDICTIONS,
  remoteOriginFactor: JURISDICTIONS,
  agencyTypeWeight: AGENCY_TYPES,
  localKeyMix: MIX_KEYS,
  federalKeyMix: MIX_KEYS,
  cbpKeyMix: MIX_KEYS,
}

/** Throw an Error naming the parameter when a value cannot drive the model. */
export function checkParams (p: TrafficParams, where: string): void {
  for (const [name, keys] of Object.entries(MAPPING_KEYS)) {
    const m = (p as unknown as Record<string, Record<string, number>>)[name]!
    for (const k of Object.keys(m)) if (!keys.includes(k)) throw new Error(`${where}: \`${name}.${k}\` is not one of ${keys.join(', ')}`)
  }
  for (const name of ['localKeyMix', 'federalKeyMix', 'cbpKeyMix', 'agencyTypeWeight'] as const) {
    if (!Object.values(p[name]).some((v) => v > 0)) throw new Error(`${where}: \`${name}\` needs at least one positive weight`)
  }
  if (p.hourCurve.length !== 24 || !p.hourCurve.some((v) => v > 0)) throw new Error(`${where}: \`hourCurve\` needs 24 weights, one positive at least`)
  for (const name of ['cbpBorderMix', 'federalHomeShare', 'originPopulationMix', 'territoryShare'] as const) {
    if (p[name] > 1) throw new Error(`${where}: \`${name}\` is a share from 0 to 1`)
  }
  for (const [name, codes] of [['purposeShares', PURPOSE_CODES], ['reasonShares', REASON_CODES]] as const) {
    for (const [who, shares] of Object.entries(p[name])) {
      if (!(REQUESTER_KEYS as readonly string[]).includes(who)) throw new Error(`${where}: \`${name}.${who}\` is not a federal component or an agency type (${REQUESTER_KEYS.join(', ')})`)
      let sum = 0
      for (const [code, v] of Object.entries(shares)) {
        if (!(codes as readonly string[]).includes(code)) throw new Error(`${where}: \`${name}.${who}.${code}\` is not a ${name === 'purposeShares' ? 'PUR/' : 'RSN/'} code (${codes.join(', ')})`)
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${where}: \`${name}.${who}.${code}\` must be a non-negative number`)
        sum += v
      }
      if (sum > 1 + 1e-9) throw new Error(`${where}: the shares of \`${name}.${who}\` add up to ${sum}, more than 1 (the rest is the share that sends none)`)
    }
  }
}

/** Who a code share may be given to: federal components, and ORION agency types for local and state agencies. */
export const REQUESTER_KEYS: readonly string[] = [...COMPONENTS, ...AGENCY_TYPES]

/** The key of `purposeShares`/`reasonShares` an agency draws from: its component, or its agency type. */
export function requesterKey (component: string, type: string): string {
  return component !== '' ? component : type
}

/** Merge scenario overrides onto the defaults, checking names and values. */
export function mergeParams (base: TrafficParams, over: Record<string, unknown>, where: string): TrafficParams {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    if (!Object.hasOwn(base, k)) throw new Error(`${where}: unknown traffic parameter \`${k}\` (known: ${Object.keys(base).join(', ')})`)
    const b = (base as unknown as Record<string, unknown>)[k]
    if (typeof b === 'number') {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${where}: \`${k}\` must be a non-negative number`)
      out[k] = v
    } else if (Array.isArray(b)) {
      if (!Array.isArray(v) || v.length !== b.length || !v.every((x) => typeof x === 'number' && x >= 0)) throw new Error(`${where}: \`${k}\` must be ${b.length} non-negative numbers`)
      out[k] = Object.freeze([...v])
    } else if (k === 'purposeShares' || k === 'reasonShares') {
      // Per requester, the scenario's shares replace the default ones (codes not listed: 0).
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: \`${k}\` must be a mapping of requesters to code shares`)
      const inner: Record<string, unknown> = { ...(b as object) }
      for (const [who, m] of Object.entries(v)) {
        if (m === null || typeof m !== 'object' || Array.isArray(m)) throw new Error(`${where}: \`${k}.${who}\` must be a mapping of codes to shares`)
        inner[who] = Object.freeze({ ...(m as object) })
      }
      out[k] = Object.freeze(inner)
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${where}: \`${k}\` must be a mapping`)
      for (const [kk, vv] of Object.entries(v)) {
        if (typeof vv !== 'number' || !Number.isFinite(vv) || vv < 0) throw new Error(`${where}: \`${k}.${kk}\` must be a non-negative number`)
      }
      out[k] = Object.freeze({ ...(b as object), ...(v as object) })
    }
  }
  const merged = Object.freeze(out) as unknown as TrafficParams
  checkParams(merged, where)
  return merged
}
