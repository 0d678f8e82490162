/**
 * @module hub/console/live
 * The console's live view of the hub's decisions: every decision and delivery
 * record the switch audits, counted per second by requester component and by
 * destination state and effect, with the latest denials and redactions kept by
 * name. One feed per hub; it listens to the audit only while a viewer is
 * connected, and sends one summary a second to each viewer (server-sent
 * events), whatever the rate of traffic.
 */
import type { AuditRecord } from '../audit.js'
import type { AuditTap } from '../audit-tap.js'

/** One second of traffic, as a viewer receives it. */
export interface LiveTick {
  /** Epoch ms at the end of the second. */
  readonly at: number
  /** Decisions in the second (queries a second, one per destination). */
  readonly total: number
  /** Per requester component (`local` for state and local agencies). */
  readonly byComponent: Readonly<Record<string, number>>
  /** Per destination state: how many were allowed, denied, redacted. */
  readonly byState: Readonly<Record<string, { allow: number, deny: number, redact: number }>>
  /** The last denials and redactions, newest last (at most NOTABLE_MAX). */
  readonly notable: ReadonlyArray<{ at: number, ori: string, component: string, state: string, effect: string, rule: string | null, key: string }>
  /** Whether the built-in generator runs, and at what rate. */
  readonly generator: { running: boolean, rate: number, sent: number, dropped: number }
}

export const NOTABLE_MAX = 12

export class LiveFeed {
  readonly #tap: AuditTap
  readonly #componentOf: (ori: string) => string
  readonly #generator: () => { running: boolean, rate: number, sent: number, dropped: number }
  readonly #viewers = new Set<(t: LiveTick) => void>()
  #stopListening: (() => void) | undefined
  #timer: NodeJS.Timeout | undefined
  #total = 0
  #byComponent: Record<string, number> = {}
  #byState: Record<string, { allow: number, deny: number, redact: number }> = {}
  readonly #notable: Array<LiveTick['notable'][number]> = []

  constructor (tap: AuditTap, componentOf: (ori: string) => string, generator: () => { running: boolean, rate: number, sent: number, dropped: number }) {
    this.#tap = tap
    this.#componentOf = componentOf
    this.#generator = generator
  }

  get viewers (): number {
    return this.#viewers.size
  }

  /** Count one audit record (decisions and deliveries; refusals are not decisions). */
  record (r: AuditRecord): void {
    if (r.kind === 'refusal') return
    this.#total++
    const component = this.#componentOf(r.ori)
    this.#byComponent[component] = (this.#byComponent[component] ?? 0) + 1
    const s = (this.#byState[r.destination] ??= { allow: 0, deny: 0, redact: 0 })
    if (r.effect === 'allow' || r.effect === 'deny' || r.effect === 'redact') s[r.effect]++
    if (r.effect !== 'allow') {
      this.#notable.push({ at: Date.now(), ori: r.ori, component, state: r.destination, effect: r.effect, rule: r.rule, key: r.key })
      if (this.#notable.length > NOTABLE_MAX) this.#notable.shift()
    }
  }

  /** The second so far as a tick, and start the next one. */
  tick (): LiveTick {
    const t: LiveTick = {
      at: Date.now(), total: this.#total, byComponent: this.#byComponent, byState: this.#byState, notable: [...this.#notable], generator: this.#generator(),
    }
    this.#total = 0
    this.#byComponent = {}
    this.#byState = {}
    return t
  }

  /** Add a viewer: `send` gets a tick every `everyMs`; returns the function that removes it. */
  watch (send: (t: LiveTick) => void, everyMs = 1000): () => void {
    this.#viewers.add(send)
    if (this.#stopListening === undefined) {
      this.#stopListening = this.#tap.listen((r) => { this.record(r) })
      this.#timer = setInterval(() => {
        const t = this.tick()
        for (const v of this.#viewers) v(t)
      }, everyMs)
      this.#timer.unref()
    }
    return () => {
      this.#viewers.delete(send)
      if (this.#viewers.size === 0) this.stop()
    }
  }

  /** Stop listening and counting (the last viewer left, or the hub closes). */
  stop (): void {
    this.#viewers.clear()
    this.#stopListening?.()
    this.#stopListening = undefined
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    this.tick()
  }
}
