/**
 * @module simulator/load/engine
 * One load run against a hub's POST /v1/messages over an undici pool.
 *
 * Open model (default): request i is planned at t0 + i / rate and leaves then
 * whatever the server does. Node's timers fire at best every millisecond, so
 * each millisecond's requests leave together, a little after they were
 * planned: latency is counted from the planned instant (a stalled server is
 * charged for the wait, no coordinated omission) and from the actual send,
 * and the generator's own lateness (send minus planned) is reported so that a
 * saturated client is never mistaken for a slow server. More than
 * `maxInFlight` requests outstanding and the next ones are dropped and
 * counted (k6's dropped iterations), so a dead server cannot exhaust memory.
 *
 * Closed model: `connections` senders, each sending its next request when the
 * previous one is answered; planned = sent, lateness 0.
 *
 * With `reload`, at `atSeconds` the candidate folder is copied over the hub's
 * folder (when given) and POST /v1/admin/policies/reload is called; requests
 * planned before the reload was sent, while it ran and after it answered are
 * tallied apart as well (before / during / after).
 */
import { cpSync } from 'node:fs'
import { buildRequest, Http1Client, TimeoutError } from './http1.js'
import { Latency, type Percentiles } from './histogram.js'
import type { LoadMessage } from './messages.js'
import { parseOutcome, type SecondCounts, Series, Tally, type TallyJson } from './tally.js'

export interface ReloadPlan {
  /** Seconds after the start. */
  readonly atSeconds: number
  readonly adminToken: string
  /** Copy the candidate folder `from` over the hub's folder `to` first (a local hub). */
  readonly copy?: { readonly from: string, readonly to: string }
}

export interface RunOptions {
  readonly url: string
  readonly messages: readonly LoadMessage[]
  readonly mode: 'open' | 'closed'
  /** Planned requests per second (open model). */
  readonly rate: number
  readonly seconds: number
  readonly connections: number
  readonly timeoutMs: number
  /** Open model: most requests outstanding; beyond it, planned requests are dropped. */
  readonly maxInFlight: number
  readonly reload?: ReloadPlan
  /** Milliseconds between progress snapshots (0: none). */
  readonly progressMs?: number
}

export interface Progress {
  readonly t: number
  readonly planned: number
  readonly sent: number
  readonly completed: number
  readonly errors: number
  /** Completed per second over the last interval. */
  readonly rate: number
  readonly p99: number
  readonly inFlight: number
}

export interface ReloadOutcome {
  readonly atMs: number
  readonly ms: number
  readonly httpStatus: number
  readonly ok: boolean
  readonly version: string | null
  readonly previousVersion: string | null
  readonly errors: string[]
  readonly phases: { readonly before: TallyJson, readonly during: TallyJson, readonly after: TallyJson }
}

export interface RunResult {
  readonly mode: 'open' | 'closed'
  readonly planned: number
  readonly sent: number
  readonly completed: number
  readonly dropped: number
  /** Most requests waiting at the client for a free connection at any time. */
  readonly maxQueued: number
  /** From the first planned instant to the last answer. */
  readonly seconds: number
  /** Completed requests per second over `seconds`. */
  readonly achieved: number
  readonly lateness: Percentiles
  readonly tally: TallyJson
  readonly series: SecondCounts[]
  readonly reload?: ReloadOutcome
}


