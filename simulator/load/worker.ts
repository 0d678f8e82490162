/**
 * @module simulator/load/worker
 * `runLoad` in a worker thread of its own: its small heap collects in a
 * millisecond or two, where the calling process (holding the traffic model,
 * or a benchmark's earlier data) could pause it for tens of milliseconds and
 * make the generator, not the server, late.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { type Progress, runLoad, type RunOptions, type RunResult } from './engine.js'

interface Job { readonly kind: 'nlets-load', readonly options: RunOptions, readonly warmSeconds: number }

type FromWorker = { type: 'progress', progress: Progress } | { type: 'done', result: RunResult } | { type: 'failed', message: string }

/**
 * Run the load in a worker thread. `warmSeconds` first runs the same load
 * unmeasured (the worker's code starts cold; without a reload).
 */
export async function runLoadInWorker (options: RunOptions, onProgress?: (p: Progress) => void, warmSeconds = 0): Promise<RunResult> {
  return await new Promise<RunResult>((resolve, reject) => {
    const job: Job = { kind: 'nlets-load', options: onProgress === undefined ? { ...options, progressMs: 0 } : options, warmSeconds }
    const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: job })
    let settled = false
    w.on('message', (m: FromWorker) => {
      if (m.type === 'progress') onProgress?.(m.progress)
      else if (m.type === 'done') { settled = true; resolve(m.result) } else { settled = true; reject(new Error(m.message)) }
    })
    w.once('error', (err) => { settled = true; reject(err) })
    w.once('exit', (code) => { if (!settled) reject(new Error(`load worker exited with ${code} before it finished`)) })
  })
}

if (!isMainThread && (workerData as Partial<Job> | null)?.kind === 'nlets-load') {
  const job = workerData as Job
  try {
    if (job.warmSeconds > 0) {
      const { reload: _reload, ...rest } = job.options
      await runLoad({ ...rest, seconds: job.warmSeconds, progressMs: 0 })
    }
    const result = await runLoad(job.options, (progress) => parentPort!.postMessage({ type: 'progress', progress }))
    parentPort!.postMessage({ type: 'done', result })
  } catch (err) {
    parentPort!.postMessage({ type: 'failed', message: (err as Error).message })
  }
}
