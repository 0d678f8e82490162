/**
 * @module test/policy/schema
 * The editor schemas (policies/schema/*.schema.json) against the real parser:
 * every policy file in the repository validates; sample policies are accepted, or
 * rejected, by the schema and by parseStatePolicy alike; and the schemas' field
 * names and code lists are the source's, so neither can drift from the other.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ErrorObject, ValidateFunction } from 'ajv'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { checkGroupName } from '../../src/directory/directory.js'
import { AGENCY_TYPES, COMPONENTS, FEDERAL_LINES, JURISDICTION_ALIASES, JURISDICTIONS } from '../../src/directory/model.js'
import { KEY_FAMILIES, QUERY_KEYS } from '../../src/message/keys.js'
import { parseGroups, parseStatePolicy } from '../../src/policy/parse.js'
import { checkPattern } from '../../src/policy/pattern.js'
import { EFFECTS, ORIGINS, PURPOSE_CODES, REASON_CODES, REDACT_FIELDS, RULE_KEYS } from '../../src/policy/types.js'
import { parseDate } from '../../src/policy/yaml-walk.js'

type Obj = Record<string, unknown>

const root = process.cwd()
const policiesDir = join(root, 'policies')
const NAMED = new Set(['immigration-enforcement'])
const LINES = [...JURISDICTIONS, ...Object.keys(FEDERAL_LINES)]
const BUILTIN_GROUPS = ['federal', ...COMPONENTS.map((c) => `component:${c}`), ...AGENCY_TYPES.map((c) => `type:${c}`),
  ...LINES.map((c) => `line:${c}`), ...JURISDICTIONS.map((c) => `state:${c}`)]

// ajv and ajv-formats are CommonJS: under NodeNext the default import is module.exports.
const Ajv = Ajv2020.default
const ajv = new Ajv({ allErrors: true, strictTypes: true, strictTuples: true, allowUnionTypes: true })
addFormats.default(ajv)
// Editor-only annotations (VS Code / yaml-language-server); no effect on validation.
ajv.addVocabulary(['markdownDescription', 'patternErrorMessage', 'errorMessage'])

function loadSchema (name: string): Obj {
  return JSON.parse(readFileSync(join(policiesDir, 'schema', `${name}.schema.json`), 'utf8')) as Obj
}
const policySchema = loadSchema('policy')
const groupsSchema = loadSchema('groups')
const testsSchema = loadSchema('tests')
const validatePolicy = ajv.compile(policySchema)
const validateGroups = ajv.compile(groupsSchema)
const validateTests = ajv.compile(testsSchema)

/** A validator for one `$defs` entry of a schema. */
function defValidator (schema: Obj, name: string): ValidateFunction {
  return ajv.compile({ $defs: schema.$defs, $ref: `#/$defs/${name}` })
}

function get (node: unknown, ...path: string[]): unknown {
  let n = node
  for (const p of path) n = (n as Obj | undefined)?.[p]
  return n
}

/** Every `enum` value in a schema node (through anyOf, not through $ref). */
function enums (node: unknown): string[] {
  if (node === null || typeof node !== 'object') return []
  const own = Array.isArray((node as Obj).enum) ? (node as { enum: string[] }).enum : []
  return [...own, ...Object.entries(node).filter(([k]) => k !== 'enum').flatMap(([, v]) => enums(v))]
}

/** Distinct values in first-seen order. */
function distinct (xs: Iterable<string>): string[] {
  return [...new Set(xs)]
}

function sorted (xs: Iterable<string>): string[] {
  return [...new Set(xs)].sort()
}

function errorsText (errors: ErrorObject[] | null | undefined): string {
  return ajv.errorsText(errors, { separator: '\n' })
}

/** Parser verdict on a state policy text: accepted, or the error codes. */
function parser (text: string): { ok: boolean, codes: string[] } {
  const r = parseStatePolicy(text, 'sample.yaml', NAMED)
  const codes = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)
  return { ok: r.value !== undefined && codes.length === 0, codes }
}

