/**
 * @module policy/compile
 * Policy source -> immutable compiled set whose decision cost does not depend on
 * list sizes. Every rule's requester selector is resolved against the directory
 * once; each state then sorts the directory's agencies into requester classes
 * (agencies that match exactly the same rules) and precomputes, per class and per
 * (key, IMQ) slot, the decision or the short list of conditional candidates.
 * A decision is then: ORI -> class (one array read after one hash lookup) ->
 * slot. ORIs outside the directory that a rule names are classed at compile
 * time too; any other ORI is classed once and remembered in a bounded LRU memo.
 */
import { LRUCache } from 'lru-cache'
import type { Directory } from '../directory/directory.js'
import { QUERY_KEYS } from '../message/keys.js'
import { keySlotMask, resolveSelector, type SelectorResolution, unknownMatches } from './resolve.js'
import type { PolicySource } from './reference.js'
import {
  type Decision, DEFAULT_DENIAL_TEXT, FAIL_CLOSED_RULE, type Rule, type StatePolicy,
} from './types.js'

/** Decision slots per requester class: one per (query key, IMQ/Y or not). */
export const SLOTS = QUERY_KEYS.length * 2

export interface CompiledRule {
  readonly rule: Rule
  readonly index: number
  readonly decision: Decision
  /** Has reason, purpose or date conditions checked at decision time. */
  readonly conditional: boolean
  readonly reasons: ReadonlySet<string> | null
  readonly purposes: ReadonlySet<string> | null
  readonly from: number
  readonly until: number
  /** Bit s set when the rule's keys cover slot s. */
  readonly slotMask: number
  readonly requesters: SelectorResolution
  readonly except: SelectorResolution
}

/** Per class: the decided slots (or null) and, where conditions remain, the candidates in order. */
export interface Row {
  readonly fixed: ReadonlyArray<Decision | null>
  readonly cands: ReadonlyArray<readonly CompiledRule[] | null>
}

export interface CompileOptions {
  /** Bound of each state's memo of ORIs outside the directory (default 4096). */
  readonly unknownOriCacheSize?: number
}

export class CompiledState {
  readonly state: string
  readonly policy: StatePolicy | undefined
  readonly rules: readonly CompiledRule[]
  readonly defaultDecision: Decision
  /** Set when every request gets the same decision (no rules, or failed closed). */
  readonly trivial: Decision | null
  readonly denialText: string
  /** Directory index -> requester class. */
  readonly dirClass: Uint16Array | Uint32Array
  readonly rows: readonly Row[]
  /** Rule-match bit words of each class (for lint and tests). */
  readonly classSigs: readonly Uint32Array[]
  /** How many directory agencies (plus named outside ORIs) fall in each class. */
  readonly classSizes: readonly number[]
  /** ORIs outside the directory that rules name -> class. */
  readonly extra: ReadonlyMap<string, number>
  readonly #words: number
  readonly #rowBySig: ReadonlyMap<number | string, Row>
  /** Scratch words for classing one outside ORI without allocating. */
  readonly #scratch: Uint32Array
  readonly #memo: LRUCache<string, Row>

  constructor (state: string, policy: StatePolicy | undefined, directory: Directory, src: PolicySource, opts: CompileOptions) {
    this.state = state
    this.policy = policy
    const version = src.version
    this.denialText = policy?.denialText ?? DEFAULT_DENIAL_TEXT
    this.defaultDecision = policy === undefined
      ? Object.freeze({ effect: 'deny', rule: FAIL_CLOSED_RULE, policyVersion: version })
      : Object.freeze({ effect: policy.default, rule: null, policyVersion: version })
    this.rules = Object.freeze((policy?.rules ?? []).map((r, i) => compileRule(r, i, directory, src, version)))
    this.trivial = this.rules.length === 0 ? this.defaultDecision : null
    this.#memo = new LRUCache({ max: Math.max(1, opts.unknownOriCacheSize ?? 4096) })
    const R = this.rules.length
    const W = this.#words = Math.max(1, Math.ceil(R / 32))
    this.#scratch = new Uint32Array(W)
    const N = directory.size
    const sig = new Uint32Array(N * W)
    for (const cr of this.rules) {
      const mask = cr.requesters.mask.slice()
      if (cr.except.any) for (let i = 0; i < N; i++) if (cr.except.mask[i] === 1) mask[i] = 0
      const origin = cr.rule.origin
      if (origin !== 'any') {
        const agencies = directory.agencies
        for (let i = 0; i < N; i++) {
          if ((agencies[i]!.state === state) !== (origin === 'in-state')) mask[i] = 0
        }
      }
      const word = cr.index >>> 5
      const bit = 1 << (cr.index & 31)
      for (let i = 0; i < N; i++) if (mask[i] === 1) sig[i * W + word]! |= bit
    }
    const classOf = new Map<number | string, number>()
    const sigs: Uint32Array[] = []
    const sizes: number[] = []
    const intern = (words: Uint32Array): number => {
      const key = sigKey(words)
      let c = classOf.get(key)
      if (c === undefined) {
        c = sigs.length
        classOf.set(key, c)
        sigs.push(words.slice())
        sizes.push(0)
      }
      sizes[c]!++
      return c
    }
    const dirClass = N < 65536 ? new Uint16Array(N) : new Uint32Array(N)
    for (let i = 0; i < N; i++) dirClass[i] = intern(sig.subarray(i * W, i * W + W))
    const extra = new Map<string, number>()
    if (R > 0) this.#classNamedOutside(extra, intern)
    this.dirClass = dirClass
    this.extra = extra
    this.classSigs = Object.freeze(sigs)
    this.classSizes = Object.freeze(sizes)
    const rowBySig = new Map<number | string, Row>()
    this.rows = Object.freeze(sigs.map((s) => {
      const row = this.#buildRow(s)
      rowBySig.set(sigKey(s), row)
      return row
    }))
    this.#rowBySig = rowBySig
  }

