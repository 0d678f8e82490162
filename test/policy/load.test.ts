/**
 * @module test/policy/load
 * A broken policy directory: every fault is reported with its file, line and
 * code; broken states fail closed while the others still decide; `policy check`
 * names every fault; PolicyStore keeps the last good set when a reload fails.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import t from 'tap'
import { type Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'
import type { Diagnostic } from '../../src/diagnostics.js'
import { NsimError } from '../../src/errors.js'
import { decide } from '../../src/policy/evaluate.js'
import { loadPolicySet } from '../../src/policy/load.js'
import { PolicyStore } from '../../src/policy/store.js'
import type { PolicyRequest } from '../../src/policy/types.js'
import type { QueryKey } from '../../src/message/keys.js'
import { copyPolicies } from './helpers.js'

const root = process.cwd()
const AT = Date.parse('2025-11-25T00:00:00Z')

function req (ori: string, state: string, key: QueryKey = 'DQ', image = false): PolicyRequest {
  return { ori, state, key, image, time: AT }
}

function fakeIo (cwd = root): Io & { stdout: string[], stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { cwd, stdout, stderr, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
}

/** Replace `from` (which must occur) by `to` in a file; returns the 1-based line where `to` starts. */
function breakFile (file: string, from: string, to: string): number {
  const text = readFileSync(file, 'utf8')
  const i = text.indexOf(from)
  if (i < 0) throw new Error(`\`${from}\` not in ${file}`)
  writeFileSync(file, text.slice(0, i) + to + text.slice(i + from.length))
  return text.slice(0, i).split('\n').length
}

/** Break a copy in four ways; returns the lines that were broken. */
function breakCopy (dir: string): { il: number, ny: number, ma: number } {
  const states = join(dir, 'states')
  // (d) a state with no file at all.
  unlinkSync(join(states, 'VT.yaml'))
  return {
    // (a) YAML syntax error: a nested mapping in a compact mapping.
    il: breakFile(join(states, 'IL.yaml'), 'state: IL\n', 'state: IL: oops\n'),
    // (b) misspelt effect.
    ny: breakFile(join(states, 'NY.yaml'), 'effect: deny\n', 'effect: denny\n'),
    // (c) a group groups.yaml does not define.
    ma: breakFile(join(states, 'MA.yaml'), 'components: [ICE-ERO, HSI]', 'groups: [ice, no-such-group]'),
  }
}

function findings (list: readonly Diagnostic[], file: string, code: string): Diagnostic[] {
  return list.filter((d) => d.file.endsWith(`/states/${file}`) && d.code === code)
}

