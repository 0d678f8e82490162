/**
 * @module policy/parse
 * Text -> located policy model. Parses one state file or the groups file and
 * reports every problem it finds (file, line, column, stable code); a file with
 * any error yields no policy, so a broken state can fail closed on its own.
 */
import { createHash } from 'node:crypto'
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml'
import { checkGroupName } from '../directory/directory.js'
import { isAgencyType, isComponent, isLine, isOri, toJurisdiction } from '../directory/model.js'
import { type Diagnostic, diag } from '../diagnostics.js'
import { isKeyFamily, isQueryKey, type KeyFamily, type QueryKey } from '../message/keys.js'
import { isRegionalKey, rewriteKey } from '../message/rules.js'
import { checkPattern } from './pattern.js'
import {
  DEFAULT_DENIAL_TEXT, EFFECTS, type Effect, type NamedGroup, type Origin, ORIGINS, PURPOSE_CODES,
  REASON_CODES, REDACT_FIELDS, type RedactField, type Rule, type Selector, type StatePolicy,
} from './types.js'
import { YamlFile } from './yaml-walk.js'

const POLICY_FIELDS = ['state', 'version', 'default', 'denial_text', 'rules']
const RULE_FIELDS = ['id', 'effect', 'redact', 'description', 'source', 'requesters', 'except', 'origin', 'keys', 'when', 'lint_ignore']
const SELECTOR_FIELDS = ['oris', 'oris_file', 'patterns', 'groups', 'types', 'lines', 'components']
const WHEN_FIELDS = ['reasons', 'purposes', 'from', 'until']
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export const EMPTY_SELECTOR: Selector = Object.freeze({
  oris: [], patterns: [], groups: [], types: [], lines: [], components: [],
})

export interface ParseResult<T> { value: T | undefined, diagnostics: Diagnostic[] }

export function contentHash (text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12)
}

/**
 * Parse one state's policy file. `namedGroups` are the names defined in the
 * groups file; `expectState` (from the file name) must equal the `state` field.
 */
export function parseStatePolicy (text: string, file: string, namedGroups: ReadonlySet<string>,
  expectState?: string): ParseResult<StatePolicy> {
  const y = new YamlFile(text, file, expectState ? { state: expectState } : {})
  const top = y.root === null && y.diagnostics.length === 0
    ? (y.error('NSIM_POLICY_SHAPE', null, ['the file is empty: expected state, version, default and rules']), undefined)
    : (y.root === null ? undefined : y.map(y.root, 'a policy file'))
  if (!top) return { value: undefined, diagnostics: y.diagnostics }
  const f = y.fields(top, POLICY_FIELDS, ['state', 'version', 'default', 'rules'])

  let state: string | undefined
  const stateNode = f.get('state')
  if (stateNode !== undefined) {
    const s = y.string(stateNode, 'state')
    if (s !== undefined) {
      state = toJurisdiction(s)
      if (state === undefined) y.error('NSIM_POLICY_STATE', stateNode, [`unknown state \`${s}\``])
      else if (expectState !== undefined && state !== expectState) {
        y.error('NSIM_POLICY_STATE', stateNode, [`file is named for \`${expectState}\` but says state \`${s}\``])
      }
    }
  }
  const version = f.has('version') ? y.string(f.get('version'), 'version') : undefined
  let def: 'allow' | 'deny' | undefined
  if (f.has('default')) {
    const d = y.string(f.get('default'), 'default')
    if (d === 'allow' || d === 'deny') def = d
    else if (d !== undefined) y.error('NSIM_POLICY_VALUE', f.get('default'), ['default', d, 'expected allow or deny'])
  }
  const denialText = f.has('denial_text') ? y.string(f.get('denial_text'), 'denial_text') : DEFAULT_DENIAL_TEXT

  const rules: Rule[] = []
  const rulesNode = f.get('rules')
  if (rulesNode !== undefined && rulesNode !== null) {
    const seen = new Map<string, number>()
    if (!isSeq(rulesNode)) {
      y.error('NSIM_POLICY_SHAPE', rulesNode, ['rules must be a list of rules'])
    } else {
      for (const item of rulesNode.items as Node[]) {
        const { rule, id } = parseRule(y, item, namedGroups)
        // Checked on the id alone, so a duplicate is reported with the rule's other errors.
        if (id !== undefined) {
          const first = seen.get(id)
          if (first !== undefined) y.error('NSIM_POLICY_DUPLICATE_RULE', item, [id, first], id)
          else seen.set(id, y.at(item).line)
        }
        if (rule !== undefined) rules.push(rule)
      }
    }
  }
  if (y.diagnostics.length > 0 || state === undefined || version === undefined || def === undefined ||
    denialText === undefined) {
    return { value: undefined, diagnostics: y.diagnostics }
  }
  return {
    value: Object.freeze({ state, version, default: def, denialText, rules: Object.freeze(rules), file, hash: contentHash(text) }),
    diagnostics: y.diagnostics,
  }
}

