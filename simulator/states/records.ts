/**
 * @module simulator/states/records
 * A state's answer to one query, deterministic: the seed, the state and the
 * normalised identifying fields seed the stream that decides hit or no hit and
 * draws the records, so the same query always gets the same answer and DQ and
 * KQ for one licence number find the same driver.
 */
import { DRIVER_KEYS, STATE_KEYS } from '../../src/message/keys.js'
import { REPLY_FOR } from '../../src/message/types.js'
import { Random } from '../random.js'
import type { StateConfig } from './catalog.js'
import { makeDriver } from './people.js'
import { licencePhoto } from './photo.js'
import { type RecordField, type StateAnswer, type StateKey, StateQueryError, type StateQuery } from '../../src/hub/ports/endpoint.js'
import { makeVehicle } from './vehicles.js'

/** Share of no-hit answers and the most records a hit holds, per key. */
export interface HitModel {
  readonly noHit: number
  readonly max: number
}

/** Invented defaults: 15% of licence look-ups and 10% of plate look-ups find nothing. */
export const DEFAULT_HIT_MODEL: Readonly<Record<StateKey, HitModel>> = {
  DQ: { noHit: 0.15, max: 1 },
  KQ: { noHit: 0.15, max: 1 },
  DNQ: { noHit: 0.3, max: 3 },
  RQ: { noHit: 0.1, max: 1 },
  RNQ: { noHit: 0.3, max: 3 },
  RPQ: { noHit: 0.2, max: 5 },
}

export interface RecordOptions {
  readonly seed: number | string
  /** No-hit share per key, overriding DEFAULT_HIT_MODEL (0 to 1). */
  readonly noHit?: Partial<Record<StateKey, number>>
}

/** The character class of what `clean` drops, per `keep`: a handful of distinct values, compiled once each. */
const DROP = new Map<string, RegExp>()

/** Upper case, and only letters, digits and `keep`: nothing that could break the legacy form. */
function clean (s: string | undefined, keep = ''): string {
  if (s === undefined) return ''
  let drop = DROP.get(keep)
  if (drop === undefined) DROP.set(keep, drop = new RegExp(`[^A-Z0-9${keep}]`, 'g'))
  return s.toUpperCase().replace(drop, '')
}

/** `SMITH , john  q` -> `SMITH,JOHN Q`. */
export function normaliseName (s: string | undefined): string {
  return clean(s, ' ,\\-').replace(/\s+/g, ' ').replace(/ ?, ?/g, ',').trim().slice(0, 30)
}

/** mmddyy or ccyymmdd -> ccyymmdd (two-digit years below 30 are 20xx); '' when malformed. */
export function normaliseDob (s: string | undefined): string {
  const d = (s ?? '').replace(/\D/g, '')
  if (d.length === 8) return d
  if (d.length !== 6) return ''
  const yy = Number(d.slice(4))
  return `${yy < 30 ? 20 : 19}${d.slice(4)}${d.slice(0, 4)}`
}

function fail (q: StateQuery, why: string): never {
  throw new StateQueryError(q.state, why)
}

function required (q: StateQuery, prefix: string, value: string): string {
  return value === '' ? fail(q, `${q.key} needs ${prefix}/`) : value
}