/** Every `*.yaml` / `*.yml` file in a folder; none when the folder does not exist yet. */
function yamlFiles (dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
}

t.test('the schemas compile and describe every field', async (t) => {
  for (const [name, schema] of [['policy', policySchema], ['groups', groupsSchema], ['tests', testsSchema]] as const) {
    t.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema', `${name}: draft 2020-12`)
    const missing: string[] = []
    const walk = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return
      const props = (node as Obj).properties as Obj | undefined
      if (props && typeof props === 'object') {
        for (const [k, v] of Object.entries(props)) {
          if (typeof (v as Obj).description !== 'string' && v !== false) missing.push(`${path}/properties/${k}`)
        }
      }
      // if/then/else only state conditions (`redact` needs `effect: redact`); the fields are described elsewhere.
      for (const [k, v] of Object.entries(node)) if (!['if', 'then', 'else'].includes(k)) walk(v, `${path}/${k}`)
    }
    walk(schema, '#')
    t.same(missing, [], `${name}: every property has a description`)
  }
})

t.test('field names are the parser\'s', async (t) => {
  // With no near match the parser lists the fields it knows: "expected one of a, b, c".
  const known = (diags: Array<{ code: string, message: string }>): string[][] => diags
    .filter((d) => d.code === 'NSIM_POLICY_UNKNOWN_FIELD')
    .map((d) => (/expected one of (.*)$/.exec(d.message)?.[1] ?? '').split(', ').sort())
  const names = (node: unknown): string[] => Object.keys(get(node, 'properties') as Obj).sort()
  const rule = get(policySchema, '$defs', 'rule')
  const policyText = [
    'state: IL', 'version: 1', 'default: allow', 'zzzzzzzzzz: 1', 'rules:',
    '  - { id: r, effect: deny, description: d, zzzzzzzzzz: 1, requesters: { zzzzzzzzzz: 1 }, when: { zzzzzzzzzz: 1 } }',
  ].join('\n')
  t.same(known(parseStatePolicy(policyText, 'f.yaml', NAMED).diagnostics), [
    names(policySchema), names(rule), names(get(policySchema, '$defs', 'selector')), names(get(rule, 'properties', 'when')),
  ])
  t.same(names(get(policySchema, '$defs', 'selector')), names(get(policySchema, '$defs', 'exceptSelector')))
  const groupsText = 'zzzzzzzzzz: 1\ngroups:\n  g:\n    description: d\n    members: federal\n    zzzzzzzzzz: 1\n'
  t.same(known(parseGroups(groupsText, 'g.yaml').diagnostics), [names(groupsSchema), names(get(groupsSchema, '$defs', 'namedGroup'))])
  t.same(get(policySchema, 'required'), ['state', 'version', 'default', 'rules'])
  t.same(get(rule, 'required'), ['id', 'effect', 'description'])
})

