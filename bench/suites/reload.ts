/**
 * @module bench/suites/reload
 * Policy reload: (i) compile time of the shipped set with a 1,000,000-ORI deny
 * list in IL, in process (StatePolicy objects built directly, no YAML), and
 * the time to load such a folder from disk (YAML parse + compile, flow and
 * block lists); (ii) a hub under load reloading 20 times while IL.yaml flips
 * between two valid versions: every reload must answer 200, no request fail.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { join } from 'node:path'
import { compilePolicySet } from '../../src/policy/compile.js'
import { loadPolicySet, makeSource } from '../../src/policy/load.js'
import { loadPolicySetOffThread } from '../../src/policy/load-thread.js'
import type { Rule, StatePolicy } from '../../src/policy/types.js'
import type { SuiteOptions, SuiteResult } from '../lib.js'
import {
  type Child, load, type LoadResult, median, round2, sleep, startHub, stopAll, type TargetCheck, trafficRequests, verdict,
} from '../http-common.js'

const EMPTY = { oris: [], patterns: [], groups: [], types: [], lines: [], components: [] }
const AT = { file: 'bench', line: 1, column: 1 }

/** `n` synthetic ORIs outside the directory (ZZ + 7 base-36 digits). */
export function syntheticOris (n: number): string[] {
  return Array.from({ length: n }, (_, i) => `ZZ${i.toString(36).toUpperCase().padStart(7, '0')}`)
}

function denyRule (oris: string[]): Rule {
  return {
    id: 'il-bench-deny-list', effect: 'deny', redact: [], description: 'bench deny list', source: '',
    requesters: { ...EMPTY, oris }, except: EMPTY, origin: 'any', keys: ['all'], reasons: [], purposes: [], lintIgnore: [], at: AT,
  }
}

/** The YAML text of a rule listing `oris`, as a flow sequence (one line) or a block list (a line each). */
export function denyRuleYaml (oris: readonly string[], style: 'flow' | 'block' | 'file'): string {
  const list = style === 'file' ? `_file: ${LIST_FILE}` : style === 'flow' ? `: [${oris.join(', ')}]` : `:\n${oris.map((o) => `        - ${o}`).join('\n')}`
  return `  - id: il-bench-deny-list\n    effect: deny\n    description: bench deny list\n    requesters:\n      oris${list}\n    keys: [all]\n\n`
}

/** The list file the `file` style names, beside IL.yaml. */
const LIST_FILE = 'il-bench-deny.txt'

/** IL.yaml with `rule` (YAML text of one rule) first in its rules. */
function withRule (il: string, rule: string): string {
  if (!il.includes('\nrules:\n')) throw new Error('policies/states/IL.yaml: no `rules:` line to add a rule under')
  return il.replace('\nrules:\n', `\nrules:\n${rule}`)
}

interface Timing { ms: number, min: number, runs: number }

function timed (runs: number, fn: () => void): Timing {
  const ms: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    fn()
    ms.push(performance.now() - t0)
  }
  return { ms: round2(median(ms)), min: round2(Math.min(...ms)), runs }
}

type Row = Record<string, string | number | boolean>
const row = (measure: string, entries: number, t: Timing, more: Partial<Row> = {}): Row => ({
  measure, entries, 'ms (median)': t.ms, 'ms (min)': t.min, runs: t.runs, requests: '', 'failed requests': '', 'p99 ms': '', 'max ms': '', detail: '', ...more,
})

