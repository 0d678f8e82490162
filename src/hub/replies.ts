/**
 * @module hub/replies
 * What the switch answers: the replies and decisions of one message, and the
 * one function that stamps every reply header it builds (in-clock of the
 * message, out-clock now, the line's next output number, the control field).
 */
import type { MessageError } from '../message/er.js'
import { formatReplyText, type ReplyClock } from '../message/reply.js'
import type { Decision } from '../policy/types.js'
import type { Sequences } from './ports/state.js'

export interface ReplyOut {
  readonly key: string
  readonly from: string
  readonly to: string
  readonly text: string
  /** Jurisdiction the reply concerns, when there is one. */
  readonly state?: string
  readonly status: 'hit' | 'nohit' | 'denied' | 'queued' | 'status' | 'noanswer' | 'error' | 'summary'
  readonly image?: { mime: string, data: string }
  /** Multi-state summary: photos of the states that had a hit. */
  readonly images?: Readonly<Record<string, { mime: string, data: string }>>
  readonly summary?: Readonly<Record<string, readonly string[]>>
}

export interface DecisionOut {
  readonly destination: string
  readonly effect: string
  readonly rule: string | null
  readonly policyVersion: string
  /** Fields a redact decision strips. */
  readonly redact?: readonly string[]
  /** The shadow set's decision, when asked for (`?shadow=1`) and a shadow set runs. */
  readonly shadow?: { effect: string, rule: string | null, policyVersion: string, redact?: readonly string[] }
  /** The rule-by-rule explanation, when asked for (`?explain=1`): the lines and the JSON of `policy explain`. */
  readonly explanation?: { text: readonly string[], json: Record<string, unknown> }
}

export interface SwitchResult {
  readonly id: string
  readonly httpStatus: number
  readonly replies: readonly ReplyOut[]
  readonly decisions: readonly DecisionOut[]
  /** The ER, when the message was refused as a whole. */
  readonly error?: MessageError
}

/** One destination's reply and the decision behind it; `body` is the text after `TXT` (multi-state merges it). */
export interface Outcome {
  readonly state: string
  readonly reply: ReplyOut
  readonly decision: Decision
  readonly body?: string
  /** The shadow set's decision, when one runs. */
  readonly shadow?: Decision
}

/** What the reply clock needs from the switch. */
export interface Stamper {
  readonly sequences: Sequences
  readonly now: () => number
  readonly timeZone?: string | undefined
}

/** The message a reply answers, as far as its header goes. */
export interface Answering {
  readonly receivedAt: number
  readonly inSeq: number
  /** The line it came in on; null for a caller not authenticated (no line counters: both numbers 00000). */
  readonly line: string | null
  readonly control?: string | undefined
}

/** The header stamps of a reply leaving now on `a.line`: takes the line's next output number. */
export function stamp (s: Stamper, a: Answering): ReplyClock {
  const c: { -readonly [K in keyof ReplyClock]: ReplyClock[K] } = {
    receivedAt: new Date(a.receivedAt), sentAt: new Date(s.now()), inSeq: a.inSeq, outSeq: a.line === null ? 0 : s.sequences.next(`out:${a.line}`),
  }
  if (a.control !== undefined) c.control = a.control
  if (s.timeZone) c.timeZone = s.timeZone
  return c
}

/** The text of a reply leaving now on `a.line` from `from` to `to`: stamped as `stamp` does, without building its clock. */
export function replyText (s: Stamper, a: Answering, key: string, from: string, to: string, body: string): string {
  const outSeq = a.line === null ? 0 : s.sequences.next(`out:${a.line}`)
  return formatReplyText(key, from, to, a.control, a.receivedAt, s.now(), a.inSeq, outSeq, s.timeZone, body)
}
