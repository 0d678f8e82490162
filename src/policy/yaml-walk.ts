/**
 * @module policy/yaml-walk
 * Reading YAML with a location for every value: the small toolkit the policy,
 * group and test-file parsers share. Every problem is collected as a Diagnostic,
 * never thrown, so one run reports all of them.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar, type YAMLMap } from 'yaml'
import { type Diagnostic, diag, type Place } from '../diagnostics.js'
import type { ErrorCode } from '../errors.js'

export class YamlFile {
  readonly file: string
  readonly diagnostics: Diagnostic[] = []
  readonly #lc = new LineCounter()
  readonly root: Node | null = null
  readonly #extra: { state?: string }
  readonly #doc: Document

  constructor (text: string, file: string, extra: { state?: string } = {}) {
    this.file = file
    this.#extra = extra
    const doc = parseDocument(text, { lineCounter: this.#lc, prettyErrors: false, uniqueKeys: true })
    this.#doc = doc
    for (const e of doc.errors) {
      const pos = e.linePos?.[0] ?? this.#lc.linePos(e.pos[0])
      this.diagnostics.push(diag('error', 'NSIM_POLICY_YAML', { file, line: pos.line, column: pos.col },
        [e.message.split('\n')[0]!.replace(/\.$/, '')], extra))
    }
    if (doc.errors.length === 0) this.root = (doc.contents as Node | null) ?? null
  }

  /**
   * The node an alias (`*ice`) stands for, followed through chains of aliases;
   * any other node as it is. Every reader below looks through aliases, so an
   * anchored list or mapping can be reused anywhere a value is expected.
   */
  deref<T extends Node | null | undefined> (node: T): T {
    let n: Node | null | undefined = node
    for (let i = 0; i < 64 && isAlias(n); i++) n = (n.resolve(this.#doc) as Node | undefined) ?? null
    return n as T
  }

  at (node: Node | null | undefined): Place {
    const off = node?.range?.[0] ?? 0
    const { line, col } = this.#lc.linePos(off)
    return { file: this.file, line, column: col }
  }

  error (code: ErrorCode, node: Node | null | undefined, args: Array<string | number>, rule?: string): void {
    this.diagnostics.push(diag('error', code, this.at(node), args, { ...this.#extra, ...(rule ? { rule } : {}) }))
  }

  /** The node as a map, or an error naming what was expected. */
  map (node: Node | null | undefined, what: string, rule?: string): YAMLMap<Scalar, Node> | undefined {
    node = this.deref(node)
    if (isMap(node)) return node as YAMLMap<Scalar, Node>
    this.error('NSIM_POLICY_SHAPE', node, [`${what} must be a mapping of fields`], rule)
    return undefined
  }

  /**
   * Fields of a map by name, reporting unknown names (with a suggestion) and
   * missing required ones.
   */
  fields (m: YAMLMap<Scalar, Node>, known: readonly string[], required: readonly string[], rule?: string):
  Map<string, Node | null> {
    const out = new Map<string, Node | null>()
    for (const pair of m.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : ''
      if (!known.includes(key)) {
        const near = suggest(key, known)
        this.error('NSIM_POLICY_UNKNOWN_FIELD', pair.key as Node, [key, near ? ` (did you mean \`${near}\`?)` : `: expected one of ${known.join(', ')}`], rule)
        continue
      }
      out.set(key, this.deref((pair.value as Node | null) ?? null))
    }
    for (const r of required) if (!out.has(r)) this.error('NSIM_POLICY_MISSING_FIELD', m, [r], rule)
    return out
  }

  /** A scalar as a trimmed string (numbers and booleans are turned into text). */
  string (node: Node | null | undefined, what: string, rule?: string): string | undefined {
    node = this.deref(node)
    if (isScalar(node) && node.value !== null && typeof node.value !== 'object') return String(node.value).trim()
    this.error('NSIM_POLICY_SHAPE', node, [`${what} must be a single value`], rule)
    return undefined
  }

  /** A date (`YYYY-MM-DD` or ISO timestamp) as epoch ms; reports NSIM_POLICY_DATE when malformed. */
  date (node: Node | null | undefined, what: string, rule?: string): number | undefined {
    const s = this.string(node, what, rule)
    if (s === undefined) return undefined
    const t = parseDate(s)
    if (t === undefined) this.error('NSIM_POLICY_DATE', node, [s], rule)
    return t
  }

  /** A list of scalars (a lone scalar counts as a one-item list), each with its node. */
  list (node: Node | null | undefined, what: string, rule?: string): Array<{ value: string, node: Node }> {
    node = this.deref(node)
    if (isScalar(node) && node.value !== null) return [{ value: String(node.value).trim(), node }]
    if (!isSeq(node)) {
      this.error('NSIM_POLICY_SHAPE', node, [`${what} must be a list`], rule)
      return []
    }
    const out: Array<{ value: string, node: Node }> = []
    for (const raw of node.items as Node[]) {
      const item = this.deref(raw)
      const s = this.string(item, `each entry of ${what}`, rule)
      if (s !== undefined) out.push({ value: s, node: item })
    }
    return out
  }
}

/** Nearest known word within edit distance 2, for "did you mean" hints. */
export function suggest (word: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestD = 3
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase())
    if (d < bestD) { bestD = d; best = k }
  }
  return best
}

function distance (a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let diagPrev = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diagPrev + (a[i - 1] === b[j - 1] ? 0 : 1))
      diagPrev = tmp
    }
  }
  return prev[b.length]!
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/** Epoch ms of `YYYY-MM-DD` (midnight UTC) or an ISO 8601 timestamp with zone; undefined when invalid. */
export function parseDate (s: string): number | undefined {
  if (DATE_RE.test(s)) {
    const t = Date.parse(s + 'T00:00:00Z')
    return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== s ? undefined : t
  }
  if (TIMESTAMP_RE.test(s)) {
    const t = Date.parse(s)
    if (Number.isNaN(t)) return undefined
    const [y, mo, d] = s.slice(0, 10).split('-').map(Number) as [number, number, number]
    const day = new Date(Date.UTC(y, mo - 1, d))
    return day.getUTCMonth() === mo - 1 && day.getUTCDate() === d ? t : undefined
  }
  return undefined
}
