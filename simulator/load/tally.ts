/**
 * @module simulator/load/tally
 * What a load run counts, from the hub's replies rather than HTTP status alone:
 * per destination decisions (allow, deny, redact) from `decisions`, replies by
 * key and status, ER and SM by code, queued (store-and-forward) replies,
 * timeouts, connection errors and HTTP status; by state, requester component,
 * key and message kind; latency from the planned instant and from the send,
 * and a per-second series for the page.
 */
import { Latency, type Percentiles } from './histogram.js'
import type { LoadMessage, MessageKind } from './messages.js'

export type Effect = 'allow' | 'deny' | 'redact'

/** What one answered request said, parsed from the hub's JSON reply. */
export interface Outcome {
  readonly status: number
  readonly decisions: ReadonlyArray<{ destination: string, effect: string }>
  readonly replies: ReadonlyArray<{ key: string, status: string, state?: string, code?: string }>
}

/** Parse a hub reply body; a body that is not the hub's JSON gives no decisions and no replies. */
export function parseOutcome (status: number, body: string): Outcome {
  let j: { decisions?: unknown, replies?: unknown }
  try { j = JSON.parse(body) as typeof j } catch { return { status, decisions: [], replies: [] } }
  const decisions = Array.isArray(j.decisions) ? j.decisions as Outcome['decisions'] : []
  const replies: Array<Outcome['replies'][number]> = []
  if (Array.isArray(j.replies)) {
    for (const r of j.replies as Array<{ key?: unknown, status?: unknown, state?: unknown, text?: unknown }>) {
      const key = String(r.key)
      const code = key === 'ER' || key === 'SM' ? codeOf(String(r.text ?? '')) : undefined
      replies.push({ key, status: String(r.status), ...(typeof r.state === 'string' ? { state: r.state } : {}), ...(code !== undefined ? { code } : {}) })
    }
  }
  return { status, decisions, replies }
}

/** The Nlets code of an ER or SM text: the first word after `TXT` (`.14.` -> `.14`). */
export function codeOf (text: string): string {
  const m = /\nTXT\n(\S+)/.exec(text)
  return m === null ? 'unknown' : m[1]!.replace(/\.$/, '')
}

export interface Mix { allow: number, deny: number, redact: number }
export interface StateCounts extends Mix { queued: number }
export interface GroupCounts extends Mix { sent: number, completed: number, errors: number }
export interface Errors { total: number, timeout: number, connection: number, http5xx: number, http4xx: number }
/** Injected messages: sent, and how the hub answered them (a 4xx ER is what they are for). */
export interface KindCounts { sent: number, rejected: number, accepted: number, failed: number }

export interface SecondCounts extends Mix {
  /** Seconds since the start (completion time). */
  t: number
  completed: number
  errors: number
  p50: number
  p99: number
  max: number
}

export interface TallyJson {
  readonly sent: number
  readonly completed: number
  readonly latencyMs: Percentiles
  readonly latencyFromSendMs: Percentiles
  readonly latencyBuckets: number[]
  readonly errors: Errors
  readonly http: Record<string, number>
  readonly decisions: Mix
  readonly replies: Record<string, Record<string, number>>
  readonly er: Record<string, number>
  readonly sm: Record<string, number>
  readonly queued: number
  readonly byState: Record<string, StateCounts>
  readonly byComponent: Record<string, GroupCounts>
  readonly byKey: Record<string, GroupCounts>
  readonly injected: Record<'invalid' | 'spoof', KindCounts>
  /** Bytes received (heads included), and model messages answered 200 without any decision. */
  readonly bytes: number
  readonly noDecisions: number
}

const group = (): GroupCounts => ({ sent: 0, completed: 0, errors: 0, allow: 0, deny: 0, redact: 0 })
const inc = (o: Record<string, number>, k: string): void => { o[k] = (o[k] ?? 0) + 1 }

export class Tally {
  sent = 0
  completed = 0
  readonly latency = new Latency()
  readonly fromSend = new Latency()
  readonly errors: Errors = { total: 0, timeout: 0, connection: 0, http5xx: 0, http4xx: 0 }
  readonly http: Record<string, number> = {}
  readonly decisions: Mix = { allow: 0, deny: 0, redact: 0 }
  readonly replies: Record<string, Record<string, number>> = {}
  readonly er: Record<string, number> = {}
  readonly sm: Record<string, number> = {}
  queued = 0
  bytes = 0
  noDecisions = 0
  readonly byState: Record<string, StateCounts> = {}
  readonly byComponent: Record<string, GroupCounts> = {}
  readonly byKey: Record<string, GroupCounts> = {}
  readonly injected: Record<'invalid' | 'spoof', KindCounts> = { invalid: { sent: 0, rejected: 0, accepted: 0, failed: 0 }, spoof: { sent: 0, rejected: 0, accepted: 0, failed: 0 } }

