import t from 'tap'
import { parseGroups, parseStatePolicy } from '../../src/policy/parse.js'

const NAMED = new Set(['immigration-enforcement'])
const GOOD = `state: IL
version: 2025-11-25
default: allow
rules:
  - id: a
    effect: deny
    description: d
    requesters: { components: [ICE-ERO] }
`

function errorsOf (text: string, expectState = 'IL') {
  const r = parseStatePolicy(text, 'IL.yaml', NAMED, expectState)
  return { value: r.value, errs: r.diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message })) }
}

t.test('a good policy parses with no findings', async (t) => {
  const { value, errs } = errorsOf(GOOD)
  t.same(errs, [])
  t.equal(value?.rules[0]?.id, 'a')
  t.same(value?.rules[0]?.keys, ['all'], 'keys default to all')
  t.equal(value?.rules[0]?.origin, 'any')
  t.equal(value?.rules[0]?.at.line, 5, 'the rule knows its line')
})

// [note, text, code, token]: the finding must point at the first occurrence of
// `token` (line and column), or just have a line when token is null.
const BAD: Array<[string, string, string, string | null]> = [
  ['YAML syntax error', GOOD.replace('description: d', 'description: [d'), 'NSIM_POLICY_YAML', null],
  ['misspelt effect', GOOD.replace('effect: deny', 'effect: denny'), 'NSIM_POLICY_EFFECT', 'denny'],
  ['unknown field with suggestion', GOOD.replace('description: d', 'descripton: d'), 'NSIM_POLICY_UNKNOWN_FIELD', 'descripton'],
  ['missing description', GOOD.replace('    description: d\n', ''), 'NSIM_POLICY_MISSING_FIELD', 'id: a'],
  ['malformed ORI', GOOD.replace('{ components: [ICE-ERO] }', '{ oris: [VTICE09] }'), 'NSIM_POLICY_ORI', 'VTICE09'],
  ['unknown group', GOOD.replace('{ components: [ICE-ERO] }', '{ groups: [immigration] }'), 'NSIM_POLICY_GROUP', 'immigration'],
  ['unknown built-in group value', GOOD.replace('{ components: [ICE-ERO] }', '{ groups: [\'component:ICE\'] }'), 'NSIM_POLICY_GROUP', "'component:ICE'"],
  ['unknown component', GOOD.replace('ICE-ERO', 'ICE'), 'NSIM_POLICY_GROUP', 'ICE]'],
  ['unknown key', GOOD.replace('    requesters', '    keys: [DQ, XQ]\n    requesters'), 'NSIM_POLICY_KEY', 'XQ'],
  ['bad date', GOOD + '    when: { from: 2025-02-30 }\n', 'NSIM_POLICY_DATE', '2025-02-30'],
  ['bad date format', GOOD + '    when: { until: 11/19/2025 }\n', 'NSIM_POLICY_DATE', '11/19/2025'],
  ['duplicate rule id', GOOD + '  - id: a\n    effect: allow\n    description: again\n', 'NSIM_POLICY_DUPLICATE_RULE', 'id: a\n    effect: allow'],
  ['redact without fields', GOOD.replace('effect: deny', 'effect: redact'), 'NSIM_POLICY_MISSING_FIELD', 'id: a'],
  ['redact fields on a deny rule', GOOD.replace('effect: deny', 'effect: deny\n    redact: [photo]'), 'NSIM_POLICY_VALUE', '[photo]'],
  ['bad origin', GOOD + '    origin: elsewhere\n', 'NSIM_POLICY_VALUE', 'elsewhere'],
  ['bad pattern', GOOD.replace('{ components: [ICE-ERO] }', '{ patterns: [\'VT-*\'] }'), 'NSIM_POLICY_PATTERN', "'VT-*'"],
  ['pattern without wildcard', GOOD.replace('{ components: [ICE-ERO] }', '{ patterns: [VTICE0900] }'), 'NSIM_POLICY_PATTERN', 'VTICE0900'],
  ['bad default', GOOD.replace('default: allow', 'default: maybe'), 'NSIM_POLICY_VALUE', 'maybe'],
  ['unknown state', GOOD.replace('state: IL', 'state: XX'), 'NSIM_POLICY_STATE', 'XX'],
  ['state does not match file name', GOOD.replace('state: IL', 'state: NY'), 'NSIM_POLICY_STATE', 'NY'],
  ['rules not a list', GOOD.replace(/rules:[\s\S]*/, 'rules: nope\n'), 'NSIM_POLICY_SHAPE', 'nope'],
  ['bad reason code', GOOD + '    when: { reasons: [Q] }\n', 'NSIM_POLICY_VALUE', 'Q]'],
  ['until before from', GOOD + '    when: { from: 2025-01-02, until: 2025-01-01 }\n', 'NSIM_POLICY_VALUE', '2025-01-01'],
  ['bad rule id', GOOD.replace('id: a', 'id: "has space"'), 'NSIM_POLICY_VALUE', '"has space"'],
  ['emptied requesters lists (would mean every agency)', GOOD.replace('{ components: [ICE-ERO] }', '{ oris: [], components: [] }'), 'NSIM_POLICY_VALUE', '{ oris: []'],
  ['list file path leaving the folder', GOOD.replace('{ components: [ICE-ERO] }', '{ oris_file: ../x.txt }'), 'NSIM_POLICY_VALUE', '../x.txt'],
]

