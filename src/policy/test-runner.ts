/**
 * @module policy/test-runner
 * Policy test files (`policies/tests/*.yaml`): cases of request -> expected
 * effect and rule, run on both the compiled engine and the reference, with rule
 * coverage (which rules decided at least one case).
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Node } from 'yaml'
import { toJurisdiction } from '../directory/model.js'
import { type Diagnostic, diag, type Place, sortDiagnostics } from '../diagnostics.js'
import { isQueryKey, type QueryKey } from '../message/keys.js'
import { rewriteKey } from '../message/rules.js'
import type { CompiledPolicySet } from './compile.js'
import { type Coverage, coverage } from './coverage.js'
import { decide } from './evaluate.js'
import { referenceDecide } from './reference.js'
import { type Decision, EFFECTS, type PolicyRequest, REDACT_FIELDS } from './types.js'
import { YamlFile } from './yaml-walk.js'

export interface PolicyCase {
  readonly name: string
  readonly request: PolicyRequest
  readonly expect: { effect: string, rule: string | null, redact?: readonly string[] }
  readonly at: Place
}

export interface CaseResult {
  readonly case: PolicyCase
  readonly ok: boolean
  readonly got: Decision
  readonly reference: Decision
}

export interface TestReport {
  readonly results: readonly CaseResult[]
  readonly passed: number
  readonly failed: number
  readonly coverage: Coverage
  readonly diagnostics: Diagnostic[]
}

const CASE_FIELDS = ['name', 'request', 'expect']
const REQUEST_FIELDS = ['ori', 'to', 'key', 'imq', 'reason', 'purpose', 'at']

/** Parse one test file. `defaultAt` applies to cases with no `at` (the file's own `at` wins). */
export function parseTestFile (text: string, file: string, defaultAt: number): { cases: PolicyCase[], diagnostics: Diagnostic[] } {
  const y = new YamlFile(text, file)
  const cases: PolicyCase[] = []
  const top = y.root === null ? undefined : y.map(y.root, 'a policy test file')
  if (!top) return { cases, diagnostics: y.diagnostics }
  const f = y.fields(top, ['cases', 'at', 'description'], ['cases'])
  const fileAt = f.has('at') ? y.date(f.get('at'), 'at') ?? defaultAt : defaultAt
  const list = f.get('cases') as { items?: Node[] } | undefined
  for (const item of list?.items ?? []) {
    const m = y.map(item, 'a test case')
    if (!m) continue
    const before = y.diagnostics.length
    const cf = y.fields(m, CASE_FIELDS, CASE_FIELDS)
    const name = cf.has('name') ? y.string(cf.get('name'), 'name') ?? '' : ''
    const rm = cf.has('request') ? y.map(cf.get('request'), 'request') : undefined
    const em = cf.has('expect') ? y.map(cf.get('expect'), 'expect') : undefined
    if (!rm || !em) continue
    const rf = y.fields(rm, REQUEST_FIELDS, ['ori', 'to', 'key'])
    const ori = (y.string(rf.get('ori'), 'ori') ?? '').toUpperCase()
    const toRaw = y.string(rf.get('to'), 'to') ?? ''
    const to = toJurisdiction(toRaw)
    if (to === undefined) y.error('NSIM_POLICY_STATE', rf.get('to'), [`unknown state \`${toRaw}\``])
    const key = (y.string(rf.get('key'), 'key') ?? '').toUpperCase()
    if (!isQueryKey(key)) y.error('NSIM_POLICY_KEY', rf.get('key'), [key])
    const imq = rf.has('imq') ? y.string(rf.get('imq'), 'imq') : 'false'
    if (imq !== undefined && !['true', 'false', 'Y', 'N'].includes(imq)) y.error('NSIM_POLICY_VALUE', rf.get('imq'), ['imq', imq, 'expected true or false'])
    const time = rf.has('at') ? y.date(rf.get('at'), 'at') ?? fileAt : fileAt
    const ef = y.fields(em, ['effect', 'rule', 'redact'], ['effect', 'rule'])
    const effect = y.string(ef.get('effect'), 'expect.effect') ?? ''
    if (!(EFFECTS as readonly string[]).includes(effect)) y.error('NSIM_POLICY_EFFECT', ef.get('effect'), [effect])
    const ruleNode = ef.get('rule')
    const rule = ruleNode === null || (ruleNode as { value?: unknown } | undefined)?.value === null ? null : y.string(ruleNode, 'expect.rule') ?? null
    const redact = ef.has('redact') ? y.list(ef.get('redact'), 'expect.redact').map((x) => x.value) : undefined
    for (const r of redact ?? []) if (!(REDACT_FIELDS as readonly string[]).includes(r)) y.error('NSIM_POLICY_VALUE', ef.get('redact'), ['redact field', r, `expected one of ${REDACT_FIELDS.join(', ')}`])
    if (y.diagnostics.length > before || to === undefined) continue
    const reason = rf.has('reason') ? y.string(rf.get('reason'), 'reason') : undefined
    const purpose = rf.has('purpose') ? y.string(rf.get('purpose'), 'purpose') : undefined
    cases.push({
      name,
      request: {
        // A regional key reaches the state as DQ/RQ and is decided as such, as at the hub.
        ori, state: to, key: rewriteKey(key) as QueryKey, image: imq === 'true' || imq === 'Y', time,
        ...(reason !== undefined ? { reason } : {}), ...(purpose !== undefined ? { purpose } : {}),
      },
      expect: { effect, rule, ...(redact ? { redact } : {}) },
      at: y.at(item),
    })
  }
  return { cases, diagnostics: y.diagnostics }
}

