import { readFileSync } from 'node:fs'
import t from 'tap'
import { parseDirectory } from '../../src/directory/load.js'
import { compilePolicySet } from '../../src/policy/compile.js'
import { lintPolicySet } from '../../src/policy/lint.js'
import { makeSource } from '../../src/policy/load.js'
import { parseStatePolicy } from '../../src/policy/parse.js'
import { FIXTURE_DIRECTORY } from './case-suite.js'

const { directory } = parseDirectory(readFileSync(FIXTURE_DIRECTORY, 'utf8'))

function lint (rules: string, def = 'allow') {
  const text = `state: IL\nversion: t\ndefault: ${def}\nrules:\n${rules}`
  const r = parseStatePolicy(text, 'IL.yaml', new Set(), 'IL')
  if (!r.value) throw new Error(r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'))
  return lintPolicySet(compilePolicySet(makeSource(directory, [], new Map([['IL', r.value]]))))
}

const rule = (id: string, effect: string, body: string) => `  - id: ${id}\n    effect: ${effect}\n    description: x\n${body}`

t.test('a clean policy has no findings', async (t) => {
  t.same(lint(rule('a', 'deny', '    requesters: { components: [ICE-ERO] }\n')), [])
})

t.test('a rule covered entirely by an earlier rule is shadowed', async (t) => {
  const d = lint(rule('all-ice', 'deny', '    requesters: { components: [ICE-ERO] }\n') +
    rule('one-ice', 'allow', '    requesters: { oris: [VTICE0900] }\n    keys: [DQ]\n'))
  t.match(d, [{ code: 'NSIM_LINT_SHADOWED', rule: 'one-ice', severity: 'warning', line: 9, message: /`one-ice` can never match.*`all-ice`/ }])
})

t.test('a rule that changes no decision is redundant', async (t) => {
  const d = lint(rule('pointless', 'allow', '    requesters: { components: [FBI] }\n'))
  t.match(d, [{ code: 'NSIM_LINT_REDUNDANT', rule: 'pointless' }])
})

t.test('an earlier narrow deny before a wider deny of the same effect is redundant', async (t) => {
  const d = lint(rule('narrow', 'deny', '    requesters: { oris: [WACBP0100] }\n') +
    rule('wide', 'deny', '    requesters: { components: [CBP] }\n'))
  t.same(d.map((x) => [x.code, x.rule]), [['NSIM_LINT_COVERAGE_GAP', 'narrow'], ['NSIM_LINT_REDUNDANT', 'narrow']],
    'redundant, and (on its own) a partial list of CBP offices')
})

t.test('an allow before a deny re-opens access for the overlap', async (t) => {
  const d = lint(rule('let-lesc', 'allow', '    requesters: { oris: [VTICE0900] }\n') +
    rule('deny-ice', 'deny', '    requesters: { components: [ICE-ERO] }\n'))
  t.match(d, [{ code: 'NSIM_LINT_REOPENS', rule: 'let-lesc', message: /`let-lesc` re-opens access that deny rule `deny-ice` closes, for 1 agency \(VTICE0900\)/ }])
  const quiet = lint(rule('let-lesc', 'allow', '    requesters: { oris: [VTICE0900] }\n    lint_ignore: [NSIM_LINT_REOPENS]\n') +
    rule('deny-ice', 'deny', '    requesters: { components: [ICE-ERO] }\n'))
  t.same(quiet, [], 'lint_ignore accepts the finding on purpose')
})

t.test('selectors that match nothing in the directory', async (t) => {
  const d = lint(rule('ghosts', 'deny', "    requesters: { oris: [ZZ0000001, VTICE0900], patterns: ['QQ*'], types: [JJ], components: [USSS] }\n"))
  t.same(d.filter((x) => x.code === 'NSIM_LINT_EMPTY_SELECTOR').map((x) => x.message.split(' of rule')[0]).sort(), [
    'selector `requesters.components: USSS`', 'selector `requesters.oris: ZZ0000001`', 'selector `requesters.patterns: QQ*`', 'selector `requesters.types: JJ`',
  ])
})

t.test('a deny list naming part of a federal component is a coverage gap', async (t) => {
  const d = lint(rule('some-ice', 'deny', '    requesters: { oris: [VTICE0900, TXICE0100] }\n'))
  t.match(d, [{ code: 'NSIM_LINT_COVERAGE_GAP', message: /names 2 of 3 `ICE-ERO` ORIs; it misses ILICE0100/ }])
  t.same(lint(rule('all-ice', 'deny', "    requesters: { oris: [VTICE0900], components: [ICE-ERO] }\n")), [], 'no gap when the component is covered')
  t.same(lint(rule('let-one', 'allow', '    requesters: { oris: [VTICE0900] }\n'), 'deny'), [], 'allow rules are exceptions, not gaps')
})

t.test('the shipped policy set lints clean', async (t) => {
  const { loadPolicySet } = await import('../../src/policy/load.js')
  const loaded = await loadPolicySet('policies')
  t.same(loaded.diagnostics, [])
  t.same(lintPolicySet(loaded.set), [])
})
