/**
 * @module hub/store/sqlite
 * The switch's state in an embedded SQLite database (better-sqlite3, WAL mode),
 * the default: `<data dir>/nlets-sim.db`. Queued queries, inbox replies, line
 * sequence counters and destination settings survive SIGTERM and SIGKILL.
 *
 * Durability: with `synchronous=NORMAL` (the default) a committed transaction
 * is in the WAL file in the operating system's hands, which a killed process
 * cannot lose; a power loss or kernel crash may roll back the last commits
 * (never corrupt the file). `synchronous=FULL` (`NSIM_DB_SYNC=full`) syncs the
 * WAL to the disk at every commit and survives a power loss too; queries
 * queued in one turn of the event loop share one commit, so the cost is one
 * fsync per turn, not per query (measured in bench/RESULTS.md).
 *
 * The database is held with an exclusive lock: a second hub on the same data
 * directory is refused at start, since the counts kept in memory here would
 * no longer be the truth.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { NsimError } from '../../errors.js'
import { SEQ_MODULUS } from '../../message/clock.js'
import type {
  Bounds, DestinationSettings, EnqueueResult, Inbox, InboxReply, Queued, QueuedQuery, Sequences, StoreAndForward, SwitchState,
} from '../ports/state.js'

export type SyncMode = 'normal' | 'full'

export interface SqliteStateOptions extends Bounds {
  /** Folder of the database file (created). */
  readonly dataDir: string
  readonly sync?: SyncMode
  /** WAL pages between checkpoints (default WAL_CHECKPOINT_PAGES; the store bench compares SQLite's 1,000). */
  readonly checkpointPages?: number
}

export const DB_FILE = 'nlets-sim.db'
const SCHEMA_VERSION = '1'
/** Sequence numbers leased per write: a restart after a kill skips at most this many. */
export const SEQ_LEASE = 1000

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, line TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS queue_by_state ON queue (state, seq);
CREATE TABLE IF NOT EXISTS inbox (n INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, line TEXT NOT NULL, body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS inbox_by_line ON inbox (line, n);
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS destinations (state TEXT PRIMARY KEY, body TEXT NOT NULL);
`

function add (m: Map<string, number>, k: string, n: number): void {
  const v = (m.get(k) ?? 0) + n
  if (v === 0) m.delete(k)
  else m.set(k, v)
}

/**
 * WAL pages between checkpoints. A checkpoint copies the log into the database
 * and syncs it on the event loop (the store is opened exclusively, so no other
 * connection can do it): at SQLite's default of 1,000 pages one took 10 to
 * 20 ms and stalled every request behind it (bench/RESULTS.md, drain); at 100,
 * at most about 6 ms, more often.
 */
export const WAL_CHECKPOINT_PAGES = 100

function open (file: string, sync: SyncMode, checkpointPages: number): Database.Database {
  let db: Database.Database | undefined
  try {
    db = new Database(file, { timeout: 1000 })
    db.pragma('locking_mode = EXCLUSIVE')
    db.pragma('journal_mode = WAL')
    db.pragma(`wal_autocheckpoint = ${checkpointPages}`)
    db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`)
    db.exec(SCHEMA)
    const v = db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get('schema') as string | undefined
    if (v === undefined) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema', SCHEMA_VERSION)
    else if (v !== SCHEMA_VERSION) throw new Error(`schema version ${v}, this hub reads ${SCHEMA_VERSION}: move the file away to start afresh`)
    return db
  } catch (err) {
    db?.close()
    const e = err as { code?: string, message: string }
    const why = e.code === 'SQLITE_BUSY' ? 'it is in use by another hub (each hub needs a data directory of its own)' : e.message
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_DATA_DIR', `cannot open the store \`${file}\`: ${why}`)
  }
}

class SqliteQueue implements StoreAndForward, Inbox {
  readonly #db: Database.Database
  readonly #bounds: Bounds
  readonly #queued = new Map<string, number>()
  readonly #inbox = new Map<string, number>()
  /** Per line: replies waiting plus queries queued (the inbox room they hold). */
  readonly #reserved = new Map<string, number>()
  readonly #insert: Database.Statement
  readonly #peek: Database.Statement
  readonly #remove: Database.Statement
  readonly #put: Database.Statement
  readonly #list: Database.Statement
  readonly #ack: Database.Statement
  /** Queries of this turn, committed together at its end. */
  #pending: Array<{ q: QueuedQuery, resolve: (r: EnqueueResult) => void, reject: (e: Error) => void }> = []

  constructor (db: Database.Database, bounds: Bounds) {
    this.#db = db
    this.#bounds = bounds
    for (const r of db.prepare('SELECT state, count(*) AS n FROM queue GROUP BY state').all() as Array<{ state: string, n: number }>) this.#queued.set(r.state, r.n)
    for (const r of db.prepare('SELECT line, count(*) AS n FROM inbox GROUP BY line').all() as Array<{ line: string, n: number }>) this.#inbox.set(r.line, r.n)
    for (const r of db.prepare('SELECT line, sum(n) AS n FROM (SELECT line, count(*) AS n FROM queue GROUP BY line UNION ALL SELECT line, count(*) FROM inbox GROUP BY line) GROUP BY line').all() as Array<{ line: string, n: number }>) {
      this.#reserved.set(r.line, r.n)
    }
    this.#insert = db.prepare('INSERT INTO queue (state, line, body) VALUES (?, ?, ?)')
    this.#peek = db.prepare('SELECT seq, body FROM queue WHERE state = ? ORDER BY seq LIMIT ?')
    this.#remove = db.prepare('DELETE FROM queue WHERE seq = ?')
    this.#put = db.prepare('INSERT OR REPLACE INTO inbox (id, line, body) VALUES (?, ?, ?)')
    this.#list = db.prepare('SELECT body FROM inbox WHERE line = ? ORDER BY n LIMIT ?')
    this.#ack = db.prepare('DELETE FROM inbox WHERE line = ? AND id = ?')
  }

