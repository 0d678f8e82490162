/**
 * @module policy/load-thread
 * `loadPolicySetOffThread`: `loadPolicySet` with the reading and parsing (the
 * directory CSV, every YAML file: most of a load, and all of it that grows with
 * list sizes in YAML) done in a worker thread, so that a reload does not stall
 * the event loop that serves requests. Only the compile runs on the caller's
 * thread, one state per turn of its event loop. If the worker cannot run, the
 * load happens on this thread instead.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { Directory } from '../directory/directory.js'
import type { Agency } from '../directory/model.js'
import { compileParsedYielding, type LoadOptions, loadPolicySet, type ParsedPolicyDir, type PolicyLoad, readPolicyDir } from './load.js'

const KIND = 'nlets-sim/policy-read'

interface Job { readonly kind: typeof KIND, readonly dir: string, readonly directoryPath?: string }

/** What the worker sends back: the parsed folder with the directory as its rows. */
type Wire = Omit<ParsedPolicyDir, 'directory'> & { readonly agencies: readonly Agency[] }

/** The load, and where the folder was read: in a worker, or on this thread when the worker could not run. */
export type ThreadedLoad = PolicyLoad & { readonly readIn: 'worker' | 'caller' }

export async function loadPolicySetOffThread (dir: string, opts: LoadOptions = {}): Promise<ThreadedLoad> {
  let wire: Wire
  try {
    wire = await readInWorker({ kind: KIND, dir, ...(opts.directoryPath === undefined ? {} : { directoryPath: opts.directoryPath }) })
  } catch {
    return { ...await loadPolicySet(dir, opts), readIn: 'caller' }
  }
  const { agencies, ...rest } = wire
  return { ...await compileParsedYielding({ ...rest, directory: new Directory(agencies) }, opts), readIn: 'worker' }
}

async function readInWorker (job: Job): Promise<Wire> {
  return await new Promise<Wire>((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: job })
    w.once('message', (m: Wire) => { resolve(m) })
    w.once('error', reject)
    w.once('exit', (code) => { reject(new Error(`policy reader exited with ${code}`)) })
  })
}

if (!isMainThread && (workerData as Partial<Job> | null)?.kind === KIND) {
  const job = workerData as Job
  const parsed = await readPolicyDir(job.dir, job.directoryPath === undefined ? {} : { directoryPath: job.directoryPath })
  const { directory, ...rest } = parsed
  parentPort!.postMessage({ ...rest, agencies: directory.agencies } satisfies Wire)
}
