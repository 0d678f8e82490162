/**
 * @module message/types
 * The message model shared by the legacy text form, the JSON form, the hub and
 * the simulated states. Plain data.
 */

/** One prefixed data field, `PFX/value`, in the order sent. */
export interface Field {
  readonly prefix: string
  readonly value: string
}

/** A message as an agency line sends it (legacy text or JSON carry the same content). */
export interface Message {
  /** Message key (MKE), e.g. DQ, RQG, AM. */
  readonly key: string
  /** Sending ORI (9 characters). */
  readonly ori: string
  /** Destinations as sent: state codes, region codes, `NL`, or 9-character ORIs; at most five. */
  readonly destinations: readonly string[]
  /** Optional control field (the requester's own reference, echoed in replies). */
  readonly control?: string
  /** Data fields in order. */
  readonly fields: readonly Field[]
}

/** Reply keys the switch and the states produce. */
import { KEY_TABLE } from './keys.js'

export const REPLY_KEYS = ['DR', 'DNR', 'KR', 'RR', 'RNR', 'RPR', 'ER', 'SM', 'AM'] as const
export type ReplyKey = (typeof REPLY_KEYS)[number]

/** The reply key a state answers a (rewritten) query key with. */
export const REPLY_FOR: Readonly<Record<string, ReplyKey>> = Object.fromEntries(KEY_TABLE.map((r) => [r.key, r.reply]))

/** A photo returned with a DR/KR when IMQ/Y was sent and the state shares photos. */
export interface Image {
  readonly mime: string
  /** Base64 bytes. Never written to the audit log. */
  readonly data: string
}
