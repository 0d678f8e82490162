/**
 * @module simulator/scenarios/load
 * Scenario files (`simulator/scenarios/*.yaml`): a policy set (a policy folder,
 * optionally with rules added in front of some states' rules), traffic
 * parameters, a time span, and faults for hub runs. Every problem is reported
 * with the file and the field.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { readFile } from 'node:fs/promises'
import { basename, isAbsolute, join, resolve } from 'node:path'
import { parse, stringify } from 'yaml'
import { JURISDICTIONS, toJurisdiction } from '../../src/directory/model.js'
import { formatDiagnostic, hasErrors } from '../../src/diagnostics.js'
import { type CompiledPolicySet, compilePolicySet } from '../../src/policy/compile.js'
import { loadPolicySet, makeSource } from '../../src/policy/load.js'
import { parseStatePolicy } from '../../src/policy/parse.js'
import type { Rule, StatePolicy } from '../../src/policy/types.js'
import { parseDate } from '../../src/policy/yaml-walk.js'
import { DEFAULT_TRAFFIC, mergeParams, type TrafficParams } from '../traffic/params.js'

export interface ScenarioAddition {
  readonly states: readonly string[]
  readonly rule: Record<string, unknown>
}

export interface ScenarioFault {
  readonly state: string
  readonly mode: 'down' | 'slow' | 'flapping' | 'removed'
  readonly latencyMs?: number
  readonly periodMs?: number
}

export interface Scenario {
  readonly name: string
  readonly description: string
  readonly file: string
  readonly policies: string
  readonly add: readonly ScenarioAddition[]
  /** Epoch ms of the first day, 00:00 UTC. */
  readonly start: number
  readonly days: number
  readonly seed: string
  readonly traffic: TrafficParams
  readonly faults: readonly ScenarioFault[]
}

export class ScenarioError extends Error {
  constructor (file: string, why: string) {
    super(`scenario ${file}: ${why}`)
    this.name = 'ScenarioError'
  }
}

const FIELDS = ['name', 'description', 'policies', 'add', 'start', 'days', 'seed', 'traffic', 'faults']

export function parseScenario (text: string, file: string): Scenario {
  let doc: unknown
  try { doc = parse(text) } catch (err) { throw new ScenarioError(file, `invalid YAML: ${(err as Error).message.split('\n')[0]}`) }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ScenarioError(file, 'expected a mapping with name, policies, start, days')
  const d = doc as Record<string, unknown>
  for (const k of Object.keys(d)) if (!FIELDS.includes(k)) throw new ScenarioError(file, `unknown field \`${k}\` (fields: ${FIELDS.join(', ')})`)
  const str = (k: string, fallback?: string): string => {
    const v = d[k] ?? fallback
    if (typeof v !== 'string' && typeof v !== 'number') throw new ScenarioError(file, `\`${k}\` is required and must be text`)
    return String(v)
  }
  const name = str('name', basename(file).replace(/\.ya?ml$/, ''))
  const start = parseDate(str('start'))
  if (start === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(str('start'))) throw new ScenarioError(file, `\`start\` must be a date YYYY-MM-DD, got \`${str('start')}\``)
  const days = d.days ?? 365
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3660) throw new ScenarioError(file, '`days` must be a whole number from 1 to 3660')
  let traffic = DEFAULT_TRAFFIC
  if (d.traffic !== undefined && d.traffic !== null) {
    if (typeof d.traffic !== 'object' || Array.isArray(d.traffic)) throw new ScenarioError(file, '`traffic` must be a mapping of parameters')
    try { traffic = mergeParams(DEFAULT_TRAFFIC, d.traffic as Record<string, unknown>, 'traffic') } catch (err) { throw new ScenarioError(file, (err as Error).message) }
  }
  const add: ScenarioAddition[] = []
  for (const [i, a] of (asList(d.add, file, 'add') as Array<Record<string, unknown>>).entries()) {
    if (a === null || typeof a !== 'object' || !('states' in a) || !('rule' in a)) throw new ScenarioError(file, `add[${i}] needs \`states\` and \`rule\``)
    const states = a.states === 'all' ? [...JURISDICTIONS] : asList(a.states, file, `add[${i}].states`).map((s) => {
      const j = typeof s === 'string' ? toJurisdiction(s) : undefined
      if (j === undefined) throw new ScenarioError(file, `add[${i}].states: \`${String(s)}\` is not a jurisdiction`)
      return j
    })
    if (a.rule === null || typeof a.rule !== 'object' || Array.isArray(a.rule)) throw new ScenarioError(file, `add[${i}].rule must be a rule mapping`)
    add.push({ states, rule: a.rule as Record<string, unknown> })
  }
  const faults: ScenarioFault[] = (asList(d.faults, file, 'faults') as Array<Record<string, unknown>>).map((f, i) => {
    const state = typeof f?.state === 'string' ? toJurisdiction(f.state) : undefined
    if (state === undefined) throw new ScenarioError(file, `faults[${i}].state must be a jurisdiction`)
    if (!['down', 'slow', 'flapping', 'removed'].includes(String(f.mode))) throw new ScenarioError(file, `faults[${i}].mode must be down, slow, flapping or removed`)
    return { ...f, state } as unknown as ScenarioFault
  })
  return {
    name, description: typeof d.description === 'string' ? d.description.trim() : '', file, policies: str('policies', 'policies'), add,
    start, days, seed: str('seed', '2025'), traffic, faults,
  }
}