t.test('code lists are the source\'s', async (t) => {
  const d = (name: string): unknown => get(policySchema, '$defs', name)
  const r = (name: string): unknown => get(policySchema, '$defs', 'rule', 'properties', name)
  t.same(sorted(enums(d('jurisdiction'))), sorted([...JURISDICTIONS, ...Object.keys(JURISDICTION_ALIASES)]), 'jurisdictions')
  t.same(sorted(enums(d('agencyType'))), sorted(AGENCY_TYPES), 'agency types')
  t.same(sorted(enums(d('component'))), sorted(COMPONENTS), 'components')
  t.same(sorted(enums(d('line'))), sorted(LINES), 'lines')
  t.same(sorted(enums(d('key'))), sorted([...RULE_KEYS, ...KEY_FAMILIES]), 'keys (DQG and RQG are decided as DQ and RQ)')
  t.same(sorted(enums(d('redactField'))), sorted(REDACT_FIELDS), 'redact fields')
  t.same(sorted(enums(d('group'))), sorted(BUILTIN_GROUPS), 'built-in groups')
  t.same(BUILTIN_GROUPS.filter((g) => checkGroupName(g) !== undefined), [], 'every built-in group is one for checkGroupName')
  t.same(enums(r('effect')), [...EFFECTS], 'effects')
  t.same(enums(r('origin')), [...ORIGINS], 'origins')
  t.same(distinct(enums(get(r('when'), 'properties', 'reasons'))), [...REASON_CODES], 'reason codes')
  t.same(distinct(enums(get(r('when'), 'properties', 'purposes'))), [...PURPOSE_CODES], 'purpose codes')
  t.same(enums(get(policySchema, 'properties', 'default')), ['allow', 'deny'], 'defaults')
  // The three files share these definitions: they must not drift apart.
  t.same(get(groupsSchema, '$defs', 'ori'), d('ori'))
  t.same(sorted(enums(get(groupsSchema, '$defs', 'member'))), sorted(BUILTIN_GROUPS))
  for (const name of ['ori', 'date', 'jurisdiction', 'redactField']) t.same(get(testsSchema, '$defs', name), d(name), `tests.$defs.${name}`)
  const expect = get(testsSchema, '$defs', 'case', 'properties', 'expect', 'properties')
  t.same(enums(get(expect, 'effect')), [...EFFECTS])
})

t.test('every policy file in the repository validates', async (t) => {
  const check = (file: string, validate: ValidateFunction): void => {
    const ok = validate(parse(readFileSync(file, 'utf8')))
    t.ok(ok, file.slice(root.length + 1), { diagnostic: !ok, errors: errorsText(validate.errors) })
  }
  const states = yamlFiles(join(policiesDir, 'states'))
  const tests = yamlFiles(join(policiesDir, 'tests'))
  const groups = yamlFiles(policiesDir).filter((f) => /[\\/]groups\.ya?ml$/.test(f))
  for (const f of states) check(f, validatePolicy)
  for (const f of groups) check(f, validateGroups)
  for (const f of tests) check(f, validateTests)
  t.comment(`checked ${states.length} state files, ${groups.length} groups file, ${tests.length} test files`)
  if (states.length + groups.length + tests.length === 0) t.pass('no policy files yet')
})

const VALID: Array<[string, string]> = [
  ['minimal', `
state: IL
version: 1
default: allow
rules: []
`],
  ['a dated version and an alias state', `
# yaml-language-server: $schema=../schema/policy.schema.json
state: ne
version: 2025-03-01
default: deny
denial_text: NOT AUTHORIZED
rules: []
`],
  ['every rule field', `
state: IL
version: '3.1'
default: allow
rules:
  - id: deny-ice-ero
    effect: deny
    description: No DMV data for civil immigration enforcement
    source: Example Act 2019, section 4(b)
    requesters:
      oris: [VTICE0900, nyice0100]
      patterns: ['??ICE*', 'vt???09??', '*']
      groups: [federal, component:ICE-ERO, type:FE, line:AX, state:VT, line:NL, immigration-enforcement]
      types: [FE, jf]
      lines: [AX, tc, NB]
      components: [ICE-ERO, hsi]
    except:
      oris: VTICE0901
      groups: immigration-enforcement
    origin: out-of-state
    keys: [driver, rq, DQ, photo]
    when:
      reasons: [I, N]
      purposes: C
      from: 2024-02-29
      until: 2026-01-01T00:00:00-05:00
    lint_ignore: [NSIM_LINT_REOPENS, NSIM_LINT_COVERAGE_GAP]
`],
  ['redact rules, one field or a list', `
state: gm
version: v2
default: allow
rules:
  - id: no-photo
    effect: redact
    redact: photo
    description: Federal requesters get no photo
    requesters: { groups: federal }
    keys: photo
  - id: strip.more_1
    effect: redact
    redact: [ssn, address, dob, description, owner]
    description: Out-of-state requesters see less
    origin: out-of-state
  - id: allow-all
    effect: allow
    description: Everyone else
    keys: all
    when: { from: '2025-01-01T08:00Z' }
    requesters: {}
`],
]

