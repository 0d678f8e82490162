/**
 * @module policy/diff
 * What changes between two compiled policy sets, exhaustively and exactly (no
 * sampling), in the shape of the `policy diff --json` contract (README,
 * "Changing a policy"). Per jurisdiction the requesters are sorted into pair
 * classes (the same requester class in the live set and in the candidate: every
 * member gets the same decisions under both), so only one representative per
 * pair class is decided, for every key the states decide on, with and without
 * IMQ/Y where the key takes it, in every context cell the two sets distinguish:
 * each reason and purpose code either names plus "any other or none", and every
 * interval between the `from`/`until` dates either names. The requesters are
 * the directory's agencies, the ORIs outside the directory either set names, and
 * every other ORI (`*`), split by the office prefix and by the ORI patterns of
 * the two sets when those make a difference (found through witness ORIs).
 */
import type { Directory } from '../directory/directory.js'
import type { QueryKey } from '../message/keys.js'
import type { CompiledPolicySet, CompiledState, Row } from './compile.js'
import { decideState } from './evaluate.js'
import { otherWitnesses, patternsOf } from './diff-others.js'
import { globMatch } from './reference.js'
import type { Decision, PolicyRequest } from './types.js'

/** The keys the states decide on (DQG and RQG reach them as DQ and RQ), with whether they take IMQ/Y. */
export const DIFF_SLOTS: ReadonlyArray<{ key: QueryKey, imq: boolean }> = Object.freeze([
  { key: 'DQ', imq: false }, { key: 'DQ', imq: true }, { key: 'DNQ', imq: false }, { key: 'KQ', imq: false },
  { key: 'KQ', imq: true }, { key: 'RQ', imq: false }, { key: 'RNQ', imq: false }, { key: 'RPQ', imq: false },
])

/** `null`: any value or none; a code: exactly that code; `notIn`: any other value, or none. */
export type CodeCell = null | string | { readonly notIn: readonly string[] }

export interface DiffContext {
  readonly reason: CodeCell
  readonly purpose: CodeCell
  /** Half-open UTC range of the cell: `YYYY-MM-DD` at midnight, else an ISO timestamp; null = unbounded. */
  readonly from: string | null
  readonly until: string | null
}

export interface DiffOutcome {
  readonly effect: Decision['effect']
  readonly rule: string | null
  readonly redact: readonly string[]
}

/**
 * The other ORIs of a `*` entry, when patterns or the office prefix split them:
 * those whose office is (not) in the state, matching exactly `matching` among
 * `patterns` (every pattern of the two sets' rules of that state).
 */
export interface OtherOris {
  readonly office: 'in-state' | 'out-of-state' | null
  readonly patterns: readonly string[]
  readonly matching: readonly string[]
}

export interface DiffChange {
  readonly state: string
  readonly key: QueryKey
  readonly imq: boolean
  readonly context: DiffContext
  readonly before: DiffOutcome
  readonly after: DiffOutcome
  /** Sorted ORIs, or `["*"]` for the class of every other ORI. */
  readonly oris: readonly string[]
  readonly outsideDirectory: boolean
  readonly otherOris?: OtherOris
  /** Access gained (deny -> redact or allow, redact -> allow, fewer redacted fields) and/or lost (the reverse). */
  readonly gained: boolean
  readonly lost: boolean
}

export interface PolicyDiff {
  readonly live: string
  readonly candidate: string
  readonly changes: DiffChange[]
  readonly summary: { gained: number, lost: number, redactionChanged: number, changes: number }
}

const DAY_MS = 86_400_000
const RANK = { deny: 0, redact: 1, allow: 2 } as const

export function dateText (t: number): string {
  const iso = new Date(t).toISOString()
  return t % DAY_MS === 0 ? iso.slice(0, 10) : iso
}

function outcome (d: Decision): DiffOutcome {
  return { effect: d.effect, rule: d.rule, redact: d.redact ?? [] }
}

function same (a: Decision, b: Decision): boolean {
  if (a.effect !== b.effect || a.rule !== b.rule) return false
  const ra = a.redact ?? []
  const rb = b.redact ?? []
  return ra.length === rb.length && ra.every((f) => rb.includes(f))
}

