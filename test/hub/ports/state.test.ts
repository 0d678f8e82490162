/**
 * The switch-state ports' contract, run on both implementations (memory and
 * SQLite), then what only the durable one promises: everything back after a
 * reopen, sequence numbers never repeated, one hub per data directory.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { memoryState } from '../../../src/hub/ports/memory.js'
import type { Bounds, InboxReply, Queued, QueuedQuery, SwitchState } from '../../../src/hub/ports/state.js'
import { SEQ_LEASE, sqliteState, WAL_CHECKPOINT_PAGES } from '../../../src/hub/store/sqlite.js'
import { jetstreamState } from '../../../src/hub/store/jetstream.js'
import { findProgram, freePort } from '../../../src/cluster/topology.js'
import { spawn } from 'node:child_process'

function tempDir (t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-store-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  return dir
}

/** A nats-server with JetStream of the test's own (stopped at its end). */
async function natsServer (t: Test): Promise<string> {
  const port = await freePort()
  const child = spawn(findProgram('nats-server')!, ['-js', '-sd', tempDir(t), '-a', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  t.teardown(() => { child.kill('SIGKILL') })
  return `nats://127.0.0.1:${port}`
}

type Factory = (t: Test, bounds: Bounds) => SwitchState | Promise<SwitchState>
const IMPLEMENTATIONS: Array<[string, Factory]> = [
  ['memory', (_t, b) => memoryState(b)],
  ['sqlite', (t, b) => sqliteState({ dataDir: tempDir(t), ...b })],
]
// With nats-server installed (CI installs it), the JetStream implementation keeps the same contract.
if (findProgram('nats-server') !== undefined || process.env.CI) {
  IMPLEMENTATIONS.push(['jetstream', async (t, b) => {
    const url = await natsServer(t)
    for (let i = 0; ; i++) {
      try {
        return await jetstreamState({ url, replica: 'test', destinations: ['IL', 'WA', 'NY'], counters: [], refreshMs: 60_000, ...b })
      } catch (err) {
        if (i > 50) throw err
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }])
}

let n = 0
function query (state: string, line = 'TX', extra: Partial<QueuedQuery> = {}): QueuedQuery {
  n++
  return {
    messageId: `m-${n}`, line, state, sentKey: 'DQ', key: 'DQ', ori: 'TX0020100', fields: { OLN: `D${n}` }, image: false,
    inSeq: n, receivedAt: 1_764_090_000_000 + n, decision: { effect: 'allow', rule: null, policyVersion: 'v1' }, ...extra,
  }
}

function replyFor (item: Queued): InboxReply {
  return {
    id: `${item.messageId}.${item.state}`, messageId: item.messageId, control: item.control ?? null, key: 'DR', from: `${item.state}OLN0000`,
    to: item.ori, text: `DR for ${item.messageId}`, state: item.state, status: 'hit', queuedAt: new Date(item.receivedAt).toISOString(),
    deliveredAt: new Date(item.receivedAt + 5).toISOString(),
  }
}

for (const [name, make] of IMPLEMENTATIONS) {
  t.test(`${name}: queue in order, forward into the inbox, list until acknowledged`, async (t) => {
    const s = await make(t, { queueMax: 100, inboxMax: 100 })
    t.teardown(async () => { await s.close() })
    const sent = [query('IL'), query('IL', 'TX', { control: 'REF-1' }), query('WA'), query('IL', 'AX', { ori: 'VTICE0900' })]
    for (const q of sent) t.equal(await s.queue.enqueue(q), 'queued')
    t.same(s.queue.depths(), { IL: 3, WA: 1 })
    const il = await s.queue.peek('IL', 10)
    t.same(il.map((q) => q.messageId), [sent[0]!.messageId, sent[1]!.messageId, sent[3]!.messageId], 'oldest first, only IL')
    t.match(il[1], { ...sent[1], control: 'REF-1' }, 'every field kept')
    t.same((await s.queue.peek('IL', 2)).length, 2, 'peek takes at most max')
    t.equal(s.queue.depth('IL'), 3, 'peek leaves them queued')
    await s.queue.forward(il.slice(0, 2).map((item) => ({ item, reply: replyFor(item) })))
    t.equal(s.queue.depth('IL'), 1)
    t.equal(s.inbox.depth('TX'), 2)
    const first = await s.inbox.list('TX', 10)
    t.same(first.map((r) => r.messageId), [sent[0]!.messageId, sent[1]!.messageId])
    t.same(await s.inbox.list('TX', 10), first, 'the same replies again until acknowledged')
    t.same(await s.inbox.list('AX', 10), [], 'a line sees only its own replies')
    t.equal(await s.inbox.ack('AX', [first[0]!.id]), 0, 'another line cannot acknowledge them')
    t.equal(await s.inbox.ack('TX', [first[0]!.id, 'no-such-id', first[0]!.id]), 1, 'unknown and repeated ids are ignored')
    t.same((await s.inbox.list('TX', 10)).map((r) => r.id), [first[1]!.id])
    await s.queue.forward(il.slice(0, 1).map((item) => ({ item, reply: replyFor(item) })))
    t.equal(s.inbox.depth('TX'), 1, 'forwarding an item already forwarded does nothing')
  })

  t.test(`${name}: bounds per destination and per line`, async (t) => {
    const s = await make(t, { queueMax: 3, inboxMax: 4 })
    t.teardown(async () => { await s.close() })
    const results = await Promise.all([query('IL'), query('IL'), query('IL'), query('IL')].map(async (q) => await s.queue.enqueue(q)))
    t.same(results, ['queued', 'queued', 'queued', 'queue-full'], 'a fourth query for IL is refused, even within one turn')
    t.equal(await s.queue.enqueue(query('WA')), 'queued')
    t.equal(await s.queue.enqueue(query('WA')), 'inbox-full', 'TX holds 4 inbox places: 4 queued')
    t.equal(await s.queue.enqueue(query('WA', 'AX')), 'queued', 'another line has its own room')
    const items = await s.queue.peek('IL', 3)
    await s.queue.forward(items.map((item) => ({ item, reply: replyFor(item) })))
    t.equal(await s.queue.enqueue(query('NY')), 'inbox-full', 'replies waiting still hold their places')
    t.equal(await s.inbox.ack('TX', [`${items[0]!.messageId}.IL`]), 1)
    t.equal(await s.queue.enqueue(query('NY')), 'queued', 'an acknowledgement frees a place')
  })

  t.test(`${name}: sequences count per counter from 1, and destination settings are kept`, async (t) => {
    const s = await make(t, { queueMax: 10, inboxMax: 10 })
    t.teardown(async () => { await s.close() })
    t.same([s.sequences.next('out:TX'), s.sequences.next('out:TX'), s.sequences.next('out:IL'), s.sequences.next('out:TX')], [1, 2, 1, 3])
    await s.destinations.save('IL', { status: 'removed', disabledKeys: ['DNQ'], fault: { mode: 'down' } })
    await s.destinations.save('IL', { status: 'up', disabledKeys: [], fault: { mode: 'slow', latencyMs: 200 } })
    t.same(await s.destinations.load(), { IL: { status: 'up', disabledKeys: [], fault: { mode: 'slow', latencyMs: 200 } } }, 'the last save wins')
  })
}

t.test('sqlite: queue, inbox, counters and settings are all there after a reopen', async (t) => {
  const dir = tempDir(t)
  const bounds = { queueMax: 10, inboxMax: 10 }
  const a = sqliteState({ dataDir: dir, ...bounds })
  const queued = [query('IL'), query('IL'), query('WA')]
  for (const q of queued) await a.queue.enqueue(q)
  const [item] = await a.queue.peek('IL', 1)
  await a.queue.forward([{ item: item!, reply: replyFor(item!) }])
  for (let i = 0; i < 5; i++) a.sequences.next('out:TX')
  await a.destinations.save('WA', { status: 'removed', disabledKeys: [], fault: null })
  await a.close()
  const b = sqliteState({ dataDir: dir, ...bounds })
  t.teardown(async () => { await b.close() })
  t.same(b.queue.depths(), { IL: 1, WA: 1 })
  t.same((await b.queue.peek('IL', 5)).map((q) => q.messageId), [queued[1]!.messageId])
  t.same((await b.inbox.list('TX', 5)).map((r) => r.id), [`${queued[0]!.messageId}.IL`])
  t.equal(b.inbox.depth('TX'), 1)
  t.equal(b.sequences.next('out:TX'), 6, 'a clean close keeps the exact counter')
  t.same(await b.destinations.load(), { WA: { status: 'removed', disabledKeys: [], fault: null } })
  // Bounds still count what was there: 3 places of TX are held (1 reply, 2 queued).
  for (let i = 0; i < 7; i++) t.equal(await b.queue.enqueue(query('NY')), 'queued')
  t.equal(await b.queue.enqueue(query('NY')), 'inbox-full', 'room counted from the reopened file')
})

t.test('sqlite: a counter lease not closed cleanly skips ahead, never back', async (t) => {
  const dir2 = tempDir(t)
  const c = sqliteState({ dataDir: dir2, queueMax: 10, inboxMax: 10 })
  c.sequences.next('in:IL')
  // Simulate a kill: copy the file while c is open (the lease is written, the exact value is not).
  const dir3 = tempDir(t)
  copyFileSync(join(dir2, 'nlets-sim.db'), join(dir3, 'nlets-sim.db'))
  if (existsSync(join(dir2, 'nlets-sim.db-wal'))) copyFileSync(join(dir2, 'nlets-sim.db-wal'), join(dir3, 'nlets-sim.db-wal'))
  await c.close()
  const d = sqliteState({ dataDir: dir3, queueMax: 10, inboxMax: 10 })
  t.teardown(async () => { await d.close() })
  t.equal(d.sequences.next('in:IL'), (SEQ_LEASE + 1) % 100_000, 'goes on after the leased block')
})

t.test('sqlite: the write-ahead log is checkpointed every WAL_CHECKPOINT_PAGES pages, so it stays small', async (t) => {
  const dir = tempDir(t)
  const s = sqliteState({ dataDir: dir, queueMax: 5000, inboxMax: 5000 })
  t.teardown(async () => { await s.close() })
  const wal = join(dir, 'nlets-sim.db-wal')
  let largest = 0
  // About 4 MB through the log: queries queued, then forwarded with replies of 1,000 characters.
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 500; i++) await s.queue.enqueue(query('IL'))
    for (let left = 500; left > 0;) {
      const items = await s.queue.peek('IL', 50)
      await s.queue.forward(items.map((item) => ({ item, reply: { ...replyFor(item), text: 'X'.repeat(1000) } })))
      left -= items.length
      largest = Math.max(largest, statSync(wal).size)
    }
    await s.inbox.ack('TX', (await s.inbox.list('TX', 1000)).map((r) => r.id))
  }
  const page = 4096
  t.ok(largest > 0, 'the log is used')
  t.ok(largest <= (WAL_CHECKPOINT_PAGES * 3) * page, `the log never held more than ${Math.round(largest / page)} pages (checkpoint every ${WAL_CHECKPOINT_PAGES}; SQLite's default lets it reach 1,000)`)
})

t.test('sqlite: one hub per data directory', async (t) => {
  const dir = tempDir(t)
  const a = sqliteState({ dataDir: dir, queueMax: 10, inboxMax: 10 })
  t.teardown(async () => { await a.close() })
  t.throws(() => sqliteState({ dataDir: dir, queueMax: 10, inboxMax: 10 }), { code: 'NSIM_HUB_CONFIG', message: /in use by another hub/ })
})

t.test('sqlite: a data directory that cannot be created names the setting', async (t) => {
  t.throws(() => sqliteState({ dataDir: '/dev/null/nsim', queueMax: 10, inboxMax: 10 }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_DATA_DIR/ })
})

t.test('jetstream: two replicas share one queue; a query held by a replica that died goes to the other, and its reply is stored once', { skip: findProgram('nats-server') === undefined && !process.env.CI ? 'nats-server is not installed' : false }, async (t) => {
  const url = await natsServer(t)
  const open = async (replica: string): Promise<SwitchState> => {
    for (let i = 0; ; i++) {
      try {
        return await jetstreamState({ url, replica, destinations: ['IL'], counters: [], ackWaitMs: 1000, refreshMs: 60_000, queueMax: 5000, inboxMax: 5000 })
      } catch (err) {
        if (i > 50) throw err
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
  }
  const a = await open('a')
  const b = await open('b')
  t.teardown(async () => { await a.close(); await b.close() })
  const sent = [query('IL'), query('IL'), query('IL')]
  for (const q of sent) t.equal(await a.queue.enqueue(q), 'queued')
  t.equal(await a.queue.enqueue(sent[0]!), 'queued', 'the same query queued twice (a retry) ...')
  const heldByA = await a.queue.peek('IL', 10)
  t.same(heldByA.map((q) => q.messageId), sent.map((q) => q.messageId), '... is kept once')
  t.same(await b.queue.peek('IL', 10), [], 'what replica a pulled, replica b does not get ...')
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const taken = await b.queue.peek('IL', 10)
  t.same(taken.map((q) => q.messageId), sent.map((q) => q.messageId), '... until a does not finish within the ack wait')
  await b.queue.forward(taken.map((item) => ({ item, reply: replyFor(item) })))
  await a.queue.forward(heldByA.map((item) => ({ item, reply: replyFor(item) })))
  const inbox = await b.inbox.list('TX', 100)
  t.same(inbox.map((r) => r.messageId), sent.map((q) => q.messageId), 'a late forward by a stores no second reply')
  t.same(await a.queue.peek('IL', 10), [], 'the queue is empty')

  // More replies than one page of an acknowledgement's search.
  const many = Array.from({ length: 1010 }, () => query('IL', 'AX'))
  await Promise.all(many.map(async (q) => await a.queue.enqueue(q)))
  for (;;) {
    const items = await a.queue.peek('IL', 16)
    if (items.length === 0) break
    await a.queue.forward(items.map((item) => ({ item, reply: replyFor(item) })))
  }
  const last = many.slice(-3).map((q) => `${q.messageId}.IL`)
  t.equal(await b.inbox.ack('AX', [...last, 'no-such-id']), 3, 'ids past the first 1,000 replies are found and removed')
  t.equal((await a.inbox.list('AX', 2000)).length, 1007)
})
