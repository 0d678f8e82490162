/**
 * @module bench/suites/audit-replay
 * `replay --audit`: recorded decisions decided again under a candidate, in
 * lines a second on one core. The recording is the hub's own audit of the
 * traffic model's messages (a few thousand, in process), repeated to the size
 * measured; the candidate is the shipped set (so every line is read, parsed
 * and decided, and none changes) and a candidate that changes every state's
 * decision for ICE-ERO (so the change groups are built too).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildHub } from '../../src/hub/app.js'
import type { CompiledPolicySet } from '../../src/policy/compile.js'
import { loadPolicySet } from '../../src/policy/load.js'
import { replayAudit } from '../../simulator/replay/audit-replay.js'
import { trafficRequests } from '../http-common.js'
import type { SuiteOptions, SuiteResult } from '../lib.js'

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  // NSIM_BENCH_AUDIT_LINES sets the size of a full run (the target is stated for 10,000,000 lines).
  const lines = opts.smoke ? 5_000 : opts.quick ? 200_000 : Number(process.env.NSIM_BENCH_AUDIT_LINES ?? 1_000_000)
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-audit-replay-'))
  try {
    const sample = join(tmp, 'sample.ndjson')
    const hub = await buildHub({ auditFile: sample, ephemeral: true, logger: false, docs: false })
    for (const r of await trafficRequests(opts.smoke ? 500 : 5000, 3)) await hub.ctx.sw.handle({ kind: 'text', text: r.body }, r.line)
    await hub.ctx.audit.flush()
    await hub.close()
    const text = readFileSync(sample, 'utf8')
    const per = text.split('\n').length - 1
    const big = join(tmp, 'audit.ndjson')
    writeFileSync(big, '')
    for (let i = 0; i < Math.ceil(lines / per); i++) appendFileSync(big, text)
    // One untimed read first: the file was just written, and the first measured
    // run would otherwise share the disk with its write-back (a 3 GB file) while
    // the later ones read it from the page cache.
    await readThrough(big)
    const live = (await loadPolicySet('policies')).set
    const candidateDir = join(tmp, 'candidate')
    const { cpSync } = await import('node:fs')
    cpSync('policies', candidateDir, { recursive: true })
    for (const s of ['TX', 'CA', 'FL', 'AZ', 'NM']) {
      const f = join(candidateDir, 'states', `${s}.yaml`)
      writeFileSync(f, readFileSync(f, 'utf8').replace(/^rules:.*$/m, ['rules:', `  - id: ${s.toLowerCase()}-deny-ice`, '    effect: deny', '    description: bench',
        '    requesters: { components: [ICE-ERO, HSI, CBP] }'].join('\n')))
    }
    const candidate = (await loadPolicySet(candidateDir)).set
    const rows: SuiteResult['rows'] = []
    const runs = opts.smoke || lines > 2_000_000 ? 1 : 3
    const setups: Array<[string, CompiledPolicySet, number, string]> = [
      ['the shipped set (nothing changes)', live, 1, 'policies'],
      ['a candidate denying federal components in 5 states', candidate, 1, candidateDir],
      ['the same candidate, --workers 2', candidate, 2, candidateDir],
    ]
    for (const [name, set, workers, policiesDir] of setups) {
      const rates: number[] = []
      let changes = 0
      let changed = 0
      let total = 0
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now()
        const r = await replayAudit([big], set, { workers, policiesDir })
        rates.push(r.lines / ((performance.now() - t0) / 1000))
        changes = r.changes.length
        changed = r.summary.changed
        total = r.lines
      }
      rates.sort((a, b) => a - b)
      rows.push({ measure: `replay --audit, ${name}`, lines: total, 'MB': Math.round(statSync(big).size / 1e6), 'lines/s (median)': Math.round(rates[Math.floor(rates.length / 2)]!), 'lines/s (best)': Math.round(rates[rates.length - 1]!), runs, 'change groups': changes, 'queries changed': changed })
    }
    return {
      suite: 'audit-replay', rows,
      notes: [`the hub's audit of ${per} traffic-model messages repeated to ${lines.toLocaleString('en-US')} lines; one thread unless --workers is named (each thread loads the candidate, 0.4 to 0.7 s, inside the time); target (issue 9): 1,000,000 lines/s on one core`],
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/** Read a file to its end, keeping nothing. */
async function readThrough (file: string): Promise<void> {
  const { open } = await import('node:fs/promises')
  const h = await open(file, 'r')
  try {
    const chunk = Buffer.alloc(1 << 20)
    while ((await h.read(chunk, 0, chunk.length, null)).bytesRead > 0) { /* next chunk */ }
  } finally {
    await h.close()
  }
}
