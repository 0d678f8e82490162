/**
 * @module test/policy/load-thread
 * Reading and parsing a policy folder in a worker thread gives the very load
 * the caller's thread gives: the same version, findings, failed states and
 * decisions, for the shipped folder and for a broken copy; a custom directory
 * path is honoured; the yielding compile gives the event loop a turn per state.
 */
import { cpSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { compilePolicySet, compilePolicySetYielding } from '../../src/policy/compile.js'
import { decide } from '../../src/policy/evaluate.js'
import { loadPolicySet, type PolicyLoad } from '../../src/policy/load.js'
import { loadPolicySetOffThread } from '../../src/policy/load-thread.js'
import type { QueryKey } from '../../src/message/keys.js'
import { copyPolicies } from './helpers.js'

const AT = Date.parse('2025-11-25T00:00:00Z')
const KEYS: QueryKey[] = ['DQ', 'KQ', 'RQ', 'RNQ']

/** Every directory agency asking a few states with a few keys, with and without a photo. */
function sameDecisions (t: Test, a: PolicyLoad, b: PolicyLoad): void {
  const agencies = a.set.directory.agencies
  let n = 0
  let differ = 0
  for (let i = 0; i < agencies.length; i += 7) {
    for (const state of ['IL', 'NY', 'WA', 'MA', 'VT', 'TX']) {
      const key = KEYS[i % KEYS.length]!
      const r = { ori: agencies[i]!.ori, state, key, image: i % 2 === 0, time: AT }
      const x = decide(r, a.set)
      const y = decide(r, b.set)
      n++
      if (x.effect !== y.effect || x.rule !== y.rule || x.policyVersion !== y.policyVersion) differ++
    }
  }
  t.ok(n > 10_000, `${n} decisions compared`)
  t.equal(differ, 0, 'no decision differs')
}

t.test('the shipped folder: the same load either way', async (t) => {
  const here = await loadPolicySet('policies')
  const there = await loadPolicySetOffThread('policies')
  t.equal(there.readIn, 'worker', 'read in a worker thread')
  t.equal(there.set.version, here.set.version)
  t.same(there.diagnostics, here.diagnostics)
  t.same(there.failed, here.failed)
  t.equal(there.set.directory.version, here.set.directory.version)
  t.equal(there.set.directory.agencies.length, here.set.directory.agencies.length)
  sameDecisions(t, here, there)
})

t.test('a broken copy: the same findings and the same states failing closed', async (t) => {
  const dir = copyPolicies(t)
  unlinkSync(join(dir, 'states', 'VT.yaml'))
  const ny = join(dir, 'states', 'NY.yaml')
  writeFileSync(ny, readFileSync(ny, 'utf8').replace('effect: deny\n', 'effect: denny\n'))
  const here = await loadPolicySet(dir)
  const there = await loadPolicySetOffThread(dir)
  t.equal(there.readIn, 'worker')
  t.same(there.failed, ['NY', 'VT'])
  t.same(there.failed, here.failed)
  t.same(there.diagnostics, here.diagnostics)
  t.ok(there.diagnostics.some((d) => d.code === 'NSIM_POLICY_EFFECT' && d.file === ny), 'the misspelt effect is found')
  t.equal(there.set.version, here.set.version)
  sameDecisions(t, here, there)
})

t.test('a directory CSV given apart from the folder', async (t) => {
  const dir = copyPolicies(t)
  const csv = join(dir, '..', 'other.csv')
  cpSync(join(dir, 'directory.csv'), csv)
  rmSync(join(dir, 'directory.csv'))
  const there = await loadPolicySetOffThread(dir, { directoryPath: csv })
  const here = await loadPolicySet(dir, { directoryPath: csv })
  t.same(there.diagnostics.filter((d) => d.severity === 'error'), [])
  t.equal(there.set.version, here.set.version)
  const missing = await loadPolicySetOffThread(dir)
  t.ok(missing.diagnostics.some((d) => d.code === 'NSIM_DIR_READ'), 'without it, the missing CSV is reported')
})

t.test('the yielding compile: the same set, and the event loop turns between states', async (t) => {
  const here = await loadPolicySet('policies')
  let turns = 0
  let running = true
  const tick = (): void => { turns++; if (running) setImmediate(tick) }
  setImmediate(tick)
  const set = await compilePolicySetYielding(here.set.source)
  running = false
  t.ok(turns >= here.set.states.size - 1, `${turns} turns of the event loop for ${here.set.states.size} states`)
  t.equal(set.version, here.set.version)
  t.ok(set.compileMs > 0)
  const again = compilePolicySet(here.set.source)
  sameDecisions(t, { ...here, set: again }, { ...here, set })
})