export async function runLoad (o: RunOptions, onProgress?: (p: Progress) => void): Promise<RunResult> {
  const base = new URL(o.url)
  const client = new Http1Client(base, o.connections, o.timeoutMs)
  const path = `${base.pathname.replace(/\/$/, '')}/v1/messages`
  const bytes = o.messages.map((m) => buildRequest(base, path, { authorization: `Bearer ${m.token}`, 'content-type': m.contentType, accept: 'application/json' }, m.body))
  const all = new Tally()
  const phases = o.reload === undefined ? undefined : { before: new Tally(), during: new Tally(), after: new Tally() }
  const series = new Series()
  const late = new Latency()
  const open = o.mode === 'open'
  const total = open ? Math.round(o.rate * o.seconds) : Infinity
  const interval = open ? 1000 / o.rate : 0
  let planned = 0
  let sent = 0
  let done = 0
  let dropped = 0
  let inFlight = 0
  let maxQueued = 0
  let lastDone = 0
  let reloadStart = Infinity
  let reloadEnd = Infinity
  let reloadOutcome: Omit<ReloadOutcome, 'phases'> | undefined
  const t0 = performance.now()
  const phaseOf = (plannedAt: number): Tally | undefined => phases === undefined ? undefined : plannedAt < reloadStart ? phases.before : plannedAt < reloadEnd ? phases.during : phases.after

  let onDrained: (() => void) | undefined
  const send = (i: number, plannedAt: number, then?: () => void): void => {
    const m = o.messages[i % o.messages.length]!
    const sentAt = performance.now()
    if (open) late.record(sentAt - plannedAt)
    const phase = phaseOf(plannedAt)
    all.onSent(m)
    phase?.onSent(m)
    sent++
    inFlight++
    client.request(bytes[i % bytes.length]!, (err, status, body, size) => {
      const at = performance.now()
      if (err === null) {
        const outcome = parseOutcome(status, body)
        all.bytes += size
        all.onAnswer(m, outcome, at - plannedAt, at - sentAt)
        phase?.onAnswer(m, outcome, at - plannedAt, at - sentAt)
        series.answer(Math.floor((at - t0) / 1000), outcome, at - plannedAt, m.kind === 'model' ? status >= 400 : status >= 500)
      } else {
        const kind = err instanceof TimeoutError ? 'timeout' : 'connection'
        all.onFailure(m, kind)
        phase?.onFailure(m, kind)
        series.answer(Math.floor((at - t0) / 1000), undefined, 0, true)
      }
      inFlight--
      done++
      lastDone = at
      if (inFlight === 0) onDrained?.()
      then?.()
    })
    if (client.queued > maxQueued) maxQueued = client.queued
  }

  // Progress snapshots.
  let lastSnap = { t: t0, done: 0 }
  const snap = (): void => {
    const now = performance.now()
    const rate = (done - lastSnap.done) / Math.max(0.001, (now - lastSnap.t) / 1000)
    lastSnap = { t: now, done }
    onProgress?.({ t: (now - t0) / 1000, planned, sent, completed: done, errors: all.errors.total, rate, p99: all.latency.at(99), inFlight })
  }
  const progressTimer = onProgress !== undefined && (o.progressMs ?? 1000) > 0 ? setInterval(snap, o.progressMs ?? 1000) : undefined

  // The reload, on its own connection.
  let reloadDone: Promise<void> = Promise.resolve()
  const reloadTimer = o.reload === undefined ? undefined : setTimeout(() => {
    const r = o.reload!
    reloadStart = performance.now()
    reloadDone = (async () => {
      let httpStatus = 0
      let body: { ok?: boolean, version?: string, previousVersion?: string, errors?: string[] } = {}
      const errors: string[] = []
      try {
        if (r.copy !== undefined) cpSync(r.copy.from, r.copy.to, { recursive: true, force: true })
        // undici only here: a worker that never reloads does not load it.
        const { request } = await import('undici')
        const res = await request(`${base.origin}/v1/admin/policies/reload`, { method: 'POST', headers: { authorization: `Bearer ${r.adminToken}` }, headersTimeout: 60_000, bodyTimeout: 60_000 })
        httpStatus = res.statusCode
        const text = await res.body.text()
        try { body = JSON.parse(text) as typeof body } catch { errors.push(text.slice(0, 300)) }
      } catch (err) { errors.push((err as Error).message) }
      reloadEnd = performance.now()
      reloadOutcome = {
        atMs: Math.round(reloadStart - t0), ms: Math.round(reloadEnd - reloadStart), httpStatus, ok: httpStatus === 200 && body.ok === true,
        version: body.version ?? null, previousVersion: body.previousVersion ?? null, errors: [...errors, ...(body.errors ?? [])],
      }
    })()
  }, o.reload.atSeconds * 1000)

  if (open) {
    await new Promise<void>((resolve) => {
      const tick = (): void => {
        const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1)
        while (planned < due) {
          const i = planned++
          if (inFlight >= o.maxInFlight) { dropped++; continue }
          send(i, t0 + i * interval)
        }
        if (planned < total) setTimeout(tick, 1)
        else resolve()
      }
      tick()
    })
  } else {
    const end = t0 + o.seconds * 1000
    let next = 0
    await new Promise<void>((resolve) => {
      let senders = o.connections
      const loop = (): void => {
        if (performance.now() >= end) { if (--senders === 0) resolve(); return }
        const i = next++
        planned++
        send(i, performance.now(), loop)
      }
      for (let k = 0; k < o.connections; k++) loop()
    })
  }
  if (inFlight > 0) await new Promise<void>((resolve) => { onDrained = resolve })
  if (reloadTimer !== undefined) {
    clearTimeout(reloadTimer)
    await reloadDone
  }
  if (progressTimer !== undefined) { clearInterval(progressTimer); snap() }
  client.close()
  const seconds = Math.max(0.001, ((lastDone || performance.now()) - t0) / 1000)
  const result: RunResult = {
    mode: o.mode, planned, sent, completed: done, dropped, maxQueued, seconds: Math.round(seconds * 1000) / 1000, achieved: done / seconds,
    lateness: late.percentiles(), tally: all.toJSON(), series: series.finish(Math.floor(seconds)),
    ...(reloadOutcome !== undefined && phases !== undefined
      ? { reload: { ...reloadOutcome, phases: { before: phases.before.toJSON(), during: phases.during.toJSON(), after: phases.after.toJSON() } } }
      : {}),
  }
  return result
}
