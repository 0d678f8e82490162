/**
 * @module test/simulator/scenarios/load
 * Scenario files: the four shipped ones load and compile, their added rules land
 * where they should, and every kind of mistake is reported with the file and
 * the field.
 */
import t, { type Test } from 'tap'
import { JURISDICTIONS } from '../../../src/directory/model.js'
import { loadScenario, parseScenario, ScenarioError, scenarioPolicySet } from '../../../simulator/scenarios/load.js'
import { DEFAULT_TRAFFIC } from '../../../simulator/traffic/params.js'

const SHIPPED = ['all-states-block-immigration', 'baseline-oct-2025', 'letters-19', 'nov-2025', 'purpose-aware']
const BASE = 'name: t\npolicies: policies\nstart: 2024-10-01\ndays: 2\n'
const FILE = 'bad.yaml'

/** States whose compiled policy has a rule with this id. */
function statesWithRule (set: Awaited<ReturnType<typeof scenarioPolicySet>>, id: string): string[] {
  return [...set.states.values()].filter((s) => s.rules.some((r) => r.decision.rule === id)).map((s) => s.state).sort()
}

t.test('the four shipped scenarios load and compile', async (t) => {
  for (const name of SHIPPED) {
    const s = await loadScenario(`simulator/scenarios/${name}.yaml`)
    t.equal(s.name, name)
    t.ok(s.description.length > 20, `${name} has a description`)
    t.equal(s.days, 365)
    t.equal(s.seed, '2025')
    t.equal(s.traffic, DEFAULT_TRAFFIC, `${name} uses the default traffic`)
    const set = await scenarioPolicySet(s)
    t.equal(set.states.size, 54, `${name}: 54 jurisdictions compiled`)
  }
  const base = await loadScenario('simulator/scenarios/baseline-oct-2025.yaml')
  t.equal(new Date(base.start).toISOString(), '2024-10-01T00:00:00.000Z')
  const nov = await loadScenario('simulator/scenarios/nov-2025.yaml')
  t.equal(new Date(nov.start).toISOString(), '2025-11-19T00:00:00.000Z')
})

t.test('letters-19 adds its rule to 19 jurisdictions, all-states to all 54', async (t) => {
  const letters = await scenarioPolicySet(await loadScenario('simulator/scenarios/letters-19.yaml'))
  const got = statesWithRule(letters, 'letters-deny-ice-hsi')
  t.equal(got.length, 19, got.join(', '))
  t.same(got, ['AZ', 'CA', 'CO', 'CT', 'DE', 'GM', 'HI', 'KS', 'KY', 'MD', 'ME', 'MI', 'NC', 'NJ', 'NM', 'PA', 'RI', 'VI', 'WI'])
  for (const s of got) t.equal(letters.states.get(s)!.rules[0]!.decision.rule, 'letters-deny-ice-hsi', `${s}: the added rule comes first`)
  const all = await scenarioPolicySet(await loadScenario('simulator/scenarios/all-states-block-immigration.yaml'))
  t.same(statesWithRule(all, 'all-deny-immigration'), [...JURISDICTIONS].sort())
  const baseline = await scenarioPolicySet(await loadScenario('simulator/scenarios/baseline-oct-2025.yaml'))
  t.not(all.version, baseline.version, 'an added rule changes the policy version')
  t.equal(statesWithRule(baseline, 'il-deny-ice').length, 1)
})

t.test('overrides: days, seed and traffic parameters', async (t) => {
  const s = parseScenario(`${BASE}seed: abc\ntraffic:\n  totalPerYear: 1000000\n  federalPerYear: { CBP: 10 }\n`, FILE)
  t.equal(s.days, 2)
  t.equal(s.seed, 'abc')
  t.equal(s.traffic.totalPerYear, 1_000_000)
  t.equal(s.traffic.federalPerYear.CBP, 10)
  t.equal(s.traffic.federalPerYear.HSI, 605_116)
  t.equal(parseScenario('policies: policies\nstart: 2024-10-01\n', 'dir/named.yaml').name, 'named', 'the name defaults to the file name')
  t.equal(parseScenario('start: 2024-10-01\n', FILE).days, 365, 'days default to a year')
})

/** Parse and expect a ScenarioError naming the file and matching `re`. */
function rejects (t: Test, text: string, re: RegExp, what: string): void {
  t.throws(() => parseScenario(text, FILE), re, what)
  try { parseScenario(text, FILE) } catch (err) {
    t.ok(err instanceof ScenarioError, `${what}: a ScenarioError`)
    t.match((err as Error).message, /^scenario bad\.yaml: /, `${what}: names the file`)
  }
}

