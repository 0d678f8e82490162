/**
 * @module hub/switch
 * The switch itself, without HTTP: a message from an authenticated line is
 * parsed, validated, checked against the directory (the sending ORI must belong
 * to the line), expanded to destination states, decided per state by that
 * state's policy, delivered, and answered; every (message, destination) pair is
 * audited and counted. Fastify routes are a thin shell around `handle`.
 */
import { type MessageError, messageError } from '../message/er.js'
import type { QueryKey } from '../message/keys.js'
import { LineCounters } from '../message/clock.js'
import { parseJsonMessage } from '../message/json.js'
import { parseLegacy } from '../message/legacy.js'
import { formatEr, SWITCH_ORI } from '../message/reply.js'
import { rewriteKey } from '../message/rules.js'
import type { Message } from '../message/types.js'
import { type DestinationClassifier, fieldMap, makeClassifier, validateMessage } from '../message/validate.js'
import { decideState } from '../policy/evaluate.js'
import type { PolicyStore } from '../policy/store.js'
import type { Decision } from '../policy/types.js'
import type { StateQuery } from '../../simulator/states/types.js'
import type { Audit } from './audit.js'
import { answerReply, deliverOne, type DeliveryContext, type Outcome, type QueuedQuery } from './deliver.js'
import type { Destination } from './destinations.js'
import { redactAnswer } from './redact.js'
import { expandDestinations } from './expand.js'
import type { HubMetrics } from './metrics.js'
import { mergeMultiState } from './msq.js'
import type { RegionTable } from './regions.js'
import type { StoreAndForward } from './store-forward.js'

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
}

export interface SwitchResult {
  readonly id: string
  readonly httpStatus: number
  readonly replies: readonly ReplyOut[]
  readonly decisions: readonly DecisionOut[]
  /** The ER, when the message was refused as a whole. */
  readonly error?: MessageError
}

export interface SwitchOptions {
  readonly msqWindowMs: number
  readonly stateTimeoutMs: number
  /** false: every destination is allowed without consulting policies (benchmarks). */
  readonly filtering: boolean
  readonly timeZone?: string
}

export interface SwitchDeps {
  readonly store: PolicyStore
  readonly shadow?: PolicyStore | undefined
  readonly destinations: ReadonlyMap<string, Destination>
  readonly regions: RegionTable
  readonly queue: StoreAndForward<QueuedQuery, ReplyOut>
  readonly audit: Audit
  readonly metrics?: HubMetrics | undefined
  readonly now?: () => number
}

export type Inbound = { readonly kind: 'text', readonly text: string } | { readonly kind: 'json', readonly body: unknown }

const ALLOW_ALL = (version: string): Decision => ({ effect: 'allow', rule: null, policyVersion: version })

export class Switch {
  readonly deps: SwitchDeps
  readonly options: SwitchOptions
  readonly classify: DestinationClassifier
  readonly counters = new LineCounters()
  readonly #now: () => number
  readonly #serving = new Map<string, readonly string[]>()
  readonly #idBase = Date.now().toString(36)
  readonly #draining = new Map<string, Promise<number>>()
  #seq = 0

  constructor (deps: SwitchDeps, options: SwitchOptions) {
    this.deps = deps
    this.options = options
    this.classify = makeClassifier(deps.regions.keys())
    this.#now = deps.now ?? Date.now
  }

  /** States that serve a (rewritten) key: the NL fan-out list. */
  servingStates (key: string): readonly string[] {
    let s = this.#serving.get(key)
    if (s === undefined) {
      s = [...this.deps.destinations.values()].filter((d) => d.serves(key)).map((d) => d.state)
      this.#serving.set(key, s)
    }
    return s
  }

  /** Forget cached NL fan-out lists (after an operator changes keys or status). */
  forgetServing (): void {
    this.#serving.clear()
  }

