/**
 * @module hub/ports/endpoint
 * The switch's port to a state DMV, owned by the hub: whether the endpoint runs
 * in-process (the simulator's states implement it) or as its own HTTP server
 * (the hub's undici client implements it), a query goes in and structured
 * records come out; the hub formats them, and strips redacted fields, before
 * anything reaches the requester.
 */
import { format } from '../../errors.js'
import type { Field, Image, ReplyKey } from '../../message/types.js'

/** A query as delivered to one state (DQG/RQG already rewritten to DQ/RQ). */
export interface StateQuery {
  /** Switch-assigned message id (for tracing). */
  readonly id: string
  readonly key: StateKey
  /** Requesting ORI. */
  readonly ori: string
  /** The jurisdiction being asked. */
  readonly state: string
  /** Data fields of the query (OLN, NAM, DOB, SEX, LIC, LIY, LIT, VIN, ...), last value wins. */
  readonly fields: Readonly<Record<string, string>>
  /** IMQ/Y was sent. */
  readonly image: boolean
}

/**
 * Reply-field categories, the names redact rules use: every field a state
 * returns belongs to one (or to none, and then it is never stripped).
 */
export type FieldCategory = 'photo' | 'ssn' | 'address' | 'dob' | 'description' | 'owner'

export interface RecordField extends Field {
  readonly category?: FieldCategory
}

export interface StateAnswer {
  /** `hit`: records found; `nohit`: NO RECORD / NOT ON FILE. */
  readonly status: 'hit' | 'nohit'
  readonly replyKey: ReplyKey
  /** The answering ORI, e.g. ILOLN0000 for licences, ILLIC0000 for vehicles. */
  readonly from: string
  /** Each record is an ordered list of fields; DNR/RNR/RPR may hold several records. */
  readonly records: ReadonlyArray<readonly RecordField[]>
  /** Text line for a no-hit (e.g. `NO RECORD FOUND`, `NOT ON FILE`). */
  readonly message?: string
  readonly image?: Image
}

/** Thrown (or returned as HTTP 503 by a state server) when the state cannot take messages now. */
export class StateUnavailableError extends Error {
  readonly code = 'NSIM_STATE_UNAVAILABLE'
  readonly state: string
  constructor (state: string, why: string) {
    super(format('NSIM_STATE_UNAVAILABLE', state, why))
    this.name = 'StateUnavailableError'
    this.state = state
  }
}

/** Anything the hub can deliver a query to. */
export interface StateEndpoint {
  readonly state: string
  /** Resolve with the answer, or reject with StateUnavailableError (down) or another error (timeout, bad reply). */
  query: (q: StateQuery, signal?: AbortSignal) => Promise<StateAnswer>
  /**
   * True while the endpoint answers at once (in process, no latency, no fault):
   * the switch then arms no timeout, which costs more than such an answer.
   */
  readonly instant?: boolean
  /** The endpoint's own view of itself, when it has one (in-process states); HTTP endpoints leave it out. */
  readonly status?: 'up' | 'down'
  /** The fault the endpoint is in, when it can tell. */
  readonly fault?: StateFault
  /** Put the endpoint into a fault (or back up); absent when it takes none. */
  setFault?: (f: StateFault) => unknown
  close?: () => Promise<void>
}

/** Faults a simulated state can be put in at run time. */
export type StateFault =
  | { readonly mode: 'up' }
  | { readonly mode: 'down' }
  | { readonly mode: 'slow', readonly latencyMs: number }
  | { readonly mode: 'flapping', readonly periodMs: number }

/** A StateFault as JSON Schema: the body of the hub's and the state server's fault routes. */
export const FAULT_SCHEMA = {
  type: 'object',
  required: ['mode'],
  additionalProperties: false,
  properties: {
    mode: { type: 'string', enum: ['up', 'down', 'slow', 'flapping'], description: 'down: SM .02 and store-and-forward; slow: add latencyMs; flapping: down every other periodMs' },
    latencyMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    periodMs: { type: 'integer', minimum: 1, maximum: 86_400_000 },
  },
  // Exactly one branch fits, chosen by mode: slow needs latencyMs, flapping periodMs.
  oneOf: [
    { properties: { mode: { enum: ['up', 'down'] } } },
    { properties: { mode: { const: 'slow' } }, required: ['latencyMs'] },
    { properties: { mode: { const: 'flapping' } }, required: ['periodMs'] },
  ],
} as const

/** The query keys a state answers (StateQuery['key']), in a fixed order. */
export { STATE_KEYS, type StateKey } from '../../message/keys.js'
import type { StateKey } from '../../message/keys.js'

/**
 * Thrown (or returned as HTTP 400 by a state server) when a state refuses a
 * query it cannot answer: addressed to another state, a key the state does not
 * serve, or identifying fields missing or malformed. The hub should have caught
 * each of these before delivery (ER or SM .01), so this marks a hub bug.
 */
export class StateQueryError extends Error {
  readonly code = 'NSIM_STATE_BAD_QUERY'
  readonly state: string
  constructor (state: string, why: string) {
    super(format('NSIM_STATE_BAD_QUERY', state, why))
    this.name = 'StateQueryError'
    this.state = state
  }
}
