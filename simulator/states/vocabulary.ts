/**
 * @module simulator/states/vocabulary
 * Word lists and NCIC-looking code tables the synthetic records draw from. All
 * values are upper case with no period and no slash, so they survive the legacy
 * `PFX/value.` text form. Codes look like NCIC codes; they were not checked
 * against the NCIC code manual.
 */

export const SURNAMES = [
  'SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ',
  'HERNANDEZ', 'LOPEZ', 'GONZALEZ', 'WILSON', 'ANDERSON', 'THOMAS', 'TAYLOR', 'MOORE', 'JACKSON', 'MARTIN',
  'LEE', 'PEREZ', 'THOMPSON', 'WHITE', 'HARRIS', 'SANCHEZ', 'CLARK', 'RAMIREZ', 'LEWIS', 'ROBINSON',
  'WALKER', 'YOUNG', 'ALLEN', 'KING', 'WRIGHT', 'SCOTT', 'TORRES', 'NGUYEN', 'HILL', 'FLORES',
  'GREEN', 'ADAMS', 'NELSON', 'BAKER', 'HALL', 'RIVERA', 'CAMPBELL', 'MITCHELL', 'CARTER', 'ROBERTS',
] as const

export const GIVEN_MALE = [
  'JAMES', 'ROBERT', 'JOHN', 'MICHAEL', 'DAVID', 'WILLIAM', 'RICHARD', 'JOSEPH', 'THOMAS', 'CHARLES',
  'CHRISTOPHER', 'DANIEL', 'MATTHEW', 'ANTHONY', 'MARK', 'JOSE', 'LUIS', 'CARLOS', 'KEVIN', 'BRIAN',
] as const

export const GIVEN_FEMALE = [
  'MARY', 'PATRICIA', 'JENNIFER', 'LINDA', 'ELIZABETH', 'BARBARA', 'SUSAN', 'JESSICA', 'SARAH', 'KAREN',
  'LISA', 'NANCY', 'BETTY', 'MARIA', 'SANDRA', 'ASHLEY', 'EMILY', 'MICHELLE', 'ANA', 'ROSA',
] as const

export const STREETS = ['MAIN', 'OAK', 'PINE', 'MAPLE', 'CEDAR', 'ELM', 'WASHINGTON', 'LAKE', 'HILL', 'PARK', 'RIVER', 'CHURCH'] as const
export const STREET_TYPES = ['ST', 'AVE', 'RD', 'DR', 'LN', 'BLVD', 'CT', 'WAY'] as const
/** Town names found in many states, so any of them fits any state. */
export const TOWNS = [
  'SPRINGFIELD', 'FRANKLIN', 'GREENVILLE', 'CLINTON', 'FAIRVIEW', 'SALEM', 'MADISON', 'GEORGETOWN',
  'ARLINGTON', 'ASHLAND', 'MILTON', 'RIVERSIDE', 'CENTERVILLE', 'OXFORD', 'JACKSON', 'WINCHESTER',
] as const

/** NCIC-style race codes, weighted roughly like the US adult population. */
export const RACES: ReadonlyArray<readonly [string, number]> = [['W', 74], ['B', 13], ['A', 6], ['I', 2], ['U', 5]]
export const EYES: ReadonlyArray<readonly [string, number]> = [['BRO', 45], ['BLU', 27], ['HAZ', 10], ['GRN', 9], ['GRY', 3], ['BLK', 6]]
export const HAIR: ReadonlyArray<readonly [string, number]> = [
  ['BRO', 40], ['BLK', 30], ['BLN', 12], ['RED', 3], ['GRY', 8], ['WHI', 2], ['SDY', 3], ['BAL', 2],
]

/** Licence classes (C is the ordinary car licence; A/B commercial; M motorcycle). */
export const CLASSES: ReadonlyArray<readonly [string, number]> = [['C', 86], ['M', 5], ['A', 4], ['B', 2], ['D', 3]]
export const STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['VALID', 76], ['SUSPENDED', 9], ['REVOKED', 3], ['EXPIRED', 8], ['CANCELLED', 2], ['DISQUALIFIED', 2],
]
export const RESTRICTIONS: ReadonlyArray<readonly [string, number]> = [
  ['NONE', 70], ['CORRECTIVE LENSES', 25], ['DAYLIGHT ONLY', 2], ['IGNITION INTERLOCK', 3],
]
/** KQ history entries (date prefixed when used). */
export const HISTORY_EVENTS = [
  'CONV SPEEDING 11-15 OVER', 'CONV SPEEDING 16-20 OVER', 'CONV FAIL TO STOP', 'CONV NO PROOF OF INSURANCE',
  'CONV IMPROPER LANE CHANGE', 'ACCIDENT REPORTED', 'SUSP FAIL TO APPEAR', 'SUSP UNPAID FINES', 'REINSTATED',
] as const

/** Plate types (NCIC LIT): passenger, truck, motorcycle, trailer. */
export const PLATE_TYPES: ReadonlyArray<readonly [string, number]> = [['PC', 82], ['TK', 10], ['MC', 4], ['TL', 4]]
export const COLORS: ReadonlyArray<readonly [string, number]> = [
  ['WHI', 24], ['BLK', 22], ['GRY', 16], ['SIL', 14], ['BLU', 9], ['RED', 9], ['GRN', 2], ['BRO', 2], ['GLD', 1], ['MAR', 1],
]

/** Make code, world manufacturer identifier of its VINs, model codes, and relative share. */
export interface Make {
  readonly code: string
  readonly wmi: string
  readonly models: readonly string[]
  readonly weight: number
}

export const MAKES: readonly Make[] = [
  { code: 'FORD', wmi: '1FT', models: ['F15', 'ESC', 'EXP', 'FUS', 'MUS'], weight: 14 },
  { code: 'CHEV', wmi: '1G1', models: ['SIL', 'MAL', 'EQU', 'TAH'], weight: 13 },
  { code: 'TOYT', wmi: '4T1', models: ['CAM', 'COR', 'RAV', 'TAC'], weight: 14 },
  { code: 'HOND', wmi: '1HG', models: ['CIV', 'ACC', 'CRV', 'PIL'], weight: 10 },
  { code: 'NISS', wmi: '1N4', models: ['ALT', 'ROG', 'SEN'], weight: 7 },
  { code: 'DODG', wmi: '2C3', models: ['RAM', 'CHA', 'DUR'], weight: 6 },
  { code: 'JEEP', wmi: '1C4', models: ['WRA', 'GRA', 'CHE'], weight: 5 },
  { code: 'SUBA', wmi: 'JF1', models: ['OUT', 'FOR', 'IMP'], weight: 4 },
  { code: 'HYUN', wmi: 'KMH', models: ['ELA', 'SON', 'TUC'], weight: 5 },
  { code: 'KIA', wmi: 'KNA', models: ['SOR', 'OPT', 'SPO'], weight: 4 },
  { code: 'GMC', wmi: '1GT', models: ['SIE', 'YUK', 'ACA'], weight: 4 },
  { code: 'TESL', wmi: '5YJ', models: ['MD3', 'MDY'], weight: 2 },
  { code: 'VOLK', wmi: '3VW', models: ['JET', 'PAS', 'TIG'], weight: 3 },
  { code: 'BMW', wmi: 'WBA', models: ['3SE', 'X5'], weight: 2 },
  { code: 'MERZ', wmi: 'WDD', models: ['CCL', 'ECL'], weight: 2 },
]
