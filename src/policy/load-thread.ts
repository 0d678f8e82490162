/**
 * @module policy/load-thread
 * `loadPolicySetOffThread`: `loadPolicySet` with the reading and parsing (the
 * directory CSV, every YAML file: most of a load, and all of it that grows with
 * list sizes in YAML) done in a worker thread, so that a reload does not stall
 * the event loop that serves requests. Only the compile runs on the caller's
 * thread, one state per turn of its event loop. The worker is started on the
 * first load and kept (holding the process open only while a load is in hand);
 * if it cannot run, the load happens on this thread instead.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { Directory } from '../directory/directory.js'
import type { Agency } from '../directory/model.js'
import { compileParsedYielding, type LoadOptions, loadPolicySet, type ParsedPolicyDir, type PolicyLoad, readPolicyDir } from './load.js'

const KIND = 'nlets-sim/policy-reader'

interface Job { readonly id: number, readonly dir: string, readonly directoryPath?: string }

/** What the worker sends back: the parsed folder with the directory as its rows. */
type Wire = Omit<ParsedPolicyDir, 'directory'> & { readonly agencies: readonly Agency[] }

/** The load, and where the folder was read: in a worker, or on this thread when the worker could not run. */
export type ThreadedLoad = PolicyLoad & { readonly readIn: 'worker' | 'caller' }

export async function loadPolicySetOffThread (dir: string, opts: LoadOptions = {}): Promise<ThreadedLoad> {
  let wire: Wire
  try {
    wire = await reader.read(dir, opts.directoryPath)
  } catch {
    return { ...await loadPolicySet(dir, opts), readIn: 'caller' }
  }
  const { agencies, ...rest } = wire
  return { ...await compileParsedYielding({ ...rest, directory: new Directory(agencies) }, opts), readIn: 'worker' }
}

/** One reader thread for the process, started on first use; a failure ends it and fails what it had in hand. */
class Reader {
  #worker: Worker | undefined
  #next = 0
  readonly #pending = new Map<number, { resolve: (w: Wire) => void, reject: (e: Error) => void }>()

  async read (dir: string, directoryPath: string | undefined): Promise<Wire> {
    const w = this.#worker ?? this.#start()
    const id = ++this.#next
    // Held while a read is in hand (the caller awaits it), let go when idle.
    w.ref()
    try {
      return await new Promise<Wire>((resolve, reject) => {
        this.#pending.set(id, { resolve, reject })
        w.postMessage({ id, dir, ...(directoryPath === undefined ? {} : { directoryPath }) } satisfies Job)
      })
    } finally {
      if (this.#pending.size === 0) w.unref()
    }
  }

  #start (): Worker {
    const w = new Worker(new URL(import.meta.url), { workerData: { kind: KIND } })
    w.on('message', ({ id, wire }: { id: number, wire: Wire }) => {
      this.#pending.get(id)?.resolve(wire)
      this.#pending.delete(id)
    })
    const fail = (err: Error): void => {
      if (this.#worker === w) this.#worker = undefined
      for (const p of this.#pending.values()) p.reject(err)
      this.#pending.clear()
    }
    w.on('error', fail)
    w.on('exit', (code) => { fail(new Error(`policy reader exited with ${code}`)) })
    this.#worker = w
    return w
  }
}

const reader = new Reader()

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === KIND) {
  parentPort!.on('message', (job: Job) => {
    void readPolicyDir(job.dir, job.directoryPath === undefined ? {} : { directoryPath: job.directoryPath }).then(({ directory, ...rest }) => {
      parentPort!.postMessage({ id: job.id, wire: { ...rest, agencies: directory.agencies } satisfies Wire })
    })
  })
}
