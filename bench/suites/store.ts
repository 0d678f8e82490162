/**
 * @module bench/suites/store
 * Store-and-forward, measured two ways, side by side in one run:
 * - what keeping a query costs: the state ports in memory, in SQLite with
 *   `synchronous=NORMAL` (the default: survives a killed hub) and `FULL`
 *   (survives a power loss), queueing one query per turn of the event loop and
 *   a hundred per turn (they share a commit), and forwarding them;
 * - what a drain does to everyone else: a hub with 100,000 queries queued for
 *   IL brings IL back while a paced client sends queries to other states and
 *   asks `/health`; latency before the drain, during a drain in slices (the
 *   hub's, and finer ones), and during a drain that gives way only between
 *   the batches it reads from the store.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { buildHub } from '../../src/hub/app.js'
import { DRAIN_BATCH, DRAIN_SLICE_MS } from '../../src/hub/forward.js'
import { memoryState } from '../../src/hub/ports/memory.js'
import type { InboxReply, QueuedQuery, SwitchState } from '../../src/hub/ports/state.js'
import { sqliteState, WAL_CHECKPOINT_PAGES } from '../../src/hub/store/sqlite.js'
import type { LoadRequest } from '../http-common.js'
import { type SuiteOptions, type SuiteResult, table } from '../lib.js'
import { pacedInWorker } from '../paced.js'

const round2 = (x: number): number => Math.round(x * 100) / 100

function query (i: number, state = 'IL'): QueuedQuery {
  return {
    messageId: `bench-${i}`, line: `L${i % 50}`, state, sentKey: 'DQ', key: 'DQ', ori: 'TX0020100', fields: { OLN: `D${1000000 + i}` },
    image: false, inSeq: i % 100_000, receivedAt: 1_764_090_000_000 + i, decision: { effect: 'allow', rule: null, policyVersion: 'v' },
  }
}

export interface StoreCost { enqueueOneUs: number, enqueueTurnUs: number, forwardUs: number }

export async function storeCost (s: SwitchState, n: number): Promise<StoreCost> {
  let t0 = performance.now()
  for (let i = 0; i < n; i++) await s.queue.enqueue(query(i))
  const enqueueOneUs = (performance.now() - t0) * 1000 / n
  t0 = performance.now()
  for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: 100 }, async (_, j) => await s.queue.enqueue(query(n + i + j, 'WA'))))
  const enqueueTurnUs = (performance.now() - t0) * 1000 / n
  t0 = performance.now()
  let moved = 0
  for (;;) {
    const items = await s.queue.peek('IL', 256)
    if (items.length === 0) break
    await s.queue.forward(items.map((item) => ({
      item,
      reply: {
        id: `${item.messageId}.IL`, messageId: item.messageId, control: null, key: 'DR', from: 'ILOLN0000', to: item.ori,
        text: 'DR.ILOLN0000\n'.padEnd(400, 'X'), state: 'IL', status: 'hit', queuedAt: '', deliveredAt: '',
      } satisfies InboxReply,
    })))
    moved += items.length
  }
  const forwardUs = (performance.now() - t0) * 1000 / moved
  return { enqueueOneUs, enqueueTurnUs, forwardUs }
}

interface DrainPhase { p50: number, p99: number, max: number, loopMaxMs: number, drained: number, drainSeconds: number }

/** One hub: `queued` queries for IL (none when sliceMs is undefined), then the paced load while IL comes back and drains. */
async function drainPhase (opts: SuiteOptions, queued: number, seconds: number, sliceMs: number | undefined, checkpointPages?: number): Promise<DrainPhase> {
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-store-'))
  const hub = await buildHub({
    auditFile: join(tmp, 'audit.ndjson'), dataDir: join(tmp, 'data'), logger: false, docs: false, queueMax: queued, inboxMax: queued,
    ...(sliceMs !== undefined ? { drainSliceMs: sliceMs } : {}), ...(checkpointPages !== undefined ? { dbCheckpointPages: checkpointPages } : {}),
  })
  try {
    await hub.app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(hub.app.server.address() as { port: number }).port}`
    const sw = hub.ctx.sw
    const requests: LoadRequest[] = ['WA', 'TX', 'NY', 'CA', 'FL'].map((s, i) => ({
      line: 'TX', token: 'demo-TX', contentType: 'text/plain', body: `DQ.TX0020100.${s}.TXTOLN/D${1000000 + i}`, key: 'DQ',
      component: 'local', state: s, kind: 'model', headers: { authorization: 'Bearer demo-TX', 'content-type': 'text/plain' },
    }))
    const il = hub.ctx.destinations.get('IL')!
    if (sliceMs !== undefined) {
      il.endpoint.setFault!({ mode: 'down' })
      for (let i = 0; i < queued; i += 500) {
        await Promise.all(Array.from({ length: Math.min(500, queued - i) }, async (_, j) =>
          await sw.handle({ kind: 'text', text: `DQ.TX0020100.IL.TXTOLN/D${1000000 + ((i + j) % 900000)}` }, 'TX')))
      }
      await hub.ctx.audit.written()
    }
    const loop = monitorEventLoopDelay({ resolution: 1 })
    const load = pacedInWorker({ url, requests, rate: opts.smoke ? 200 : 1000, seconds, connections: 32, warmSeconds: opts.smoke ? 0 : 0.5 })
    // Let the client's warm-up pass, then bring IL back and drain during the measured load.
    await new Promise((resolve) => setTimeout(resolve, opts.smoke ? 50 : 700))
    loop.enable()
    let drained = 0
    let drainSeconds = 0
    if (sliceMs !== undefined) {
      il.endpoint.setFault!({ mode: 'up' })
      const t0 = performance.now()
      drained = await sw.drain('IL')
      drainSeconds = (performance.now() - t0) / 1000
    }
    const r = await load
    loop.disable()
    return { p50: r.p50, p99: r.p99, max: r.max, loopMaxMs: loop.max / 1e6, drained, drainSeconds }
  } finally {
    await hub.close()
    rmSync(tmp, { recursive: true, force: true })
  }
}

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  const n = opts.smoke ? 500 : opts.quick ? 5_000 : 20_000
  const rows: SuiteResult['rows'] = []
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-store-'))
  try {
    const bounds = { queueMax: n * 2, inboxMax: n * 2 }
    const impls: Array<[string, () => SwitchState]> = [
      ['memory (--ephemeral)', () => memoryState(bounds)],
      ['SQLite, synchronous=NORMAL (default)', () => sqliteState({ dataDir: join(tmp, 'normal'), sync: 'normal', ...bounds })],
      ['SQLite, synchronous=FULL (NSIM_DB_SYNC=full)', () => sqliteState({ dataDir: join(tmp, 'full'), sync: 'full', ...bounds })],
      [`SQLite, synchronous=NORMAL, checkpoint every 1,000 pages (SQLite's default; the hub's is ${WAL_CHECKPOINT_PAGES})`,
        () => sqliteState({ dataDir: join(tmp, 'normal-1000'), sync: 'normal', checkpointPages: 1000, ...bounds })],
    ]
    const costs: Array<[string, StoreCost]> = []
    for (const [name, make] of impls) {
      const s = make()
      try { costs.push([name, await storeCost(s, n)]) } finally { await s.close() }
    }
    const base = costs[0]![1]
    for (const [name, c] of costs) {
      rows.push({
        measure: `keep a query: ${name}`, queries: n, 'us/query, one per turn': round2(c.enqueueOneUs),
        'us/query, 100 per turn': round2(c.enqueueTurnUs), 'us/query forwarded': round2(c.forwardUs),
        'x memory (one per turn)': round2(c.enqueueOneUs / base.enqueueOneUs),
      })
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
  const queued = opts.smoke ? 2_000 : opts.quick ? 20_000 : 100_000
  const seconds = opts.smoke ? 1 : opts.quick ? 3 : 8
  const phases: Record<string, DrainPhase> = {
    before: await drainPhase(opts, queued, seconds, undefined),
    sliced: await drainPhase(opts, queued, seconds, DRAIN_SLICE_MS),
    coarse: await drainPhase(opts, queued, seconds, 4),
    unsliced: await drainPhase(opts, queued, seconds, Number.POSITIVE_INFINITY),
    checkpoint1000: await drainPhase(opts, queued, seconds, DRAIN_SLICE_MS, 1000),
  }
  const drainRows: SuiteResult['rows'] = []
  const label: Record<string, string> = {
    before: 'no drain (IL up, nothing queued)',
    sliced: `drain of ${queued.toLocaleString('en-US')} in ${DRAIN_SLICE_MS} ms slices (the hub)`,
    coarse: `drain of ${queued.toLocaleString('en-US')} in 4 ms slices`,
    unsliced: `drain of ${queued.toLocaleString('en-US')} giving way only between batches of ${DRAIN_BATCH}`,
    checkpoint1000: `drain of ${queued.toLocaleString('en-US')} in ${DRAIN_SLICE_MS} ms slices, SQLite checkpointing every 1,000 pages (its default; the hub's is ${WAL_CHECKPOINT_PAGES})`,
  }
  for (const [k, p] of Object.entries(phases)) {
    drainRows.push({
      measure: `other states' queries: ${label[k]}`, 'p50 ms': round2(p.p50), 'p99 ms': round2(p.p99), 'max ms': round2(p.max),
      'event loop max ms': round2(p.loopMaxMs), drained: p.drained, 'drain s': round2(p.drainSeconds),
    })
  }
  opts.out(table(drainRows))
  return {
    suite: 'store',
    rows: [...rows, ...drainRows],
    notes: [
      'keep a query: the ports alone (no HTTP), queue then forward with a 400-byte reply; "one per turn" awaits each enqueue (its own commit), "100 per turn" queues 100 in one turn of the event loop (one commit)',
      `drain rows: an in-process hub (SQLite store, audit to a file) with ${queued.toLocaleString('en-US')} DQ queries queued for IL; a paced client in a worker thread sends DQ to WA, TX, NY, CA and FL at ${opts.smoke ? 200 : 1000}/s for ${seconds} s while IL is brought back and drained; latency from the due time`,
    ],
  }
}
