/**
 * @module test/cluster/helpers
 * What the process tests of several hubs share: HTTP calls through one
 * keep-alive agent, polling, load through HAProxy (DQ to IL, counting what
 * was queued, answered otherwise, or failed), reading a line's inbox to the
 * end, and the check that every queued query was delivered exactly once.
 */
import type { Test } from 'tap'
import { Agent, request } from 'undici'
import type { ClusterInfo } from '../../src/cluster/topology.js'

export const ADMIN = { authorization: 'Bearer demo-admin', 'content-type': 'application/json' }
export const TX = { authorization: 'Bearer demo-TX', 'content-type': 'text/plain' }
export const agent = new Agent({ connections: 32, keepAliveTimeout: 2000 })

export async function call (url: string, opts: { method?: 'GET' | 'POST' | 'PUT', headers?: Record<string, string>, body?: string } = {}): Promise<{ status: number, json: any }> {
  const r = await request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, body: opts.body, dispatcher: agent, headersTimeout: 15_000, bodyTimeout: 15_000 })
  const text = await r.body.text()
  let json: unknown
  try { json = JSON.parse(text) } catch { json = text }
  return { status: r.statusCode, json }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Poll `check` until it holds; returns the milliseconds it took, or -1 after `ms`. */
export async function within (ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  while (Date.now() - start <= ms) {
    if (await check()) return Date.now() - start
    await sleep(20)
  }
  return -1
}

export const hubUrl = (c: ClusterInfo, i: number): string => c.hubs[i]!

/** What `sendLoad` got. */
export interface LoadResult {
  /** Message ids answered SM .02 (queued), in the order they were answered. */
  readonly queued: string[]
  /** When each of `queued` was answered (Date.now()). */
  readonly queuedAt: number[]
  /** Answered 200 otherwise, by the first reply's status (`status` is SM .04, say). */
  readonly others: Record<string, number>
  /** When each of them was answered. */
  readonly otherAt: number[]
  readonly other: number
  /** Not answered 200 (or not at all). */
  readonly failed: number
  /** The failures by HTTP status and error code, or by the client's error code when there was no answer. */
  readonly failures: Record<string, number>
}

/**
 * Send DQ queries to IL through HAProxy from `n` senders for `ms`, and until
 * `during` has finished; what each got. `during` sees the result as it grows.
 */
export async function sendLoad (c: ClusterInfo, n: number, ms: number, during?: (live: LoadResult) => Promise<void>): Promise<LoadResult> {
  const queued: string[] = []
  const queuedAt: number[] = []
  const others: Record<string, number> = {}
  const otherAt: number[] = []
  const failures: Record<string, number> = {}
  let other = 0
  let failed = 0
  const fail = (why: string): void => { failed++; failures[why] = (failures[why] ?? 0) + 1 }
  const until = Date.now() + ms
  const done = { during: during === undefined }
  let k = 0
  const sender = async (): Promise<void> => {
    while (Date.now() < until || !done.during) {
      try {
        const r = await call(`${c.url}/v1/messages`, { method: 'POST', headers: TX, body: `DQ.TX0020100.IL.TXTOLN/D${String(1_000_000 + (k++ % 900_000))}` })
        const reply = r.json?.replies?.[0]
        if (r.status === 200 && reply?.status === 'queued') { queued.push(r.json.id as string); queuedAt.push(Date.now()) } else if (r.status === 200) {
          other++
          otherAt.push(Date.now())
          others[String(reply?.status)] = (others[String(reply?.status)] ?? 0) + 1
        } else fail(`${r.status} ${String(r.json?.code ?? '')}`.trim())
      } catch (err) {
        fail((err as { code?: string }).code ?? (err as Error).message)
      }
    }
  }
  const live = { queued, queuedAt, others, otherAt, get other () { return other }, get failed () { return failed }, failures }
  await Promise.all([...Array.from({ length: n }, sender), during?.(live).finally(() => { done.during = true })])
  return { queued, queuedAt, others, otherAt, other, failed, failures }
}

/**
 * Every reply in the TX line's inbox, acknowledged as read, until none is left
 * for `quietMs`. A read or acknowledgement the hub refuses (503 while NATS
 * elects a leader) is retried, never taken for an empty inbox, for up to `giveUpMs`.
 */
export async function readInbox (c: ClusterInfo, quietMs: number, giveUpMs = 60_000): Promise<Array<{ id: string, messageId: string, status: string }>> {
  const all: Array<{ id: string, messageId: string, status: string }> = []
  const start = Date.now()
  let quietSince = Date.now()
  while (Date.now() - quietSince < quietMs && Date.now() - start < giveUpMs) {
    const r = await call(`${c.url}/v1/inbox?max=1000`, { headers: { authorization: 'Bearer demo-TX' } })
    if (r.status !== 200) { quietSince = Date.now(); await sleep(200); continue }
    const replies = (r.json?.replies ?? []) as Array<{ id: string, messageId: string, status: string }>
    if (replies.length === 0) { await sleep(100); continue }
    quietSince = Date.now()
    const ack = await call(`${c.url}/v1/inbox/ack`, { method: 'POST', headers: ADMIN_TX, body: JSON.stringify({ ids: replies.map((x) => x.id) }) })
    if (ack.status === 200) all.push(...replies)
  }
  return all
}
export const ADMIN_TX = { authorization: 'Bearer demo-TX', 'content-type': 'application/json' }

export async function queuedTotal (c: ClusterInfo, i = 0): Promise<number> {
  return (await call(`${hubUrl(c, i)}/health`)).json.queued as number
}

/** Deliveries are checked per message id: each queued one exactly once. */
export function checkOnce (t: Test, queued: readonly string[], inbox: ReadonlyArray<{ messageId: string }>): void {
  const seen = new Map<string, number>()
  for (const r of inbox) seen.set(r.messageId, (seen.get(r.messageId) ?? 0) + 1)
  const lost = queued.filter((id) => !seen.has(id))
  const dup = [...seen].filter(([, n]) => n > 1)
  t.same(lost, [], `every one of the ${queued.length} queries answered SM .02 was delivered (0 lost)`)
  t.same(dup, [], '... once (0 duplicated)')
}