t.test('a broken policy directory', async (t) => {
  const dir = copyPolicies(t, 'nsim-load-')
  const lines = breakCopy(dir)
  t.equal(lines.il, 5, 'IL.yaml: `state:` is on line 5')
  t.equal(lines.ny, 11, 'NY.yaml: the first effect is on line 11')
  t.equal(lines.ma, 19, 'MA.yaml: the first selector is on line 19')

  const loaded = await loadPolicySet(dir)
  const { diagnostics, failed, set } = loaded

  const yaml = findings(diagnostics, 'IL.yaml', 'NSIM_POLICY_YAML')
  t.ok(yaml.length >= 1, 'IL.yaml: YAML error reported')
  t.match(yaml[0], { severity: 'error', line: lines.il, message: /^invalid YAML: / })
  t.equal(yaml[0]?.file, join(dir, 'states', 'IL.yaml'))

  const effect = findings(diagnostics, 'NY.yaml', 'NSIM_POLICY_EFFECT')
  t.equal(effect.length, 1, 'NY.yaml: one effect error')
  t.match(effect[0], { severity: 'error', line: lines.ny, message: /unknown effect `denny`/ })
  t.ok((effect[0]?.column ?? 0) > 0, 'column given')

  const group = findings(diagnostics, 'MA.yaml', 'NSIM_POLICY_GROUP')
  t.equal(group.length, 1, 'MA.yaml: one group error')
  t.match(group[0], { severity: 'error', line: lines.ma, message: /unknown group `no-such-group`/ })

  const missing = findings(diagnostics, 'VT.yaml', 'NSIM_POLICY_MISSING_STATE')
  t.equal(missing.length, 1, 'VT.yaml: reported missing')
  t.match(missing[0], { severity: 'error', line: 0, state: 'VT', message: /no policy file for `VT`/ })

  t.same(failed, ['IL', 'MA', 'NY', 'VT'])
  for (const s of failed) {
    t.equal(findings(diagnostics, `${s}.yaml`, 'NSIM_EVAL_FAIL_CLOSED').length, 1, `${s}: fail-closed reported`)
  }
  // Nothing else is wrong with the copy.
  const others = diagnostics.filter((d) => !/\/states\/(IL|MA|NY|VT)\.yaml$/.test(d.file))
  t.same(others, [], 'no findings outside the four broken states')
  const sorted = [...diagnostics].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  t.same(diagnostics.map((d) => `${d.file}:${d.line}`), sorted.map((d) => `${d.file}:${d.line}`), 'diagnostics are sorted by place')

  // Failed states deny everyone; the rest decide as before.
  t.equal(set.states.size, 54)
  for (const s of failed) {
    for (const ori of ['TX0020100', 'VTICE0900', 'DCFBIWA00']) {
      for (const key of ['DQ', 'RQ'] as const) {
        t.match(decide(req(ori, s, key), set), { effect: 'deny', rule: 'fail-closed', policyVersion: set.version }, `${ori} -> ${s} ${key}: fail closed`)
      }
    }
  }
  t.match(decide(req('VTICE0900', 'MN'), set), { effect: 'deny', rule: 'mn-deny-ice' }, 'MN still denies ICE')
  t.match(decide(req('TX0020100', 'MN'), set), { effect: 'allow', rule: null }, 'MN still allows city police')
  t.match(decide(req('VTICE0900', 'TX'), set), { effect: 'allow', rule: null }, 'TX allows ICE')
  t.match(decide(req('TX0020100', 'TX'), set), { effect: 'allow', rule: null }, 'TX allows city police')
  t.match(decide(req('VTICE0900', 'WA'), set), { effect: 'deny', rule: 'wa-deny-ice' }, 'WA still denies ICE')
  t.match(decide(req('WACBP0100', 'WA', 'RQ'), set), { effect: 'allow', rule: null }, 'WA still allows CBP')

  const good = await loadPolicySet(resolve(root, 'policies'))
  t.not(set.version, good.set.version, 'the broken set has its own version')
  t.same(good.failed, [])

  t.test('policy check names each broken file and line', async (t) => {
    const io = fakeIo()
    t.equal(await main(['policy', 'check', dir], io), 1)
    const out = io.stdout.join('\n')
    t.match(out, new RegExp(`states/IL\\.yaml:${lines.il}:\\d+ error NSIM_POLICY_YAML invalid YAML`))
    t.match(out, new RegExp(`states/NY\\.yaml:${lines.ny}:\\d+ error NSIM_POLICY_EFFECT unknown effect \`denny\``))
    t.match(out, new RegExp(`states/MA\\.yaml:${lines.ma}:\\d+ error NSIM_POLICY_GROUP unknown group \`no-such-group\``))
    t.match(out, /states\/VT\.yaml error NSIM_POLICY_MISSING_STATE no policy file for `VT`/)
    for (const s of ['IL', 'MA', 'NY', 'VT']) t.match(out, new RegExp(`states/${s}\\.yaml error NSIM_EVAL_FAIL_CLOSED`))
    t.match(out, /^FAILED: 54 jurisdictions, .*; failing closed: IL, MA, NY, VT; policy version [0-9a-f]{12}$/m)

    // Run from the temp dir: paths are shown relative to the working directory.
    const io2 = fakeIo(resolve(dir, '..'))
    t.equal(await main(['policy', 'check', 'policies', '--json'], io2), 1)
    const r = JSON.parse(io2.stdout.join('\n'))
    t.match(r, { ok: false, states: 54, failedClosed: ['IL', 'MA', 'NY', 'VT'] })
    t.ok(r.errors >= 8)
    const places = new Set(r.diagnostics.map((d: Diagnostic) => `${d.file}:${d.line} ${d.code}`))
    for (const p of [`policies/states/IL.yaml:${lines.il} NSIM_POLICY_YAML`, `policies/states/NY.yaml:${lines.ny} NSIM_POLICY_EFFECT`,
      `policies/states/MA.yaml:${lines.ma} NSIM_POLICY_GROUP`, 'policies/states/VT.yaml:0 NSIM_POLICY_MISSING_STATE']) {
      t.ok(places.has(p), p)
    }
  })

  t.test('PolicyStore.open strict refuses the broken set', async (t) => {
    await t.rejects(PolicyStore.open(dir, { strict: true }), NsimError)
    const err = await PolicyStore.open(dir, { strict: true }).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof NsimError)
    t.match((err as NsimError).message, /IL\.yaml:5:\d+ error NSIM_POLICY_YAML/)
    t.match((err as NsimError).message, new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))

    // Not strict: it opens, with the broken states failing closed.
    const { store, diagnostics } = await PolicyStore.open(dir)
    t.ok(diagnostics.some((d) => d.code === 'NSIM_POLICY_EFFECT'))
    t.match(decide(req('TX0020100', 'NY'), store.current), { effect: 'deny', rule: 'fail-closed' })
  })
})

