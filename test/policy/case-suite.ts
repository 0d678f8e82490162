/**
 * The shared conformance suite (OPA-style numbered cases in test/policy/cases/):
 * every engine that claims the decision semantics runs it, so an optimisation can
 * never change a decision unnoticed.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Test } from 'tap'
import { parse } from 'yaml'
import { parseDirectory } from '../../src/directory/load.js'
import { toJurisdiction } from '../../src/directory/model.js'
import { compilePolicySet, type CompiledPolicySet } from '../../src/policy/compile.js'
import { makeSource } from '../../src/policy/load.js'
import { parseGroups, parseStatePolicy } from '../../src/policy/parse.js'
import type { PolicySource } from '../../src/policy/reference.js'
import type { Decision, NamedGroup, PolicyRequest, StatePolicy } from '../../src/policy/types.js'
import { parseDate } from '../../src/policy/yaml-walk.js'
import type { QueryKey } from '../../src/message/keys.js'

export type Engine = (req: PolicyRequest, src: PolicySource, set: CompiledPolicySet) => Decision

interface CaseFile {
  note: string
  groups?: string
  policies: Record<string, string>
  cases: Array<{ id: string, note: string, request: Record<string, string | boolean>, want: { effect: string, rule: string | null, redact?: string[] } }>
}

export const CASES_DIR = 'test/policy/cases'
export const FIXTURE_DIRECTORY = 'test/fixtures/directory.csv'

export function loadCaseFile (file: string): { spec: CaseFile, src: PolicySource, set: CompiledPolicySet } {
  const spec = parse(readFileSync(file, 'utf8')) as CaseFile
  const { directory, diagnostics } = parseDirectory(readFileSync(FIXTURE_DIRECTORY, 'utf8'), FIXTURE_DIRECTORY)
  if (diagnostics.length) throw new Error(`fixture directory: ${diagnostics[0]!.message}`)
  let groups: NamedGroup[] = []
  if (spec.groups) {
    const g = parseGroups(spec.groups, `${file}#groups`)
    if (!g.value) throw new Error(`${file}: groups do not parse: ${g.diagnostics[0]?.message}`)
    groups = g.value
  }
  const names = new Set(groups.map((g) => g.name))
  const policies = new Map<string, StatePolicy | undefined>()
  for (const [state, text] of Object.entries(spec.policies)) {
    policies.set(state, parseStatePolicy(text, `${file}#${state}`, names, state).value)
  }
  const src = makeSource(directory, groups, policies)
  return { spec, src, set: compilePolicySet(src) }
}

export function caseRequest (r: Record<string, string | boolean>): PolicyRequest {
  const at = r.at === undefined ? Date.parse('2025-06-01T00:00:00Z') : parseDate(String(r.at))
  if (at === undefined) throw new Error(`bad at ${String(r.at)}`)
  return {
    ori: String(r.ori), state: toJurisdiction(String(r.to)) ?? String(r.to), key: String(r.key) as QueryKey,
    image: r.imq === true, time: at,
    ...(r.reason !== undefined ? { reason: String(r.reason) } : {}),
    ...(r.purpose !== undefined ? { purpose: String(r.purpose) } : {}),
  }
}

export function caseFiles (): string[] {
  return readdirSync(CASES_DIR).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(CASES_DIR, f))
}

export async function runCaseSuite (t: Test, engine: Engine): Promise<void> {
  const seen = new Set<string>()
  for (const file of caseFiles()) {
    const { spec, src, set } = loadCaseFile(file)
    await t.test(spec.note, async (t) => {
      for (const c of spec.cases) {
        t.notOk(seen.has(c.id), `case id ${c.id} is unique`)
        seen.add(c.id)
        const got = engine(caseRequest(c.request), src, set)
        t.same({ effect: got.effect, rule: got.rule, ...(c.want.redact ? { redact: got.redact } : {}) }, c.want, `${c.id}: ${c.note}`)
        t.equal(got.policyVersion, src.version, `${c.id}: carries the policy version`)
      }
    })
  }
  t.ok(seen.size >= 40, `the suite has a fair number of cases (${seen.size})`)
}
