/**
 * @module hub/switch
 * The switch itself, without HTTP: a message from an authenticated line is
 * parsed, validated, checked against the directory (the sending ORI must belong
 * to the line), expanded to destination states, decided per state by that
 * state's policy, delivered, and answered; every (message, destination) pair is
 * audited and counted, and so is every refused message. A query for a state
 * out of service is queued (SM .02) and forwarded when the state is back,
 * decided again then (`forward.ts`). The switch's state lives behind ports
 * (`ports/`); Fastify routes are a thin shell around `handle`.
 */
import { format } from '../errors.js'
import { type MessageError, messageError } from '../message/er.js'
import { isQueryKey } from '../message/keys.js'
import { parseJsonMessage } from '../message/json.js'
import { parseLegacy } from '../message/legacy.js'
import { formatEr, formatReply, replyOri, SWITCH_ORI } from '../message/reply.js'
import { rewriteKey } from '../message/rules.js'
import type { Message } from '../message/types.js'
import { type DestinationClassifier, fieldMap, makeClassifier, validateMessage } from '../message/validate.js'
import { decideState } from '../policy/evaluate.js'
import type { PolicyStore } from '../policy/store.js'
import type { CompiledPolicySet } from '../policy/compile.js'
import { explain } from '../policy/explain.js'
import { explanationJson, explanationText } from '../policy/explain-format.js'
import type { Decision, PolicyRequest } from '../policy/types.js'
import { type Audit, auditedDecision, decisionRecord, REFUSAL_REASON_CHARS } from './audit.js'
import { deliver, type DeliveryEnv, type Leg, notAnswering, statusReply } from './deliver.js'
import type { Destination } from './destinations.js'
import { expandDestinations } from './expand.js'
import { drainQueue } from './forward.js'
import type { HubMetrics } from './metrics.js'
import { mergeMultiState } from './msq.js'
import type { StateKey } from './ports/endpoint.js'
import type { SwitchState } from './ports/state.js'
import type { TraceSink } from './trace-sink.js'
import type { RegionTable } from './regions.js'
import { type DecisionOut, type Outcome, type ReplyOut, stamp, type SwitchResult } from './replies.js'

export type { DecisionOut, ReplyOut, SwitchResult } from './replies.js'

export interface SwitchOptions {
  readonly msqWindowMs: number
  readonly stateTimeoutMs: number
  /** false: every destination is allowed without consulting policies (benchmarks). */
  readonly filtering: boolean
  readonly timeZone?: string
  /** Milliseconds a store-and-forward drain keeps the event loop before giving way (default DRAIN_SLICE_MS). */
  readonly drainSliceMs?: number
  /** Hub replica name, part of every message id, so ids stay unique across replicas sharing a store. */
  readonly replica?: string
}

export interface SwitchDeps {
  readonly store: PolicyStore
  readonly shadow?: PolicyStore | undefined
  readonly destinations: ReadonlyMap<string, Destination>
  readonly regions: RegionTable
  /** Queue, inboxes, sequence counters, destination settings. */
  readonly state: SwitchState
  readonly audit: Audit
  readonly metrics?: HubMetrics | undefined
  readonly now?: () => number
}

export interface HandleOptions {
  /** Add each destination's shadow decision to the result's decisions (when a shadow set runs). */
  readonly withShadow?: boolean
  /** Add each destination's rule-by-rule explanation (as `policy explain` gives it) to the decisions. */
  readonly explain?: boolean
  /** Told what the switch does with the message, step by step (`?trace=1`, the training console). */
  readonly trace?: TraceSink | undefined
}

/** The engine's request for one destination of a message. */
function policyRequest (state: string, input: DecisionInput): PolicyRequest {
  const req: { -readonly [K in keyof PolicyRequest]: PolicyRequest[K] } = { ori: input.ori, state, key: input.key, image: input.image, time: input.time }
  if (input.fields.RSN) req.reason = input.fields.RSN
  if (input.fields.PUR) req.purpose = input.fields.PUR
  return req
}

/** One destination's decision as the sender gets it; the shadow's and the explanation only when asked for. */
function decisionOut (o: Outcome, opts: HandleOptions, input: DecisionInput, set: CompiledPolicySet): DecisionOut {
  const d = o.decision
  let out: DecisionOut = d.redact === undefined
    ? { destination: o.state, effect: d.effect, rule: d.rule, policyVersion: d.policyVersion }
    : { destination: o.state, effect: d.effect, rule: d.rule, policyVersion: d.policyVersion, redact: d.redact }
  if (opts.withShadow === true && o.shadow !== undefined) out = { ...out, shadow: auditedDecision(o.shadow) }
  if (opts.explain === true) {
    const e = explain(policyRequest(o.state, input), set)
    out = { ...out, explanation: { text: explanationText(e), json: explanationJson(e) } }
  }
  return out
}

