/**
 * @module directory/model
 * The agency directory (an ORION-like table): who may send, through which line,
 * of which agency type and federal component. Constants here are the closed
 * vocabularies that policies and messages are validated against.
 *
 * Sources: ../shared/nlets/DOMAIN.md section 4 (ORI layout, ORION agency types,
 * access categories) and ../shared/calibration/CALIBRATION.md section 4.
 */

/** ORION agency-type codes (DOMAIN.md 4: PD city ... NJ non-criminal-justice). */
export const AGENCY_TYPES = ['PD', 'SO', 'SA', 'LE', 'FE', 'JA', 'JC', 'JG', 'JJ', 'JF', 'CJ', 'NJ'] as const
export type AgencyType = (typeof AGENCY_TYPES)[number]

/** ORION access categories: A admin messages, C criminal history, D DMV data, Z other. */
export const ACCESS_CATEGORIES = ['A', 'C', 'D', 'Z'] as const

/**
 * Federal components that policies name. ICE-ERO and HSI are both parts of ICE
 * but are counted apart in the seed's figures, so they are separate components.
 */
export const COMPONENTS = ['ICE-ERO', 'HSI', 'CBP', 'FBI', 'DEA', 'USMS', 'ATF', 'USSS', 'NCIS'] as const
export type Component = (typeof COMPONENTS)[number]

/**
 * Data-owning jurisdictions: the 50 states, DC and the territories that are Nlets
 * members. Codes are the NCIC/Nlets ORI prefixes, which differ from USPS for
 * Nebraska (NB) and Guam (GM) (CALIBRATION.md 4).
 */
export const JURISDICTIONS = [
  'AL', 'AK', 'AZ', 'AR', 'CA', 'CO', 'CT', 'DE', 'DC', 'FL', 'GA', 'HI', 'ID', 'IL', 'IN', 'IA', 'KS', 'KY',
  'LA', 'ME', 'MD', 'MA', 'MI', 'MN', 'MS', 'MO', 'MT', 'NB', 'NV', 'NH', 'NJ', 'NM', 'NY', 'NC', 'ND', 'OH',
  'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VT', 'VA', 'WA', 'WV', 'WI', 'WY', 'PR', 'VI', 'GM',
] as const
export type Jurisdiction = (typeof JURISDICTIONS)[number]

/** The territories among the jurisdictions (Puerto Rico, the US Virgin Islands, Guam): the one list of them. */
export const TERRITORY_CODES: readonly Jurisdiction[] = ['PR', 'VI', 'GM']

/** USPS spellings accepted wherever a user types a jurisdiction. */
export const JURISDICTION_ALIASES: Readonly<Record<string, Jurisdiction>> = { NE: 'NB', GU: 'GM' }

/**
 * Federal member lines. FB, TC, DN and AX are Nlets codes seen in the sources
 * (DOMAIN.md 3.1); the others are invented for the simulator because the real
 * codes are a GAP, and are chosen not to collide with any jurisdiction code.
 */
export const FEDERAL_LINES: Readonly<Record<string, { name: string, source: string }>> = {
  AX: { name: 'ICE (Law Enforcement Support Center line)', source: 'DOMAIN.md 3.1: AX reaches ICE LESC' },
  TC: { name: 'CBP (TECS)', source: 'DOMAIN.md 3.1: TC (TECS)' },
  FB: { name: 'FBI / NCIC', source: 'DOMAIN.md 3.1: FB (FBI/NCIC)' },
  DN: { name: 'Naval Criminal Investigative Service', source: 'DOMAIN.md 3.1: DN (Naval Investigative Service)' },
  DX: { name: 'DEA', source: 'invented (GAP)' },
  UM: { name: 'US Marshals Service', source: 'invented (GAP)' },
  AF: { name: 'ATF', source: 'invented (GAP)' },
  SS: { name: 'US Secret Service', source: 'invented (GAP)' },
  NL: { name: 'Nlets (the switch itself)', source: 'DOMAIN.md 4: NL0000000 is the switch' },
}

/** One directory row. */
export interface Agency {
  /** 9-character Originating Agency Identifier. */
  readonly ori: string
  readonly name: string
  /** The member connection the agency sends through: a jurisdiction or a federal line code. */
  readonly line: string
  /** Jurisdiction where the office sits (the ORI's first two characters for real ORIs). */
  readonly state: string
  readonly type: AgencyType
  /** Federal component, or '' for non-federal agencies. */
  readonly component: string
  readonly active: boolean
  /** Access categories, letters from ACCESS_CATEGORIES, e.g. `ACDZ`. */
  readonly access: string
}

const ORI_RE = /^[A-Z]{2}[A-Z0-9]{7}$/
/** True when `s` is a well-formed 9-character ORI (two letters, then seven letters or digits). */
export function isOri (s: string): boolean {
  return ORI_RE.test(s)
}

const JURISDICTION_SET: ReadonlySet<string> = new Set(JURISDICTIONS)
export function isJurisdiction (s: string): s is Jurisdiction {
  return JURISDICTION_SET.has(s)
}

/** Canonical jurisdiction code for user input (`ne` -> `NB`), or undefined when unknown. */
export function toJurisdiction (s: string): Jurisdiction | undefined {
  const up = s.toUpperCase()
  if (isJurisdiction(up)) return up
  return JURISDICTION_ALIASES[up]
}

export function isLine (s: string): boolean {
  return JURISDICTION_SET.has(s) || Object.hasOwn(FEDERAL_LINES, s)
}

const TYPE_SET: ReadonlySet<string> = new Set(AGENCY_TYPES)
export function isAgencyType (s: string): s is AgencyType {
  return TYPE_SET.has(s)
}

const COMPONENT_SET: ReadonlySet<string> = new Set(COMPONENTS)
export function isComponent (s: string): s is Component {
  return COMPONENT_SET.has(s)
}
