/**
 * @module hub/store-forward
 * Store-and-forward (SM .02): queries for a state that is out of service are
 * kept, in order, and delivered when it comes back; the replies then wait in the
 * requesting line's inbox. Bounded per state: past the bound the switch stops
 * accepting for that state (SM .04) rather than lose queued messages silently.
 */

export interface Pending<Q> {
  readonly enqueuedAt: number
  readonly line: string
  readonly query: Q
}

export class StoreAndForward<Q, R> {
  readonly maxPerState: number
  readonly #queues = new Map<string, Array<Pending<Q>>>()
  readonly #inboxes = new Map<string, R[]>()
  #queuedTotal = 0
  #deliveredTotal = 0

  constructor (maxPerState = 100_000) {
    this.maxPerState = maxPerState
  }

  /** Queue a query; false when the state's queue is full. */
  enqueue (state: string, p: Pending<Q>): boolean {
    let q = this.#queues.get(state)
    if (q === undefined) { q = []; this.#queues.set(state, q) }
    if (q.length >= this.maxPerState) return false
    q.push(p)
    this.#queuedTotal++
    return true
  }

  depth (state: string): number { return this.#queues.get(state)?.length ?? 0 }

  depths (): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [s, q] of this.#queues) if (q.length > 0) out[s] = q.length
    return out
  }

  /** Take the whole queue of a state, oldest first, to deliver it. */
  take (state: string): Array<Pending<Q>> {
    const q = this.#queues.get(state) ?? []
    this.#queues.delete(state)
    return q
  }

  /** Put back what could not be delivered, ahead of anything queued meanwhile. */
  putBack (state: string, items: Array<Pending<Q>>): void {
    if (items.length === 0) return
    const q = this.#queues.get(state) ?? []
    this.#queues.set(state, [...items, ...q])
  }

  deliver (line: string, reply: R): void {
    let box = this.#inboxes.get(line)
    if (box === undefined) { box = []; this.#inboxes.set(line, box) }
    box.push(reply)
    this.#deliveredTotal++
  }

  /** Take up to `max` replies waiting for a line, oldest first. */
  inbox (line: string, max = 1000): R[] {
    const box = this.#inboxes.get(line)
    if (box === undefined) return []
    const out = box.splice(0, max)
    if (box.length === 0) this.#inboxes.delete(line)
    return out
  }

  get stats (): { queued: number, delivered: number, waiting: number } {
    let waiting = 0
    for (const q of this.#queues.values()) waiting += q.length
    return { queued: this.#queuedTotal, delivered: this.#deliveredTotal, waiting }
  }
}