/** Does the change gain and/or lose access? */
export function direction (before: DiffOutcome, after: DiffOutcome): { gained: boolean, lost: boolean } {
  const rb = RANK[before.effect]
  const ra = RANK[after.effect]
  if (ra !== rb) return { gained: ra > rb, lost: ra < rb }
  if (before.effect !== 'redact') return { gained: false, lost: false }
  return {
    gained: before.redact.some((f) => !after.redact.includes(f)),
    lost: after.redact.some((f) => !before.redact.includes(f)),
  }
}

/** The jurisdiction's compiled state in a set, or undefined (the set's unknown-state decision applies). */
function stateOf (set: CompiledPolicySet, state: string): CompiledState | undefined {
  return set.states.get(state)
}

function decideIn (set: CompiledPolicySet, st: CompiledState | undefined, req: PolicyRequest): Decision {
  return st === undefined ? set.unknownState : decideState(req, st, set)
}

/** Identity of the row an ORI gets (requesters with the same row get the same decisions). */
class RowIds {
  readonly #ids = new Map<Row, number>()
  constructor (readonly set: CompiledPolicySet, readonly st: CompiledState | undefined) {}

  of (ori: string): number {
    const st = this.st
    if (st === undefined || st.trivial !== null) return 0
    const i = this.set.directory.indexOf(ori)
    const c = i >= 0 ? st.dirClass[i]! : st.extra.get(ori)
    return this.idOf(c !== undefined ? st.rows[c]! : st.rowForUnknown(ori))
  }

  ofClass (c: number): number {
    const st = this.st
    if (st === undefined || st.trivial !== null) return 0
    return this.idOf(st.rows[c]!)
  }