function asList (v: unknown, file: string, what: string): unknown[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new ScenarioError(file, `\`${what}\` must be a list`)
  return v
}

export async function loadScenario (file: string): Promise<Scenario> {
  const text = await readFile(file, 'utf8').catch((err: Error) => { throw new ScenarioError(file, err.message) })
  return parseScenario(text, file)
}

/** The package root (this file is dist/simulator/scenarios/load.js). */
const PACKAGE_ROOT = fileURLToPath(new URL('../../..', import.meta.url))

/**
 * A scenario's policy folder: from the working directory when it is there,
 * else from the package (so a shipped scenario runs from any directory).
 */
export function scenarioPolicyDir (policies: string): string {
  if (isAbsolute(policies)) return policies
  const here = resolve(policies)
  if (existsSync(join(here, 'states'))) return here
  const shipped = resolve(PACKAGE_ROOT, policies)
  return existsSync(join(shipped, 'states')) ? shipped : here
}

/** The scenario's policy set: the folder, with the added rules in front; any error fails. */
export async function scenarioPolicySet (s: Scenario): Promise<CompiledPolicySet> {
  const loaded = await loadPolicySet(scenarioPolicyDir(s.policies))
  if (hasErrors(loaded.diagnostics)) {
    throw new ScenarioError(s.file, `policy folder \`${s.policies}\` has errors:\n${loaded.diagnostics.filter((x) => x.severity === 'error').slice(0, 5).map(formatDiagnostic).join('\n')}`)
  }
  if (s.add.length === 0) return loaded.set
  const src = loaded.set.source
  const names = new Set(src.groups.map((g) => g.name))
  const policies = new Map<string, StatePolicy | undefined>(src.policies)
  s.add.forEach((a, i) => {
    for (const state of a.states) {
      const base = policies.get(state)!
      const text = stringify({ state, version: base.version, default: base.default, rules: [a.rule] })
      const r = parseStatePolicy(text, `${s.file}#add[${i}]`, names, state)
      if (r.value === undefined) throw new ScenarioError(s.file, `add[${i}].rule: ${r.diagnostics.map((x) => x.message).join('; ')}`)
      const rule: Rule = r.value.rules[0]!
      if (rule.requesters.orisFile !== undefined || rule.except.orisFile !== undefined) {
        throw new ScenarioError(s.file, `add[${i}].rule: oris_file is for policy folders; list the ORIs under \`oris\` in a scenario`)
      }
      if (base.rules.some((x) => x.id === rule.id)) throw new ScenarioError(s.file, `add[${i}].rule: id \`${rule.id}\` already exists in ${state}`)
      policies.set(state, { ...base, rules: [rule, ...base.rules], hash: `${base.hash}+${r.value.hash}` })
    }
  })
  return compilePolicySet(makeSource(src.directory, src.groups, policies))
}