export async function loadTestCases (dir: string, defaultAt: number): Promise<{ cases: PolicyCase[], diagnostics: Diagnostic[] }> {
  const names = await readdir(dir).catch((err: Error) => err)
  if (names instanceof Error) {
    return { cases: [], diagnostics: [diag('error', 'NSIM_POLICY_READ', { file: dir, line: 0, column: 0 }, [names.message])] }
  }
  const cases: PolicyCase[] = []
  const diagnostics: Diagnostic[] = []
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = join(dir, name)
    const text = await readFile(file, 'utf8').catch((err: Error) => err)
    if (text instanceof Error) {
      diagnostics.push(diag('error', 'NSIM_POLICY_READ', { file, line: 0, column: 0 }, [text.message]))
      continue
    }
    const r = parseTestFile(text, file, defaultAt)
    cases.push(...r.cases)
    diagnostics.push(...r.diagnostics)
  }
  return { cases, diagnostics }
}

function matches (c: PolicyCase, d: Decision): boolean {
  if (d.effect !== c.expect.effect || d.rule !== c.expect.rule) return false
  return c.expect.redact === undefined || (d.redact ?? []).join() === c.expect.redact.join()
}

export function describeDecision (d: { effect: string, rule: string | null, redact?: readonly string[] }): string {
  return `${d.effect} by ${d.rule === null ? 'the default' : `rule \`${d.rule}\``}${d.redact?.length ? ` (redact ${d.redact.join(', ')})` : ''}`
}

export function runPolicyTests (cases: readonly PolicyCase[], set: CompiledPolicySet): TestReport {
  const results: CaseResult[] = []
  const diagnostics: Diagnostic[] = []
  for (const c of cases) {
    const got = decide(c.request, set)
    const reference = referenceDecide(c.request, set.source)
    const ok = matches(c, got) && matches(c, reference)
    if (!ok) {
      const shown = matches(c, got) ? `${describeDecision(reference)} from the reference engine` : describeDecision(got)
      diagnostics.push(diag('error', 'NSIM_PTEST_FAIL', c.at, [c.name, describeDecision(c.expect), shown]))
    }
    results.push({ case: c, ok, got, reference })
  }
  const passed = results.filter((r) => r.ok).length
  return {
    results, passed, failed: results.length - passed,
    coverage: coverage(set, results.map((r) => ({ request: r.case.request, decision: r.got }))),
    diagnostics: sortDiagnostics(diagnostics),
  }
}