t.test('PolicyStore reload keeps the last good set', async (t) => {
  const dir = copyPolicies(t, 'nsim-store-')
  const { store, diagnostics } = await PolicyStore.open(dir, { strict: true })
  t.same(diagnostics.filter((d) => d.severity === 'error'), [])
  const v0 = store.current.version
  const good = await loadPolicySet(resolve(root, 'policies'))
  t.equal(v0, good.set.version, 'the copy has the shipped version (content hash)')
  t.match(decide(req('VTICE0900', 'IL'), store.current), { effect: 'deny', rule: 'il-deny-ice' })
  t.match(decide(req('DCFBIWA00', 'IL', 'RQ'), store.current), { effect: 'allow', rule: null })

  const same = await store.reload()
  t.match(same, { ok: true, version: v0, previousVersion: v0 }, 'an unchanged reload keeps the version')

  // Break IL: the reload is refused, the old rules stay in force.
  const ilFile = join(dir, 'states', 'IL.yaml')
  const original = readFileSync(ilFile, 'utf8')
  const line = breakFile(ilFile, 'effect: deny\n', 'effect: denny\n')
  const before = store.current
  const bad = await store.reload()
  t.equal(bad.ok, false)
  t.equal(bad.version, v0)
  t.equal(bad.previousVersion, v0)
  t.ok(bad.diagnostics.some((d) => d.code === 'NSIM_POLICY_EFFECT' && d.file === ilFile && d.line === line), 'the fault is reported')
  t.equal(store.current, before, 'the same set object is still in force')
  t.equal(store.current.version, v0)
  t.match(decide(req('VTICE0900', 'IL'), store.current), { effect: 'deny', rule: 'il-deny-ice', policyVersion: v0 }, 'old rule still decides')
  t.match(decide(req('TX0020100', 'IL'), store.current), { effect: 'allow', rule: null }, 'IL is not failing closed')
  t.match(decide(req('NYCBP0100', 'IL', 'DQ', true), store.current), { effect: 'redact', rule: 'il-redact-photo-immigration', redact: ['photo'] })
  t.same(store.stats, { reloads: 2, failedReloads: 1 })

  // Fix it with a real change: a new rule denying the FBI.
  writeFileSync(ilFile, original + [
    '',
    '  - id: il-deny-fbi-test',
    '    effect: deny',
    '    description: added by the reload test',
    '    requesters:',
    '      oris: [DCFBIWA00]',
    '    keys: [vehicle]',
    '',
  ].join('\n'))
  const fixed = await store.reload()
  t.equal(fixed.ok, true, 'the fixed set loads')
  t.same(fixed.diagnostics.filter((d) => d.severity === 'error'), [])
  t.equal(fixed.previousVersion, v0)
  t.not(fixed.version, v0, 'a new version')
  t.equal(store.current.version, fixed.version)
  t.match(decide(req('DCFBIWA00', 'IL', 'RQ'), store.current), { effect: 'deny', rule: 'il-deny-fbi-test', policyVersion: fixed.version }, 'the new rule decides')
  t.match(decide(req('DCFBIWA00', 'IL', 'DQ'), store.current), { effect: 'allow', rule: null }, 'only for the keys it names')
  t.match(decide(req('VTICE0900', 'IL'), store.current), { effect: 'deny', rule: 'il-deny-ice' }, 'earlier rules unchanged')
  t.same(store.stats, { reloads: 3, failedReloads: 1 })

  // A missing file is an error too: refused, the fixed set stays.
  unlinkSync(join(dir, 'states', 'VT.yaml'))
  const gone = await store.reload()
  t.match(gone, { ok: false, version: fixed.version })
  t.ok(gone.diagnostics.some((d) => d.code === 'NSIM_POLICY_MISSING_STATE' && d.state === 'VT'))
  t.match(decide(req('TX0020100', 'VT'), store.current), { effect: 'allow', rule: null }, 'VT still allows')
})

t.test('PolicyStore reloads run one at a time, in order; the last asked for is in force', async (t) => {
  const dir = copyPolicies(t, 'nsim-store-order-')
  const { store } = await PolicyStore.open(dir, { strict: true })
  const v0 = store.current.version
  const ilFile = join(dir, 'states', 'IL.yaml')
  const original = readFileSync(ilFile, 'utf8')
  const withRule = (ori: string): string => original + ['', `  - id: il-order-${ori.toLowerCase()}`, '    effect: deny', '    description: reload order test',
    '    requesters:', `      oris: [${ori}]`, ''].join('\n')
  writeFileSync(ilFile, withRule('DCFBIWA00'))
  const first = store.reload()
  writeFileSync(ilFile, withRule('VADEADX00'))
  const second = store.reload()
  const [r1, r2] = await Promise.all([first, second])
  t.equal(r1.ok && r2.ok, true)
  t.equal(r1.previousVersion, v0)
  t.equal(r2.previousVersion, r1.version, 'the second reload started after the first had swapped')
  const onDisk = await loadPolicySet(dir)
  t.equal(store.current.version, onDisk.set.version, 'what is on disk now is in force')
  t.match(decide(req('VADEADX00', 'IL'), store.current), { effect: 'deny', rule: 'il-order-vadeadx00' })
})
