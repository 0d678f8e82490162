/**
 * @module simulator/load/messages
 * The messages a load run sends: the calibrated traffic model's queries (the
 * same ones the replay decides, from simulator/traffic/generate) as HTTP
 * requests of their sending line, legacy text or JSON, with optional shares of
 * malformed messages and of unknown or spoofed senders, in a seeded shuffled
 * order (every stretch of a run carries the whole mix). Deterministic for a
 * scenario and seed: the bench suites, `nlets-sim load` and
 * `nlets-sim traffic export` all draw from here.
 */
import { prepare } from '../replay/prepare.js'
import type { Scenario } from '../scenarios/load.js'
import { generateQueries, toJsonBody, toLegacy } from '../traffic/generate.js'
import { plannedCounts } from '../traffic/model.js'
import { Random } from '../random.js'
import { loadRegions } from '../../src/hub/regions.js'

/** Why a message was sent: the model's query, or one of the injected faults. */
export type MessageKind = 'model' | 'invalid' | 'spoof'

export interface LoadMessage {
  /** The member line the message is sent on, and that line's bearer token. */
  readonly line: string
  readonly token: string
  readonly contentType: 'text/plain' | 'application/json'
  readonly body: string
  /** The key as the model sent it (`DQ+IMQ` for a licence query with a photo request). */
  readonly key: string
  /** The requester's federal component, or `local` for state and local agencies. */
  readonly component: string
  /** The destination state the model drew (a regional query goes to its region). */
  readonly state: string
  readonly kind: MessageKind
}

export interface MessageOptions {
  /** How many distinct messages (a run cycles through them). */
  readonly count: number
  /** Days of the scenario's traffic to sample from (every k-th query, so every stream in proportion); default: as many as `count` needs. */
  readonly days?: number
  /** Overrides the scenario's seed. */
  readonly seed?: string
  /** Share of model messages sent in the JSON form (the rest as legacy text), 0-1. Default 0.2. */
  readonly jsonShare?: number
  /**
   * Share of DQ and RQ messages sent as multi-state queries (destination NL,
   * every state that serves the key), 0-1. The real share is not public (a
   * GAP); default DEFAULT_NL_SHARE. Each fans out to about 54 states.
   */
  readonly nlShare?: number
  /** Share of messages made malformed (an ER .14/.05/.03 ... expected), 0-1. */
  readonly invalid?: number
  /** Share of messages sent as an unknown ORI or on another line's token (an ER 403 expected), 0-1. */
  readonly spoof?: number
  /** Line tokens; default `demo-<LINE>`. Messages of a line without a token are left out. */
  readonly tokens?: ReadonlyMap<string, string>
  /** The region table (default policies/regions.yaml). */
  readonly regionsFile?: string
}

export interface MessageSet {
  readonly messages: LoadMessage[]
  /** Model queries left out because their line has no token in `tokens`. */
  readonly withoutToken: number
  readonly seed: string
}

export const DEFAULT_JSON_SHARE = 0.2
/** Share of DQ/RQ sent to NL unless told otherwise: inferred, small (one NL query fans out to every state). */
export const DEFAULT_NL_SHARE = 0.001

/** Keys that may go to NL (message/rules.ts: DQ and RQ take states, regions or NL). */
const NL_KEYS: ReadonlySet<string> = new Set(['DQ', 'RQ'])

/** A legacy message sent to NL instead of its destination. */
function toNl (text: string): string {
  return text.replace(/^([A-Z]+)\.([A-Z0-9]{9})\.[A-Z0-9,]+\./, '$1.$2.NL.')
}

/** The faults `invalid` injects, in turn: each a different ER. */
const BREAKS: ReadonlyArray<(text: string) => string> = [
  (t) => t.replace('.TXT', '.TX'), // .03 TXT missing
  (t) => t.replace(/\.TXT.*$/, '.TXT'), // .14 fields missing
  (t) => t.replace(/^[A-Z]+/, 'ZQ'), // unknown key
  (t) => t.replace(/^([A-Z]+)\.([A-Z0-9]{9})\.[A-Z0-9,]+/, '$1.$2.Q9'), // .19 destination
]

