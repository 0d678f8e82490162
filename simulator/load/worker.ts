/**
 * @module simulator/load/worker
 * `runLoad` in a worker thread of its own: its small heap collects in a
 * millisecond or two, where the calling process (holding the traffic model,
 * or a benchmark's earlier data) could pause it for tens of milliseconds and
 * make the generator, not the server, late.
 *
 * One worker serves the runs of a process one after another (a benchmark
 * makes dozens of short runs: a worker each would pay its start-up and a cold
 * JIT every time); it is unreferenced while idle, so it never keeps the
 * process alive, and a run in progress holds it.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { type Progress, runLoad, type RunOptions, type RunResult } from './engine.js'

interface Job { readonly id: number, readonly options: RunOptions, readonly warmSeconds: number }

type FromWorker = { id: number, type: 'progress', progress: Progress } | { id: number, type: 'done', result: RunResult } | { id: number, type: 'failed', message: string }

interface Waiting { resolve: (r: RunResult) => void, reject: (e: Error) => void, onProgress: ((p: Progress) => void) | undefined }

let shared: { worker: Worker, waiting: Map<number, Waiting> } | undefined
let nextId = 1
let queue: Promise<unknown> = Promise.resolve()

function worker (): NonNullable<typeof shared> {
  if (shared !== undefined) return shared
  const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: { kind: 'nlets-load' } })
  const waiting = new Map<number, Waiting>()
  const s = { worker: w, waiting }
  w.unref()
  w.on('message', (m: FromWorker) => {
    const x = waiting.get(m.id)
    if (x === undefined) return
    if (m.type === 'progress') { x.onProgress?.(m.progress); return }
    waiting.delete(m.id)
    if (waiting.size === 0) w.unref()
    if (m.type === 'done') x.resolve(m.result)
    else x.reject(new Error(m.message))
  })
  const fail = (err: Error): void => {
    if (shared === s) shared = undefined
    for (const x of waiting.values()) x.reject(err)
    waiting.clear()
  }
  w.on('error', fail)
  w.on('exit', (code) => fail(new Error(`load worker exited with ${code} before it finished`)))
  shared = s
  return s
}

/**
 * Run the load in the worker thread, one run at a time. `warmSeconds` first
 * runs the same load unmeasured (without a reload).
 */
export async function runLoadInWorker (options: RunOptions, onProgress?: (p: Progress) => void, warmSeconds = 0): Promise<RunResult> {
  const run = queue.then(async () => await new Promise<RunResult>((resolve, reject) => {
    const s = worker()
    const id = nextId++
    s.waiting.set(id, { resolve, reject, onProgress })
    s.worker.ref()
    const job: Job = { id, options: onProgress === undefined ? { ...options, progressMs: 0 } : options, warmSeconds }
    s.worker.postMessage(job)
  }))
  queue = run.catch(() => undefined)
  return await run
}

if (!isMainThread && (workerData as { kind?: unknown } | null)?.kind === 'nlets-load') {
  parentPort!.on('message', (job: Job) => {
    void (async () => {
      try {
        if (job.warmSeconds > 0) {
          const { reload: _reload, ...rest } = job.options
          await runLoad({ ...rest, seconds: job.warmSeconds, progressMs: 0 })
        }
        const result = await runLoad(job.options, (progress) => parentPort!.postMessage({ id: job.id, type: 'progress', progress }))
        parentPort!.postMessage({ id: job.id, type: 'done', result })
      } catch (err) {
        parentPort!.postMessage({ id: job.id, type: 'failed', message: (err as Error).message })
      }
    })()
  })
}
