/**
 * @module simulator/replay/audit-worker
 * One thread of `replay --audit --workers N`: loads the candidate folder,
 * reads the byte ranges it is given and sends its tally back.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { loadPolicySet } from '../../src/policy/load.js'
import { type AuditRange, newAuditTally, tallyAudit } from './audit-replay.js'

interface Job { ranges: AuditRange[], policiesDir: string, version: string }

const job = workerData as Job
try {
  const { set } = await loadPolicySet(job.policiesDir)
  if (set.version !== job.version) throw new Error(`${job.policiesDir} changed while the replay started (version ${set.version}, expected ${job.version})`)
  const tally = newAuditTally()
  await tallyAudit(job.ranges, set, tally)
  // Shapes are per thread; only the tally goes back (its Maps and Sets are cloned as they are).
  parentPort!.postMessage({ tally })
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message })
}