t.test('valid samples pass the schema and the parser', async (t) => {
  for (const [name, text] of VALID) {
    const ok = validatePolicy(parse(text))
    t.ok(ok, `schema accepts: ${name}`, { diagnostic: !ok, errors: errorsText(validatePolicy.errors) })
    const p = parser(text)
    t.ok(p.ok, `parser accepts: ${name}`, { diagnostic: !p.ok, codes: p.codes })
  }
})

const HEAD = 'state: IL\nversion: 1\ndefault: allow\nrules:\n'
/** [name, text, parser code, schema instancePath the schema complains at (or under)] */
const INVALID: Array<[string, string, string, string]> = [
  ['misspelt effect', `${HEAD}  - { id: r, effect: deni, description: d }`, 'NSIM_POLICY_EFFECT', '/rules/0/effect'],
  ['unknown rule field', `${HEAD}  - { id: r, effect: deny, description: d, requester: { oris: VTICE0900 } }`, 'NSIM_POLICY_UNKNOWN_FIELD', '/rules/0'],
  ['unknown top-level field', `${HEAD}  []\ndefaults: deny`, 'NSIM_POLICY_UNKNOWN_FIELD', ''],
  ['unknown selector field', `${HEAD}  - { id: r, effect: deny, description: d, requesters: { ori: VTICE0900 } }`, 'NSIM_POLICY_UNKNOWN_FIELD', '/rules/0/requesters'],
  ['redact rule without redact', `${HEAD}  - { id: r, effect: redact, description: d }`, 'NSIM_POLICY_MISSING_FIELD', '/rules/0'],
  ['redact on a deny rule', `${HEAD}  - { id: r, effect: deny, redact: [photo], description: d }`, 'NSIM_POLICY_VALUE', '/rules/0'],
  ['unknown redact field', `${HEAD}  - { id: r, effect: redact, redact: [photo, ssn2], description: d }`, 'NSIM_POLICY_VALUE', '/rules/0/redact'],
  ['malformed ORI', `${HEAD}  - { id: r, effect: deny, description: d, requesters: { oris: [VTICE0900, VTICE09] } }`, 'NSIM_POLICY_ORI', '/rules/0/requesters/oris'],
  ['malformed ORI pattern', `${HEAD}  - { id: r, effect: deny, description: d, except: { patterns: VT?ICE } }`, 'NSIM_POLICY_PATTERN', '/rules/0/except/patterns'],
  ['bad key', `${HEAD}  - { id: r, effect: deny, description: d, keys: [DQ, XQ] }`, 'NSIM_POLICY_KEY', '/rules/0/keys'],
  ['key family in capitals', `${HEAD}  - { id: r, effect: deny, description: d, keys: DRIVER }`, 'NSIM_POLICY_KEY', '/rules/0/keys'],
  ['bad date format', `${HEAD}  - { id: r, effect: deny, description: d, when: { from: 01/02/2025 } }`, 'NSIM_POLICY_DATE', '/rules/0/when/from'],
  ['impossible date', `${HEAD}  - { id: r, effect: deny, description: d, when: { until: 2025-02-29 } }`, 'NSIM_POLICY_DATE', '/rules/0/when/until'],
  ['timestamp without zone', `${HEAD}  - { id: r, effect: deny, description: d, when: { from: '2025-01-01T08:00:00' } }`, 'NSIM_POLICY_DATE', '/rules/0/when/from'],
  ['bad origin', `${HEAD}  - { id: r, effect: deny, description: d, origin: instate }`, 'NSIM_POLICY_VALUE', '/rules/0/origin'],
  ['bad default', 'state: IL\nversion: 1\ndefault: permit\nrules: []', 'NSIM_POLICY_VALUE', '/default'],
  ['unknown state', 'state: XX\nversion: 1\ndefault: allow\nrules: []', 'NSIM_POLICY_STATE', '/state'],
  ['missing version', 'state: IL\ndefault: allow\nrules: []', 'NSIM_POLICY_MISSING_FIELD', ''],
  ['missing description', `${HEAD}  - { id: r, effect: deny }`, 'NSIM_POLICY_MISSING_FIELD', '/rules/0'],
  ['bad rule id', `${HEAD}  - { id: -r, effect: deny, description: d }`, 'NSIM_POLICY_VALUE', '/rules/0/id'],
  ['unknown built-in group', `${HEAD}  - { id: r, effect: deny, description: d, requesters: { groups: 'component:ICE' } }`, 'NSIM_POLICY_GROUP', '/rules/0/requesters/groups'],
  ['bad agency type', `${HEAD}  - { id: r, effect: deny, description: d, requesters: { types: XX } }`, 'NSIM_POLICY_VALUE', '/rules/0/requesters/types'],
  ['bad line', `${HEAD}  - { id: r, effect: deny, description: d, requesters: { lines: NE } }`, 'NSIM_POLICY_VALUE', '/rules/0/requesters/lines'],
  ['bad component', `${HEAD}  - { id: r, effect: deny, description: d, requesters: { components: ICE } }`, 'NSIM_POLICY_GROUP', '/rules/0/requesters/components'],
  ['bad reason code', `${HEAD}  - { id: r, effect: deny, description: d, when: { reasons: [N, Z] } }`, 'NSIM_POLICY_VALUE', '/rules/0/when/reasons'],
  ['bad lint code', `${HEAD}  - { id: r, effect: deny, description: d, lint_ignore: LINT_REOPENS }`, 'NSIM_POLICY_VALUE', '/rules/0/lint_ignore'],
  ['rules as a mapping', `${HEAD}  r: { effect: deny }`, 'NSIM_POLICY_SHAPE', '/rules'],
  ['rules left empty', HEAD, 'NSIM_POLICY_SHAPE', '/rules'],
  ['empty file', '', 'NSIM_POLICY_SHAPE', ''],
]