/** The key a raw message starts with, for refusals: a query key, else null (so metric labels stay a fixed set). */
function sentKeyOf (raw: string): string | null {
  const key = /^[A-Z]{2,4}(?=\.)/.exec(raw)?.[0]
  return key !== undefined && isQueryKey(key) ? key : null
}

/** A message as received: legacy text, or a parsed JSON body with its text (`raw`, quoted by an ER). */
export type Inbound = { readonly kind: 'text', readonly text: string } | { readonly kind: 'json', readonly body: unknown, readonly raw?: string }

const ALLOW_ALL = (version: string): Decision => ({ effect: 'allow', rule: null, policyVersion: version })

/** A message's decision inputs for one destination. */
export interface DecisionInput {
  readonly ori: string
  readonly key: StateKey
  readonly image: boolean
  readonly fields: Readonly<Record<string, string>>
  readonly time: number
}

export class Switch implements DeliveryEnv {
  readonly deps: SwitchDeps
  readonly options: SwitchOptions
  readonly classify: DestinationClassifier
  readonly now: () => number
  readonly timeZone: string | undefined
  readonly observeState: ((state: string, seconds: number) => void) | undefined
  readonly #serving = new Map<string, readonly string[]>()
  readonly #idBase: string
  readonly #draining = new Map<string, Promise<number>>()
  #seq = 0
  #stopping = false
  #shadow: PolicyStore | undefined

  constructor (deps: SwitchDeps, options: SwitchOptions) {
    this.deps = deps
    this.options = options
    this.classify = makeClassifier(deps.regions.keys())
    this.now = deps.now ?? Date.now
    this.timeZone = options.timeZone
    this.observeState = deps.metrics?.observeState
    this.#shadow = deps.shadow
    this.#idBase = options.replica === undefined ? Date.now().toString(36) : `${Date.now().toString(36)}-${options.replica}`
  }

  /** The candidate set evaluated beside the live one, never enforced (none: undefined). */
  get shadow (): PolicyStore | undefined {
    return this.#shadow
  }

  /** Start, replace or stop shadow evaluation (a shadow reload with another folder). */
  setShadow (store: PolicyStore | undefined): void {
    this.#shadow = store
  }

