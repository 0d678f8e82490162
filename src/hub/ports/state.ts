/**
 * @module hub/ports/state
 * The switch's own state, behind ports it owns: the store-and-forward queue,
 * each line's inbox, the line sequence counters and the operator's status of
 * each destination. Implementations: in memory (`memory.ts`: tests,
 * `--ephemeral`), embedded SQLite (`../store/sqlite.ts`, the default), and
 * NATS JetStream shared by several hubs (`../store/jetstream.ts`), so
 * what the switch promises (`SM .02 ... NLETS WILL FORWARD`) holds across a
 * restart. Queue and inbox are bounded; at the bound the switch answers SM .04.
 */
import type { Effect, RedactField } from '../../policy/types.js'
import type { StateFault, StateKey } from './endpoint.js'

/** The decision a query was queued under (decided again when it is delivered). */
export interface QueuedDecision {
  readonly effect: Effect
  readonly rule: string | null
  readonly policyVersion: string
  readonly redact?: readonly RedactField[]
}

/** Everything needed to decide, deliver and answer a query later, as it was received. */
export interface QueuedQuery {
  /** The message id the sender got in its reply. */
  readonly messageId: string
  readonly line: string
  /** Destination state. */
  readonly state: string
  /** The key as sent (DQG stays DQG here) ... */
  readonly sentKey: string
  /** ... and as delivered and decided (DQG rewritten to DQ). */
  readonly key: StateKey
  readonly ori: string
  /** Data fields of the query, last value wins (RSN, PUR and IMQ among them). */
  readonly fields: Readonly<Record<string, string>>
  readonly image: boolean
  readonly control?: string
  /** Receive counter of the line for the message, for the reply's in-clock line. */
  readonly inSeq: number
  /** Epoch ms the switch received the message. */
  readonly receivedAt: number
  readonly decision: QueuedDecision
}

/** A query in the queue: `seq` orders a destination's queue and names the item. */
export interface Queued extends QueuedQuery {
  readonly seq: number
}

/** A reply waiting in a line's inbox until the line acknowledges it. */
export interface InboxReply {
  /** Inbox id: `<messageId>.<state>` (a message is queued at most once per destination). */
  readonly id: string
  readonly messageId: string
  readonly control: string | null
  readonly key: string
  readonly from: string
  readonly to: string
  readonly text: string
  readonly state: string
  readonly status: string
  /** ISO 8601: when the query was received (and queued), and when the reply was made. */
  readonly queuedAt: string
  readonly deliveredAt: string
  readonly image?: { readonly mime: string, readonly data: string }
}

/** Why a query could not be queued: the destination's queue or the line's inbox is at its bound. */
export type EnqueueResult = 'queued' | 'queue-full' | 'inbox-full'

export interface StoreAndForward {
  /**
   * Keep a query for a destination that is out of service. A line's inbox room
   * is reserved when its query is queued (replies waiting plus queries queued
   * for the line stay within the inbox bound), so a delivery always has room.
   */
  enqueue: (q: QueuedQuery) => Promise<EnqueueResult>
  /** Up to `max` queries of a destination, oldest first, left in the queue. */
  peek: (state: string, max: number) => Promise<Queued[]>
  /** Remove delivered queries and put their replies in the lines' inboxes, all or nothing. */
  forward: (done: ReadonlyArray<{ readonly item: Queued, readonly reply: InboxReply }>) => Promise<void>
  /**
   * Give back queries a peek took and no forward removed (a drain that
   * stopped): needed where a peek hands items to one hub of several (NATS);
   * a store whose peek leaves them in place has nothing to do.
   */
  release?: (state: string) => Promise<void>
  /** Queries waiting for a destination (kept in memory: read on every scrape and status page). */
  depth: (state: string) => number
  /** Destinations with queries waiting, and how many. */
  depths: () => Record<string, number>
}

export interface Inbox {
  /** Unacknowledged replies of a line, oldest first; the same ones again until acknowledged. */
  list: (line: string, max: number) => Promise<InboxReply[]>
  /** Remove the line's replies with these ids; returns how many were removed (unknown ids are ignored). */
  ack: (line: string, ids: readonly string[]) => Promise<number>
  /** Replies waiting for a line. */
  depth: (line: string) => number
}

/**
 * Running counters (the 5-digit in and out sequence numbers of each line).
 * Synchronous: every reply takes one. Durable implementations lease blocks of
 * numbers, so a restart may skip ahead but never repeats a number in use.
 */
export interface Sequences {
  next: (counter: string) => number
}

/** What an operator set for a destination, kept across restarts. */
export interface DestinationSettings {
  readonly status: 'up' | 'removed'
  readonly disabledKeys: readonly string[]
  readonly fault: StateFault | null
}

export interface DestinationSettingsStore {
  /** Every destination with settings saved. */
  load: () => Promise<Record<string, DestinationSettings>>
  save: (state: string, s: DestinationSettings) => Promise<void>
}

export interface Bounds {
  /** Queries kept per destination. */
  readonly queueMax: number
  /** Replies (waiting or reserved by queued queries) per line. */
  readonly inboxMax: number
}

/** The switch's state, all ports from one implementation. */
export interface SwitchState {
  readonly kind: 'memory' | 'sqlite' | 'nats'
  /** Where it lives (a file, or `memory`). */
  readonly where: string
  readonly queue: StoreAndForward
  readonly inbox: Inbox
  readonly sequences: Sequences
  readonly destinations: DestinationSettingsStore
  readonly close: () => Promise<void>
}