  readonly #commitPending = (): void => {
    const batch = this.#pending
    this.#pending = []
    try {
      this.#db.transaction(() => { for (const { q } of batch) this.#insert.run(q.state, q.line, JSON.stringify(q)) })()
      for (const { resolve } of batch) resolve('queued')
    } catch (err) {
      for (const { q, reject } of batch) {
        add(this.#queued, q.state, -1)
        add(this.#reserved, q.line, -1)
        reject(err as Error)
      }
    }
  }

  async enqueue (q: QueuedQuery): Promise<EnqueueResult> {
    if ((this.#queued.get(q.state) ?? 0) >= this.#bounds.queueMax) return 'queue-full'
    if ((this.#reserved.get(q.line) ?? 0) >= this.#bounds.inboxMax) return 'inbox-full'
    // Counted now, so the bounds hold for queries of the same turn.
    add(this.#queued, q.state, 1)
    add(this.#reserved, q.line, 1)
    if (this.#pending.length === 0) setImmediate(this.#commitPending)
    return await new Promise<EnqueueResult>((resolve, reject) => { this.#pending.push({ q, resolve, reject }) })
  }

  async peek (state: string, max: number): Promise<Queued[]> {
    const rows = this.#peek.all(state, max) as Array<{ seq: number, body: string }>
    return rows.map((r) => ({ ...(JSON.parse(r.body) as QueuedQuery), seq: r.seq }))
  }

  async forward (done: ReadonlyArray<{ readonly item: Queued, readonly reply: InboxReply }>): Promise<void> {
    if (done.length === 0) return
    const moved: Queued[] = []
    this.#db.transaction(() => {
      for (const { item, reply } of done) {
        if (this.#remove.run(item.seq).changes === 0) continue
        this.#put.run(reply.id, item.line, JSON.stringify(reply))
        moved.push(item)
      }
    })()
    for (const item of moved) {
      add(this.#queued, item.state, -1)
      add(this.#inbox, item.line, 1)
    }
  }

  depth (state: string): number {
    return this.#queued.get(state) ?? 0
  }

  depths (): Record<string, number> {
    return Object.fromEntries(this.#queued)
  }

  async list (line: string, max: number): Promise<InboxReply[]> {
    return (this.#list.all(line, max) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as InboxReply)
  }

  async ack (line: string, ids: readonly string[]): Promise<number> {
    let n = 0
    this.#db.transaction(() => { for (const id of ids) n += this.#ack.run(line, id).changes })()
    add(this.#inbox, line, -n)
    add(this.#reserved, line, -n)
    return n
  }

  inboxDepth (line: string): number {
    return this.#inbox.get(line) ?? 0
  }

  /** Commit what this turn queued (at close). */
  settle (): void {
    if (this.#pending.length > 0) this.#commitPending()
  }
}

/** Counters handed out from leased blocks: one write per SEQ_LEASE numbers. */
class SqliteSequences implements Sequences {
  readonly #db: Database.Database
  readonly #read: Database.Statement
  readonly #write: Database.Statement
  readonly #counters = new Map<string, { cur: number, leased: number }>()

  constructor (db: Database.Database) {
    this.#db = db
    this.#read = db.prepare('SELECT value FROM sequences WHERE name = ?').pluck()
    this.#write = db.prepare('INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
  }

  next (counter: string): number {
    let c = this.#counters.get(counter)
    if (c === undefined) {
      const v = (this.#read.get(counter) as number | undefined) ?? 0
      c = { cur: v, leased: v }
      this.#counters.set(counter, c)
    }
    if (c.cur >= c.leased) {
      c.leased = c.cur + SEQ_LEASE
      this.#write.run(counter, c.leased)
    }
    c.cur++
    return c.cur % SEQ_MODULUS
  }

  /** At a clean stop: keep exactly the last number given, so the next start goes on from it. */
  settle (): void {
    this.#db.transaction(() => { for (const [name, c] of this.#counters) this.#write.run(name, c.cur) })()
  }
}

/** Every port in one SQLite file. */
export function sqliteState (opts: SqliteStateOptions): SwitchState {
  try {
    mkdirSync(opts.dataDir, { recursive: true })
  } catch (err) {
    throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_DATA_DIR', `cannot create the data directory \`${opts.dataDir}\`: ${(err as Error).message}`)
  }
  const file = join(opts.dataDir, DB_FILE)
  const db = open(file, opts.sync ?? 'normal', opts.checkpointPages ?? WAL_CHECKPOINT_PAGES)
  const q = new SqliteQueue(db, opts)
  const sequences = new SqliteSequences(db)
  const readSettings = db.prepare('SELECT state, body FROM destinations')
  const writeSettings = db.prepare('INSERT INTO destinations (state, body) VALUES (?, ?) ON CONFLICT (state) DO UPDATE SET body = excluded.body')
  let closed = false
  return {
    kind: 'sqlite',
    where: file,
    queue: q,
    inbox: { list: async (line, max) => await q.list(line, max), ack: async (line, ids) => await q.ack(line, ids), depth: (line) => q.inboxDepth(line) },
    sequences,
    destinations: {
      load: async () => Object.fromEntries((readSettings.all() as Array<{ state: string, body: string }>).map((r) => [r.state, JSON.parse(r.body) as DestinationSettings])),
      save: async (state, s) => { writeSettings.run(state, JSON.stringify(s)) },
    },
    close: async () => {
      if (closed) return
      closed = true
      q.settle()
      sequences.settle()
      db.close()
    },
  }
}
