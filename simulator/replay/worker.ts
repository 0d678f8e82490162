/**
 * @module simulator/replay/worker
 * A replay thread: prepares the scenario, replays the days it is given,
 * reports progress after each day, and sends its tally back.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { parseScenario } from '../scenarios/load.js'
import { decisionsNeeded, replayDay } from './kernel.js'
import { prepare } from './prepare.js'
import { newTally } from './tally.js'

interface Job { scenarioText: string, scenarioFile: string, days: number[] }

const job = workerData as Job
const p = await prepare(parseScenario(job.scenarioText, job.scenarioFile))
const tally = newTally(p.set.directory.size, decisionsNeeded(p.tables), Uint32Array)
for (const day of job.days) {
  const n = replayDay(p, day, tally)
  parentPort!.postMessage({ type: 'day', day, queries: n })
}
const buffers = [tally.byDestDecisionComp, tally.byKeyEffect, tally.byAgencyDest, tally.deniedByAgencyDest, tally.byHour]
parentPort!.postMessage({ type: 'done', tally }, buffers.map((b) => b.buffer as ArrayBuffer))
