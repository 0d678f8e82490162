/**
 * fast-check generators of policies and requests over the fixture directory,
 * shared by the engine property test and the diff's brute-force test: ORIs in
 * and outside the directory, patterns, built-in and named groups (groups of
 * groups, upper-case 9-character names that look like ORIs), every key and
 * family a rule may name, reason and purpose codes, dates.
 */
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { parseDirectory } from '../../src/directory/load.js'
import { QUERY_KEYS } from '../../src/message/keys.js'
import {
  PURPOSE_CODES, REASON_CODES, REDACT_FIELDS, RULE_KEYS, type NamedGroup, type PolicyRequest, type Rule, type Selector,
  type StatePolicy,
} from '../../src/policy/types.js'
import { FIXTURE_DIRECTORY } from './case-suite.js'

export const { directory } = parseDirectory(readFileSync(FIXTURE_DIRECTORY, 'utf8'))
export const DIR_ORIS = directory.agencies.map((a) => a.ori)
export const OUTSIDE = ['ZZICE0001', 'ZZICE0177', 'QQ1234567', 'WAZZZ9999', 'TXZZZ0100', 'ILICE0199', 'ZZGRP0001']
export const ORIS = [...DIR_ORIS, ...OUTSIDE]
const PATTERNS = ['??ICE*', 'TX*', '*0100', 'VT?CE0900', 'ZZ*', '*', '??????0?0', '*HSI*']
const GROUPS = ['federal', 'component:CBP', 'component:ICE-ERO', 'type:PD', 'line:AX', 'state:TX', 'imm', 'outer', 'ZZGRP0001', 'ZZICE0177']
// Groups of groups, and upper-case 9-character group names that look like ORIs:
// `ZZICE0177` is also an ORI outside the directory that requests come from (as
// that ORI it is in no group), so an engine treating a member name as an ORI disagrees.
export const NAMED: NamedGroup[] = [
  { name: 'imm', description: '', members: ['component:ICE-ERO', 'component:HSI', 'ZZICE0001'], at: { file: 'g', line: 1, column: 1 } },
  { name: 'outer', description: '', members: ['imm', 'line:TC', 'QQ1234567'], at: { file: 'g', line: 2, column: 1 } },
  { name: 'ZZGRP0001', description: '', members: ['outer', 'type:SO', 'TXZZZ0100'], at: { file: 'g', line: 3, column: 1 } },
  { name: 'ZZICE0177', description: '', members: ['ZZGRP0001', 'imm', 'WAZZZ9999'], at: { file: 'g', line: 4, column: 1 } },
]
export const STATES = ['IL', 'WA', 'TX']
export const DATES = [Date.parse('2023-01-01'), Date.parse('2024-06-01'), Date.parse('2025-11-19'), Date.parse('2026-01-01')]
const at = { file: 'p', line: 1, column: 1 }

const sub = <T>(xs: readonly T[], max: number) => fc.subarray(xs as T[], { maxLength: max })
const selector = (density: number): fc.Arbitrary<Selector> => fc.record({
  oris: sub(ORIS, 3 * density), patterns: sub(PATTERNS, density), groups: sub(GROUPS, density),
  types: sub(['PD', 'SO', 'FE', 'JG', 'NJ'], density), lines: sub(['AX', 'TC', 'FB', 'TX', 'IL'], density),
  components: sub(['ICE-ERO', 'HSI', 'CBP', 'FBI', 'DEA'], density),
})
const emptySel: Selector = { oris: [], patterns: [], groups: [], types: [], lines: [], components: [] }

const rule = (id: string): fc.Arbitrary<Rule> => fc.record({
  effect: fc.constantFrom('deny', 'allow', 'redact') as fc.Arbitrary<Rule['effect']>,
  redact: fc.subarray([...REDACT_FIELDS], { minLength: 1 }),
  requesters: fc.oneof({ weight: 1, arbitrary: fc.constant(emptySel) }, { weight: 4, arbitrary: selector(1) }),
  except: fc.oneof({ weight: 4, arbitrary: fc.constant(emptySel) }, { weight: 1, arbitrary: selector(1) }),
  origin: fc.constantFrom('any', 'any', 'in-state', 'out-of-state') as fc.Arbitrary<Rule['origin']>,
  keys: fc.subarray([...RULE_KEYS, 'driver', 'vehicle', 'photo', 'all'] as Array<Rule['keys'][number]>, { minLength: 1, maxLength: 3 }),
  reasons: fc.oneof({ weight: 4, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.subarray([...REASON_CODES], { minLength: 1, maxLength: 2 }) }),
  purposes: fc.oneof({ weight: 4, arbitrary: fc.constant([] as string[]) }, { weight: 1, arbitrary: fc.subarray([...PURPOSE_CODES], { minLength: 1, maxLength: 2 }) }),
  from: fc.option(fc.constantFrom(...DATES), { freq: 3 }),
  until: fc.option(fc.constantFrom(...DATES), { freq: 3 }),
}).map((r): Rule => ({
  id, effect: r.effect, redact: r.effect === 'redact' ? r.redact : [], description: '', source: '',
  requesters: r.requesters, except: r.except, origin: r.origin, keys: r.keys, reasons: r.reasons, purposes: r.purposes,
  ...(r.from !== null ? { from: r.from } : {}), ...(r.until !== null ? { until: r.until } : {}), lintIgnore: [], at,
}))

export const policy = (state: string, minRules = 0, maxRules = 7): fc.Arbitrary<StatePolicy> => fc.record({
  default: fc.constantFrom('allow', 'deny') as fc.Arbitrary<'allow' | 'deny'>,
  rules: fc.integer({ min: minRules, max: maxRules }).chain((n): fc.Arbitrary<Rule[]> => n === 0
    ? fc.constant([])
    : fc.tuple(...Array.from({ length: n }, (_, i) => rule(`${state.toLowerCase()}-r${i}`))).map((rs) => [...rs])),
}).map((p) => ({ state, version: 'prop', default: p.default, denialText: 'NO', rules: p.rules, file: `${state}.yaml`, hash: JSON.stringify(p).length.toString(16) }))

export const request: fc.Arbitrary<PolicyRequest> = fc.record({
  ori: fc.constantFrom(...ORIS),
  state: fc.constantFrom(...STATES, 'CA'),
  key: fc.constantFrom(...QUERY_KEYS),
  image: fc.boolean(),
  reason: fc.option(fc.constantFrom(...REASON_CODES), { nil: undefined }),
  purpose: fc.option(fc.constantFrom(...PURPOSE_CODES), { nil: undefined }),
  time: fc.oneof(fc.constantFrom(...DATES), fc.integer({ min: DATES[0]! - 1e9, max: DATES[3]! + 1e9 })),
}).map((r) => {
  const out: PolicyRequest = { ori: r.ori, state: r.state, key: r.key, image: r.image, time: r.time }
  return { ...out, ...(r.reason ? { reason: r.reason } : {}), ...(r.purpose ? { purpose: r.purpose } : {}) }
})

