/**
 * @module hub/deliver
 * One (message, destination) after its decision: a denial, a status message
 * (removed, key not served), the state's answer redacted as decided and
 * formatted as the requester sees it, or word that the state is out of service
 * (the caller queues the query, or, for a queued one, leaves it queued).
 * Fresh queries and queued ones being forwarded take the same path.
 */
import type { SmCode } from '../message/er.js'
import { formatRecordBody, smBody, SWITCH_ORI } from '../message/reply.js'
import { REPLY_FOR } from '../message/types.js'
import type { Decision, RedactField } from '../policy/types.js'
import type { Destination } from './destinations.js'
import { type StateAnswer, type StateKey, type StateQuery, StateUnavailableError } from './ports/endpoint.js'
import { redactAnswer } from './redact.js'
import { type Answering, type ReplyOut, replyText, type Stamper } from './replies.js'

/** A query on its way to one destination: as received, or as it waited in the queue. */
export interface Leg extends Answering {
  /** A query always comes in on a line. */
  readonly line: string
  readonly messageId: string
  readonly ori: string
  /** Key decided and delivered (DQG rewritten to DQ). */
  readonly key: StateKey
  readonly fields: Readonly<Record<string, string>>
  readonly image: boolean
  /** Answer timeout: the point-to-point timeout, or the multi-state window. */
  readonly timeoutMs: number
}

export interface DeliveryEnv extends Stamper {
  /** Seconds a state took to answer, for endpoints that take time (not instant ones). */
  readonly observeState?: ((state: string, seconds: number) => void) | undefined
}

/** A reply for the requester (`body`: its text after `TXT`), or the state is out of service. */
export type Delivered =
  | { readonly reply: ReplyOut, readonly body: string, readonly unavailable?: undefined }
  | { readonly unavailable: StateUnavailableError, readonly reply?: undefined, readonly body?: undefined }

const NO_FIELDS: readonly RedactField[] = Object.freeze([])

/** An SM from the switch about one destination. */
export function statusReply (env: Stamper, leg: Leg, state: string, code: SmCode, status: ReplyOut['status']): ReplyOut {
  return { key: 'SM', from: SWITCH_ORI, to: leg.ori, text: replyText(env, leg, 'SM', SWITCH_ORI, leg.ori, smBody(code, state, leg.key)), state, status }
}

function reply (env: Stamper, leg: Leg, state: string, key: string, from: string, body: string, status: ReplyOut['status'],
  image?: ReplyOut['image']): Delivered {
  const to = leg.ori
  const text = replyText(env, leg, key, from, to, body)
  return { reply: image === undefined ? { key, from, to, text, state, status } : { key, from, to, text, state, status, image }, body }
}

/** A state's answer as the requester receives it (the image rides beside the text, never in it). */
function answered (env: Stamper, leg: Leg, state: string, a: StateAnswer): Delivered {
  const body = a.status === 'hit' ? formatRecordBody(a.records) : a.message ?? 'NO RECORD FOUND'
  return reply(env, leg, state, a.replyKey, a.from, body, a.status, a.image)
}

/** Word that a state did not take the query (multi-state queries are not stored and forwarded). */
export function notAnswering (env: Stamper, leg: Leg, state: string, err: Error): ReplyOut {
  return reply(env, leg, state, 'SM', SWITCH_ORI, `${state} COULD NOT ANSWER: ${err.message}`.toUpperCase(), 'noanswer').reply!
}

export async function deliver (env: DeliveryEnv, leg: Leg, state: string, dest: Destination | undefined, decision: Decision,
  denialText: string): Promise<Delivered> {
  if (dest === undefined) return { reply: statusReply(env, leg, state, '.01', 'status'), body: '' }
  if (decision.effect === 'deny') {
    return reply(env, leg, state, REPLY_FOR[leg.key] ?? 'DR', dest.answeringOri(leg.key), denialText, 'denied')
  }
  if (dest.status === 'removed') return { reply: statusReply(env, leg, state, '.04', 'status'), body: '' }
  if (!dest.serves(leg.key)) return { reply: statusReply(env, leg, state, '.01', 'status'), body: '' }
  const query: StateQuery = { id: leg.messageId, key: leg.key, ori: leg.ori, state, fields: leg.fields, image: leg.image }
  const redact = decision.redact ?? NO_FIELDS
  // An endpoint that answers at once needs no timeout (no AbortController, no timer).
  const ac = dest.endpoint.instant === true ? undefined : new AbortController()
  const timer = ac === undefined ? undefined : setTimeout(() => { ac.abort() }, leg.timeoutMs)
  const started = ac === undefined ? 0 : env.now()
  try {
    const answer = await dest.endpoint.query(query, ac?.signal)
    dest.reachable = true
    return answered(env, leg, state, redact.length ? redactAnswer(answer, redact) : answer)
  } catch (err) {
    if (err instanceof StateUnavailableError) {
      dest.reachable = false
      return { unavailable: err }
    }
    const aborted = ac?.signal.aborted === true
    const why = aborted ? `NO RESPONSE FROM ${state} WITHIN ${leg.timeoutMs} MS` : `${state} COULD NOT ANSWER: ${(err as Error).message}`.toUpperCase()
    return reply(env, leg, state, 'SM', SWITCH_ORI, why, aborted ? 'noanswer' : 'error')
  } finally {
    if (timer !== undefined) clearTimeout(timer)
    // Answers, errors and timeouts alike: how long the state kept the query.
    if (ac !== undefined) env.observeState?.(state, (env.now() - started) / 1000)
  }
}
