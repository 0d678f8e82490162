/**
 * @module bench/suites/decide
 * Decisions per second of the compiled engine with deny lists of 10 to 1,000,000
 * explicit ORIs, beside the naive reference interpreter, on the same prebuilt
 * request mix, checked to agree before timing.
 */
import { readFileSync } from 'node:fs'
import { Random } from '../../simulator/directory/random.js'
import { parseDirectory } from '../../src/directory/load.js'
import { QUERY_KEYS, type QueryKey } from '../../src/message/keys.js'
import { compilePolicySet } from '../../src/policy/compile.js'
import { decide } from '../../src/policy/evaluate.js'
import { makeSource } from '../../src/policy/load.js'
import { referenceDecide } from '../../src/policy/reference.js'
import type { PolicyRequest, Rule, StatePolicy } from '../../src/policy/types.js'
import { JURISDICTIONS } from '../../src/directory/model.js'
import { opsPerSecond, type SuiteOptions, type SuiteResult } from '../lib.js'

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
  const ms = opts.smoke ? 50 : opts.quick ? 400 : 1500
  const dirOris = directory.agencies.map((a) => a.ori)
  const federal = directory.agencies.filter((a) => a.component !== '').map((a) => a.ori)
  const rows: SuiteResult['rows'] = []
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
    const sample = opts.smoke ? 200 : 2000
    for (let i = 0; i < sample; i++) {
      for (const r of [reqs[i]!, reqsOutside[i]!]) {
        const a = decide(r, set)
        const b = referenceDecide(r, src)
        if (a.effect !== b.effect || a.rule !== b.rule) throw new Error(`engines disagree on ${JSON.stringify(r)}`)
      }
    }
    let sink = 0
    const compiled = opsPerSecond((i) => { if (decide(reqs[i & 65535]!, set).effect === 'deny') sink++ }, ms)
    const outside = opsPerSecond((i) => { if (decide(reqsOutside[i & 65535]!, set).effect === 'deny') sink++ }, ms)
    const refMs = Math.max(20, ms / (size >= 100_000 ? 10 : 3))
    const reference = opsPerSecond((i) => { if (referenceDecide(reqs[i & 65535]!, src).effect === 'deny') sink++ }, refMs, size >= 100_000 ? 1 : 100)
    rows.push({
      'deny list': size, 'compile ms': Math.round(compileMs), 'compiled decisions/s': Math.round(compiled.ops), 'with 10% outside senders/s': Math.round(outside.ops),
      'reference decisions/s': Math.round(reference.ops), 'compiled / reference': Math.round(compiled.ops / reference.ops),
      'agreed on': sample * 2,
    })
    opts.out(`decide: list ${size}: ${Math.round(compiled.ops).toLocaleString()} /s compiled, ${Math.round(reference.ops).toLocaleString()} /s reference (${sink > 0 ? 'ok' : 'no denies?'})`)
  }
  const base = rows.find((r) => r['deny list'] === 100_000) ?? rows[rows.length - 1]!
  for (const r of rows) r['vs 100k list'] = Number((Number(r['compiled decisions/s']) / Number(base['compiled decisions/s'])).toFixed(2))
  return { suite: 'decide', rows, notes: ['one core; requests prebuilt as after parsing; IL\'s deny list holds every federal office plus synthetic ORIs up to the size; NY, WA, MA, MN list the federal offices; half the requests go to IL'] }
}
