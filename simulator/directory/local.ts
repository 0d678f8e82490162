/**
 * @module simulator/directory/local
 * Synthetic non-federal agencies of one jurisdiction: the FBI agency-list kinds
 * mapped to ORION types, placed in numbered counties with real-looking ORIs
 * (`IL0160300`: state, county 016, agency 03, `00`).
 */
import { type Agency, type AgencyType } from '../../src/directory/model.js'
import { apportion } from './apportion.js'
import { type Random, weightedSampler } from '../random.js'

/**
 * Agency kinds of the FBI agency list (Sep 2018, 50 states + DC), with their
 * national counts; every jurisdiction gets this mix of its own total.
 */
export const KINDS: ReadonlyArray<readonly [Kind, number]> = [
  ['city', 11865], ['county', 3029], ['state-police', 1148], ['other-state', 1111],
  ['university', 818], ['other', 523], ['tribal', 208],
]
export type Kind = 'city' | 'county' | 'state-police' | 'other-state' | 'university' | 'other' | 'tribal'

/**
 * Kind -> ORION type. City, county, state police, university and tribal map to
 * one type; `other-state` and `other` are drawn per agency from these mixes.
 */
const OTHER_STATE_MIX: ReadonlyArray<readonly [AgencyType, number]> = [
  ['SA', 40], ['JC', 20], ['JG', 10], ['JA', 10], ['CJ', 10], ['JJ', 5], ['NJ', 5],
]
const OTHER_MIX: ReadonlyArray<readonly [AgencyType, number]> = [
  ['LE', 40], ['JA', 15], ['JC', 10], ['JG', 10], ['JJ', 10], ['CJ', 10], ['NJ', 5],
]
const FIXED_TYPE: Readonly<Record<Kind, AgencyType | undefined>> = {
  city: 'PD', county: 'SO', 'state-police': 'SA', university: 'LE', tribal: 'LE', 'other-state': undefined, other: undefined,
}

/** Access categories by type: [access, weight] choices. */
const ACCESS: Readonly<Record<string, ReadonlyArray<readonly [string, number]>>> = {
  law: [['ACDZ', 97], ['ACD', 3]],
  JA: [['ACDZ', 80], ['ACZ', 20]],
  JC: [['ACDZ', 60], ['ACZ', 40]],
  JG: [['ACDZ', 60], ['ACZ', 40]],
  JJ: [['ACDZ', 50], ['ACZ', 50]],
  CJ: [['ACDZ', 70], ['ACZ', 30]],
  NJ: [['ADZ', 60], ['AD', 40]],
}
/** Share of synthetic agencies marked inactive. */
export const INACTIVE_SHARE = 0.015

/** Name after `<jurisdiction name>`; `#` is replaced by the agency's number. */
function label (kind: Kind, type: AgencyType): string {
  if (kind === 'city') return 'police department #'
  if (kind === 'county') return 'county sheriff #'
  if (kind === 'state-police') return 'State Police district #'
  if (kind === 'university') return 'university police #'
  if (kind === 'tribal') return 'tribal police #'
  switch (type) {
    case 'SA': return 'state investigative agency #'
    case 'LE': return 'special police agency #'
    case 'JA': return 'prosecutor office #'
    case 'JC': return 'corrections facility #'
    case 'JG': return 'probation and parole office #'
    case 'JJ': return 'court #'
    case 'CJ': return 'criminal justice agency #'
    default: return 'non criminal justice agency #'
  }
}

interface Draft { ori: string, kind: Kind, type: AgencyType, active: boolean, access: string }

/** Most agencies a county holds (agency numbers 01-99; 00 is the sheriff). */
const PER_COUNTY = 99
/** Counties are sized so they are on average at most this full. */
const AVG_PER_COUNTY = 60

/** `n` synthetic agencies of jurisdiction `code` (display name `name`). */
export function generateLocal (code: string, name: string, n: number, rng: Random): Agency[] {
  const counts = apportion(n, KINDS.map((k) => k[1]))
  const sheriffs = counts[1]!
  const nCounties = Math.max(1, sheriffs, Math.ceil((n - sheriffs) / AVG_PER_COUNTY))
  const drafts: Draft[] = []
  const draft = (kind: Kind, county: number, agency: number): void => {
    const type = FIXED_TYPE[kind] ?? rng.weighted(kind === 'other' ? OTHER_MIX : OTHER_STATE_MIX)
    const ori = `${code}${String(county).padStart(3, '0')}${String(agency).padStart(2, '0')}00`
    const access = rng.weighted(ACCESS[type] ?? ACCESS.law!)
    drafts.push({ ori, kind, type, active: !rng.chance(INACTIVE_SHARE), access })
  }
  // Sheriffs: one in each of `sheriffs` counties chosen at random, agency number 00.
  const countyNumbers = rng.shuffle(Array.from({ length: nCounties }, (_, i) => i + 1))
  for (const c of countyNumbers.slice(0, sheriffs).toSorted((a, b) => a - b)) draft('county', c, 0)
  // Everyone else: a county drawn by a skewed weight (a few big counties), next free number.
  // Weights use only + and *, so they are bit-identical on every platform.
  const pickCounty = weightedSampler(Array.from({ length: nCounties }, () => {
    const u = rng.next()
    return 0.2 + 8 * u * u * u
  }))
  const used = Array.from({ length: nCounties }, () => 0)
  // Shuffled first, so agency numbers within a county do not follow the kind order.
  const queue: Kind[] = []
  KINDS.forEach(([kind], k) => { if (kind !== 'county') for (let i = 0; i < counts[k]!; i++) queue.push(kind) })
  for (const kind of rng.shuffle(queue)) {
    let c = pickCounty(rng)
    while (used[c]! >= PER_COUNTY) c = (c + 1) % nCounties
    used[c]! += 1
    draft(kind, c + 1, used[c]!)
  }
  drafts.sort((a, b) => (a.ori < b.ori ? -1 : a.ori > b.ori ? 1 : 0))
  // Numbers in names follow ORI order: police department 0001 has the lowest ORI.
  const seq = new Map<string, number>()
  return drafts.map((d) => {
    const l = label(d.kind, d.type)
    const k = (seq.get(l) ?? 0) + 1
    seq.set(l, k)
    const num = d.kind === 'county' ? d.ori.slice(2, 5) : String(k).padStart(d.kind === 'city' ? 4 : 2, '0')
    return { ori: d.ori, name: `${name} ${l.replace('#', num)}`, line: code, state: code, type: d.type, component: '', active: d.active, access: d.access }
  })
}