/** Stable identity of what the query asks for, and how to draw one record of it. */
function plan (q: StateQuery): { identity: string, draw: (rng: Random) => RecordField[] } {
  const f = q.fields
  const st = q.state
  switch (q.key) {
    case 'DQ': case 'KQ': {
      const history = q.key === 'KQ'
      const oln = clean(f.OLN, '*\\-').slice(0, 20)
      if (oln !== '') return { identity: `D|OLN|${oln}`, draw: (rng) => makeDriver(rng, st, { oln }, history).fields }
      const name = required(q, 'OLN/ or NAM', normaliseName(f.NAM))
      const dob = f.DOB === undefined ? fail(q, `${q.key} by name needs DOB/`) : normaliseDob(f.DOB)
      if (dob === '') fail(q, `DOB/ must be mmddyy or ccyymmdd, got \`${clean(f.DOB)}\``)
      const sex = clean(f.SEX).slice(0, 1)
      return {
        identity: `D|NAM|${name}|${dob}|${sex}`,
        draw: (rng) => makeDriver(rng, st, sex === '' ? { name, dob } : { name, dob, sex }, history).fields,
      }
    }
    case 'DNQ': {
      const name = required(q, 'NAM', normaliseName(f.NAM))
      return { identity: `DN|${name}`, draw: (rng) => makeDriver(rng, st, { name }).fields }
    }
    case 'RQ': {
      const lic = clean(f.LIC).slice(0, 10)
      const liy = clean(f.LIY).slice(0, 4)
      const lit = clean(f.LIT).slice(0, 2)
      if (lic !== '') {
        const given: { lic: string, liy?: string, lit?: string } = { lic }
        if (liy !== '') given.liy = liy
        if (lit !== '') given.lit = lit
        return { identity: `V|LIC|${lic}`, draw: (rng) => makeVehicle(rng, st, given) }
      }
      const vin = required(q, 'LIC/ or VIN', clean(f.VIN).slice(0, 20))
      return { identity: `V|VIN|${vin}`, draw: (rng) => makeVehicle(rng, st, { vin }) }
    }
    case 'RNQ': {
      const owner = required(q, 'NAM', normaliseName(f.NAM))
      return { identity: `VN|${owner}`, draw: (rng) => makeVehicle(rng, st, { owner }) }
    }
    case 'RPQ': {
      const pattern = required(q, 'LIC', clean(f.LIC, '*?').slice(0, 10))
      return { identity: `VP|${pattern}`, draw: (rng) => makeVehicle(rng, st, { lic: matchPlate(rng, pattern) }) }
    }
  }
}

const PLATE_CHARS = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789'

/** A plate matching a partial: `*` any 0-2 characters, `?` one; no wildcard means "contains". */
export function matchPlate (rng: Random, pattern: string): string {
  const one = (): string => PLATE_CHARS[rng.int(PLATE_CHARS.length)]!
  const some = (n: number): string => Array.from({ length: n }, one).join('')
  if (!/[*?]/.test(pattern)) {
    const extra = Math.max(0, rng.range(6, 7) - pattern.length)
    const before = rng.int(extra + 1)
    return some(before) + pattern + some(extra - before)
  }
  return pattern.replace(/[*?]/g, (w) => (w === '?' ? one() : some(rng.int(3))))
}

const NO_HIT_TEXT: Readonly<Record<StateKey, string>> = {
  DQ: 'NO RECORD FOUND', DNQ: 'NO RECORD FOUND', KQ: 'NOT ON FILE',
  RQ: 'NO RECORD FOUND', RNQ: 'NO RECORD FOUND', RPQ: 'NO RECORD FOUND',
}

const DRIVER_STATE_KEYS: ReadonlySet<string> = new Set(STATE_KEYS.filter((k) => (DRIVER_KEYS as readonly string[]).includes(k)))

/**
 * Answer `q` as the state `config` describes. Throws StateQueryError when the
 * query is for another state, uses a key the state does not serve, or lacks
 * its identifying fields.
 */
export function answerQuery (q: StateQuery, config: StateConfig, opts: RecordOptions): StateAnswer {
  if (q.state !== config.code) fail(q, `addressed to \`${q.state}\`, this is \`${config.code}\``)
  if (!config.keys.includes(q.key)) fail(q, `\`${config.code}\` does not answer ${q.key}`)
  const { identity, draw } = plan(q)
  const model = DEFAULT_HIT_MODEL[q.key]
  const noHit = opts.noHit?.[q.key] ?? model.noHit
  const rng = new Random(`${opts.seed}/${config.code}/${identity}`)
  const replyKey = REPLY_FOR[q.key]!
  const from = DRIVER_STATE_KEYS.has(q.key) ? config.driverOri : config.vehicleOri
  // Answers are written out as literals: an object spread here cost more than drawing the record.
  if (rng.next() < noHit) return { replyKey, from, status: 'nohit', records: [], message: NO_HIT_TEXT[q.key] }
  const count = model.max === 1 ? 1 : rng.range(1, model.max)
  const records: RecordField[][] = []
  for (let i = 0; i < count; i++) records.push(draw(rng.fork(`r${i}`)))
  if (!q.image || !config.photos || (q.key !== 'DQ' && q.key !== 'KQ')) return { replyKey, from, status: 'hit', records }
  const hair = records[0]?.find((field) => field.prefix === 'HAI')?.value ?? 'BRO'
  return { replyKey, from, status: 'hit', records, image: licencePhoto(`${opts.seed}/${config.code}/${identity}`, hair) }
}