function parseRule (y: YamlFile, node: Node, namedGroups: ReadonlySet<string>): { rule: Rule | undefined, id: string | undefined } {
  const m = y.map(node, 'a rule')
  if (!m) return { rule: undefined, id: undefined }
  const idNode = m.get('id', true) as Node | undefined
  const rawId = idNode !== undefined ? y.string(idNode, 'id') : undefined
  const id = rawId !== undefined && ID_RE.test(rawId) ? rawId : undefined
  if (rawId !== undefined && id === undefined) {
    y.error('NSIM_POLICY_VALUE', idNode, ['rule id', rawId, 'letters, digits, `.`, `_` or `-`, at most 64, starting with a letter or digit'])
  }
  const f = y.fields(m, RULE_FIELDS, ['id', 'effect', 'description'], id)
  const before = y.diagnostics.length

  let effect: Effect | undefined
  if (f.has('effect')) {
    const e = y.string(f.get('effect'), 'effect', id)
    if (e !== undefined) {
      if ((EFFECTS as readonly string[]).includes(e)) effect = e as Effect
      else y.error('NSIM_POLICY_EFFECT', f.get('effect'), [e], id)
    }
  }
  const redact: RedactField[] = []
  if (f.has('redact')) {
    for (const { value, node: n } of y.list(f.get('redact'), 'redact', id)) {
      if ((REDACT_FIELDS as readonly string[]).includes(value)) redact.push(value as RedactField)
      else y.error('NSIM_POLICY_VALUE', n, ['redact field', value, `expected one of ${REDACT_FIELDS.join(', ')}`], id)
    }
  }
  if (effect === 'redact' && !f.has('redact')) {
    y.error('NSIM_POLICY_MISSING_FIELD', m, ['redact'], id)
  } else if (effect === 'redact' && redact.length === 0 && y.diagnostics.length === before) {
    y.error('NSIM_POLICY_VALUE', f.get('redact'), ['redact', '[]', 'a redact rule strips at least one field'], id)
  } else if (effect !== undefined && effect !== 'redact' && f.has('redact')) {
    y.error('NSIM_POLICY_VALUE', f.get('redact'), ['field', 'redact', `only a redact rule strips fields; this rule's effect is ${effect}`], id)
  }
  const description = f.has('description') ? y.string(f.get('description'), 'description', id) : undefined
  const source = f.has('source') ? y.string(f.get('source'), 'source', id) ?? '' : ''
  const requesters = f.has('requesters') ? parseSelector(y, f.get('requesters'), 'requesters', namedGroups, id) : EMPTY_SELECTOR
  // `requesters: { oris: [] }` reads like "nobody" but an empty selector means every agency: refuse it.
  const given = isMap(f.get('requesters')) ? (f.get('requesters') as YAMLMap).items.length : 0
  if (given > 0 && requesters.orisFile === undefined && isEmptySelector(requesters) && y.diagnostics.length === before) {
    y.error('NSIM_POLICY_VALUE', f.get('requesters'), ['requesters', 'empty lists',
      'they would apply the rule to every agency: write `requesters: {}` (or leave it out) to mean every agency, or remove the rule'], id)
  }
  const except = f.has('except') ? parseSelector(y, f.get('except'), 'except', namedGroups, id) : EMPTY_SELECTOR
  let origin: Origin = 'any'
  if (f.has('origin')) {
    const o = y.string(f.get('origin'), 'origin', id)
    if (o !== undefined && (ORIGINS as readonly string[]).includes(o)) origin = o as Origin
    else if (o !== undefined) y.error('NSIM_POLICY_VALUE', f.get('origin'), ['origin', o, 'expected any, in-state or out-of-state'], id)
  }
  const keys: Array<QueryKey | KeyFamily> = []
  if (f.has('keys')) {
    const listed = y.list(f.get('keys'), 'keys', id)
    if (listed.length === 0 && isSeq(f.get('keys'))) {
      y.error('NSIM_POLICY_VALUE', f.get('keys'), ['keys', '[]', 'the rule would apply to no query: list keys, write `keys: [all]` (or leave `keys` out) for every key, or remove the rule'], id)
    }
    for (const { value, node: n } of listed) {
      const k = value.length <= 3 ? value.toUpperCase() : value
      // The switch rewrites DQG/RQG to DQ/RQ before any state decides (message/rules.ts rewriteKey).
      if (isRegionalKey(k)) y.error('NSIM_POLICY_REGIONAL_KEY', n, [value, rewriteKey(k), rewriteKey(k)], id)
      else if (isQueryKey(k) || isKeyFamily(value)) keys.push(isQueryKey(k) ? k : value as KeyFamily)
      else y.error('NSIM_POLICY_KEY', n, [value], id)
    }
  } else keys.push('all')
  const when = { reasons: [] as string[], purposes: [] as string[], from: undefined as number | undefined, until: undefined as number | undefined }
  if (f.has('when')) parseWhen(y, f.get('when'), when, id)
  const lintIgnore: string[] = []
  if (f.has('lint_ignore')) {
    for (const { value, node: n } of y.list(f.get('lint_ignore'), 'lint_ignore', id)) {
      if (/^NSIM_LINT_[A-Z_]+$/.test(value)) lintIgnore.push(value)
      else y.error('NSIM_POLICY_VALUE', n, ['lint code', value, 'expected a NSIM_LINT_* code'], id)
    }
  }
  if (id === undefined || effect === undefined || description === undefined || y.diagnostics.length > before) return { rule: undefined, id }
  return { id, rule: Object.freeze({
    id, effect, redact: Object.freeze(redact), description, source, requesters, except, origin,
    keys: Object.freeze(keys), reasons: Object.freeze(when.reasons), purposes: Object.freeze(when.purposes),
    ...(when.from !== undefined ? { from: when.from } : {}), ...(when.until !== undefined ? { until: when.until } : {}),
    lintIgnore: Object.freeze(lintIgnore), at: y.at(node),
  }) }
}

