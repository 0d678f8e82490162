/**
 * @module simulator/traffic/generate
 * The traffic model's queries, one by one, in the same order and from the same
 * random words as the replay kernel (so a generated query is exactly one the
 * replay decided), as in-process policy requests, legacy text messages or JSON
 * bodies, with the sending line's token for the hub. Each query draws four
 * words: agency, destination, key and hour; its context (RSN/ and PUR/ sent)
 * is drawn with a hash of the hour word (alias.ts contextWord).
 */
import type { Directory } from '../../src/directory/directory.js'
import type { PolicyRequest } from '../../src/policy/types.js'
import type { QueryKey } from '../../src/message/keys.js'
import { Random } from '../random.js'
import { contextWord } from './alias.js'
import { CONTEXT_PURPOSE, CONTEXT_REASON, dailyCount, DESTINATIONS, SENT_KEYS, type SentKey, type TrafficModel } from './model.js'

export interface GeneratedQuery {
  readonly day: number
  /** Directory index and ORI of the requester, and its line (the hub token is `demo-<line>`). */
  readonly agency: number
  readonly ori: string
  readonly line: string
  readonly state: string
  readonly sentKey: SentKey
  /** The key the state sees and the policy decides on (DQG -> DQ, RQG -> RQ). */
  readonly key: QueryKey
  readonly image: boolean
  /** RSN/ and PUR/ sent, if any (the model's context draw). */
  readonly reason: string | undefined
  readonly purpose: string | undefined
  readonly time: number
  /** A per-query random word, for identifiers (plate, licence number). */
  readonly salt: number
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** Queries of days [fromDay, fromDay + days), day by day, stream by stream (the kernel's order). */
export function * generateQueries (model: TrafficModel, dir: Directory, opts: { seed: string, start: number, fromDay?: number, days: number }): Generator<GeneratedQuery> {
  const from = opts.fromDay ?? 0
  for (let day = from; day < from + opts.days; day++) {
    for (let si = 0; si < model.streams.length; si++) {
      const s = model.streams[si]!
      const n = dailyCount(s.perYear, day, s.phase)
      const rng = new Random(`${opts.seed}/day${day}/s${si}`)
      for (let q = 0; q < n; q++) {
        const agency = s.agencies[s.agencyTable.draw(rng)]!
        const d = s.destTable.draw(rng)
        const k = s.keyTable.draw(rng)
        const hw = rng.uint32()
        const h = model.hourTable.drawWord(hw)
        const c = model.contextTables[model.contextOf[agency]!]!.drawWord(contextWord(hw))
        const sentKey = SENT_KEYS[k]!
        const a = dir.agencies[agency]!
        yield {
          day, agency, ori: a.ori, line: a.line, state: DESTINATIONS[d]!, sentKey, key: baseKey(sentKey), image: sentKey === 'DQ+IMQ',
          reason: CONTEXT_REASON[c], purpose: CONTEXT_PURPOSE[c],
          time: opts.start + day * DAY_MS + h * HOUR_MS + (q % 60) * 60_000, salt: (Math.imul(q + 1, 2654435761) ^ Math.imul(si + 1, 40503) ^ Math.imul(day + 1, 9973)) >>> 0,
        }
      }
    }
  }
}

export function baseKey (k: SentKey): QueryKey {
  switch (k) {
    case 'DQ+IMQ': case 'DQG': return 'DQ'
    case 'RQG': return 'RQ'
    default: return k
  }
}

export function toRequest (q: GeneratedQuery): PolicyRequest {
  return {
    ori: q.ori, state: q.state, key: q.key, image: q.image, time: q.time,
    ...(q.reason !== undefined ? { reason: q.reason } : {}), ...(q.purpose !== undefined ? { purpose: q.purpose } : {}),
  }
}

const LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ'
const plate = (salt: number): string => `${LETTERS[salt % 23]}${LETTERS[(salt >>> 5) % 23]}${LETTERS[(salt >>> 10) % 23]}${String(salt % 10000).padStart(4, '0')}`
const oln = (salt: number): string => `D${String(salt % 10_000_000).padStart(7, '0')}`
const SURNAMES = ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ']
const GIVEN = ['JAMES', 'MARY', 'JOHN', 'PATRICIA', 'ROBERT', 'JENNIFER', 'MICHAEL', 'LINDA', 'DAVID', 'MARIA']
const name = (salt: number): string => `${SURNAMES[salt % 10]},${GIVEN[(salt >>> 4) % 10]}`
const dob = (salt: number): string => `19${50 + (salt % 50)}${String(1 + ((salt >>> 3) % 12)).padStart(2, '0')}${String(1 + ((salt >>> 7) % 28)).padStart(2, '0')}`

/**
 * The query as legacy text. Regional keys go to the destination's region
 * (`regionOf`), everything else to the state itself.
 */
export function toLegacy (q: GeneratedQuery, regionOf: (state: string) => string | undefined = () => undefined): string {
  const s = q.salt
  const dest = (q.sentKey === 'DQG' || q.sentKey === 'RQG') ? regionOf(q.state) ?? q.state : q.state
  const key = q.sentKey === 'DQ+IMQ' ? 'DQ' : (q.sentKey === 'DQG' || q.sentKey === 'RQG') && dest === q.state ? q.key : q.sentKey
  const fields = ((): string => {
    switch (key) {
      case 'DQ': return s % 3 === 0 ? `NAM/${name(s)}.DOB/${dob(s)}.SEX/${s % 2 ? 'M' : 'F'}` : `OLN/${oln(s)}`
      case 'DQG': return `NAM/${name(s)}.DOB/${dob(s)}.SEX/${s % 2 ? 'M' : 'F'}`
      case 'KQ': return `OLN/${oln(s)}`
      case 'DNQ': case 'RNQ': return `NAM/${name(s)}`
      case 'RQ': case 'RQG': return s % 5 === 0 ? `VIN/1HGCM82633A${String(s % 1_000_000).padStart(6, '0')}` : `LIC/${plate(s)}.LIY/2025.LIT/PC`
      case 'RPQ': return `LIC/${plate(s).slice(0, 3)}*`
      default: return `OLN/${oln(s)}`
    }
  })()
  return `${key}.${q.ori}.${dest}.TXT${fields}${q.image ? '.IMQ/Y' : ''}${q.reason ? `.RSN/${q.reason}` : ''}${q.purpose ? `.PUR/${q.purpose}` : ''}`
}

/** The query as the hub's JSON form (NIEM header names). */
export function toJsonBody (q: GeneratedQuery, regionOf?: (state: string) => string | undefined): Record<string, unknown> {
  const text = toLegacy(q, regionOf)
  const [head, body] = text.split('.TXT') as [string, string]
  const [key, ori, dest] = head.split('.') as [string, string, string]
  return {
    MessageKeyCodeText: key, OriginatingORIID: ori, DestinationORIID: dest.split(','),
    Fields: body.split(/\.(?=[A-Z]{2,4}\/)/).map((f) => ({ prefix: f.slice(0, f.indexOf('/')), value: f.slice(f.indexOf('/') + 1) })),
  }
}
