/**
 * @module hub/deliver
 * One (message, destination) after its decision: a denial, a status message
 * (removed, key not served, out of service and queued), or the state's answer,
 * redacted as decided and formatted as the requester sees it.
 */
import type { LineCounters } from '../message/clock.js'
import { formatRecordBody, formatReply, formatSm, SWITCH_ORI } from '../message/reply.js'
import { REPLY_FOR, type Message } from '../message/types.js'
import type { SmCode } from '../message/er.js'
import type { Decision, RedactField } from '../policy/types.js'
import { type StateAnswer, type StateQuery, StateUnavailableError } from '../../simulator/states/types.js'
import type { Destination } from './destinations.js'
import { redactAnswer } from './redact.js'
import type { StoreAndForward } from './store-forward.js'
import type { ReplyOut } from './switch.js'

export type { Destination }

/** What waits in the store-and-forward queue: the query and what the decision stripped. */
export interface QueuedQuery {
  readonly query: StateQuery
  readonly redact: readonly RedactField[]
  readonly control?: string
}

export interface DeliveryContext {
  readonly id: string
  readonly message: Message
  readonly key: StateQuery['key']
  readonly fields: Readonly<Record<string, string>>
  readonly image: boolean
  readonly line: string
  readonly receivedAt: number
  readonly inSeq: number
  readonly timeoutMs: number
  readonly multiState: boolean
  readonly counters: LineCounters
  readonly now: () => number
  readonly timeZone?: string | undefined
  readonly queue: StoreAndForward<QueuedQuery, ReplyOut>
  /** Seconds a state took to answer, for endpoints that take time (not instant ones). */
  readonly observeState?: ((state: string, seconds: number) => void) | undefined
}

export interface Outcome {
  readonly state: string
  readonly reply: ReplyOut
  readonly decision: Decision
}

function clock (ctx: DeliveryContext, receivedAt = ctx.receivedAt) {
  return {
    receivedAt: new Date(receivedAt), sentAt: new Date(ctx.now()), inSeq: ctx.inSeq, outSeq: ctx.counters.next(`out:${ctx.line}`),
    ...(ctx.message.control !== undefined ? { control: ctx.message.control } : {}),
    ...(ctx.timeZone ? { timeZone: ctx.timeZone } : {}),
  }
}

function status (ctx: DeliveryContext, state: string, code: SmCode, st: ReplyOut['status']): ReplyOut {
  return { key: 'SM', from: SWITCH_ORI, to: ctx.message.ori, text: formatSm(code, state, ctx.key, ctx.message.ori, clock(ctx)), state, status: st }
}

/** A state's answer as the requester receives it (the image rides beside the text, never in it). */
export function answerReply (a: StateAnswer, to: string, state: string, c: ReturnType<typeof clock>): ReplyOut {
  const body = a.status === 'hit' ? formatRecordBody(a.records) : a.message ?? 'NO RECORD FOUND'
  return {
    key: a.replyKey, from: a.from, to, text: formatReply({ ...c, key: a.replyKey, from: a.from, to, body }), state,
    status: a.status, ...(a.image ? { image: a.image } : {}),
  }
}

export async function deliverOne (ctx: DeliveryContext, state: string, dest: Destination | undefined, decision: Decision,
  denialText: string): Promise<Omit<Outcome, 'decision'>> {
  const to = ctx.message.ori
  if (dest === undefined) return { state, reply: status(ctx, state, '.01', 'status') }
  if (decision.effect === 'deny') {
    const key = REPLY_FOR[ctx.key] ?? 'DR'
    const from = dest.answeringOri(ctx.key)
    return { state, reply: { key, from, to, text: formatReply({ ...clock(ctx), key, from, to, body: denialText }), state, status: 'denied' } }
  }
  if (dest.status === 'removed') return { state, reply: status(ctx, state, '.04', 'status') }
  if (!dest.serves(ctx.key)) return { state, reply: status(ctx, state, '.01', 'status') }
  const query: StateQuery = { id: ctx.id, key: ctx.key, ori: to, state, fields: ctx.fields, image: ctx.image }
  const redact = decision.redact ?? []
  // An endpoint that answers at once needs no timeout (no AbortController, no timer).
  const ac = (dest.endpoint as { instant?: boolean }).instant === true ? undefined : new AbortController()
  const timer = ac === undefined ? undefined : setTimeout(() => { ac.abort() }, ctx.timeoutMs)
  const started = ac === undefined ? 0 : ctx.now()
  try {
    const answer = await dest.endpoint.query(query, ac?.signal)
    dest.reachable = true
    return { state, reply: answerReply(redact.length ? redactAnswer(answer, redact) : answer, to, state, clock(ctx)) }
  } catch (err) {
    if (err instanceof StateUnavailableError) dest.reachable = false
    if (err instanceof StateUnavailableError && !ctx.multiState) {
      const queued: QueuedQuery = { query, redact, ...(ctx.message.control !== undefined ? { control: ctx.message.control } : {}) }
      const ok = ctx.queue.enqueue(state, { enqueuedAt: ctx.receivedAt, line: ctx.line, query: queued })
      return { state, reply: status(ctx, state, ok ? '.02' : '.04', ok ? 'queued' : 'status') }
    }
    const aborted = ac?.signal.aborted === true
    const why = aborted ? `NO RESPONSE FROM ${state} WITHIN ${ctx.timeoutMs} MS` : `${state} COULD NOT ANSWER: ${(err as Error).message}`.toUpperCase()
    const st = aborted || err instanceof StateUnavailableError ? 'noanswer' : 'error'
    return { state, reply: { key: 'SM', from: SWITCH_ORI, to, text: formatReply({ ...clock(ctx), key: 'SM', from: SWITCH_ORI, to, body: why }), state, status: st } }
  } finally {
    if (timer !== undefined) clearTimeout(timer)
    // Answers, errors and timeouts alike: how long the state kept the query.
    if (ac !== undefined) ctx.observeState?.(state, (ctx.now() - started) / 1000)
  }
}