t.test('invalid samples fail the schema and the parser', async (t) => {
  for (const [name, text, code, path] of INVALID) {
    const ok = validatePolicy(parse(text))
    t.notOk(ok, `schema rejects: ${name}`)
    const paths = (validatePolicy.errors ?? []).map((e) => e.instancePath)
    t.ok(paths.some((p) => p === path || p.startsWith(path + '/')), `schema complains at ${path || 'the top'}: ${name}`, { paths })
    const p = parser(text)
    t.notOk(p.ok, `parser rejects: ${name}`)
    t.ok(p.codes.includes(code), `parser reports ${code}: ${name}`, { codes: p.codes })
  }
})

t.test('schema and parser agree value by value', async (t) => {
  const lower = (xs: readonly string[]): string[] => xs.map((x) => x.toLowerCase())
  const doc = (rule: Obj, top: Obj = {}): Obj => ({
    state: 'IL', version: '1', default: 'allow', rules: [{ id: 'r', effect: 'deny', description: 'd', ...rule }], ...top,
  })
  const slots: Array<[string, unknown[], (v: unknown) => Obj]> = [
    ['state', [...JURISDICTIONS, ...lower(JURISDICTIONS), 'NE', 'gu', 'Nb', 'XX', 'USA', 'N', ''], (v) => doc({}, { state: v })],
    ['default', ['allow', 'deny', 'Allow', 'DENY', 'permit', ''], (v) => doc({}, { default: v })],
    ['id', ['a', '9', 'A.b_c-d', 'x'.repeat(64), 'x'.repeat(65), '-a', '.a', '_a', 'a b', 'a:b', 'a/b'], (v) => doc({ id: v })],
    ['effect', [...EFFECTS, 'Deny', 'DENY', 'block', 'redacted'], (v) => doc({ effect: v })],
    ['redact', [...REDACT_FIELDS, [...REDACT_FIELDS], 'Photo', 'PHOTO', 'ssn2', ['photo', 'x']], (v) => doc({ effect: 'redact', redact: v })],
    ['origin', [...ORIGINS, 'In-State', 'instate', 'out_of_state', 'ANY'], (v) => doc({ origin: v })],
    ['keys', [...QUERY_KEYS, ...lower(QUERY_KEYS), 'Dq', 'dNq', ...KEY_FAMILIES, 'Driver', 'ALL', 'XQ', 'DR', 'D', 'DQQ', 'DQGX',
      [...QUERY_KEYS, ...KEY_FAMILIES], [...RULE_KEYS, ...KEY_FAMILIES], []], (v) => doc({ keys: v })],
    ['oris', ['VTICE0900', 'vtice0900', 'VtIcE0900', 'VT1CE0900', '1TICE0900', 'VTICE090', 'VTICE09000', 'VT-CE0900', 'V', ['VTICE0900', 'NYICE0100']],
      (v) => doc({ requesters: { oris: v } })],
    ['requesters', [{}, { oris: [] }, { oris: [], components: [] }, { oris: [], components: ['HSI'] }, { oris: 'VTICE0900' }, { oris_file: 'x.txt' },
      { oris: [], oris_file: 'x.txt' }, { groups: [] }], (v) => doc({ requesters: v })],
    ['except', [{}, { oris: [] }, { oris: [], lines: [] }], (v) => doc({ except: v })],
    ['oris_file', ['list.txt', 'lists/IL deny.txt', 'a..b.txt', '..x.txt', '/etc/list.txt', 'C:/list.txt', '../list.txt', 'lists/../x.txt', 'lists\\..\\x.txt',
      '..', ''], (v) => doc({ requesters: { oris_file: v } })],
    ['patterns', ['??ICE*', '*', '**', 'vt*', 'VT???09??', 'VT???09?', 'VTICE0900', 'VT-*', 'VTICE0900*', 'VTICE09000*', '?', 'VT*ICE*0900',
      '*A*B*C*D*E*F*G*H*I*', '*A*B*C*D*E*F*G*H*I*J*'], (v) => doc({ requesters: { patterns: v } })],
    ['types', [...AGENCY_TYPES, ...lower(AGENCY_TYPES), 'XX', 'P', 'PDX'], (v) => doc({ requesters: { types: v } })],
    ['lines', [...LINES, ...lower(LINES), 'NE', 'GU', 'ZZ', 'A'], (v) => doc({ except: { lines: v } })],
    ['components', [...COMPONENTS, ...lower(COMPONENTS), 'ICE', 'ICE_ERO', 'Ice-Ero'], (v) => doc({ requesters: { components: v } })],
    // Only group names the schema can judge: built-in ones (with `:`) and the known named group.
    ['groups', [...BUILTIN_GROUPS, 'immigration-enforcement', 'component:hsi', 'component:ICE', 'state:NE', 'state:AX', 'line:NE', 'type:pd',
      'kind:x', 'type:', ':', 'federal:x'], (v) => doc({ except: { groups: v } })],
    ['reasons', [...REASON_CODES, 'n', 'X', 'NF', [], ['N', 'F']], (v) => doc({ when: { reasons: v } })],
    ['purposes', [...PURPOSE_CODES, 'c', 'X', 'CF', [], ['C']], (v) => doc({ when: { purposes: v } })],
    ['from', ['2025-01-01', '2024-02-29', '2025-02-29', '2025-04-31', '2025-13-01', '2025-1-1', '01/02/2025', '2025-01-01T08:00Z',
      '2025-01-01T08:00:00-05:00', '2025-01-01T08:00:00.123+01:00', '2025-01-01T08:00:00', '2025-01-01T24:00Z', '2025-01-01T25:00Z',
      '2025-01-01 08:00Z', 'tomorrow'], (v) => doc({ when: { from: v } })],
    ['lint_ignore', ['NSIM_LINT_REOPENS', 'NSIM_LINT_X', 'NSIM_LINT_', 'nsim_lint_reopens', 'NSIM_POLICY_YAML',
      ['NSIM_LINT_SHADOWED', 'NSIM_LINT_REOPENS']], (v) => doc({ lint_ignore: v })],
  ]
  let checked = 0
  for (const [slot, values, make] of slots) {
    const disagree: string[] = []
    for (const v of values) {
      const text = stringify(make(v))
      const schemaOk = validatePolicy(parse(text))
      const parserOk = parser(text).ok
      if (schemaOk !== parserOk) disagree.push(`${JSON.stringify(v)}: schema ${schemaOk ? 'accepts' : 'rejects'}, parser ${parserOk ? 'accepts' : 'rejects'}`)
      checked++
    }
    t.same(disagree, [], `${slot}: ${values.length} values`)
  }
  t.ok(checked > 500)
})