t.test('requesters: {} and a partly empty selector still parse', async (t) => {
  t.same(errorsOf(GOOD.replace('{ components: [ICE-ERO] }', '{}')).errs, [], 'requesters: {} is every agency, as written')
  t.same(errorsOf(GOOD.replace('{ components: [ICE-ERO] }', '{ oris: [], components: [HSI] }')).errs, [])
  t.same(errorsOf(GOOD + '    except: { oris: [] }\n').errs, [], 'an empty except excepts nobody')
})

function place (text: string, token: string): [number, number] {
  const i = text.indexOf(token)
  const before = text.slice(0, i).split('\n')
  return [before.length, before[before.length - 1]!.length + 1]
}

t.test('every malformed policy is reported with code, line and column', async (t) => {
  for (const [note, text, code, token] of BAD) {
    const { value, errs } = errorsOf(text)
    t.equal(value, undefined, `${note}: no policy comes out`)
    const hit = errs.find((e) => e.code === code)
    t.ok(hit, `${note}: reports ${code} (got ${errs.map((e) => e.code).join(', ')})`)
    if (hit && token !== null) t.same([hit.line, hit.column], place(text, token), `${note}: at the fault (${hit.message})`)
    if (hit && token === null) t.ok(hit.line > 0, `${note}: has a line`)
  }
  const empty = errorsOf('')
  t.match(empty.errs[0], { code: 'NSIM_POLICY_SHAPE', message: /empty/ }, 'an empty file says so')
})

t.test('one run reports every error in the file, not just the first', async (t) => {
  const text = GOOD.replace('effect: deny', 'effect: denny').replace('ICE-ERO', 'ICE') +
    '  - id: b\n    effect: allow\n    description: x\n    keys: [ZQ]\n    when: { from: 2025-13-01 }\n'
  const { errs } = errorsOf(text)
  t.same(errs.map((e) => e.code).sort(), ['NSIM_POLICY_DATE', 'NSIM_POLICY_EFFECT', 'NSIM_POLICY_GROUP', 'NSIM_POLICY_KEY'])
})

t.test('a suggestion names the field the author probably meant', async (t) => {
  const { errs } = errorsOf(GOOD.replace('requesters:', 'requestors:'))
  t.match(errs[0]?.message, /did you mean `requesters`/)
})

t.test('lowercase keys, USPS state aliases and scalar lists are accepted', async (t) => {
  const r = parseStatePolicy(GOOD.replace('state: IL', 'state: ne') + '    keys: dq\n', 'NB.yaml', NAMED, 'NB')
  t.same(r.diagnostics, [])
  t.equal(r.value?.state, 'NB')
  t.same(r.value?.rules[0]?.keys, ['DQ'])
})

t.test('groups file: nesting, ORIs, bad members and cycles', async (t) => {
  const ok = parseGroups('groups:\n  a:\n    description: x\n    members: [component:HSI, VTICE0900]\n  b:\n    description: y\n    members: [a, line:TC]\n', 'g.yaml')
  t.same(ok.diagnostics, [])
  t.same(ok.value?.map((g) => g.members), [['component:HSI', 'VTICE0900'], ['a', 'line:TC']])
  const bad = parseGroups('groups:\n  a:\n    description: x\n    members: [nonsense]\n', 'g.yaml')
  t.equal(bad.value, undefined)
  t.match(bad.diagnostics[0], { code: 'NSIM_POLICY_GROUP', line: 4, column: 15 })
  const cyc = parseGroups('groups:\n  a:\n    description: x\n    members: [b]\n  b:\n    description: y\n    members: [a]\n', 'g.yaml')
  t.ok(cyc.diagnostics.some((d) => d.code === 'NSIM_POLICY_GROUPS_CYCLE'), 'cycle reported')
})
