/**
 * @module simulator/load/run
 * A whole load test: check the target (GET /health: it must be a hub; its
 * policy version), check a reload candidate, build the messages, run the load
 * in a worker thread, read the policy version again, and assemble the report
 * with thresholds and the comparison. What `nlets-sim load` runs.
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { request } from 'undici'
import { NsimError } from '../../src/errors.js'
import { formatDiagnostic } from '../../src/diagnostics.js'
import { loadPolicySet } from '../../src/policy/load.js'
import { loadScenario } from '../scenarios/load.js'
import type { Progress, RunOptions } from './engine.js'
import { compare, type Comparison } from './compare.js'
import { buildMessages, DEFAULT_JSON_SHARE, DEFAULT_NL_SHARE } from './messages.js'
import { buildReport, type LoadReport, type LoadSettings } from './report.js'
import type { Threshold } from './thresholds.js'
import { runLoadInWorker } from './worker.js'

/** A run as the engine takes it (its messages aside), and what the command adds. */
export interface LoadTestOptions extends Pick<RunOptions, 'url' | 'mode' | 'rate' | 'seconds' | 'connections' | 'timeoutMs' | 'maxInFlight'> {
  readonly scenarioFile: string
  readonly scenarioName: string
  readonly messages?: number
  readonly seed?: string
  readonly jsonShare?: number
  readonly invalid: number
  readonly spoof: number
  /** Share of DQ/RQ sent to NL (default DEFAULT_NL_SHARE). */
  readonly nlShare?: number
  readonly tokens?: { readonly file: string, readonly map: ReadonlyMap<string, string> }
  readonly adminToken: string
  readonly thresholds: readonly Threshold[]
  readonly reload?: { readonly dir?: string, readonly hubPolicies?: string, readonly at: number }
  readonly compareWith?: { readonly file: string, readonly report: Parameters<typeof compare>[0], readonly startedAt: string, readonly tolerance: number }
}

/** GET /health of the target: its policy version; NSIM_LOAD_TARGET when it does not answer as a hub. */
export async function targetHealth (url: string): Promise<string | null> {
  try {
    const res = await request(new URL('/health', url), { headersTimeout: 10_000, bodyTimeout: 10_000 })
    const text = await res.body.text()
    if (res.statusCode !== 200) throw new NsimError('NSIM_LOAD_TARGET', url, `GET /health answered HTTP ${res.statusCode}`)
    let j: { policyVersion?: unknown }
    try { j = JSON.parse(text) as typeof j } catch { throw new NsimError('NSIM_LOAD_TARGET', url, 'GET /health did not answer JSON') }
    return typeof j.policyVersion === 'string' ? j.policyVersion : null
  } catch (err) {
    if (err instanceof NsimError) throw err
    const e = err as { code?: string, message: string }
    throw new NsimError('NSIM_LOAD_TARGET', url, `${e.code ?? ''} ${e.message}`.trim())
  }
}

/** The candidate folder of `--reload` must load without an error (a hub would refuse it). */
export async function checkCandidate (dir: string): Promise<void> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new NsimError('NSIM_CLI_USAGE', `--reload \`${dir}\` is not a folder`)
  const loaded = await loadPolicySet(dir)
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new NsimError('NSIM_CLI_USAGE', `--reload \`${dir}\` has ${errors.length} error(s); the hub would refuse it (run \`nlets-sim policy check ${dir}\`): ${errors.slice(0, 3).map((d) => `${formatDiagnostic(d)}`).join('; ')}`)
}

export async function runLoadTest (o: LoadTestOptions, onProgress?: (p: Progress) => void): Promise<LoadReport> {
  const policyVersion = await targetHealth(o.url)
  if (o.reload?.dir !== undefined) await checkCandidate(o.reload.dir)
  const scenario = await loadScenario(o.scenarioFile)
  const plannedTotal = o.mode === 'open' ? Math.round(o.rate * o.seconds) : 20_000
  const count = o.messages ?? Math.max(1, Math.min(20_000, plannedTotal))
  const set = await buildMessages(scenario, {
    count, invalid: o.invalid, spoof: o.spoof, ...(o.nlShare !== undefined ? { nlShare: o.nlShare } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.jsonShare !== undefined ? { jsonShare: o.jsonShare } : {}),
    ...(o.tokens !== undefined ? { tokens: o.tokens.map } : {}),
  })
  if (set.messages.length === 0) throw new NsimError('NSIM_CLI_USAGE', `--tokens \`${o.tokens?.file ?? ''}\` has no token for any line that sends in ${o.scenarioName}`)
  const settings: LoadSettings = {
    mode: o.mode, rate: o.mode === 'open' ? o.rate : null, durationSeconds: o.seconds, connections: o.connections, timeoutMs: o.timeoutMs,
    maxInFlight: o.maxInFlight, scenario: o.scenarioName, seed: set.seed, messages: set.messages.length, jsonShare: o.jsonShare ?? DEFAULT_JSON_SHARE,
    invalid: o.invalid, spoof: o.spoof, nlShare: o.nlShare ?? DEFAULT_NL_SHARE, tokens: o.tokens === undefined ? 'demo-<LINE>' : `${o.tokens.file} (${o.tokens.map.size} lines; ${set.withoutToken} sampled queries of other lines left out)`,
    thresholds: o.thresholds.map((t) => t.expr),
    reload: o.reload === undefined ? null : { dir: o.reload.dir ?? null, hubPolicies: o.reload.hubPolicies ?? null, atSeconds: o.reload.at * o.seconds },
  }
  const startedAt = new Date()
  const run = await runLoadInWorker({
    url: o.url, messages: set.messages, mode: o.mode, rate: o.rate, seconds: o.seconds, connections: o.connections, timeoutMs: o.timeoutMs,
    maxInFlight: o.maxInFlight, progressMs: 1000,
    ...(o.reload !== undefined
      ? { reload: { atSeconds: o.reload.at * o.seconds, adminToken: o.adminToken, ...(o.reload.dir !== undefined && o.reload.hubPolicies !== undefined ? { copy: { from: resolve(o.reload.dir), to: resolve(o.reload.hubPolicies) } } : {}) } }
      : {}),
  }, onProgress)
  const finishedAt = new Date()
  const policyVersionAfter = await targetHealth(o.url).catch(() => null)
  const report = buildReport({ url: o.url, policyVersion, policyVersionAfter, settings, thresholds: o.thresholds, startedAt, finishedAt, run })
  if (o.compareWith !== undefined) {
    const c: Comparison = compare(o.compareWith.report, report, o.compareWith.file, o.compareWith.tolerance, o.compareWith.startedAt)
    report.compare = c
  }
  return report
}