t.test('date and ORI-pattern rules match the parser\'s exhaustively', async (t) => {
  const date = defValidator(policySchema, 'date')
  const dateDisagree: string[] = []
  // Year 0000 is left out: parseDate checks a timestamp's day with Date.UTC, which reads years 0-99 as 1900-1999.
  const years = ['2024', '2023', '1900', '2000', '2100', '1600', '9999', '0004']
  const months = ['00', '01', '02', '04', '06', '09', '11', '12', '13']
  const days = ['00', '01', '28', '29', '30', '31', '32']
  const times = ['T00:00', 'T10:00', 'T23:59', 'T24:00', 'T24:01', 'T24:00:00', 'T24:00:00.000', 'T24:00:00.001', 'T24:00:01', 'T10:00:59',
    'T10:00:60', 'T10:60', 'T25:00', 'T10:00:00.1', 'T10:00:00.1234567', 'T10:00:00.', 'T1:00', 't10:00', 'T10']
  const zones = ['', 'Z', 'z', '+00:00', '-05:00', '+23:59', '+24:00', '+23:60', '+0500', '+05']
  let n = 0
  for (const y of years) {
    for (const m of months) {
      for (const d of days) {
        for (const s of [`${y}-${m}-${d}`, ...times.flatMap((tm) => zones.map((z) => `${y}-${m}-${d}${tm}${z}`))]) {
          n++
          if (date(s) !== (parseDate(s) !== undefined)) dateDisagree.push(s)
        }
      }
    }
  }
  for (const s of ['2024-5-01', ' 2024-05-01', '2024-05-01 ', '20240501', '+002024-05-01', '2024-05-01T', '']) {
    n++
    if (date(s) !== (parseDate(s) !== undefined)) dateDisagree.push(s)
  }
  t.same(dateDisagree.slice(0, 20), [], `dates: ${n} strings`)

  const pattern = defValidator(policySchema, 'oriPattern')
  const patternDisagree: string[] = []
  const alphabet = ['A', 'z', '0', '*', '?', '-']
  let m = 0
  const visit = (p: string): void => {
    if (p.length > 0) {
      m++
      if (pattern(p) !== (checkPattern(p.toUpperCase()) === undefined)) patternDisagree.push(p)
    }
    if (p.length < 6) for (const c of alphabet) visit(p + c)
  }
  visit('')
  for (const p of ['ABCDEFGHI', 'ABCDEFGH?', 'ABCDEFGHIJ?', '*ABCDEFGHI', '*ABCDEFGHIJ', 'A*B*C*D*E*F*G*H*I', 'A?B?C?D?E*', '?????????', '??????????']) {
    m++
    if (pattern(p) !== (checkPattern(p.toUpperCase()) === undefined)) patternDisagree.push(p)
  }
  t.same(patternDisagree.slice(0, 20), [], `ORI patterns: ${m} strings`)

  const group = defValidator(policySchema, 'group')
  const groupDisagree: string[] = []
  const values = [...JURISDICTIONS, ...LINES, ...AGENCY_TYPES, ...COMPONENTS, 'NE', 'GU', 'XX', '']
  for (const kind of ['component', 'type', 'line', 'state', 'federal', 'Component', 'kind']) {
    for (const v of [...values, ...values.map((x) => x.toLowerCase())]) {
      const g = `${kind}:${v}`
      if (group(g) !== (checkGroupName(g) === undefined)) groupDisagree.push(g)
    }
  }
  t.same(groupDisagree, [], 'built-in group names')
})