  idOf (row: Row): number {
    let id = this.#ids.get(row)
    if (id === undefined) { id = this.#ids.size + 1; this.#ids.set(row, id) }
    return id
  }
}

interface Axis<T> { readonly cells: readonly T[] }

/** The context cells of one state: reason codes, purpose codes, date intervals. */
function contextAxes (sts: ReadonlyArray<CompiledState | undefined>): { reasons: Axis<CodeCell>, purposes: Axis<CodeCell>, times: Axis<[number, number]> } {
  const reasons = new Set<string>()
  const purposes = new Set<string>()
  const bounds = new Set<number>()
  for (const st of sts) {
    for (const cr of st?.rules ?? []) {
      for (const r of cr.rule.reasons) reasons.add(r)
      for (const p of cr.rule.purposes) purposes.add(p)
      if (cr.rule.from !== undefined) bounds.add(cr.rule.from)
      if (cr.rule.until !== undefined) bounds.add(cr.rule.until)
    }
  }
  const codes = (s: Set<string>): CodeCell[] => {
    if (s.size === 0) return [null]
    const list = [...s].sort()
    return [...list, Object.freeze({ notIn: Object.freeze(list) })]
  }
  const b = [...bounds].sort((x, y) => x - y)
  const times: Array<[number, number]> = []
  let lo = -Infinity
  for (const x of b) { times.push([lo, x]); lo = x }
  times.push([lo, Infinity])
  return { reasons: { cells: codes(reasons) }, purposes: { cells: codes(purposes) }, times: { cells: times } }
}

/** A request value that falls in the cell: the code, or none for "any" and "any other or none". */
function codeValue (c: CodeCell): string | undefined {
  return typeof c === 'string' ? c : undefined
}

function timeValue ([lo, hi]: [number, number]): number {
  if (lo !== -Infinity) return lo
  return hi === Infinity ? 0 : hi - 1
}

interface PairClass {
  readonly rep: string
  /** Member ORIs are gathered only for classes that change. */
  oris: string[]
  outside: boolean
  other?: OtherOris
}

/** Compare two compiled policy sets. */
export function diffPolicySets (live: CompiledPolicySet, cand: CompiledPolicySet): PolicyDiff {
  const states = [...new Set([...live.states.keys(), ...cand.states.keys()])].sort()
  // ORIs outside the directories that either set names, in any state: listed by name everywhere.
  const named = new Set<string>()
  for (const set of [live, cand]) {
    for (const st of set.states.values()) for (const o of st.extra.keys()) if (live.directory.indexOf(o) < 0 && cand.directory.indexOf(o) < 0) named.add(o)
  }
  const changes: DiffChange[] = []
  for (const state of states) {
    const from = changes.length
    diffState(state, live, cand, named, changes)
    // Within a state: by key (the DIFF_SLOTS order), then context, then who.
    const slotOf = (c: DiffChange): number => DIFF_SLOTS.findIndex((s) => s.key === c.key && s.imq === c.imq)
    const part = changes.splice(from).sort((a, b) => slotOf(a) - slotOf(b) || JSON.stringify(a.context).localeCompare(JSON.stringify(b.context)) ||
      a.oris[0]!.localeCompare(b.oris[0]!))
    changes.push(...part)
  }
  let gained = 0; let lost = 0; let redactionChanged = 0
  for (const c of changes) {
    if (c.gained) gained++
    if (c.lost) lost++
    if (c.before.effect === 'redact' && c.after.effect === 'redact') redactionChanged++
  }
  return { live: live.version, candidate: cand.version, changes, summary: { gained, lost, redactionChanged, changes: changes.length } }
}

function diffState (state: string, live: CompiledPolicySet, cand: CompiledPolicySet, named: ReadonlySet<string>, out: DiffChange[]): void {
  const ls = stateOf(live, state)
  const cs = stateOf(cand, state)
  const lt = ls === undefined ? live.unknownState : ls.trivial
  const ct = cs === undefined ? cand.unknownState : cs.trivial
  if (lt !== null && ct !== null && same(lt, ct)) return
  const L = new RowIds(live, ls)
  const C = new RowIds(cand, cs)
  const classes = new Map<string, PairClass>()
  const sameDir = live.directory === cand.directory || live.directory.version === cand.directory.version
  const dirs: Directory[] = sameDir ? [live.directory] : [live.directory, cand.directory]
  const inDirs = (ori: string): boolean => dirs.some((d) => d.indexOf(ori) >= 0)
  // Directory agencies: pair class per index (the live directory, then the candidate's other agencies).
  // Numeric keys (live row id * 1e6 + candidate row id) in the loop over 18,000 agencies.
  const memberKeys: Array<{ dir: Directory, keys: Float64Array }> = []
  const dirClasses = new Map<number, string>()
  const lIds = ls === undefined || ls.trivial !== null ? null : Int32Array.from(ls.rows, (r) => L.idOf(r))
  const cIds = cs === undefined || cs.trivial !== null ? null : Int32Array.from(cs.rows, (r) => C.idOf(r))
  for (const [n, dir] of dirs.entries()) {
    const keys = new Float64Array(dir.size).fill(-1)
    const N = dir.size
    const lc = lIds === null ? null : ls!.dirClass
    const cc = cIds === null ? null : cs!.dirClass
    for (let i = 0; i < N; i++) {
      let k: number
      if (sameDir) {
        k = (lIds === null ? 0 : lIds[lc![i]!]!) * 1e6 + (cIds === null ? 0 : cIds[cc![i]!]!)
      } else {
        const ori = dir.agencies[i]!.ori
        if (n === 1 && live.directory.indexOf(ori) >= 0) continue
        k = L.of(ori) * 1e6 + C.of(ori)
      }
      keys[i] = k
      if (!dirClasses.has(k)) {
        dirClasses.set(k, dir.agencies[i]!.ori)
        classes.set(`d:${k}`, { rep: dir.agencies[i]!.ori, oris: [], outside: false })
      }
    }
    memberKeys.push({ dir, keys })
  }
  // ORIs outside the directory that either set names.
  const namedKeys = new Map<string, string>()
  for (const o of named) {
    const k = `${L.of(o)},${C.of(o)}`
    namedKeys.set(o, k)
    if (!classes.has(`n:${k}`)) classes.set(`n:${k}`, { rep: o, oris: [], outside: true })
  }
  // Every other ORI, through witnesses.
  const patterns = patternsOf([ls, cs])
  const taken = (o: string): boolean => inDirs(o) || named.has(o)
  const others = new Map<string, { rep: string, sig: OtherOris }>()
  for (const w of otherWitnesses(state, patterns, taken)) {
    const k = `${L.of(w)},${C.of(w)}`
    const sig: OtherOris = { office: w.startsWith(state) ? 'in-state' : 'out-of-state', patterns, matching: patterns.filter((p) => globMatch(p, w, 0, 0)) }
    const sk = `${sig.office}|${sig.matching.join(' ')}`
    if (!others.has(sk)) others.set(sk, { rep: w, sig })
    void k
  }
  // When every witness gets the same rows, one `*` class; else one per (office, patterns matched).
  const otherKeys = new Set([...others.values()].map((o) => `${L.of(o.rep)},${C.of(o.rep)}`))
  if (otherKeys.size <= 1) {
    const first = [...others.values()][0]
    if (first !== undefined) classes.set('o:*', { rep: first.rep, oris: ['*'], outside: true })
  } else {
    const officeMatters = new Set([...others.values()].map((o) => o.sig.office)).size > 1 &&
      [...others.values()].some((a) => [...others.values()].some((b) => a.sig.office !== b.sig.office &&
        a.sig.matching.join() === b.sig.matching.join() && `${L.of(a.rep)},${C.of(a.rep)}` !== `${L.of(b.rep)},${C.of(b.rep)}`))
    const merged = new Map<string, { rep: string, sig: OtherOris }>()
    for (const o of others.values()) {
      const sig: OtherOris = officeMatters ? o.sig : { ...o.sig, office: null }
      const sk = `${sig.office}|${sig.matching.join(' ')}`
      if (!merged.has(sk)) merged.set(sk, { rep: o.rep, sig })
    }
    for (const [sk, o] of merged) classes.set(`o:${sk}`, { rep: o.rep, oris: ['*'], outside: true, other: o.sig })
  }

  const axes = contextAxes([ls, cs])
  const R = axes.reasons.cells
  const P = axes.purposes.cells
  const T = axes.times.cells
  const found: Array<{ cls: string, slot: number, r: CodeCell, p: CodeCell, t: [number, number], before: Decision, after: Decision }> = []
  const changed = new Set<string>()
  for (const [ck, cls] of classes) {
    for (let s = 0; s < DIFF_SLOTS.length; s++) {
      const { key, imq } = DIFF_SLOTS[s]!
      // grid[r][p][t]: the differing (before, after), or null.
      const grid: Array<Array<Array<[Decision, Decision] | null>>> = R.map((r) => P.map((p) => T.map((t) => {
        const req: PolicyRequest = { ori: cls.rep, state, key, image: imq, time: timeValue(t), ...(codeValue(r) ? { reason: codeValue(r)! } : {}), ...(codeValue(p) ? { purpose: codeValue(p)! } : {}) }
        const a = decideIn(live, ls, req)
        const b = decideIn(cand, cs, req)
        return same(a, b) ? null : [a, b] as [Decision, Decision]
      })))
      if (!grid.some((x) => x.some((y) => y.some((z) => z !== null)))) continue
      changed.add(ck)
      const sig = (v: [Decision, Decision] | null): string => v === null ? '-' : `${JSON.stringify(outcome(v[0]))}${JSON.stringify(outcome(v[1]))}`
      const rAll = R.length > 1 && P.every((_, pi) => T.every((_, ti) => R.every((_, ri) => sig(grid[ri]![pi]![ti]!) === sig(grid[0]![pi]![ti]!))))
      const pAll = P.length > 1 && R.every((_, ri) => T.every((_, ti) => P.every((_, pi) => sig(grid[ri]![pi]![ti]!) === sig(grid[ri]![0]![ti]!))))
      const rCells = rAll ? [0] : R.map((_, i) => i)
      const pCells = pAll ? [0] : P.map((_, i) => i)
      for (const ri of rCells) {
        for (const pi of pCells) {
          let ti = 0
          while (ti < T.length) {
            const v = grid[ri]![pi]![ti]!
            let end = ti + 1
            while (end < T.length && sig(grid[ri]![pi]![end]!) === sig(v)) end++
            if (v !== null) {
              found.push({ cls: ck, slot: s, r: rAll ? null : R[ri]!, p: pAll ? null : P[pi]!, t: [T[ti]![0], T[end - 1]![1]], before: v[0], after: v[1] })
            }
            ti = end
          }
        }
      }
    }
  }
  if (found.length === 0) return
  // Members of the classes that change.
  const changedDir = new Set([...changed].filter((k) => k.startsWith('d:')).map((k) => Number(k.slice(2))))
  for (const { dir, keys } of memberKeys) {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      if (k >= 0 && changedDir.has(k)) classes.get(`d:${k}`)!.oris.push(dir.agencies[i]!.ori)
    }
  }
  for (const [o, k] of namedKeys) if (changed.has(`n:${k}`)) classes.get(`n:${k}`)!.oris.push(o)
  // One entry per group of identical changes: merge classes with the same cell and outcome.
  const byEntry = new Map<string, { f: typeof found[number], classes: PairClass[] }>()
  for (const f of found) {
    const cls = classes.get(f.cls)!
    const k = [f.slot, JSON.stringify(f.r), JSON.stringify(f.p), f.t[0], f.t[1], JSON.stringify(outcome(f.before)), JSON.stringify(outcome(f.after)),
      cls.other === undefined ? '' : JSON.stringify(cls.other)].join('|')
    const e = byEntry.get(k)
    if (e === undefined) byEntry.set(k, { f, classes: [cls] })
    else e.classes.push(cls)
  }
  for (const { f, classes: cs2 } of byEntry.values()) {
    const star = cs2.some((c) => c.oris[0] === '*')
    // `*` stands alone: named ORIs with the same change get their own entry.
    const groups = star ? [cs2.filter((c) => c.oris[0] === '*'), cs2.filter((c) => c.oris[0] !== '*')] : [cs2]
    for (const g of groups) {
      if (g.length === 0) continue
      const oris = g[0]!.oris[0] === '*' ? ['*'] : g.flatMap((c) => c.oris).sort()
      const before = outcome(f.before)
      const after = outcome(f.after)
      const other = g[0]!.other
      out.push({
        state, key: DIFF_SLOTS[f.slot]!.key, imq: DIFF_SLOTS[f.slot]!.imq,
        context: { reason: f.r, purpose: f.p, from: f.t[0] === -Infinity ? null : dateText(f.t[0]), until: f.t[1] === Infinity ? null : dateText(f.t[1]) },
        before, after, oris, outsideDirectory: g.some((c) => c.outside), ...(other !== undefined ? { otherOris: other } : {}),
        ...direction(before, after),
      })
    }
  }
}

