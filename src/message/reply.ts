/**
 * @module message/reply
 * Replies as the requester's terminal sees them: the output header of DOMAIN.md
 * 1.5 (https://service.nlets.org/support/solutions/articles/21003096179) and the
 * ER, SM and record bodies that follow `TXT`. Lines end with `\n`.
 *
 * ```
 * ER.NL0000000
 * 08:00 01/01/2010 01239
 * 08:00 01/01/2011 01233 AZNLETS20
 * TXT
 * ```
 */

import { formatClockMs, formatSeq } from './clock.js'
import { codeLabel, type MessageError, SM_CODES, type SmCode } from './er.js'
import type { Field } from './types.js'

/** The switch's own ORI: the only sender of ER messages (DOMAIN.md 3.4). */
export const SWITCH_ORI = 'NL0000000'

/** How much of a rejected input an ER quotes (DOMAIN.md 3.4: the first 100 characters). */
export const ER_QUOTE_LENGTH = 100

/** The in/out clock stamps and counters of one reply; passed in so tests are deterministic. */
export interface ReplyClock {
  /** When the switch received the message the reply answers (the in-clock). */
  readonly receivedAt: Date
  /** When the reply leaves the switch (the out-clock). */
  readonly sentAt: Date
  /** Receive counter of the line the message came in on. */
  readonly inSeq: number
  /** Send counter of the line the reply goes out on. */
  readonly outSeq: number
  /** Control field of the original query; echoed on line 1 after a period. */
  readonly control?: string
  /** Zone of the stamps; default America/Phoenix (MST, as Nlets' log). */
  readonly timeZone?: string
}

export interface ReplyHeader extends ReplyClock {
  /** Reply key: DR, RR, ER, SM, ... */
  readonly key: string
  /** ORI the reply comes from (a state's ORI, or NL0000000). */
  readonly from: string
  /** ORI the reply goes to (the original sender). */
  readonly to: string
}

export interface Reply extends ReplyHeader {
  readonly body: string
}

/**
 * The four header lines: `KEY.FROM[.CONTROL]`, the in-clock line, the out-clock
 * line naming the destination ORI, and `TXT`. Where the control field goes is a
 * GAP (the ER spec only says the header "may include control field"); line 1 is
 * our choice, so the requester sees its reference next to the key.
 */
export function formatHeader (h: ReplyHeader): string {
  return formatReplyText(h.key, h.from, h.to, h.control, h.receivedAt.getTime(), h.sentAt.getTime(), h.inSeq, h.outSeq, h.timeZone, '')
}

/** Header then body; an empty body leaves `TXT` as the last line. */
export function formatReply (r: Reply): string {
  return formatReplyText(r.key, r.from, r.to, r.control, r.receivedAt.getTime(), r.sentAt.getTime(), r.inSeq, r.outSeq, r.timeZone, r.body)
}

/**
 * `formatReply` from its parts, times in epoch milliseconds: what the switch
 * calls for every reply, so it builds no clock object and no Date.
 */
export function formatReplyText (key: string, from: string, to: string, control: string | undefined, receivedMs: number, sentMs: number,
  inSeq: number, outSeq: number, timeZone: string | undefined, body: string): string {
  const first = control === undefined ? `${key}.${from}` : `${key}.${from}.${control}`
  const header = `${first}\n${formatClockMs(receivedMs, timeZone)} ${formatSeq(inSeq)}\n${formatClockMs(sentMs, timeZone)} ${formatSeq(outSeq)} ${to}\nTXT`
  return body === '' ? header : `${header}\n${body}`
}

/**
 * An ER from the switch: the numbered code and text, the detail (for `.22` it
 * goes on with the key's field sets), `ORIGINAL MESSAGE` and the first 100
 * characters of the input. CR and DEL are dropped from the quote; LF is kept, so
 * an input typed over two lines is quoted over two lines, as Nlets' example is.
 */
/** An ORI to address a reply to: the input's, when it has an ORI's shape; else nothing (never raw input in a header). */
export function replyOri (s: string): string {
  return /^[A-Z0-9]{9}$/.test(s) ? s : ''
}

export function formatEr (error: MessageError, input: string, to: string, clock: ReplyClock): string {
  to = replyOri(to)
  const quote = input.replace(/[\r\x7f]/g, '').slice(0, ER_QUOTE_LENGTH)
  const body = [`${codeLabel(error.code)} ${error.text}`, error.detail, 'ORIGINAL MESSAGE', quote]
  return formatReply({ ...clock, key: 'ER', from: SWITCH_ORI, to, body: body.filter((l) => l !== '').join('\n') })
}

/**
 * An automatic SM from the switch about one destination: the numbered status
 * text, then which key to which destination it concerns. The second line's
 * wording is ours (the sources show only the status texts).
 */
export function formatSm (code: SmCode, destination: string, key: string, to: string, clock: ReplyClock): string {
  return formatReply({ ...clock, key: 'SM', from: SWITCH_ORI, to, body: smBody(code, destination, key) })
}

/** The body of an automatic SM: the numbered status text, then the key and destination it concerns. */
export function smBody (code: SmCode, destination: string, key: string): string {
  return `${codeLabel(code)} ${SM_CODES[code]}\nMSG TYPE ${key} TO ${destination}`
}

/** Records as reply text: one line per record, `PFX/value.PFX/value` (joined, not appended: one flat string, no chain of pieces). */
export function formatRecordBody (records: readonly (readonly Field[])[]): string {
  if (records.length === 1) return recordLine(records[0]!)
  const lines: string[] = []
  for (let i = 0; i < records.length; i++) lines.push(recordLine(records[i]!))
  return lines.join('\n')
}

function recordLine (r: readonly Field[]): string {
  const parts: string[] = []
  for (let j = 0; j < r.length; j++) parts.push(`${r[j]!.prefix}/${r[j]!.value}`)
  return parts.join('.')
}
