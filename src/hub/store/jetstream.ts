/**
 * @module hub/store/jetstream
 * The switch's state in NATS JetStream, shared by every hub replica
 * (`NSIM_NATS_URL`): one more implementation of the ports in ../ports/state.ts.
 *
 * - Store-and-forward: a stream per destination, `nsim-queue-<ST>` on subjects
 *   `nsim.q.<ST>.<line>`, with work-queue retention and one durable consumer
 *   (`forward`) that every replica pulls from, so a queued query is handed to
 *   one replica at a time; it leaves the stream only when its reply is in the
 *   inbox (acknowledged after the inbox write). A replica killed in between
 *   leaves it unacknowledged: after `ackWaitMs` (15 s) another replica delivers it,
 *   and the inbox write, keyed by the inbox id, is not duplicated.
 * - Inboxes: one stream `nsim-inbox`, a subject per line (`nsim.inbox.<line>`),
 *   written with the inbox id as message id (deduplicated over `dedupWindowMs`),
 *   deleted message by message when the line acknowledges.
 * - Bounds: the queue bound is the stream's own (`max_msgs`, new refused), exact
 *   across replicas; the inbox bound per line is checked at enqueue against
 *   counts refreshed every `refreshMs`, and enforced exactly at delivery by the
 *   stream (`max_msgs_per_subject`): a reply that finds its inbox full waits in
 *   the queue.
 * - Line sequence counters and destination settings: KV buckets
 *   (jetstream-sequences.ts; settings are watched, so a fault set through one
 *   replica holds on all of them).
 */
import {
  AckPolicy, connect, DeliverPolicy, DiscardPolicy, type JetStreamClient, type JetStreamManager, type JsMsg, type KV,
  KvWatchInclude, type NatsConnection, nanos, RetentionPolicy, StorageType, type StoredMsg, type StreamConfig,
} from 'nats'
import { NsimError } from '../../errors.js'
import type {
  Bounds, DestinationSettings, EnqueueResult, Inbox, InboxReply, Queued, QueuedQuery, StoreAndForward, SwitchState,
} from '../ports/state.js'
import { KvSequences } from './jetstream-sequences.js'

export interface JetStreamStateOptions extends Bounds {
  /** NATS server URL(s), comma-separated. */
  readonly url: string
  /** This replica's name (connection name, ephemeral consumer names). */
  readonly replica: string
  /** Destination codes: one queue stream each. */
  readonly destinations: readonly string[]
  /** Sequence counters leased at start (`in:<line>`, `out:<line>`). */
  readonly counters: readonly string[]
  /** How long a pulled query stays with a replica before another may take it (default 15 s). */
  readonly ackWaitMs?: number
  /** Window over which an inbox write is deduplicated by its id (default 10 min). */
  readonly dedupWindowMs?: number
  /** How often queue and inbox counts are read from the server (default 1 s). */
  readonly refreshMs?: number
  /**
   * Copies the servers keep of every stream, bucket and object store (default
   * 1). 3 on a 3-node NATS cluster: each survives the loss of one node. A
   * stream made earlier with another count is brought to this one.
   */
  readonly streamReplicas?: number
  /** Background errors (refreshes, watches, leases); the default warns. */
  readonly onError?: (err: Error) => void
}

/** The connection and names other cluster parts (policy bundles) use. */
export interface NatsShared {
  readonly nc: NatsConnection
  readonly js: JetStreamClient
  readonly jsm: JetStreamManager
  readonly replica: string
  /** Copies of each stream and bucket (JetStreamStateOptions.streamReplicas). */
  readonly streamReplicas: number
}

export const INBOX_STREAM = 'nsim-inbox'
/**
 * Queries pulled at a time: each must be delivered within `ackWaitMs` of its
 * pull or another replica takes it, so a pull stays small (16 answers of a
 * slow state at a second each fit well inside the default 15 s).
 */
export const PEEK_MAX = 16
/** Inbox replies read at a time while looking for the ids a line acknowledges. */
const ACK_PAGE = 1000
export const QUEUE_CONSUMER = 'forward'
const SETTINGS_BUCKET = 'nsim_destinations'
const SEQUENCES_BUCKET = 'nsim_sequences'