t.test('clear errors naming the file and the field', async (t) => {
  rejects(t, 'name: [unclosed\n', /scenario bad\.yaml: invalid YAML/, 'bad YAML')
  rejects(t, '- a\n- b\n', /expected a mapping/, 'not a mapping')
  rejects(t, `${BASE}polices: policies\n`, /unknown field `polices`/, 'unknown field')
  rejects(t, BASE.replace('2024-10-01', '2024-13-01'), /`start` must be a date YYYY-MM-DD, got `2024-13-01`/, 'bad start month')
  rejects(t, BASE.replace('2024-10-01', 'next week'), /`start` must be a date/, 'start not a date')
  rejects(t, BASE.replace('start: 2024-10-01\n', ''), /`start` is required/, 'no start')
  rejects(t, BASE.replace('days: 2', 'days: 0'), /`days` must be a whole number from 1 to 3660/, 'days 0')
  rejects(t, BASE.replace('days: 2', 'days: 4000'), /`days` must be a whole number/, 'days 4000')
  rejects(t, BASE.replace('days: 2', 'days: 1.5'), /`days` must be a whole number/, 'days 1.5')
  rejects(t, `${BASE}traffic: { totalPerYr: 5 }\n`, /unknown traffic parameter `totalPerYr`/, 'unknown traffic parameter')
  rejects(t, `${BASE}traffic: { cbpBorderMix: -1 }\n`, /`cbpBorderMix` must be a non-negative number/, 'bad traffic value')
  rejects(t, `${BASE}traffic: [1]\n`, /`traffic` must be a mapping/, 'traffic not a mapping')
  rejects(t, `${BASE}add:\n  - states: [IL, XX]\n    rule: { id: r, description: test rule, effect: deny, requesters: {}, keys: [all] }\n`, /add\[0\]\.states: `XX` is not a jurisdiction/, 'unknown state in add')
  rejects(t, `${BASE}add:\n  - states: [IL]\n`, /add\[0\] needs `states` and `rule`/, 'add without rule')
  rejects(t, `${BASE}faults:\n  - { state: IL, mode: broken }\n`, /faults\[0\]\.mode must be/, 'bad fault mode')
})

t.test('errors in added rules are reported when the policy set is built', async (t) => {
  const add = (rule: string, states = '[IL]'): string => `${BASE}add:\n  - states: ${states}\n    rule: ${rule}\n`
  const misspelt = parseScenario(add('{ id: r1, description: test rule, effect: denny, requesters: { components: [CBP] }, keys: [all] }'), FILE)
  await t.rejects(scenarioPolicySet(misspelt), /scenario bad\.yaml: add\[0\]\.rule: .*`denny`/, 'misspelt effect')
  const unknownField = parseScenario(add('{ id: r1, description: test rule, effect: deny, requester: { components: [CBP] }, keys: [all] }'), FILE)
  await t.rejects(scenarioPolicySet(unknownField), /add\[0\]\.rule: .*`requester`/, 'misspelt field')
  const duplicate = parseScenario(add('{ id: il-deny-ice, description: test rule, effect: deny, requesters: { components: [CBP] }, keys: [all] }'), FILE)
  await t.rejects(scenarioPolicySet(duplicate), /add\[0\]\.rule: id `il-deny-ice` already exists in IL/, 'duplicate rule id')
  const twice = parseScenario(`${BASE}add:\n  - states: [TX]\n    rule: { id: r1, description: test rule, effect: deny, requesters: { components: [CBP] }, keys: [all] }\n` +
    '  - states: [TX]\n    rule: { id: r1, description: test rule, effect: deny, requesters: { components: [HSI] }, keys: [all] }\n', FILE)
  await t.rejects(scenarioPolicySet(twice), /add\[1\]\.rule: id `r1` already exists in TX/, 'the same id added twice to a state')
  const listFile = parseScenario(add('{ id: r1, description: test rule, effect: deny, requesters: { oris_file: deny.txt }, keys: [all] }'), FILE)
  await t.rejects(scenarioPolicySet(listFile), /add\[0\]\.rule: oris_file is for policy folders/, 'no list files in a scenario')
  const ok = parseScenario(add('{ id: tx-deny-cbp, description: test rule, effect: deny, requesters: { components: [CBP] }, keys: [vehicle] }', '[TX, nb]'), FILE)
  t.same(ok.add[0]!.states, ['TX', 'NB'], 'state codes are normalised')
  const set = await scenarioPolicySet(ok)
  t.same(statesWithRule(set, 'tx-deny-cbp'), ['NB', 'TX'])
})

t.test('a missing file or policy folder', async (t) => {
  await t.rejects(loadScenario('simulator/scenarios/no-such.yaml'), /^scenario simulator\/scenarios\/no-such\.yaml: ENOENT/, 'missing file')
  await t.rejects(loadScenario('simulator/scenarios/no-such.yaml'), ScenarioError)
  await t.rejects(scenarioPolicySet(parseScenario(BASE.replace('policies: policies', 'policies: no-such-folder'), FILE)), /scenario bad\.yaml: policy folder `no-such-folder` has errors/)
})