/** Does a diff entry cover the request (ORI, key, IMQ, reason, purpose, time), as the contract defines? */
export function changeCovers (c: DiffChange, req: PolicyRequest, inDirectory: (ori: string) => boolean, named: ReadonlySet<string>): boolean {
  if (c.state !== req.state || c.key !== req.key || c.imq !== (req.image === true)) return false
  const code = (cell: CodeCell, v: string | undefined): boolean => cell === null || (typeof cell === 'string' ? v === cell : v === undefined || !cell.notIn.includes(v))
  if (!code(c.context.reason, req.reason) || !code(c.context.purpose, req.purpose)) return false
  if (c.context.from !== null && req.time < Date.parse(c.context.from.length === 10 ? `${c.context.from}T00:00:00Z` : c.context.from)) return false
  if (c.context.until !== null && req.time >= Date.parse(c.context.until.length === 10 ? `${c.context.until}T00:00:00Z` : c.context.until)) return false
  if (c.oris[0] !== '*') return c.oris.includes(req.ori)
  if (inDirectory(req.ori) || named.has(req.ori)) return false
  const o = c.otherOris
  if (o === undefined) return true
  if (o.office !== null && (req.ori.startsWith(req.state) ? 'in-state' : 'out-of-state') !== o.office) return false
  return o.patterns.every((p) => globMatch(p, req.ori, 0, 0) === o.matching.includes(p))
}