export const queueStream = (state: string): string => `nsim-queue-${state}`
const queueSubject = (state: string, line: string): string => `nsim.q.${state}.${line}`
const inboxSubject = (line: string): string => `nsim.inbox.${line}`

/** A stream refused a message at its bound (the client's error names only the status, 503; the server's description says why). */
function atBound (err: unknown): boolean {
  const e = err as { message?: string, api_error?: { description?: string } }
  return /maximum messages/i.test(e.api_error?.description ?? e.message ?? '')
}

function add (m: Map<string, number>, k: string, n: number): void {
  const v = Math.max(0, (m.get(k) ?? 0) + n)
  if (v === 0) m.delete(k)
  else m.set(k, v)
}

/** Create a stream, or bring an existing one to this configuration (the bounds may have changed). */
async function ensureStream (jsm: JetStreamManager, cfg: Partial<StreamConfig> & { name: string }): Promise<void> {
  await settling(async () => {
    try {
      await jsm.streams.add(cfg)
    } catch (err) {
      if (!/already in use/i.test((err as Error).message)) throw err
      await jsm.streams.update(cfg.name, cfg)
    }
  })
}

/** Replies of a read taken by direct gets before a consumer takes over. */
const DIRECT_READ = 16

/** The client's direct gets (nats.js keeps them on the manager as `direct`; the type is not exported). */
interface DirectGet { getMessage: (stream: string, query: { seq: number, next_by_subj: string }) => Promise<StoredMsg> }

function directGet (jsm: JetStreamManager): DirectGet {
  const direct = (jsm as unknown as { direct?: DirectGet }).direct
  if (typeof direct?.getMessage !== 'function') throw new Error('this nats client has no direct get (jsm.direct.getMessage)')
  return direct
}

/**
 * Run `fn` again while a clustered JetStream is still settling: a stream with
 * copies on several nodes answers "stream not found" (or times out) until its
 * nodes have elected a leader, a fraction of a second after it is made.
 */
