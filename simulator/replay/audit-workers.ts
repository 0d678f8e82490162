/**
 * @module simulator/replay/audit-workers
 * `replay --audit --workers N`: the audit files cut into byte ranges at line
 * ends, read by N threads (audit-worker.ts), each deciding with its own copy
 * of the candidate set; their tallies merged into one. The report is the one
 * a single thread makes (tested), sooner when there are cores to spare.
 */
import { open, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { type AuditRange, type AuditTally, mergeAuditTally } from './audit-replay.js'

const WORKER = fileURLToPath(new URL('./audit-worker.js', import.meta.url))

/** The first line start at or after `at` in an open file (its size when none). */
async function lineStart (h: import('node:fs/promises').FileHandle, at: number, size: number): Promise<number> {
  if (at <= 0) return 0
  const buf = Buffer.allocUnsafe(64 << 10)
  for (let pos = at - 1; pos < size;) {
    const { bytesRead } = await h.read(buf, 0, buf.length, pos)
    if (bytesRead === 0) break
    const nl = buf.indexOf(10)
    if (nl >= 0 && nl < bytesRead) return pos + nl + 1
    pos += bytesRead
  }
  return size
}

/** The files cut into about `n` ranges of equal size, each starting at a line's first byte. */
export async function splitRanges (files: readonly string[], n: number, minPiece = 1 << 20): Promise<AuditRange[]> {
  const sizes = await Promise.all(files.map(async (f) => (await stat(f)).size))
  const total = sizes.reduce((a, b) => a + b, 0)
  const piece = Math.max(minPiece, Math.ceil(total / n))
  const ranges: AuditRange[] = []
  for (const [i, file] of files.entries()) {
    const size = sizes[i]!
    const h = await open(file, 'r')
    try {
      let start = 0
      while (start < size) {
        const end = Math.min(size, await lineStart(h, start + piece, size))
        ranges.push({ file, start, end })
        start = end
      }
      if (size === 0) ranges.push({ file, start: 0, end: 0 })
    } finally {
      await h.close()
    }
  }
  return ranges
}

/** Line numbers (from 1) of byte offsets that start lines in `file`. */
async function lineNumbers (file: string, offsets: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>()
  const wanted = [...new Set(offsets)].sort((a, b) => a - b)
  const h = await open(file, 'r')
  try {
    const buf = Buffer.allocUnsafe(1 << 20)
    let line = 1
    let pos = 0
    let k = 0
    while (k < wanted.length) {
      const { bytesRead } = await h.read(buf, 0, Math.min(buf.length, wanted.at(-1)! - pos), pos)
      if (bytesRead === 0) break
      for (let i = buf.indexOf(10); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) {
        while (k < wanted.length && wanted[k]! <= pos + i) out.set(wanted[k++]!, line)
        line++
      }
      pos += bytesRead
      while (k < wanted.length && wanted[k]! <= pos) out.set(wanted[k++]!, line)
    }
    while (k < wanted.length) out.set(wanted[k++]!, line)
  } finally {
    await h.close()
  }
  return out
}

/** Tally `files` in `workers` threads, each loading `policiesDir` (which must still be `version`), into `into`. */
export async function tallyInWorkers (files: readonly string[], policiesDir: string, version: string, workers: number, into: AuditTally): Promise<void> {
  const ranges = await splitRanges(files, workers)
  // Each thread takes the next largest range left: shares of about equal size.
  const shares: AuditRange[][] = Array.from({ length: Math.min(workers, ranges.length) }, () => [])
  const load = shares.map(() => 0)
  for (const r of [...ranges].sort((a, b) => (b.end! - b.start!) - (a.end! - a.start!))) {
    const i = load.indexOf(Math.min(...load))
    shares[i]!.push(r)
    load[i]! += r.end! - r.start!
  }
  const tallies = await Promise.all(shares.map(async (share) => await new Promise<AuditTally>((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: { ranges: share, policiesDir, version } })
    w.once('message', (m: { tally?: AuditTally, error?: string }) => {
      if (m.error !== undefined) reject(new Error(m.error))
      else resolve(m.tally!)
      void w.terminate()
    })
    w.once('error', reject)
    w.once('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`audit replay worker exited with code ${code}`)) })
  })))
  for (const t of tallies) mergeAuditTally(into, t)
  // A thread numbers the lines of its ranges from the range's start: count them from the file's start.
  const byFile = new Map<string, number[]>()
  for (const m of into.malformed) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m.offset])
  const numbers = new Map<string, Map<number, number>>()
  for (const [file, offsets] of byFile) numbers.set(file, await lineNumbers(file, offsets))
  into.malformed.splice(0, into.malformed.length, ...into.malformed.map((m) => ({ ...m, line: numbers.get(m.file)!.get(m.offset)! })))
}