  #groups (m: LoadMessage): [GroupCounts, GroupCounts] {
    return [this.byComponent[m.component] ??= group(), this.byKey[m.key] ??= group()]
  }

  onSent (m: LoadMessage): void {
    this.sent++
    if (m.kind !== 'model') { this.injected[m.kind].sent++; return }
    for (const g of this.#groups(m)) g.sent++
  }

  onAnswer (m: LoadMessage, o: Outcome, fromPlannedMs: number, fromSendMs: number): void {
    this.completed++
    this.latency.record(fromPlannedMs)
    this.fromSend.record(fromSendMs)
    inc(this.http, String(o.status))
    for (const r of o.replies) {
      inc(this.replies[r.key] ??= {}, r.status)
      if (r.key === 'ER' && r.code !== undefined) inc(this.er, r.code)
      if (r.key === 'SM' && r.code !== undefined) inc(this.sm, r.code)
      if (r.status === 'queued') {
        this.queued++
        if (r.state !== undefined) (this.byState[r.state] ??= { allow: 0, deny: 0, redact: 0, queued: 0 }).queued++
      }
    }
    if (m.kind !== 'model') {
      this.injected[m.kind][o.status >= 400 && o.status < 500 ? 'rejected' : o.status < 300 ? 'accepted' : 'failed']++
      if (o.status >= 500) { this.errors.http5xx++; this.errors.total++ }
      return
    }
    const groups = this.#groups(m)
    for (const g of groups) g.completed++
    if (o.status === 200 && o.decisions.length === 0) this.noDecisions++
    if (o.status >= 400) {
      if (o.status >= 500) this.errors.http5xx++
      else this.errors.http4xx++
      this.errors.total++
      for (const g of groups) g.errors++
    }
    for (const d of o.decisions) {
      const e = d.effect
      if (e !== 'allow' && e !== 'deny' && e !== 'redact') continue
      this.decisions[e]++
      ;(this.byState[d.destination] ??= { allow: 0, deny: 0, redact: 0, queued: 0 })[e]++
      for (const g of groups) g[e]++
    }
  }

  onFailure (m: LoadMessage, kind: 'timeout' | 'connection'): void {
    this.errors[kind]++
    this.errors.total++
    if (m.kind !== 'model') { this.injected[m.kind].failed++; return }
    for (const g of this.#groups(m)) g.errors++
  }

  toJSON (): TallyJson {
    return {
      sent: this.sent, completed: this.completed, latencyMs: this.latency.percentiles(), latencyFromSendMs: this.fromSend.percentiles(),
      latencyBuckets: [...this.latency.buckets], errors: { ...this.errors }, http: this.http, decisions: { ...this.decisions }, replies: this.replies,
      er: this.er, sm: this.sm, queued: this.queued, byState: sortKeys(this.byState), byComponent: sortKeys(this.byComponent), byKey: sortKeys(this.byKey), injected: this.injected, bytes: this.bytes, noDecisions: this.noDecisions,
    }
  }
}

export function sortKeys<T> (o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
}

/** Per-second counts by completion time: one open second at a time. */
export class Series {
  readonly seconds: SecondCounts[] = []
  #cur: SecondCounts = Series.#empty(0)
  readonly #lat = new Latency()

  static #empty (t: number): SecondCounts { return { t, completed: 0, errors: 0, allow: 0, deny: 0, redact: 0, p50: 0, p99: 0, max: 0 } }

  #at (t: number): SecondCounts {
    while (t > this.#cur.t) this.#close()
    return this.#cur
  }

  #close (): void {
    const c = this.#cur
    c.p50 = this.#lat.at(50)
    c.p99 = this.#lat.at(99)
    c.max = this.#lat.at(100)
    this.seconds.push(c)
    this.#lat.reset()
    this.#cur = Series.#empty(c.t + 1)
  }

  /** One answer (`o`) or failure (undefined) at second `t`; `error` as the tally counted it. */
  answer (t: number, o: Outcome | undefined, ms: number, error: boolean): void {
    const c = this.#at(t)
    c.completed++
    if (o !== undefined) this.#lat.record(ms)
    if (error) c.errors++
    if (o !== undefined) for (const d of o.decisions) if (d.effect === 'allow' || d.effect === 'deny' || d.effect === 'redact') c[d.effect]++
  }

  /** Close the open second (end of run). */
  finish (t: number): SecondCounts[] {
    this.#at(t)
    this.#close()
    return this.seconds
  }
}

export type { MessageKind }