export async function settling<T> (fn: () => Promise<T>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    try {
      return await fn()
    } catch (err) {
      if (Date.now() > until || !/stream not found|no responders|timeout|leader/i.test((err as Error).message)) throw err
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

class JetStreamQueue implements StoreAndForward, Inbox {
  readonly #o: JetStreamStateOptions
  readonly #s: NatsShared
  /** Queries waiting per destination and per line, and replies waiting per line: refreshed from the server, adjusted locally between. */
  readonly #queued = new Map<string, number>()
  readonly #queuedByLine = new Map<string, number>()
  readonly #inbox = new Map<string, number>()
  /** Queries pulled by the last peek of each destination and not yet forwarded. */
  readonly #held = new Map<string, Map<number, { readonly msg: JsMsg, readonly item: Queued }>>()
  #listers = 0

  constructor (o: JetStreamStateOptions, s: NatsShared) {
    this.#o = o
    this.#s = s
  }

  async enqueue (q: QueuedQuery): Promise<EnqueueResult> {
    if ((this.#queued.get(q.state) ?? 0) >= this.#o.queueMax) return 'queue-full'
    if ((this.#inbox.get(q.line) ?? 0) + (this.#queuedByLine.get(q.line) ?? 0) >= this.#o.inboxMax) return 'inbox-full'
    try {
      const ack = await this.#s.js.publish(queueSubject(q.state, q.line), JSON.stringify(q), {
        msgID: `${q.messageId}.${q.state}`, expect: { streamName: queueStream(q.state) },
      })
      if (!ack.duplicate) {
        add(this.#queued, q.state, 1)
        add(this.#queuedByLine, q.line, 1)
      }
      return 'queued'
    } catch (err) {
      if (atBound(err)) return 'queue-full'
      throw err
    }
  }

  async peek (state: string, max: number): Promise<Queued[]> {
    // What this replica already holds comes first (oldest first), then more from the stream.
    let held = this.#held.get(state)
    if (held === undefined) { held = new Map(); this.#held.set(state, held) }
    const out: Queued[] = []
    for (const h of held.values()) {
      if (out.length >= max) return out
      out.push(h.item)
    }
    const want = Math.min(max, PEEK_MAX) - out.length
    if (want <= 0) return out
    const it = this.#s.js.fetch(queueStream(state), QUEUE_CONSUMER, { batch: want, no_wait: true })
    // A fetch cut off by a lost connection would never end: stop it (what it pulled goes back after ackWait).
    const timer = setTimeout(() => { it.stop() }, 5000)
    try {
      for await (const m of it) {
        const item: Queued = { ...(m.json<QueuedQuery>()), seq: m.seq }
        held.set(m.seq, { msg: m, item })
        out.push(item)
      }
    } finally {
      clearTimeout(timer)
    }
    return out
  }

  /** Give back what a peek pulled and did not forward, at once (a drain that stopped). */
  async release (state: string): Promise<void> {
    const held = this.#held.get(state)
    if (held === undefined) return
    this.#held.delete(state)
    for (const h of held.values()) h.msg.nak()
  }

  async forward (done: ReadonlyArray<{ readonly item: Queued, readonly reply: InboxReply }>): Promise<void> {
    await Promise.all(done.map(async ({ item, reply }) => {
      const held = this.#held.get(item.state)
      const m = held?.get(item.seq)
      if (held === undefined || m === undefined) return
      try {
        const ack = await this.#s.js.publish(inboxSubject(item.line), JSON.stringify(reply), { msgID: reply.id, expect: { streamName: INBOX_STREAM } })
        held.delete(item.seq)
        await m.msg.ackAck()
        add(this.#queued, item.state, -1)
        add(this.#queuedByLine, item.line, -1)
        if (!ack.duplicate) add(this.#inbox, item.line, 1)
      } catch (err) {
        // The inbox is full (or the server did not answer): the query stays queued, tried again in a while.
        held.delete(item.seq)
        m.msg.nak(5000)
        if (!atBound(err)) throw err
      }
    }))
  }

  depth (state: string): number {
    return this.#queued.get(state) ?? 0
  }

  depths (): Record<string, number> {
    return Object.fromEntries(this.#queued)
  }

  /**
   * Every message of a line's inbox, oldest first, up to `max`. The first few
   * by direct gets (the next message of the line's subject from a sequence
   * on): no consumer is made, so a short read needs no JetStream leader and is
   * answered by any server holding a copy, even while a cluster elects one
   * after losing a node. The rest of a long read through a short-lived
   * consumer (one fetch, 6 times faster for 1,000 replies), or by direct gets
   * again if no consumer can be made.
   */
  async #read (line: string, max: number, fromSeq = 0): Promise<Array<{ seq: number, reply: InboxReply }>> {
    const first = await this.#readDirect(line, Math.min(max, DIRECT_READ), fromSeq)
    if (first.length < Math.min(max, DIRECT_READ) || first.length >= max) return first
    const next = first.at(-1)!.seq + 1
    let rest: Array<{ seq: number, reply: InboxReply }>
    try {
      rest = await this.#readByConsumer(line, max - first.length, next)
    } catch {
      rest = await this.#readDirect(line, max - first.length, next)
    }
    return first.concat(rest)
  }

  async #readDirect (line: string, max: number, fromSeq: number): Promise<Array<{ seq: number, reply: InboxReply }>> {
    const subject = inboxSubject(line)
    const out: Array<{ seq: number, reply: InboxReply }> = []
    let seq = Math.max(1, fromSeq)
    while (out.length < max) {
      let m: StoredMsg
      try {
        m = await directGet(this.#s.jsm).getMessage(INBOX_STREAM, { seq, next_by_subj: subject })
      } catch (err) {
        if ((err as { code?: string }).code === '404') break // nothing more for this line
        throw err
      }
      out.push({ seq: m.seq, reply: m.json<InboxReply>() })
      seq = m.seq + 1
    }
    return out
  }

  async #readByConsumer (line: string, max: number, fromSeq: number): Promise<Array<{ seq: number, reply: InboxReply }>> {
    const { jsm, js, replica } = this.#s
    const name = `inbox-${replica}-${++this.#listers}`.replace(/[^A-Za-z0-9_-]/g, '_')
    await jsm.consumers.add(INBOX_STREAM, {
      name, filter_subject: inboxSubject(line), ack_policy: AckPolicy.None,
      deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: fromSeq, inactive_threshold: nanos(30_000), mem_storage: true,
    })
    const out: Array<{ seq: number, reply: InboxReply }> = []
    try {
      const it = js.fetch(INBOX_STREAM, name, { batch: max, no_wait: true })
      const timer = setTimeout(() => { it.stop() }, 5000)
      try {
        for await (const m of it) out.push({ seq: m.seq, reply: m.json<InboxReply>() })
      } finally {
        clearTimeout(timer)
      }
    } finally {
      await jsm.consumers.delete(INBOX_STREAM, name).catch(() => undefined)
    }
    return out
  }

  async list (line: string, max: number): Promise<InboxReply[]> {
    if (max <= 0) return []
    return (await this.#read(line, max)).map((r) => r.reply)
  }

  async ack (line: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0
    const wanted = new Set(ids)
    let n = 0
    // The ids are found by reading the line's inbox a page at a time, oldest first (acknowledged replies are usually the oldest).
    let from = 0
    for (;;) {
      const page = await this.#read(line, ACK_PAGE, from)
      for (const { seq, reply } of page) {
        if (!wanted.delete(reply.id)) continue
        // Another replica may have removed it first (the same ack twice): not counted.
        if (await this.#s.jsm.streams.deleteMessage(INBOX_STREAM, seq, false).catch(() => false)) n++
      }
      if (wanted.size === 0 || page.length < ACK_PAGE) break
      from = page.at(-1)!.seq + 1
    }
    add(this.#inbox, line, -n)
    return n
  }

  inboxDepth (line: string): number {
    return this.#inbox.get(line) ?? 0
  }

  /** Read every count from the server (what other replicas did included). */
  async refresh (): Promise<void> {
    const { jsm } = this.#s
    const queued = new Map<string, number>()
    const byLine = new Map<string, number>()
    for await (const si of jsm.streams.list()) {
      if (!si.config.name.startsWith('nsim-queue-') || si.state.messages === 0) continue
      queued.set(si.config.name.slice('nsim-queue-'.length), si.state.messages)
      const detail = await jsm.streams.info(si.config.name, { subjects_filter: '>' })
      for (const [subject, count] of Object.entries(detail.state.subjects ?? {})) add(byLine, subject.slice(subject.lastIndexOf('.') + 1), count)
    }
    const inbox = await jsm.streams.info(INBOX_STREAM, { subjects_filter: '>' })
    replace(this.#queued, queued)
    replace(this.#queuedByLine, byLine)
    replace(this.#inbox, new Map(Object.entries(inbox.state.subjects ?? {}).map(([s, c]) => [s.slice(s.lastIndexOf('.') + 1), c])))
  }
}

function replace (into: Map<string, number>, from: Map<string, number>): void {
  into.clear()
  for (const [k, v] of from) into.set(k, v)
}

/** Streams, consumers and buckets, created or updated (every replica does this at start; it is idempotent). */
async function provision (o: JetStreamStateOptions, s: NatsShared): Promise<{ settings: KV, sequences: KV }> {
  const { jsm } = s
  const ackWait = nanos(o.ackWaitMs ?? 15_000)
  await Promise.all(o.destinations.map(async (state) => {
    await ensureStream(jsm, {
      name: queueStream(state), subjects: [`nsim.q.${state}.*`], retention: RetentionPolicy.Workqueue, storage: StorageType.File,
      num_replicas: s.streamReplicas, max_msgs: o.queueMax, discard: DiscardPolicy.New, duplicate_window: nanos(120_000),
    })
    await settling(async () => {
      try {
        await jsm.consumers.add(queueStream(state), {
          durable_name: QUEUE_CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: ackWait, deliver_policy: DeliverPolicy.All, max_deliver: -1,
        })
      } catch (err) {
        // Made by an earlier version with another ack wait: bring it to this one.
        if (!/already (exists|in use)/i.test((err as Error).message)) throw err
        await jsm.consumers.update(queueStream(state), QUEUE_CONSUMER, { ack_wait: ackWait })
      }
    })
  }))
  await ensureStream(jsm, {
    name: INBOX_STREAM, subjects: ['nsim.inbox.*'], retention: RetentionPolicy.Limits, storage: StorageType.File, num_replicas: s.streamReplicas,
    allow_direct: true,
    max_msgs_per_subject: o.inboxMax, discard: DiscardPolicy.New, discard_new_per_subject: true,
    duplicate_window: nanos(o.dedupWindowMs ?? 600_000),
  })
  const settings = await settling(async () => await s.js.views.kv(SETTINGS_BUCKET, { history: 1, replicas: s.streamReplicas }))
  const sequences = await settling(async () => await s.js.views.kv(SEQUENCES_BUCKET, { history: 1, replicas: s.streamReplicas }))
  return { settings, sequences }
}

export type JetStreamState = SwitchState & {
  readonly nats: NatsShared
  readonly sequences: KvSequences
  /** Call `fn` with every destination's settings when any replica saves them. */
  readonly watchDestinations: (fn: (state: string, s: DestinationSettings) => void) => Promise<void>
}

/** Connect, provision and return every port on JetStream. */
export async function jetstreamState (o: JetStreamStateOptions): Promise<JetStreamState> {
  const onError = o.onError ?? ((err: Error) => { process.emitWarning(`NSIM_HUB_STORE: nats: ${err.message}`, { code: 'NSIM_HUB_STORE' }) })
  let nc: NatsConnection
  try {
    nc = await connect({ servers: o.url.split(',').map((u) => u.trim()), name: o.replica, maxReconnectAttempts: -1, reconnectTimeWait: 250, timeout: 5000 })
  } catch (err) {
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_NATS_URL', `cannot reach NATS at \`${o.url}\`: ${(err as Error).message}`)
  }
  const shared: NatsShared = { nc, js: nc.jetstream(), jsm: await nc.jetstreamManager(), replica: o.replica, streamReplicas: o.streamReplicas ?? 1 }
  let kvs: { settings: KV, sequences: KV }
  try {
    kvs = await provision(o, shared)
  } catch (err) {
    await nc.close()
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_NATS_URL', `NATS at \`${o.url}\` cannot hold the switch's state (is JetStream on, \`nats-server -js\`?): ${(err as Error).message}`)
  }
  const q = new JetStreamQueue(o, shared)
  const sequences = new KvSequences(kvs.sequences, onError)
  try {
    // Right after the streams are made, a clustered JetStream may still be electing their leaders.
    await settling(async () => { await sequences.prepare(o.counters) })
    await settling(async () => { await q.refresh() })
  } catch (err) {
    await nc.close()
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_NATS_URL', `NATS at \`${o.url}\` did not answer the switch's first reads: ${(err as Error).message}`)
  }
  let refreshing = false
  const timer = setInterval(() => {
    if (refreshing) return
    refreshing = true
    q.refresh().catch(onError).finally(() => { refreshing = false })
  }, o.refreshMs ?? 1000)
  timer.unref()
  const watchers: Array<{ stop: () => void }> = []
  let closed = false
  return {
    kind: 'nats',
    where: o.url,
    nats: shared,
    queue: q,
    inbox: { list: async (line, max) => await q.list(line, max), ack: async (line, ids) => await q.ack(line, ids), depth: (line) => q.inboxDepth(line) },
    sequences,
    destinations: {
      load: async () => await settling(async () => {
        const out: Record<string, DestinationSettings> = {}
        for await (const k of await kvs.settings.keys()) {
          const e = await kvs.settings.get(k)
          if (e !== null && e.operation === 'PUT') out[k] = e.json<DestinationSettings>()
        }
        return out
      }),
      save: async (state, s) => {
        try {
          await settling(async () => await kvs.settings.put(state, JSON.stringify(s)), 3000)
        } catch (err) {
          throw new NsimError('NSIM_HUB_STORE_UNAVAILABLE', `saving ${state}'s status: ${(err as Error).message}`)
        }
      },
    },
    watchDestinations: async (fn) => {
      const w = await kvs.settings.watch({ include: KvWatchInclude.UpdatesOnly })
      watchers.push(w)
      void (async () => {
        for await (const e of w) {
          if (e.operation !== 'PUT') continue
          try { fn(e.key, e.json<DestinationSettings>()) } catch (err) { onError(err as Error) }
        }
      })().catch(onError)
    },
    close: async () => {
      if (closed) return
      closed = true
      clearInterval(timer)
      for (const w of watchers) w.stop()
      for (const state of o.destinations) await q.release(state)
      await nc.drain().catch(() => undefined)
    },
  }
}
