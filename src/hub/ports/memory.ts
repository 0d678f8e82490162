/**
 * @module hub/ports/memory
 * The switch's state in memory: for tests and `--ephemeral` runs. Same bounds
 * and semantics as the durable store; nothing survives the process.
 */
import { LineCounters } from '../../message/clock.js'
import type {
  Bounds, DestinationSettings, EnqueueResult, Inbox, InboxReply, Queued, QueuedQuery, StoreAndForward, SwitchState,
} from './state.js'

class MemoryQueue implements StoreAndForward, Inbox {
  readonly #bounds: Bounds
  /** Per destination, queued queries by seq (a Map keeps them in the order queued; removal is O(1)). */
  readonly #queues = new Map<string, Map<number, Queued>>()
  readonly #inboxes = new Map<string, Map<string, InboxReply>>()
  /** Per line: replies waiting plus queries queued (the inbox room they hold). */
  readonly #reserved = new Map<string, number>()
  #seq = 0

  constructor (bounds: Bounds) {
    this.#bounds = bounds
  }

  async enqueue (q: QueuedQuery): Promise<EnqueueResult> {
    let queue = this.#queues.get(q.state)
    if ((queue?.size ?? 0) >= this.#bounds.queueMax) return 'queue-full'
    const reserved = this.#reserved.get(q.line) ?? 0
    if (reserved >= this.#bounds.inboxMax) return 'inbox-full'
    if (queue === undefined) { queue = new Map(); this.#queues.set(q.state, queue) }
    const seq = ++this.#seq
    queue.set(seq, { ...q, seq })
    this.#reserved.set(q.line, reserved + 1)
    return 'queued'
  }

  async peek (state: string, max: number): Promise<Queued[]> {
    const out: Queued[] = []
    for (const q of this.#queues.get(state)?.values() ?? []) {
      if (out.length >= max) break
      out.push(q)
    }
    return out
  }

  async forward (done: ReadonlyArray<{ readonly item: Queued, readonly reply: InboxReply }>): Promise<void> {
    for (const { item, reply } of done) {
      const queue = this.#queues.get(item.state)
      if (queue === undefined || !queue.delete(item.seq)) continue
      if (queue.size === 0) this.#queues.delete(item.state)
      let box = this.#inboxes.get(item.line)
      if (box === undefined) { box = new Map(); this.#inboxes.set(item.line, box) }
      box.set(reply.id, reply)
    }
  }

  depth (state: string): number {
    return this.#queues.get(state)?.size ?? 0
  }

  depths (): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [s, q] of this.#queues) out[s] = q.size
    return out
  }

  async list (line: string, max: number): Promise<InboxReply[]> {
    const box = this.#inboxes.get(line)
    if (box === undefined) return []
    const out: InboxReply[] = []
    for (const r of box.values()) {
      if (out.length >= max) break
      out.push(r)
    }
    return out
  }

  async ack (line: string, ids: readonly string[]): Promise<number> {
    const box = this.#inboxes.get(line)
    if (box === undefined) return 0
    let n = 0
    for (const id of ids) if (box.delete(id)) n++
    if (box.size === 0) this.#inboxes.delete(line)
    this.#reserved.set(line, (this.#reserved.get(line) ?? 0) - n)
    return n
  }

  inboxDepth (line: string): number {
    return this.#inboxes.get(line)?.size ?? 0
  }
}

/** Every port in memory. */
export function memoryState (bounds: Bounds): SwitchState {
  const q = new MemoryQueue(bounds)
  const settings = new Map<string, DestinationSettings>()
  return {
    kind: 'memory',
    where: 'memory',
    queue: q,
    inbox: { list: async (line, max) => await q.list(line, max), ack: async (line, ids) => await q.ack(line, ids), depth: (line) => q.inboxDepth(line) },
    sequences: new LineCounters(),
    destinations: {
      load: async () => Object.fromEntries(settings),
      save: async (state, s) => { settings.set(state, s) },
    },
    close: async () => {},
  }
}