/** Run `f`, timing it and the longest stall of this thread's event loop meanwhile (5 ms resolution). */
async function stallOf<T> (f: () => Promise<T>): Promise<{ value: T, ms: number, stallMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 })
  h.enable()
  const t0 = performance.now()
  const value = await f()
  const ms = performance.now() - t0
  // The monitor records a stall when its timer next runs: give it that turn before stopping it.
  await new Promise((resolve) => setTimeout(resolve, 20))
  h.disable()
  return { value, ms, stallMs: h.max / 1e6 }
}

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  const big = opts.smoke ? 10_000 : 1_000_000
  const diskSize = opts.smoke ? 10_000 : opts.quick ? 50_000 : 1_000_000
  const rows: Row[] = []
  const notes: string[] = []

  // (i) in process: the shipped set, IL with a `big`-entry deny list in front of its rules.
  const shipped = await loadPolicySet('policies')
  const src = shipped.set.source
  const il = src.policies.get('IL')!
  const oris = syntheticOris(big)
  const policies = new Map<string, StatePolicy | undefined>(src.policies)
  policies.set('IL', { ...il, rules: [denyRule(oris), ...il.rules], hash: `${il.hash}+bench${big}` })
  const bigSrc = makeSource(src.directory, src.groups, policies)
  const runs = opts.smoke ? 1 : opts.quick ? 3 : 5
  const plain = timed(runs, () => { compilePolicySet(src) })
  rows.push(row('compile: shipped set (in process)', 0, plain))
  const compileBig = timed(runs, () => { compilePolicySet(bigSrc) })
  rows.push(row('compile: shipped set + IL deny list (in process)', big, compileBig))
  opts.out(`reload: compile with ${big.toLocaleString('en-US')} entries: ${compileBig.ms} ms median of ${runs} (min ${compileBig.min})`)

  // (i) from disk: a policy folder whose IL.yaml lists the ORIs, flow and block style.
  const tmp = mkdtempSync(join(tmpdir(), 'nlets-bench-reload-'))
  const children: Child[] = []
  try {
    const ilText = readFileSync('policies/states/IL.yaml', 'utf8')
    const diskOris = oris.slice(0, diskSize)
    for (const style of ['flow', 'block', 'file'] as const) {
      const dir = join(tmp, `policies-${style}`)
      cpSync('policies', dir, { recursive: true })
      const text = withRule(ilText, denyRuleYaml(diskOris, style))
      writeFileSync(join(dir, 'states', 'IL.yaml'), text)
      if (style === 'file') writeFileSync(join(dir, 'states', LIST_FILE), `# bench deny list\n${diskOris.join('\n')}\n`)
      const { value: loaded, ms, stallMs } = await stallOf(async () => await loadPolicySet(dir))
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length
      if (errors > 0) throw new Error(`the ${style} policy folder has ${errors} errors`)
      const t = { ms: round2(ms), min: round2(ms), runs: 1 }
      const what = style === 'file' ? 'list file (oris_file)' : `${style} list`
      rows.push(row(`load from disk: parse + compile, ${what}`, diskSize, t, {
        'max ms': round2(stallMs),
        detail: `${style === 'file' ? `${LIST_FILE} ${(diskOris.length * 10 / 1e6).toFixed(1)} MB, named by IL.yaml's rule` : `IL.yaml ${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB`}${diskSize < big ? `; x${big / diskSize} for ${big.toLocaleString('en-US')} entries: about ${Math.round(ms * big / diskSize).toLocaleString('en-US')} ms (scaled, not measured)` : ''}`,
      }))
      opts.out(`reload: load a folder with a ${diskSize.toLocaleString('en-US')}-entry ${what} from disk: ${Math.round(ms)} ms`)
      if (style !== 'block') {
        // What a reload does now: read and parse in a worker thread, compile on this one.
        const off = await stallOf(async () => await loadPolicySetOffThread(dir))
        if (off.value.readIn !== 'worker' || off.value.set.version !== loaded.set.version) throw new Error('the off-thread load differs from the in-thread one')
        rows.push(row(`load from disk off the event loop (a reload): worker reads and parses, ${what}`, diskSize, { ms: round2(off.ms), min: round2(off.ms), runs: 1 }, {
          'max ms': round2(off.stallMs),
          detail: `the event loop's longest stall ${Math.round(off.stallMs)} ms (on this thread: ${Math.round(stallMs)} ms); same version as the in-thread load`,
        }))
        opts.out(`reload: the same folder read in a worker: ${Math.round(off.ms)} ms, longest event-loop stall ${Math.round(off.stallMs)} ms (in-thread ${Math.round(stallMs)} ms)`)
      }
      rmSync(dir, { recursive: true, force: true })
    }
    // The shipped folder, as a reload of the live hub loads it: on this thread, then read in a worker.
    const shippedHere = await stallOf(async () => await loadPolicySet('policies'))
    const shippedOff = await stallOf(async () => await loadPolicySetOffThread('policies'))
    rows.push(row('load from disk: the shipped folder, on this thread', 0, { ms: round2(shippedHere.ms), min: round2(shippedHere.ms), runs: 1 }, { 'max ms': round2(shippedHere.stallMs) }))
    rows.push(row('load from disk: the shipped folder, read in a worker (a reload)', 0, { ms: round2(shippedOff.ms), min: round2(shippedOff.ms), runs: 1 }, { 'max ms': round2(shippedOff.stallMs) }))

    // (ii) 20 reloads of a live hub under load, IL.yaml alternating between two valid versions.
    const dir = join(tmp, 'policies-live')
    cpSync('policies', dir, { recursive: true })
    const ilFile = join(dir, 'states', 'IL.yaml')
    const versionB = withRule(ilText.replace(/^version: .*$/m, 'version: bench-b'), denyRuleYaml(['ZZBENCH01', 'ZZBENCH02'], 'flow'))
    const versions = [versionB, ilText]
    const hub = await startHub({ name: 'hub (reload)', audit: join(tmp, 'audit.ndjson'), policies: dir })
    children.push(hub)
    const requests = await trafficRequests(opts.smoke ? 2000 : 20_000, opts.smoke ? 1 : 3)
    const connections = opts.smoke ? 2 : 8
    const pause = opts.smoke ? 30 : opts.quick ? 50 : 250
    const reloads = 20
    const reloadMs: number[] = []
    const answers: Record<string, number> = {}
    const refused: string[] = []
    let stopLoad = (): void => {}
    const running = load({ url: hub.url, requests, seconds: 600, connections, onStart: (stop) => { stopLoad = stop } })
    await sleep(opts.smoke ? 300 : 1000)
    let previous = ''
    for (let i = 0; i < reloads; i++) {
      writeFileSync(ilFile, versions[i % 2]!)
      const t0 = performance.now()
      const res = await fetch(`${hub.url}/v1/admin/policies/reload`, { method: 'POST', headers: { authorization: 'Bearer demo-admin' } })
      const body = await res.json() as { ok?: boolean, version?: string, errors?: string[] }
      reloadMs.push(performance.now() - t0)
      answers[res.status] = (answers[res.status] ?? 0) + 1
      if (res.status !== 200 || body.ok !== true || body.version === previous) refused.push(`${res.status} ${JSON.stringify(body).slice(0, 200)}`)
      previous = body.version ?? ''
      await sleep(pause)
    }
    await sleep(opts.smoke ? 100 : 500)
    stopLoad()
    const lr: LoadResult = await running
    const failed = lr.errors + lr.non2xx + lr.bad
    const reloadOk = (answers['200'] ?? 0) === reloads && refused.length === 0
    rows.push(row('reload x20 under load (POST /v1/admin/policies/reload)', 0, { ms: round2(median(reloadMs)), min: round2(Math.min(...reloadMs)), runs: reloads }, {
      requests: lr.requests, 'failed requests': failed, 'p99 ms': lr.p99, 'max ms': lr.max,
      detail: `answers ${Object.entries(answers).map(([s, n]) => `${s} x${n}`).join(', ')}; version changed every time: ${refused.length === 0}; reload max ${Math.round(Math.max(...reloadMs))} ms; load ${Math.round(lr.rps)} req/s on ${connections} connections, p50 ${lr.p50} ms; errors ${lr.errors}, timeouts ${lr.timeouts}, non-2xx ${lr.non2xx} (${lr.statuses}), bad bodies ${lr.bad}`,
    }))
    opts.out(`reload: ${reloads} reloads under load: answers ${JSON.stringify(answers)}, ${failed} failed of ${lr.requests} requests, reload median ${Math.round(median(reloadMs))} ms`)
    if (refused.length > 0) notes.push(`refused or unchanged reloads: ${refused.slice(0, 3).join(' | ')}`)
    if (lr.firstBad !== undefined) notes.push(`first bad response: ${lr.firstBad}`)

    const targets: TargetCheck[] = opts.smoke ? [] : [
      { target: `reload: compile of the full set with ${big.toLocaleString('en-US')} entries <= 1 s`, value: `${compileBig.ms} ms median of ${runs} (min ${compileBig.min} ms), in process`, met: compileBig.ms <= 1000 },
      { target: 'reload: 0 failed requests over 20 reloads under load', value: `${failed} failed of ${lr.requests}; ${answers['200'] ?? 0}/${reloads} reloads answered 200`, met: failed === 0 && reloadOk },
    ]
    notes.push(
      `compile rows: compilePolicySet on the shipped policy set (directory, groups, 54 states) with IL's deny list of synthetic ORIs (ZZ + 7 base-36 digits, not in the directory) first in its rules, StatePolicy objects built in memory; ${runs} run(s), median and min`,
      'load-from-disk rows: loadPolicySet on a copy of policies/ whose IL.yaml carries the list (read, YAML parse, validation, compile), all on this thread; "max ms" is the longest stall of this thread\'s event loop meanwhile (monitorEventLoopDelay, 5 ms resolution)',
      '"off the event loop" rows: loadPolicySetOffThread, what POST /v1/admin/policies/reload does: a worker thread reads and parses, this thread compiles; "max ms" is again the event loop\'s longest stall',
      `reload x20: the hub serves a copy of policies/; IL.yaml alternates between a version with an added two-ORI deny rule and the shipped text, then POST reload (serially, ${pause} ms apart) while autocannon keeps ${connections} connections busy; failed = errors (timeouts included) + non-2xx + checked bodies without replies/decisions`,
      ...targets.map(verdict),
    )
    const result: SuiteResult & { targets: TargetCheck[], reloadMs: number[] } = { suite: 'reload', rows, notes, targets, reloadMs: reloadMs.map(round2) }
    return result
  } finally {
    await stopAll(children)
    rmSync(tmp, { recursive: true, force: true })
  }
}