function parseWhen (y: YamlFile, node: Node | null | undefined,
  out: { reasons: string[], purposes: string[], from: number | undefined, until: number | undefined }, id?: string): void {
  const m = y.map(node, 'when', id)
  if (!m) return
  const f = y.fields(m, WHEN_FIELDS, [], id)
  const codes = (name: 'reasons' | 'purposes', allowed: readonly string[]): void => {
    if (!f.has(name)) return
    const listed = y.list(f.get(name), name, id)
    if (listed.length === 0 && isSeq(f.get(name))) {
      y.error('NSIM_POLICY_VALUE', f.get(name), [`when.${name}`, '[]', `no ${name === 'reasons' ? 'reason' : 'purpose'} code would match: list codes, or leave \`${name}\` out to mean any ${name === 'reasons' ? 'reason' : 'purpose'} or none`], id)
    }
    for (const { value, node: n } of listed) {
      if (allowed.includes(value)) out[name].push(value)
      else y.error('NSIM_POLICY_VALUE', n, [name === 'reasons' ? 'reason code' : 'purpose code', value, `expected one of ${allowed.join(', ')}`], id)
    }
  }
  codes('reasons', REASON_CODES)
  codes('purposes', PURPOSE_CODES)
  for (const name of ['from', 'until'] as const) {
    if (!f.has(name)) continue
    const t = y.date(f.get(name), name, id)
    if (t !== undefined) out[name] = t
  }
  if (out.from !== undefined && out.until !== undefined && out.until <= out.from) {
    y.error('NSIM_POLICY_VALUE', f.get('until'), ['until', new Date(out.until).toISOString(), 'must be later than from'], id)
  }
}

function parseSelector (y: YamlFile, node: Node | null | undefined, what: string, namedGroups: ReadonlySet<string>,
  id?: string): Selector {
  const m = y.map(node, what, id)
  if (!m) return EMPTY_SELECTOR
  const f = y.fields(m, SELECTOR_FIELDS, [], id)
  const sel = { oris: [] as string[], patterns: [] as string[], groups: [] as string[], types: [] as string[], lines: [] as string[], components: [] as string[] }
  const each = (name: keyof typeof sel, check: (v: string, n: Node) => boolean, norm = (v: string) => v.toUpperCase()): void => {
    if (!f.has(name)) return
    for (const { value, node: n } of y.list(f.get(name), `${what}.${name}`, id)) {
      const v = norm(value)
      if (check(v, n)) sel[name].push(v)
    }
  }
  each('oris', (v, n) => isOri(v) || (y.error('NSIM_POLICY_ORI', n, [v], id), false))
  each('patterns', (v, n) => {
    const why = checkPattern(v)
    if (why !== undefined) y.error('NSIM_POLICY_PATTERN', n, [v, why], id)
    return why === undefined
  })
  each('groups', (v, n) => {
    if (namedGroups.has(v)) return true
    const why = checkGroupName(v)
    if (why !== undefined) y.error('NSIM_POLICY_GROUP', n, [v, namedGroups.size > 0 && !v.includes(':') ? `: not a named group in groups.yaml nor a built-in group (${why})` : `: ${why}`], id)
    return why === undefined
  }, (v) => v)
  each('types', (v, n) => isAgencyType(v) || (y.error('NSIM_POLICY_VALUE', n, ['agency type', v, 'expected an ORION type: PD, SO, SA, LE, FE, JA, JC, JG, JJ, JF, CJ, NJ'], id), false))
  each('lines', (v, n) => isLine(v) || (y.error('NSIM_POLICY_VALUE', n, ['line', v, 'expected a jurisdiction or federal line code'], id), false))
  each('components', (v, n) => isComponent(v) || (y.error('NSIM_POLICY_GROUP', n, [`component:${v}`, ': not a known federal component'], id), false))
  let orisFile: Selector['orisFile']
  if (f.has('oris_file')) {
    const path = y.string(f.get('oris_file'), `${what}.oris_file`, id)
    const why = path === undefined ? undefined : checkListPath(path)
    if (why !== undefined) y.error('NSIM_POLICY_VALUE', f.get('oris_file'), [`${what}.oris_file`, path!, why], id)
    else if (path !== undefined) orisFile = Object.freeze({ path, at: y.at(f.get('oris_file') as Node) })
  }
  const frozen = Object.fromEntries(Object.entries(sel).map(([k, v]) => [k, Object.freeze(v)]))
  return Object.freeze(orisFile === undefined ? frozen : { ...frozen, orisFile }) as unknown as Selector
}