  get sequences (): SwitchState['sequences'] {
    return this.deps.state.sequences
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

  /** A fresh message id (unique across restarts: the base is the start time). */
  nextId (): string {
    return `${this.#idBase}-${(++this.#seq).toString(36)}`
  }

  /** Handle one message sent on `line`. Never throws for bad input. */
  async handle (input: Inbound, line: string, opts: HandleOptions = {}): Promise<SwitchResult> {
    const receivedAt = this.now()
    const id = this.nextId()
    const raw = input.kind === 'text' ? input.text : input.raw ?? safeStringify(input.body)
    const parsed = input.kind === 'text' ? parseLegacy(input.text) : parseJsonMessage(input.body)
    if (!parsed.ok) return this.refuse(id, 400, parsed.error, raw, guessOri(raw, line), line, receivedAt)
    const m = parsed.message
    opts.trace?.parsed(m)
    const invalid = validateMessage(m, { classify: this.classify })
    if (invalid !== undefined) return this.refuse(id, 400, invalid, raw, m.ori, line, receivedAt)
    const set = this.deps.store.current
    const agency = set.directory.get(m.ori)
    if (agency === undefined) return this.refuse(id, 403, messageError('.01', `sending ORI \`${m.ori}\` is not in the directory (ORION)`), raw, m.ori, line, receivedAt)
    if (!agency.active) return this.refuse(id, 403, messageError('.01', `sending ORI \`${m.ori}\` is inactive in the directory`), raw, m.ori, line, receivedAt)
    if (agency.line !== line) {
      return this.refuse(id, 403, messageError('.01', `sending ORI \`${m.ori}\` belongs to line ${agency.line}; this connection is line ${line}`), raw, m.ori, line, receivedAt)
    }
    return await this.#route(id, m, line, receivedAt, opts)
  }

  /** The live decision for one destination (allow-all with filtering off), and the shadow's when a shadow set runs. */
  decide (state: string, input: DecisionInput): { decision: Decision, shadow?: Decision | undefined, denialText: string } {
    const set = this.deps.store.current
    const st = set.states.get(state)
    const req = policyRequest(state, input)
    const decision = !this.options.filtering ? ALLOW_ALL(set.version) : st === undefined ? set.unknownState : decideState(req, st, set)
    const shadowSet = this.#shadow?.current
    let shadow: Decision | undefined
    if (shadowSet !== undefined) {
      const sst = shadowSet.states.get(state)
      shadow = sst === undefined ? shadowSet.unknownState : decideState(req, sst, shadowSet)
      // A disagreement is a different effect or different redacted fields; a different rule alone is counted apart.
      if (disagrees(decision, shadow)) this.deps.metrics?.shadowDisagreement(state)
      else if (shadow.rule !== decision.rule) this.deps.metrics?.shadowRuleOnly(state)
    }
    this.deps.metrics?.decision(input.key, state, decision.effect, decision.rule)
    return { decision, shadow, denialText: st?.denialText ?? '' }
  }

  async #route (id: string, m: Message, line: string, receivedAt: number, opts: HandleOptions): Promise<SwitchResult> {
    const key = rewriteKey(m.key) as StateKey
    const fields = fieldMap(m)
    const image = fields.IMQ === 'Y'
    const { states, multiState } = expandDestinations(m.destinations, key, this.deps.regions, this.classify, (k) => this.servingStates(k))
    opts.trace?.expanded(key, states, multiState)
    const leg: Leg = {
      messageId: id, ori: m.ori, key, fields, image, line, receivedAt, inSeq: this.sequences.next(`in:${line}`),
      timeoutMs: multiState ? this.options.msqWindowMs : this.options.stateTimeoutMs, control: m.control,
    }
    const input: DecisionInput = { ori: m.ori, key, image, fields, time: receivedAt }
    const one = async (state: string): Promise<Outcome> => {
      const dest = this.deps.destinations.get(state)
      const { decision, shadow, denialText } = this.decide(state, input)
      const d = await deliver(this, leg, state, dest, decision, denialText)
      let reply: ReplyOut
      if (d.unavailable === undefined) reply = d.reply
      else if (multiState) reply = notAnswering(this, leg, state, d.unavailable)
      else reply = await this.#enqueue(leg, m.key, state, decision)
      opts.trace?.replied(state, reply, dest?.transport, d.unavailable?.message)
      this.deps.audit.write(decisionRecord({
        kind: 'decision', id, key: m.key, ori: m.ori, line, destination: state, replyKey: reply.key, status: reply.status, latencyMs: this.now() - receivedAt,
      }, decision, shadow, input))
      return { state, reply, decision, body: d.body, shadow }
    }
    // Most messages have one destination: no Promise.all for them.
    const outcomes = states.length === 1 ? [await one(states[0]!)] : await Promise.all(states.map(one))
    const set = this.deps.store.current
    const decisions = outcomes.map((o) => decisionOut(o, opts, input, set))
    const replies = multiState ? mergeMultiState(this, leg, outcomes) : outcomes.map((o) => o.reply)
    this.deps.metrics?.message(m.key, 'ok')
    this.deps.metrics?.observeLatency((this.now() - receivedAt) / 1000)
    return { id, httpStatus: 200, replies, decisions }
  }