export async function buildMessages (scenario: Scenario, o: MessageOptions): Promise<MessageSet> {
  const p = await prepare(scenario)
  const seed = o.seed ?? scenario.seed
  // Enough days for `count` queries (a day is about 800,000 of them).
  const days = o.days ?? Math.min(scenario.days, Math.max(1, Math.ceil(o.count / Math.max(1, plannedCounts(p.model, 1).total))))
  const regionOf = new Map<string, string>()
  for (const [code, members] of await loadRegions(o.regionsFile ?? 'policies/regions.yaml')) for (const m of members) regionOf.set(m, code)
  const region = (s: string): string | undefined => regionOf.get(s)
  const tokenOf = (line: string): string | undefined => o.tokens === undefined ? `demo-${line}` : o.tokens.get(line)
  const jsonShare = o.jsonShare ?? DEFAULT_JSON_SHARE
  const invalid = o.invalid ?? 0
  const spoof = o.spoof ?? 0
  const nlShare = o.nlShare ?? DEFAULT_NL_SHARE
  const rng = new Random(`${seed}/load-messages`)
  const dir = p.set.directory
  const lines = [...new Set(dir.agencies.map((a) => a.line))].sort()
  const stride = Math.max(1, Math.floor(plannedCounts(p.model, days).total / o.count))
  const out: LoadMessage[] = []
  let withoutToken = 0
  let i = 0
  let breaks = 0
  for (const q of generateQueries(p.model, dir, { seed, start: p.start, days })) {
    if (i++ % stride !== 0) continue
    const token = tokenOf(q.line)
    if (token === undefined) { withoutToken++; continue }
    const component = dir.agencies[q.agency]!.component || 'local'
    const nl = NL_KEYS.has(q.sentKey === 'DQ+IMQ' ? 'DQ' : q.sentKey) && rng.next() < nlShare
    const dest = nl ? 'NL' : (q.sentKey === 'DQG' || q.sentKey === 'RQG') ? region(q.state) ?? q.state : q.state
    const u = rng.next()
    const base = { key: q.sentKey, component, state: dest }
    if (nl && u >= invalid + spoof) {
      const json = rng.next() < jsonShare
      const body = json ? JSON.stringify({ ...toJsonBody(q, region), DestinationORIID: ['NL'] }) : toNl(toLegacy(q, region))
      out.push({ ...base, line: q.line, token, contentType: json ? 'application/json' : 'text/plain', body, kind: 'model' })
      if (out.length === o.count) break
      continue
    }
    if (u < invalid) {
      out.push({ ...base, line: q.line, token, contentType: 'text/plain', body: BREAKS[breaks++ % BREAKS.length]!(toLegacy(q, region)), kind: 'invalid' })
    } else if (u < invalid + spoof) {
      // Half an ORI nobody owns, half a real ORI sent on another line's token.
      const other = lines[(lines.indexOf(q.line) + 1 + (rng.uint32() % (lines.length - 1))) % lines.length]!
      const unknown = rng.next() < 0.5
      const text = toLegacy(q, region)
      out.push({ ...base, line: unknown ? q.line : other, token: unknown ? token : tokenOf(other) ?? token, contentType: 'text/plain', body: unknown ? text.replace(q.ori, `${q.ori.slice(0, 2)}ZZ99999`) : text, kind: 'spoof' })
    } else if (rng.next() < jsonShare) {
      out.push({ ...base, line: q.line, token, contentType: 'application/json', body: JSON.stringify(toJsonBody(q, region)), kind: 'model' })
    } else {
      out.push({ ...base, line: q.line, token, contentType: 'text/plain', body: toLegacy(q, region), kind: 'model' })
    }
    if (out.length === o.count) break
  }
  // The kernel's order is stream by stream (all of one component's queries, then the next):
  // shuffled, every stretch of a run carries the whole mix (a reload's before and after alike).
  const mix = new Random(`${seed}/load-order`)
  for (let k = out.length - 1; k > 0; k--) {
    const j = mix.uint32() % (k + 1)
    const x = out[k]!
    out[k] = out[j]!
    out[j] = x
  }
  return { messages: out, withoutToken, seed }
}
