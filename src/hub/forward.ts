/**
 * @module hub/forward
 * Store-and-forward, the forwarding half: queued queries of a state that is
 * back are delivered oldest first, each decided again with the policy in force
 * (a query queued before a state began denying its sender gets the denial), and
 * their replies put in the senders' inboxes. The drain runs in slices of about a
 * millisecond (DRAIN_SLICE_MS) and gives way to other traffic between them for as long as the
 * slice took (at most half the event loop goes to a drain); a slice's audit
 * lines reach the operating system before its replies reach the inboxes, and a
 * query leaves the queue only together with its reply (a crash in between
 * delivers it again, never loses it).
 */
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Decision } from '../policy/types.js'
import { type Audit, decisionRecord } from './audit.js'
import { deliver, type DeliveryEnv, type Leg } from './deliver.js'
import type { Destination } from './destinations.js'
import type { StateKey } from './ports/endpoint.js'
import type { InboxReply, Queued, SwitchState } from './ports/state.js'

/** What forwarding needs of the switch (the Switch is one). */
export interface Forwarder extends DeliveryEnv {
  readonly options: { readonly stateTimeoutMs: number, readonly drainSliceMs?: number | undefined }
  readonly deps: { readonly state: SwitchState, readonly audit: Audit }
  /** True once the switch is stopping: a drain ends at its next query. */
  readonly stopping: boolean
  /** The decision in force for one destination, and the shadow's. */
  decide: (state: string, input: { ori: string, key: StateKey, image: boolean, fields: Readonly<Record<string, string>>, time: number }) =>
    { decision: Decision, shadow?: Decision | undefined, denialText: string }
}

/** Time a drain keeps the event loop before giving way. */
export const DRAIN_SLICE_MS = 1
/** Queued queries read from the store at a time. */
export const DRAIN_BATCH = 32

/** Deliver one queued query; undefined when the state is still out of service (or not answering): it stays queued. */
async function forwardOne (sw: Forwarder, item: Queued, dest: Destination): Promise<InboxReply | undefined> {
  const state = item.state
  const leg: Leg = {
    messageId: item.messageId, ori: item.ori, key: item.key, fields: item.fields, image: item.image, line: item.line,
    receivedAt: item.receivedAt, inSeq: item.inSeq, timeoutMs: sw.options.stateTimeoutMs, control: item.control,
  }
  const now = sw.now()
  const input = { ori: item.ori, key: item.key, image: item.image, fields: item.fields, time: now }
  const { decision, shadow, denialText } = sw.decide(state, input)
  const d = await deliver(sw, leg, state, dest, decision, denialText)
  if (d.unavailable !== undefined || d.reply.status === 'noanswer') return undefined
  const r = d.reply
  sw.deps.audit.write(decisionRecord({
    kind: 'delivery', id: item.messageId, key: item.sentKey, ori: item.ori, line: item.line, destination: state,
    replyKey: r.key, status: r.status, latencyMs: sw.now() - item.receivedAt,
    queued: { effect: item.decision.effect, rule: item.decision.rule, policyVersion: item.decision.policyVersion },
  }, decision, shadow, input))
  const out: InboxReply = {
    id: `${item.messageId}.${state}`, messageId: item.messageId, control: item.control ?? null, key: r.key, from: r.from, to: r.to,
    text: r.text, state, status: r.status, queuedAt: new Date(item.receivedAt).toISOString(), deliveredAt: new Date(now).toISOString(),
  }
  return r.image === undefined ? out : { ...out, image: r.image }
}

function pause (ms: number): Promise<void> {
  return new Promise((resolve) => { setTimeout(resolve, ms) })
}

/** Deliver a state's queue until it is empty or the state stops answering; returns how many were delivered. */
export async function drainQueue (sw: Forwarder, state: string, dest: Destination): Promise<number> {
  const { queue } = sw.deps.state
  let delivered = 0
  let done: Array<{ item: Queued, reply: InboxReply }> = []
  const commit = async (): Promise<void> => {
    if (done.length === 0) return
    const batch = done
    done = []
    await sw.deps.audit.written()
    await queue.forward(batch)
    delivered += batch.length
  }
  const sliceMs = sw.options.drainSliceMs ?? DRAIN_SLICE_MS
  let sliceStart = performance.now()
  for (;;) {
    const items = await queue.peek(state, DRAIN_BATCH)
    if (items.length === 0) break
    let stopped = false
    for (const item of items) {
      if (sw.stopping) { stopped = true; break }
      const reply = await forwardOne(sw, item, dest)
      if (reply === undefined) { stopped = true; break }
      done.push({ item, reply })
      if (performance.now() - sliceStart >= sliceMs) {
        await commit()
        // Give way for as long as the slice took (commit included): the drain
        // keeps at most half of the event loop, and the pause lets the loop
        // poll for I/O more than once, so requests that need a few turns finish.
        const took = performance.now() - sliceStart
        if (sliceMs === Number.POSITIVE_INFINITY) await nextTurn()
        else await pause(Math.max(1, Math.round(took)))
        sliceStart = performance.now()
      }
    }
    await commit()
    if (stopped) break
  }
  await queue.release?.(state)
  return delivered
}