  /** Keep a query for a state out of service: SM .02 (will forward), or SM .04 (not stored) at a bound or on a store failure. */
  async #enqueue (leg: Leg, sentKey: string, state: string, decision: Decision): Promise<ReplyOut> {
    let r: Awaited<ReturnType<SwitchState['queue']['enqueue']>> | 'failed'
    try {
      r = await this.deps.state.queue.enqueue({
        messageId: leg.messageId, line: leg.line, state, sentKey, key: leg.key, ori: leg.ori, fields: leg.fields, image: leg.image,
        inSeq: leg.inSeq, receivedAt: leg.receivedAt, ...(leg.control !== undefined ? { control: leg.control } : {}),
        decision: { effect: decision.effect, rule: decision.rule, policyVersion: decision.policyVersion, ...(decision.redact ? { redact: decision.redact } : {}) },
      })
    } catch (err) {
      process.emitWarning(format('NSIM_HUB_STORE', `could not queue a query for ${state}: ${(err as Error).message}`), { code: 'NSIM_HUB_STORE' })
      r = 'failed'
    }
    if (r !== 'queued') this.deps.metrics?.notStored(state, r)
    return r === 'queued' ? statusReply(this, leg, state, '.02', 'queued') : statusReply(this, leg, state, '.04', 'status')
  }

  /** Refuse a whole message with an ER from the switch (bad input, unknown or foreign ORI); audited as a refusal. */
  refuse (id: string, httpStatus: number, error: MessageError, raw: string, claimed: string, line: string | null, receivedAt: number): SwitchResult {
    const to = replyOri(claimed)
    const clock = stamp(this, { receivedAt, inSeq: line === null ? 0 : this.sequences.next(`in:${line}`), line })
    const text = formatEr(error, raw, to, clock)
    const key = sentKeyOf(raw)
    this.deps.metrics?.message(key ?? '?', line === null ? 'unauthorized' : httpStatus === 400 ? 'er' : 'forbidden')
    this.deps.metrics?.er(error.code)
    this.deps.audit.write({
      kind: 'refusal', id, key, ori: to === '' ? null : to, line, httpStatus, code: error.code,
      reason: `${error.text}${error.detail ? `: ${error.detail}` : ''}`.slice(0, REFUSAL_REASON_CHARS),
    })
    return { id, httpStatus, error, decisions: [], replies: [{ key: 'ER', from: SWITCH_ORI, to, text, status: 'error' }] }
  }

  /**
   * A message over its line's rate (HTTP 429): an SM from the switch saying
   * so, audited as a refusal with code `rate`. How Nlets answers a member over
   * its rate is not public (a GAP): the wording is ours.
   */
  overRate (raw: string, line: string, rate: number, retryAfterSeconds: number): SwitchResult {
    const id = this.nextId()
    const now = this.now()
    const to = guessOri(raw, '')
    const text = formatReply({
      ...stamp(this, { receivedAt: now, inSeq: this.sequences.next(`in:${line}`), line }), key: 'SM', from: SWITCH_ORI, to,
      body: `LINE ${line} OVER ITS RATE OF ${rate} MESSAGES A SECOND: MESSAGE NOT ACCEPTED, RESEND AFTER ${retryAfterSeconds} S`,
    })
    const key = sentKeyOf(raw)
    this.deps.metrics?.message(key ?? '?', 'rate-limited')
    this.deps.audit.write({ kind: 'refusal', id, key, ori: to === '' ? null : to, line, httpStatus: 429, code: 'rate', reason: `over the line's rate of ${rate} a second` })
    return { id, httpStatus: 429, decisions: [], replies: [{ key: 'SM', from: SWITCH_ORI, to, text, status: 'status' }] }
  }

  /** An ER for a caller the hub could not authenticate (no message processing); audited as a refusal. */
  unauthorized (raw: string, why: string): SwitchResult {
    return this.refuse(this.nextId(), 401, messageError('.01', why), raw, guessOri(raw, ''), null, this.now())
  }

  /** True once `stop` was called: drains end at their next query. */
  get stopping (): boolean {
    return this.#stopping
  }

  /** Stop forwarding (at shutdown) and wait for running drains to end; what they had not delivered stays queued. */
  async stop (): Promise<void> {
    this.#stopping = true
    await Promise.allSettled(this.#draining.values())
  }

  /** Deliver what is queued for a state that may be back; returns how many were delivered. */
  async drain (state: string): Promise<number> {
    const dest = this.deps.destinations.get(state)
    if (dest === undefined || this.#stopping) return 0
    // One drain per state at a time, so queued queries are delivered in order;
    // a caller arriving during a drain waits for it, then drains what is left.
    const running = this.#draining.get(state)
    if (running !== undefined) await running.catch(() => 0)
    if (this.deps.state.queue.depth(state) === 0) return 0
    const p = drainQueue(this, state, dest)
    this.#draining.set(state, p)
    try {
      return await p
    } finally {
      if (this.#draining.get(state) === p) this.#draining.delete(state)
    }
  }
}

/** Redacted fields of a decision, as one comparable string. */
function redacted (d: Decision): string {
  return d.redact === undefined ? '' : [...d.redact].sort().join(',')
}

/** The shadow would answer differently: another effect, or other fields stripped. */
export function disagrees (live: Decision, shadow: Decision): boolean {
  return live.effect !== shadow.effect || redacted(live) !== redacted(shadow)
}

/** JSON text of a body handed over without its text (callers in process); never throws. */
function safeStringify (body: unknown): string {
  try { return JSON.stringify(body) ?? '' } catch { return '' }
}

/** The sending ORI as far as a broken header shows it, for addressing the ER. */
function guessOri (raw: string, fallback: string): string {
  const m = /^[A-Z]{2,3}\.([A-Z]{2}[A-Z0-9]{7})\./.exec(raw) ?? /"OriginatingORIID"\s*:\s*"([A-Z]{2}[A-Z0-9]{7})"/.exec(raw)
  return m?.[1] ?? fallback
}