  /** The row of an ORI that is neither in the directory nor named by a rule. */
  rowForUnknown (ori: string): Row {
    let row = this.#memo.get(ori)
    if (row === undefined) {
      const s = this.#unknownSig(ori)
      row = this.#rowBySig.get(sigKey(s)) ?? this.#buildRow(s.slice())
      this.#memo.set(ori, row)
    }
    return row
  }

  /** Entries currently held by the memo of unknown ORIs. */
  get unknownMemoSize (): number { return this.#memo.size }

  /**
   * Class every ORI outside the directory that some rule names (in `requesters`
   * or `except`, directly or through named groups). Named bits are gathered rule
   * by rule, one map update per list entry; patterns, universal rules, except
   * and origin are then applied per ORI. Runtime lookups of any other outside
   * ORI need only patterns and universal rules (see rowForUnknown).
   */
  #classNamedOutside (extra: Map<string, number>, intern: (w: Uint32Array) => number): void {
    const W = this.#words
    // Commonest large case: one rule names all the outside ORIs (a deny list),
    // none excepts any, and no rule has patterns. Then an outside ORI's class
    // depends only on whether its office is in-state: class it once per side
    // and write each ORI once, a single map operation per entry.
    const naming = this.rules.filter((cr) => cr.requesters.outside.length > 0)
    if (W === 1 && naming.length === 1 && this.rules.every((cr) => cr.except.outside.length === 0 &&
      cr.requesters.patterns.length === 0 && cr.except.patterns.length === 0)) {
      const only = naming[0]!
      const bits = 1 << only.index
      let inSig: Uint32Array | undefined
      let outSig: Uint32Array | undefined
      for (const o of only.requesters.outside) {
        const home = o.charCodeAt(0) === this.state.charCodeAt(0) && o.charCodeAt(1) === this.state.charCodeAt(1)
        // intern() counts class sizes, so it is called per ORI (a number-keyed lookup).
        if (home) extra.set(o, intern(inSig ??= this.#unknownSig(o, bits, undefined).slice()))
        else extra.set(o, intern(outSig ??= this.#unknownSig(o, bits, undefined).slice()))
      }
      return
    }
    if (W === 1) {
      // Common case (at most 32 rules): accumulate bits in `extra` itself, then
      // replace each ORI's bits by its class: two map operations per entry.
      const acc = extra
      const exc = new Map<string, number>()
      for (const cr of this.rules) {
        const bit = 1 << cr.index
        for (const o of cr.requesters.outside) acc.set(o, (acc.get(o) ?? 0) | bit)
        for (const o of cr.except.outside) {
          exc.set(o, (exc.get(o) ?? 0) | bit)
          if (!acc.has(o)) acc.set(o, 0)
        }
      }
      for (const [ori, bits] of acc) acc.set(ori, intern(this.#unknownSig(ori, bits, exc.get(ori))))
      return
    }
    const named = new Map<string, number | Uint32Array>()
    const excepted = new Map<string, number | Uint32Array>()
    const add = (m: Map<string, number | Uint32Array>, ori: string, idx: number): void => {
      if (W === 1) { m.set(ori, ((m.get(ori) as number | undefined) ?? 0) | (1 << idx)); return }
      let w = m.get(ori) as Uint32Array | undefined
      if (w === undefined) { w = new Uint32Array(W); m.set(ori, w) }
      w[idx >>> 5]! |= 1 << (idx & 31)
    }
    for (const cr of this.rules) {
      for (const o of cr.requesters.outside) add(named, o, cr.index)
      for (const o of cr.except.outside) {
        add(excepted, o, cr.index)
        if (!named.has(o)) named.set(o, W === 1 ? 0 : new Uint32Array(W))
      }
    }
    for (const [ori, bits] of named) {
      if (!extra.has(ori)) extra.set(ori, intern(this.#unknownSig(ori, bits, excepted.get(ori))))
    }
  }

  /**
   * Rule-match words of an ORI outside the directory (in the scratch buffer:
   * copy to keep). `named`/`excepted`: bits of rules that list the ORI itself.
   */
  #unknownSig (ori: string, named?: number | Uint32Array, excepted?: number | Uint32Array): Uint32Array {
    const s = this.#scratch
    s.fill(0)
    const office = ori.slice(0, 2)
    for (const cr of this.rules) {
      const word = cr.index >>> 5
      const bit = 1 << (cr.index & 31)
      const isNamed = named !== undefined && ((typeof named === 'number' ? named : named[word]!) & bit) !== 0
      const isExcepted = excepted !== undefined && ((typeof excepted === 'number' ? excepted : excepted[word]!) & bit) !== 0
      if (!(isNamed || unknownMatches(cr.requesters, ori)) || isExcepted || (cr.except.any && unknownMatches(cr.except, ori))) continue
      const origin = cr.rule.origin
      if (origin !== 'any' && (office === this.state) !== (origin === 'in-state')) continue
      s[cr.index >>> 5]! |= 1 << (cr.index & 31)
    }
    return s
  }

  #buildRow (s: Uint32Array): Row {
    const fixed: Array<Decision | null> = []
    const cands: Array<readonly CompiledRule[] | null> = []
    for (let slot = 0; slot < SLOTS; slot++) {
      const list: CompiledRule[] = []
      for (const cr of this.rules) {
        if ((s[cr.index >>> 5]! & (1 << (cr.index & 31))) === 0 || (cr.slotMask & (1 << slot)) === 0) continue
        list.push(cr)
        if (!cr.conditional) break
      }
      if (list.length === 0) { fixed.push(this.defaultDecision); cands.push(null) } else if (!list[0]!.conditional) {
        fixed.push(list[0]!.decision); cands.push(null)
      } else { fixed.push(null); cands.push(Object.freeze(list)) }
    }
    return Object.freeze({ fixed: Object.freeze(fixed), cands: Object.freeze(cands) })
  }
}

/** Map key of a signature: the word itself when there is one (no allocation). */
function sigKey (words: Uint32Array): number | string {
  return words.length === 1 ? words[0]! : words.join(',')
}

function compileRule (rule: Rule, index: number, directory: Directory, src: PolicySource, version: string): CompiledRule {
  const decision: Decision = Object.freeze(rule.effect === 'redact'
    ? { effect: 'redact' as const, rule: rule.id, redact: rule.redact, policyVersion: version }
    : { effect: rule.effect, rule: rule.id, policyVersion: version })
  const conditional = rule.reasons.length > 0 || rule.purposes.length > 0 || rule.from !== undefined || rule.until !== undefined
  return Object.freeze({
    rule, index, decision, conditional,
    reasons: rule.reasons.length ? new Set(rule.reasons) : null,
    purposes: rule.purposes.length ? new Set(rule.purposes) : null,
    from: rule.from ?? -Infinity,
    until: rule.until ?? Infinity,
    slotMask: keySlotMask(rule.keys),
    requesters: resolveSelector(rule.requesters, directory, src.groups, true),
    except: resolveSelector(rule.except, directory, src.groups, false),
  })
}

/** A compiled policy set: immutable, versioned by the content hash of everything it was built from. */
export interface CompiledPolicySet {
  readonly version: string
  readonly directory: Directory
  readonly source: PolicySource
  readonly states: ReadonlyMap<string, CompiledState>
  /** Decision for a destination that is not a known jurisdiction. */
  readonly unknownState: Decision
  /** Milliseconds compilation took. */
  readonly compileMs: number
}

export function compilePolicySet (src: PolicySource, opts: CompileOptions = {}): CompiledPolicySet {
  const t0 = performance.now()
  const states = new Map<string, CompiledState>()
  for (const [state, policy] of src.policies) states.set(state, new CompiledState(state, policy, src.directory, src, opts))
  return assemble(src, states, t0)
}

/**
 * `compilePolicySet`, giving the event loop a turn after each state: a server
 * compiling a reload keeps answering meanwhile (with the set in force) and
 * stalls at most for its largest state's compile, not for the whole set.
 * `compileMs` counts the compiling only, not the turns given away.
 */
export async function compilePolicySetYielding (src: PolicySource, opts: CompileOptions = {}): Promise<CompiledPolicySet> {
  let busy = 0
  const states = new Map<string, CompiledState>()
  for (const [state, policy] of src.policies) {
    const t = performance.now()
    states.set(state, new CompiledState(state, policy, src.directory, src, opts))
    busy += performance.now() - t
    await new Promise<void>((resolve) => { setImmediate(resolve) })
  }
  return assemble(src, states, performance.now() - busy)
}

function assemble (src: PolicySource, states: Map<string, CompiledState>, t0: number): CompiledPolicySet {
  return Object.freeze({
    version: src.version,
    directory: src.directory,
    source: src,
    states,
    unknownState: Object.freeze({ effect: 'deny' as const, rule: FAIL_CLOSED_RULE, policyVersion: src.version }),
    compileMs: performance.now() - t0,
  })
}
