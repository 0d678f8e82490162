/**
 * @module bench/suites/decide
 * Decisions per second of the compiled engine with deny lists of 10 to 1,000,000
 * explicit ORIs, beside the naive reference interpreter and the same policies
 * in Cedar (cedar-wasm) and Casbin, on the same prebuilt request mix, all four
 * checked to agree on every sampled decision before timing.
 */
import { readFileSync } from 'node:fs'
import { Random } from '../../simulator/random.js'
import { parseDirectory } from '../../src/directory/load.js'
import { QUERY_KEYS, type QueryKey } from '../../src/message/keys.js'
import { compilePolicySet } from '../../src/policy/compile.js'
import { decide } from '../../src/policy/evaluate.js'
import { makeSource } from '../../src/policy/load.js'
import { referenceDecide } from '../../src/policy/reference.js'
import type { PolicyRequest, Rule, StatePolicy } from '../../src/policy/types.js'
import { JURISDICTIONS } from '../../src/directory/model.js'
import { opsPerSecond, type SuiteOptions, type SuiteResult } from '../lib.js'
import { buildCasbin } from './casbin.js'
import { buildCedar } from './cedar.js'
import type { Plain } from './shape.js'

const BLOCKING = ['NY', 'WA', 'MA', 'MN']
const EMPTY = { oris: [], patterns: [], groups: [], types: [], lines: [], components: [] }

