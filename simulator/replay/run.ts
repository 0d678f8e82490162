/**
 * @module simulator/replay/run
 * `runReplay`: replay a scenario's days across worker threads (days dealt
 * round-robin), add up the tallies and build the report. No HTTP: every query
 * is decided in process by the compiled engine's tables.
 */
import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { parseScenario, type Scenario } from '../scenarios/load.js'
import { decisionsNeeded, replayDay } from './kernel.js'
import { prepare } from './prepare.js'
import { buildReport, type ReplayReport } from './report.js'
import { addTally, newTally, type Tally } from './tally.js'

export interface ReplayOptions {
  /** Replay this many days from the scenario's start instead of its own span. */
  readonly days?: number
  /** Threads (default: the machine's available parallelism); 0 runs in this thread. */
  readonly workers?: number
  /** Called after each day with queries done so far and the planned total. */
  readonly onProgress?: (done: number, days: number, queries: number) => void
}

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url))

export async function runReplay (scenarioFile: string, opts: ReplayOptions = {}): Promise<ReplayReport> {
  const text = await readFile(scenarioFile, 'utf8')
  const base = parseScenario(text, scenarioFile)
  const scenario: Scenario = opts.days === undefined ? base : { ...base, days: opts.days }
  const t0 = performance.now()
  const p = await prepare(scenario)
  const dayList = Array.from({ length: scenario.days }, (_, i) => i)
  const workers = Math.min(opts.workers ?? availableParallelism(), scenario.days)
  const total = newTally(p.set.directory.size, decisionsNeeded(p.tables))
  let daysDone = 0
  let queries = 0
  const progress = (n: number): void => { daysDone++; queries += n; opts.onProgress?.(daysDone, scenario.days, queries) }
  if (workers <= 0) {
    for (const day of dayList) progress(replayDay(p, day, total))
  } else {
    const shares = Array.from({ length: workers }, (_, w) => dayList.filter((d) => d % workers === w))
    const tallies = await Promise.all(shares.map(async (days) => await new Promise<Tally>((resolve, reject) => {
      const w = new Worker(WORKER, { workerData: { scenarioText: text, scenarioFile, days } })
      w.on('message', (m: { type: string, queries?: number, tally?: Tally }) => {
        if (m.type === 'day') progress(m.queries!)
        else if (m.type === 'done') { resolve(m.tally!); void w.terminate() }
      })
      w.on('error', reject)
      w.on('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`replay worker exited with code ${code}`)) })
    })))
    for (const t of tallies) addTally(total, t)
  }
  const seconds = (performance.now() - t0) / 1000
  return buildReport(p, total, { seconds, workers: Math.max(workers, 1) })
}
