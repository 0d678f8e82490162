/**
 * @module hub/metrics
 * Prometheus metrics (prom-client) on a registry of the hub's own, so several
 * hubs can live in one process (tests, benchmarks). The per-message counters
 * are tallied in plain maps and handed to prom-client when it collects (on a
 * scrape): prom-client hashes and validates the labels on every `inc`, even
 * through a child from `labels()`, which cost several microseconds a message.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface HubMetrics {
  readonly registry: Registry
  /** Count one (message, destination) decision. */
  decision: (key: string, destination: string, effect: string, rule: string | null) => void
  /** Count a message by key and outcome (`ok`, `er`, `unauthorized`, `forbidden`). */
  message: (key: string, outcome: string) => void
  er: (code: string) => void
  /** The shadow set would answer differently (another effect or other redacted fields). */
  shadowDisagreement: (destination: string) => void
  /** The shadow set decides the same by another rule. */
  shadowRuleOnly: (destination: string) => void
  /** Seconds the switch took for a message, from receipt to reply. */
  observeLatency: (seconds: number) => void
  /** Seconds a state endpoint took to answer (HTTP states and states with simulated latency). */
  observeState: (state: string, seconds: number) => void
  /** A query for a state out of service that could not be stored (SM .04): queue or inbox at its bound, or the store failed. */
  notStored: (state: string, why: 'queue-full' | 'inbox-full' | 'failed') => void
}

export interface GaugeSources {
  queueDepths: () => Record<string, number>
  stateStatus: () => Record<string, string>
  policyVersion: () => string
}

export function createMetrics (sources: GaugeSources, opts: { defaultMetrics?: boolean } = {}): HubMetrics {
  const registry = new Registry()
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry })
  const decisionTally = new Tally()
  const messageTally = new Tally()
  void new Counter({
    name: 'nsim_decisions_total', help: 'Policy decisions by message key, destination state, effect and rule',
    labelNames: ['key', 'destination', 'effect', 'rule'] as const, registers: [registry],
    collect () { decisionTally.copyTo(this) },
  })
  void new Counter({
    name: 'nsim_messages_total', help: 'Messages received, by key and outcome', labelNames: ['key', 'outcome'] as const, registers: [registry],
    collect () { messageTally.copyTo(this) },
  })
  const ers = new Counter({ name: 'nsim_er_total', help: 'ER error replies by Nlets code', labelNames: ['code'] as const, registers: [registry] })
  const shadow = new Counter({
    name: 'nsim_shadow_disagreements_total', help: 'Decisions where the shadow policy would answer differently (another effect or other redacted fields)',
    labelNames: ['destination'] as const, registers: [registry],
  })
  const shadowRule = new Counter({
    name: 'nsim_shadow_rule_only_total', help: 'Decisions the shadow policy makes the same by another rule',
    labelNames: ['destination'] as const, registers: [registry],
  })
  const notStored = new Counter({
    name: 'nsim_not_stored_total', help: 'Queries for a state out of service answered SM .04 instead of being stored, by state and why',
    labelNames: ['state', 'why'] as const, registers: [registry],
  })
  const latencies = new PendingObservations(() => { latencies.observeInto(latency) })
  const latency = new Histogram({
    name: 'nsim_message_duration_seconds', help: 'Time from receipt of a message to its reply',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
    collect () { latencies.observeInto(this) },
  })
  const stateLatency = new Histogram({
    name: 'nsim_state_duration_seconds', help: 'Time a state endpoint took to answer (states over HTTP or with simulated latency; an in-process state without latency answers at once and is not timed)',
    labelNames: ['state'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
  })
  // Gauges computed on scrape: registered with the registry, nothing to keep.
  const gauges = [new Gauge({
    name: 'nsim_queue_depth', help: 'Messages held for an out-of-service state (store-and-forward)', labelNames: ['state'] as const,
    registers: [registry],
    collect () { this.reset(); for (const [s, n] of Object.entries(sources.queueDepths())) this.set({ state: s }, n) },
  }), new Gauge({
    name: 'nsim_state_status', help: 'State endpoint status (1 for the current status)', labelNames: ['state', 'status'] as const,
    registers: [registry],
    collect () { this.reset(); for (const [s, st] of Object.entries(sources.stateStatus())) this.set({ state: s, status: st }, 1) },
  }), new Gauge({
    name: 'nsim_policy_info', help: 'The policy version in force (value 1)', labelNames: ['version'] as const,
    registers: [registry],
    collect () { this.reset(); this.set({ version: sources.policyVersion() }, 1) },
  })]
  void gauges
  return {
    registry,
    decision (key, destination, effect, rule) {
      const id = `${key}|${destination}|${effect}|${rule ?? ''}`
      if (!decisionTally.inc(id)) decisionTally.add(id, { key, destination, effect, rule: rule ?? '(default)' })
    },
    message (key, outcome) {
      const id = `${key}|${outcome}`
      if (!messageTally.inc(id)) messageTally.add(id, { key, outcome })
    },
    er: (code) => { ers.inc({ code }) },
    shadowDisagreement: (destination) => { shadow.inc({ destination }) },
    shadowRuleOnly: (destination) => { shadowRule.inc({ destination }) },
    observeLatency: (s) => { latencies.add(s) },
    // Only states that take time are timed (rare next to the counters above): no tally needed.
    observeState: (state, s) => { stateLatency.observe({ state }, s) },
    notStored: (state, why) => { notStored.inc({ state, why }) },
  }
}

/** Counts per label tuple, kept in a map and copied into a prom-client counter when it collects. */
class Tally {
  readonly #counts = new Map<string, { readonly labels: Record<string, string>, n: number }>()

  /** Count one more for `id`; false when `id` is new (then call `add`). */
  inc (id: string): boolean {
    const e = this.#counts.get(id)
    if (e === undefined) return false
    e.n++
    return true
  }

  /** A new label tuple, counted once. */
  add (id: string, labels: Record<string, string>): void {
    this.#counts.set(id, { labels, n: 1 })
  }

  copyTo (c: Counter<string>): void {
    c.reset()
    for (const { labels, n } of this.#counts.values()) c.inc(labels, n)
  }
}

/**
 * Observations kept in a typed array and handed to a prom-client histogram in
 * one go, when it collects or when the array is full: observing one at a time
 * costs a hash of the (empty) label set and an object each time.
 */
export class PendingObservations {
  readonly #values = new Float64Array(4096)
  #n = 0
  /** Called when the array is full (the owner observes them then). */
  readonly #onFull: () => void

  constructor (onFull: () => void) {
    this.#onFull = onFull
  }

  add (v: number): void {
    this.#values[this.#n++] = v
    if (this.#n === this.#values.length) this.#onFull()
  }

  observeInto (h: { observe: (v: number) => void }): void {
    const n = this.#n
    this.#n = 0
    for (let i = 0; i < n; i++) h.observe(this.#values[i]!)
  }
}