t.test('groups file samples', async (t) => {
  const valid = `
groups:
  immigration-enforcement:
    description: Federal immigration enforcement
    members: [component:ICE-ERO, component:HSI, vtice0900, border]
  border:
    description: Border agencies
    members: line:TC
`
  t.ok(validateGroups(parse(valid)), 'schema accepts', { errors: errorsText(validateGroups.errors) })
  t.ok(parseGroups(valid, 'groups.yaml').value, 'parser accepts')
  t.ok(validateGroups(parse('# no groups yet\n')), 'an empty file is no groups')
  t.same(parseGroups('# no groups yet\n', 'groups.yaml').value, [])
  const invalid: Array<[string, string]> = [
    ['a `:` in a group name', 'groups:\n  a:b: { description: d, members: federal }'],
    ['missing members', 'groups:\n  a: { description: d }'],
    ['unknown field', 'groups:\n  a: { description: d, member: federal }'],
    ['unknown built-in group', 'groups:\n  a: { description: d, members: [component:ICE] }'],
    ['malformed member', 'groups:\n  a: { description: d, members: [vt ice] }'],
    ['groups not a mapping', 'groups: [a, b]'],
    ['no groups field', 'group:\n  a: { description: d, members: federal }'],
  ]
  for (const [name, text] of invalid) {
    t.notOk(validateGroups(parse(text)), `schema rejects: ${name}`)
    t.equal(parseGroups(text, 'groups.yaml').value, undefined, `parser rejects: ${name}`)
  }
})