function denyListPolicy (state: string, oris: string[]): StatePolicy {
  const at = { file: 'bench', line: 1, column: 1 }
  const rule: Rule = {
    id: `${state.toLowerCase()}-deny-list`, effect: 'deny', redact: [], description: 'bench deny list', source: '',
    requesters: { ...EMPTY, oris }, except: EMPTY, origin: 'any', keys: ['all'], reasons: [], purposes: [], lintIgnore: [], at,
  }
  const photo: Rule = { ...rule, id: `${state.toLowerCase()}-photo`, effect: 'redact', redact: ['photo'], requesters: { ...EMPTY, components: ['CBP'] }, keys: ['photo'] }
  return { state, version: 'bench', default: 'allow', denialText: 'NO', rules: [rule, photo], file: 'bench', hash: `${state}${oris.length}` }
}

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  const { directory } = parseDirectory(readFileSync('policies/directory.csv', 'utf8'))
  const rnd = new Random('bench-decide')
  const sizes = opts.smoke ? [10, 1000] : [10, 1000, 100_000, 1_000_000]
  const ms = opts.smoke ? 50 : opts.quick ? 250 : 1500
  const dirOris = directory.agencies.map((a) => a.ori)
  const federal = directory.agencies.filter((a) => a.component !== '').map((a) => a.ori)
  const cbp = directory.agencies.filter((a) => a.component === 'CBP').map((a) => a.ori)
  const rows: SuiteResult['rows'] = []
  let wholeStore: string | undefined
  for (const size of sizes) {
    // Deny list: every federal office plus synthetic ORIs up to `size` entries.
    const list = federal.slice(0, Math.min(federal.length, size))
    for (let i = list.length; i < size; i++) list.push(`ZZ${i.toString(36).toUpperCase().padStart(7, '0')}`)
    const policies = new Map<string, StatePolicy | undefined>()
    // IL carries the N-entry list; the other blocking states list the federal offices.
    for (const s of JURISDICTIONS) {
      policies.set(s, s === 'IL' ? denyListPolicy(s, list) : BLOCKING.includes(s) ? denyListPolicy(s, federal) : { ...denyListPolicy(s, []), rules: [] })
    }
    const src = makeSource(directory, [], policies)
    const t0 = performance.now()
    const set = compilePolicySet(src)
    const compileMs = performance.now() - t0
    // Two request mixes, destinations half to IL: (a) senders from the directory,
    // as the hub admits only those; (b) the same with 10% senders drawn from
    // the deny list's synthetic ORIs outside the directory.
    const mix = (outsideShare: number): PolicyRequest[] => {
      const out: PolicyRequest[] = []
      for (let i = 0; i < 65536; i++) {
        const ori = rnd.next() < outsideShare ? list[rnd.int(list.length)]! : dirOris[rnd.int(dirOris.length)]!
        const state = rnd.next() < 0.5 ? 'IL' : JURISDICTIONS[rnd.int(JURISDICTIONS.length)]!
        const key = QUERY_KEYS[rnd.int(QUERY_KEYS.length)] as QueryKey
        out.push({ ori, state, key, image: key === 'DQ' && rnd.next() < 0.2, time: 1_750_000_000_000 })
      }
      return out
    }
    const reqs = mix(0)
    const reqsOutside = mix(0.1)
    let t1 = performance.now()
    const cedar = buildCedar(src, `decide-${size}`)
    const cedarMs = performance.now() - t1
    t1 = performance.now()
    const casbin = await buildCasbin(src)
    const casbinMs = performance.now() - t1
    const sample = opts.smoke ? 200 : 2000
    // Checked: the first `sample` requests of both mixes, plus every CBP office
    // asking IL, NY and TX for a photo (redacts are too rare in the mix to be sampled).
    const checked = [...reqs.slice(0, sample), ...reqsOutside.slice(0, sample)]
    for (const ori of cbp) for (const state of ['IL', 'NY', 'TX']) checked.push({ ori, state, key: 'DQ', image: true, time: 1_750_000_000_000 })
    const seen: Record<string, number> = { allow: 0, deny: 0, redact: 0 }
    const same = (a: Plain, b: Plain): boolean => a.effect === b.effect && a.rule === b.rule
    // The naive reference scans every list: about 300 decisions a second at 1M entries. Quick mode
    // checks it on the first 500 requests there; the other engines are checked on all of them.
    const refChecks = opts.quick && size >= 1_000_000 ? 500 : checked.length
    for (let i = 0; i < checked.length; i++) {
      const r = checked[i]!
      const a = decide(r, set)
      const b = i < refChecks ? referenceDecide(r, src) : a
      const c = cedar.decide(r)
      const d = casbin.decide(r)
      if (!same(a, b) || !same(a, c) || !same(a, d) || casbin.effect(r) !== a.effect) {
        throw new Error(`engines disagree on ${JSON.stringify(r)}: compiled ${JSON.stringify([a.effect, a.rule])}, reference ${JSON.stringify([b.effect, b.rule])}, cedar ${JSON.stringify(c)}, casbin ${JSON.stringify(d)}`)
      }
      seen[a.effect]!++
    }
    let sink = 0
    const compiled = opsPerSecond((i) => { if (decide(reqs[i & 65535]!, set).effect === 'deny') sink++ }, ms)
    const outside = opsPerSecond((i) => { if (decide(reqsOutside[i & 65535]!, set).effect === 'deny') sink++ }, ms)
    const refMs = Math.max(20, ms / (size >= 100_000 ? 10 : 3))
    const reference = opsPerSecond((i) => { if (referenceDecide(reqs[i & 65535]!, src).effect === 'deny') sink++ }, refMs, size >= 100_000 ? 1 : 100)
    const libMs = Math.max(50, ms / 3)
    const cedarOps = opsPerSecond((i) => { if (cedar.decide(reqs[i & 65535]!).effect === 'deny') sink++ }, libMs, 100)
    const casbinOps = opsPerSecond((i) => { if (casbin.effect(reqs[i & 65535]!) === 'deny') sink++ }, libMs, 100)
    if (size === sizes[0] && !opts.smoke) {
      const whole = opsPerSecond((i) => { if (cedar.decideWholeStore(reqs[i & 65535]!).effect === 'deny') sink++ }, opts.quick ? 200 : 500, 1)
      wholeStore = `Cedar given the whole entity store (${cedar.entities.toLocaleString('en-US')} entities at the ${size}-entry list, isAuthorized) on every call instead of the requester's entity: ${Math.round(whole.ops).toLocaleString('en-US')} decisions/s; so the rows give Cedar each requester's entity, and no list size is capped`
    }
    rows.push({
      'deny list': size, 'compile ms': Math.round(compileMs), 'compiled decisions/s': Math.round(compiled.ops), 'with 10% outside senders/s': Math.round(outside.ops),
      'reference decisions/s': Math.round(reference.ops), 'compiled / reference': Math.round(compiled.ops / reference.ops),
      'cedar decisions/s': Math.round(cedarOps.ops), 'casbin decisions/s': Math.round(casbinOps.ops),
      'compiled / cedar': Math.round(compiled.ops / cedarOps.ops), 'compiled / casbin': Math.round(compiled.ops / casbinOps.ops),
      'cedar build ms': Math.round(cedarMs), 'casbin build ms': Math.round(casbinMs),
      'agreed on': checked.length,
    })
    opts.out(`decide: list ${size}: ${Math.round(compiled.ops).toLocaleString()} /s compiled, ${Math.round(reference.ops).toLocaleString()} /s reference, ${Math.round(cedarOps.ops).toLocaleString()} /s cedar, ${Math.round(casbinOps.ops).toLocaleString()} /s casbin; agreed on ${checked.length} (${seen.allow} allow, ${seen.deny} deny, ${seen.redact} redact) (${sink > 0 ? 'ok' : 'no denies?'})`)
  }
  const base = rows.find((r) => r['deny list'] === 100_000) ?? rows[rows.length - 1]!
  for (const r of rows) r['vs 100k list'] = Number((Number(r['compiled decisions/s']) / Number(base['compiled decisions/s'])).toFixed(2))
  const notes = [
    'one core; requests prebuilt as after parsing; IL\'s deny list holds every federal office plus synthetic ORIs up to the size; NY, WA, MA, MN list the federal offices; half the requests go to IL',
    'cedar: @cedar-policy/cedar-wasm (nodejs build), policies preparsed (statefulIsAuthorized), deny lists as entity data (requester entity with parents DenyList::"<rule id>", the requester\'s entity passed per call, prebuilt), photo redact as a second action asked only for allowed IMQ/Y requests; casbin: CJS build, RBAC with domains and a deny effect, policies and role links added once per size, enforceSync timed (enforceExSync, the same loop returning the matched policy, gives the rule ids checked)',
    `"agreed on": requests on which compiled, reference, Cedar and Casbin gave the same effect and deciding rule before timing (the first requests of both mixes, plus every CBP office asking IL, NY and TX for a photo, so that redacts are checked)${opts.quick ? '; quick mode: at 1,000,000 entries the reference engine is checked on the first 500 of them' : ''}`,
  ]
  if (wholeStore !== undefined) notes.push(wholeStore)
  return { suite: 'decide', rows, notes }
}