/** True when a selector lists nothing (as a rule's `requesters`, it then means every agency). */
export function isEmptySelector (s: Selector): boolean {
  return s.oris.length + s.patterns.length + s.groups.length + s.types.length + s.lines.length + s.components.length === 0
}

/** Why a list file path is refused: it must be relative and stay beside or below the policy file. */
export function checkListPath (path: string): string | undefined {
  if (path === '') return 'a file name, relative to the policy file'
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'a path relative to the policy file, not an absolute one'
  if (path.split(/[\\/]/).includes('..')) return 'a path beside or below the policy file (no `..`)'
  return undefined
}

/** Parse `policies/groups.yaml`: `groups: { name: { description, members: [...] } }`. */
export function parseGroups (text: string, file: string): ParseResult<NamedGroup[]> {
  const y = new YamlFile(text, file)
  if (y.root === null) return { value: y.diagnostics.length ? undefined : [], diagnostics: y.diagnostics }
  const top = y.map(y.root, 'the groups file')
  if (!top) return { value: undefined, diagnostics: y.diagnostics }
  const f = y.fields(top, ['groups'], ['groups'])
  const gm = f.has('groups') ? y.map(f.get('groups'), 'groups') : undefined
  const out: NamedGroup[] = []
  const names = new Set<string>()
  for (const pair of gm?.items ?? []) names.add(String((pair.key as { value: unknown }).value))
  for (const pair of gm?.items ?? []) {
    const name = String((pair.key as { value: unknown }).value)
    const at = y.at(pair.key as Node)
    if (!ID_RE.test(name) || name.includes(':')) {
      y.error('NSIM_POLICY_VALUE', pair.key as Node, ['group name', name, 'letters, digits, `.`, `_` or `-`; `:` is kept for built-in groups'])
      continue
    }
    if (checkGroupName(name) === undefined) {
      y.error('NSIM_POLICY_GROUP_BUILTIN', pair.key as Node, [name])
      continue
    }
    const gmap = y.map(pair.value as Node, `group \`${name}\``)
    if (!gmap) continue
    const gf = y.fields(gmap, ['description', 'members'], ['description', 'members'])
    const description = gf.has('description') ? y.string(gf.get('description'), 'description') ?? '' : ''
    const members: string[] = []
    for (const { value, node } of gf.has('members') ? y.list(gf.get('members'), 'members') : []) {
      if (names.has(value) || checkGroupName(value) === undefined) members.push(value)
      else if (isOri(value.toUpperCase())) members.push(value.toUpperCase())
      else y.error('NSIM_POLICY_GROUP', node, [value, ': a member is an ORI, a built-in group or another named group'])
    }
    out.push(Object.freeze({ name, description, members: Object.freeze(members), at }))
  }
  checkCycles(y, out)
  return { value: y.diagnostics.length ? undefined : out, diagnostics: y.diagnostics }
}

function checkCycles (y: YamlFile, groups: NamedGroup[]): void {
  const byName = new Map(groups.map((g) => [g.name, g]))
  const visit = (g: NamedGroup, path: string[]): void => {
    for (const m of g.members) {
      const next = byName.get(m)
      if (!next) continue
      if (path.includes(m)) {
        y.diagnostics.push(diag('error', 'NSIM_POLICY_GROUPS_CYCLE', g.at, [m, path.join(' -> ')]))
        return
      }
      visit(next, [...path, m])
    }
  }
  for (const g of groups) visit(g, [g.name])
}