t.test('policy test file samples', async (t) => {
  const valid = `
description: Illinois and ICE
at: 2025-06-01
cases:
  - name: ICE ERO cannot run a driver query on Illinois
    request: { ori: VTICE0900, to: IL, key: DQ }
    expect: { effect: deny, rule: deny-ice-ero }
  - name: photo stripped
    request: { ori: vtice0901, to: ne, key: kq, imq: true, reason: I, purpose: C, at: '2025-06-01T12:00:00-05:00' }
    expect: { effect: redact, rule: no-photo, redact: [photo] }
  - name: default decides
    request: { ori: ILCPD0000, to: IL, key: RQ, imq: Y }
    expect: { effect: allow, rule: null }
  - name: empty rule means the default too
    request: { ori: ILCPD0000, to: IL, key: RQ }
    expect: { effect: allow, rule: }
`
  t.ok(validateTests(parse(valid)), 'schema accepts', { errors: errorsText(validateTests.errors) })
  const base = { name: 'n', request: { ori: 'VTICE0900', to: 'IL', key: 'DQ' }, expect: { effect: 'deny', rule: 'r' } }
  const invalid: Array<[string, unknown]> = [
    ['no cases', {}],
    ['unknown top-level field', { cases: [], version: 1 }],
    ['missing expect', { cases: [{ name: 'n', request: base.request }] }],
    ['missing rule', { cases: [{ ...base, expect: { effect: 'deny' } }] }],
    ['misspelt effect', { cases: [{ ...base, expect: { effect: 'deni', rule: 'r' } }] }],
    ['redact on an allow', { cases: [{ ...base, expect: { effect: 'allow', rule: 'r', redact: ['photo'] } }] }],
    ['unknown request field', { cases: [{ ...base, request: { ...base.request, from: 'IL' } }] }],
    ['key family instead of a key', { cases: [{ ...base, request: { ...base.request, key: 'driver' } }] }],
    ['malformed ORI', { cases: [{ ...base, request: { ...base.request, ori: '1TICE0900' } }] }],
    ['unknown state', { cases: [{ ...base, request: { ...base.request, to: 'XX' } }] }],
    ['bad date', { cases: [{ ...base, request: { ...base.request, at: '06/01/2025' } }] }],
    ['bad imq', { cases: [{ ...base, request: { ...base.request, imq: 'yes' } }] }],
  ]
  for (const [name, value] of invalid) t.notOk(validateTests(value), `schema rejects: ${name}`)
})