  /** Handle one message sent on `line`. Never throws for bad input. */
  async handle (input: Inbound, line: string): Promise<SwitchResult> {
    const receivedAt = this.#now()
    const id = `${this.#idBase}-${(++this.#seq).toString(36)}`
    const raw = input.kind === 'text' ? input.text : JSON.stringify(input.body)
    const parsed = input.kind === 'text' ? parseLegacy(input.text) : parseJsonMessage(input.body)
    if (!parsed.ok) return this.refuse(id, 400, parsed.error, raw, guessOri(raw, line), line, receivedAt)
    const m = parsed.message
    const invalid = validateMessage(m, { classify: this.classify })
    if (invalid !== undefined) return this.refuse(id, 400, invalid, raw, m.ori, line, receivedAt)
    const set = this.deps.store.current
    const agency = set.directory.get(m.ori)
    if (agency === undefined) return this.refuse(id, 403, messageError('.01', `sending ORI \`${m.ori}\` is not in the directory (ORION)`), raw, m.ori, line, receivedAt)
    if (!agency.active) return this.refuse(id, 403, messageError('.01', `sending ORI \`${m.ori}\` is inactive in the directory`), raw, m.ori, line, receivedAt)
    if (agency.line !== line) {
      return this.refuse(id, 403, messageError('.01', `sending ORI \`${m.ori}\` belongs to line ${agency.line}; this connection is line ${line}`), raw, m.ori, line, receivedAt)
    }
    return await this.#route(id, m, line, receivedAt)
  }

  async #route (id: string, m: Message, line: string, receivedAt: number): Promise<SwitchResult> {
    const key = rewriteKey(m.key) as StateQuery['key']
    const fields = fieldMap(m)
    const image = fields.IMQ === 'Y'
    const { states, multiState } = expandDestinations(m.destinations, key, this.deps.regions, this.classify, (k) => this.servingStates(k))
    const set = this.deps.store.current
    const shadowSet = this.deps.shadow?.current
    const inSeq = this.counters.next(`in:${line}`)
    const ctx: DeliveryContext = {
      id, message: m, key, fields, image, line, receivedAt, inSeq,
      timeoutMs: multiState ? this.options.msqWindowMs : this.options.stateTimeoutMs,
      multiState, counters: this.counters, now: this.#now, timeZone: this.options.timeZone,
      queue: this.deps.queue, observeState: this.deps.metrics?.observeState,
    }
    const time = receivedAt
    const one = async (state: string): Promise<Outcome> => {
      const dest = this.deps.destinations.get(state)
      const st = set.states.get(state)
      const req = { ori: m.ori, state, key: key as QueryKey, image, time, ...(fields.RSN ? { reason: fields.RSN } : {}), ...(fields.PUR ? { purpose: fields.PUR } : {}) }
      const decision = !this.options.filtering ? ALLOW_ALL(set.version) : st === undefined ? set.unknownState : decideState(req, st, set)
      let shadow: Decision | undefined
      if (shadowSet !== undefined) {
        const sst = shadowSet.states.get(state)
        shadow = sst === undefined ? shadowSet.unknownState : decideState(req, sst, shadowSet)
        if (shadow.effect !== decision.effect || shadow.rule !== decision.rule) this.deps.metrics?.shadowDisagreement(state)
      }
      this.deps.metrics?.decision(key, state, decision.effect, decision.rule)
      const out = await deliverOne(ctx, state, dest, decision, st?.denialText ?? '')
      this.deps.audit.write({
        kind: 'decision', id, key: m.key, ori: m.ori, line, destination: state, effect: decision.effect, rule: decision.rule,
        policyVersion: decision.policyVersion, replyKey: out.reply.key, status: out.reply.status, latencyMs: this.#now() - receivedAt,
        ...(shadow ? { shadow: { effect: shadow.effect, rule: shadow.rule } } : {}),
      })
      return { ...out, decision }
    }
    // Most messages have one destination: no Promise.all for them.
    const outcomes = states.length === 1 ? [await one(states[0]!)] : await Promise.all(states.map(one))
    const decisions = outcomes.map((o) => ({ destination: o.state, effect: o.decision.effect, rule: o.decision.rule, policyVersion: o.decision.policyVersion }))
    const replies = multiState ? mergeMultiState(ctx, outcomes) : outcomes.map((o) => o.reply)
    this.deps.metrics?.message(m.key, 'ok')
    this.deps.metrics?.observeLatency((this.#now() - receivedAt) / 1000)
    return { id, httpStatus: 200, replies, decisions }
  }

  /** Refuse a whole message with an ER from the switch (bad input, unknown or foreign ORI). */
  refuse (id: string, httpStatus: number, error: MessageError, raw: string, to: string, line: string, receivedAt: number): SwitchResult {
    const sentAt = this.#now()
    const text = formatEr(error, raw, to, {
      receivedAt: new Date(receivedAt), sentAt: new Date(sentAt), inSeq: this.counters.next(`in:${line}`), outSeq: this.counters.next(`out:${line}`),
      ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}),
    })
    this.deps.metrics?.message(raw.slice(0, 3).split('.')[0] || '?', httpStatus === 400 ? 'er' : 'forbidden')
    this.deps.metrics?.er(error.code)
    return { id, httpStatus, error, decisions: [], replies: [{ key: 'ER', from: SWITCH_ORI, to, text, status: 'error' }] }
  }

  /** A fresh message id. */
  nextId (): string {
    return `${this.#idBase}-${(++this.#seq).toString(36)}`
  }

  /** An ER for a caller the hub could not authenticate (no message processing). */
  unauthorized (raw: string, why: string): SwitchResult {
    const id = `${this.#idBase}-${(++this.#seq).toString(36)}`
    const now = this.#now()
    const error = messageError('.01', why)
    const to = guessOri(raw, '')
    const text = formatEr(error, raw, to, { receivedAt: new Date(now), sentAt: new Date(now), inSeq: 0, outSeq: 0, ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}) })
    this.deps.metrics?.message('?', 'unauthorized')
    return { id, httpStatus: 401, error, decisions: [], replies: [{ key: 'ER', from: SWITCH_ORI, to, text, status: 'error' }] }
  }

  /** Deliver what is queued for a state that may be back; returns how many were delivered. */
  async drain (state: string): Promise<number> {
    const dest = this.deps.destinations.get(state)
    if (dest === undefined) return 0
    // One drain per state at a time, so queued queries are delivered in order;
    // a caller arriving during a drain waits for it, then drains what is left.
    const running = this.#draining.get(state)
    if (running !== undefined) await running.catch(() => 0)
    if (this.deps.queue.depth(state) === 0) return 0
    const p = this.#drainQueue(state, dest)
    this.#draining.set(state, p)
    try {
      return await p
    } finally {
      if (this.#draining.get(state) === p) this.#draining.delete(state)
    }
  }

  async #drainQueue (state: string, dest: Destination): Promise<number> {
    const items = this.deps.queue.take(state)
    let delivered = 0
    for (let i = 0; i < items.length; i++) {
      const p = items[i]!
      try {
        const { query: q, redact, control } = p.query
        const answer = await dest.endpoint.query(q)
        const now = this.#now()
        const reply = answerReply(redact.length ? redactAnswer(answer, redact) : answer, q.ori, state, {
          receivedAt: new Date(p.enqueuedAt), sentAt: new Date(now), inSeq: 0, outSeq: this.counters.next(`out:${p.line}`),
          ...(control !== undefined ? { control } : {}), ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}),
        })
        this.deps.queue.deliver(p.line, reply)
        this.deps.audit.write({
          kind: 'delivery', id: q.id, key: q.key, ori: q.ori, line: p.line, destination: state, effect: redact.length ? 'redact' : 'allow', rule: null,
          policyVersion: this.deps.store.current.version, replyKey: answer.replyKey, status: answer.status, latencyMs: now - p.enqueuedAt,
        })
        delivered++
      } catch {
        this.deps.queue.putBack(state, items.slice(i))
        break
      }
    }
    return delivered
  }
}

/** The sending ORI as far as a broken header shows it, for addressing the ER. */
function guessOri (raw: string, fallback: string): string {
  const m = /^[A-Z]{2,3}\.([A-Z]{2}[A-Z0-9]{7})\./.exec(raw) ?? /"OriginatingORIID"\s*:\s*"([A-Z]{2}[A-Z0-9]{7})"/.exec(raw)
  return m?.[1] ?? fallback
}
