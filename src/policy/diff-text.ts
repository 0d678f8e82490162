/**
 * @module policy/diff-text
 * A policy diff for a person: per state, what changes, for whom (agencies
 * grouped by component or agency type, with counts and a few names), from which
 * rule to which; then who gains access, who loses it, and redaction changes.
 */
import type { Directory } from '../directory/directory.js'
import type { CodeCell, DiffChange, DiffOutcome, PolicyDiff } from './diff.js'

function code (prefix: string, c: CodeCell): string | undefined {
  if (c === null) return undefined
  if (typeof c === 'string') return `${prefix}/${c}`
  return `${prefix} other than ${c.notIn.join(', ')} (or none)`
}

export function describeContext (c: DiffChange): string {
  const parts = [`${c.key}${c.imq ? ' with IMQ/Y' : (c.key === 'DQ' || c.key === 'KQ') ? ' without IMQ/Y' : ''}`]
  const r = code('RSN', c.context.reason)
  const p = code('PUR', c.context.purpose)
  if (r) parts.push(r)
  if (p) parts.push(p)
  const { from, until } = c.context
  if (from !== null && until !== null) parts.push(`from ${from} until ${until}`)
  else if (from !== null) parts.push(`from ${from}`)
  else if (until !== null) parts.push(`until ${until}`)
  return parts.join(', ')
}

export function describeOutcome (o: DiffOutcome): string {
  const by = o.rule === null ? 'the default' : o.rule
  return `${o.effect}${o.effect === 'redact' ? ` (${o.redact.join(', ')})` : ''} by ${by}`
}

/** "ICE-ERO 60 (VTICE0900 ICE Law Enforcement Support Center, ...)": agencies grouped by component or type. */
export function describeOris (c: DiffChange, dir: Directory): string {
  if (c.oris[0] === '*') {
    const o = c.otherOris
    if (o === undefined) return 'every other ORI (outside the directory, named by neither set)'
    const where = o.office === null ? '' : ` with an office ${o.office}`
    const pats = o.patterns.map((p) => `${o.matching.includes(p) ? '' : 'not '}${p}`).join(', ')
    return `every other ORI${where} matching ${pats}`
  }
  const groups = new Map<string, string[]>()
  for (const ori of c.oris) {
    const a = dir.get(ori)
    const g = a === undefined ? 'outside the directory' : a.component !== '' ? a.component : `local/state ${a.type}`
    const list = groups.get(g) ?? []
    list.push(ori)
    groups.set(g, list)
  }
  return [...groups].sort((x, y) => y[1].length - x[1].length).map(([g, oris]) => {
    const names = oris.slice(0, 2).map((o) => { const a = dir.get(o); return a ? `${o} ${a.name}` : o })
    return `${g} ${oris.length} (${names.join(', ')}${oris.length > 2 ? ', ...' : ''})`
  }).join('; ')
}

export function diffText (d: PolicyDiff, dir: Directory, year?: (c: DiffChange) => string | undefined): string[] {
  const lines: string[] = [`policy diff: live ${d.live} -> candidate ${d.candidate}`]
  if (d.changes.length === 0) {
    lines.push('no change: every request gets the same decision (effect, rule and redacted fields) under both sets')
    return lines
  }
  const byState = new Map<string, DiffChange[]>()
  for (const c of d.changes) byState.set(c.state, [...(byState.get(c.state) ?? []), c])
  for (const [state, list] of byState) {
    lines.push('', `${state}: ${list.length} change${list.length === 1 ? '' : 's'}`)
    for (const c of list) {
      const tag = c.gained && c.lost ? 'GAINS+LOSES' : c.gained ? 'GAINS' : c.lost ? 'LOSES' : 'RULE ONLY'
      lines.push(`  [${tag}] ${describeContext(c)}: ${describeOutcome(c.before)} -> ${describeOutcome(c.after)}`)
      lines.push(`    who: ${describeOris(c, dir)}`)
      const y = year?.(c)
      if (y !== undefined) lines.push(`    year: ${y}`)
    }
  }
  const s = d.summary
  lines.push('', `summary: ${s.changes} change${s.changes === 1 ? '' : 's'}; ${s.gained} gain access, ${s.lost} lose access, ${s.redactionChanged} change redacted fields`)
  // Who, by component (or agency type), with how many requesters, the first names, and where.
  const who = (pick: (c: DiffChange) => boolean): string => {
    const groups = new Map<string, { oris: Set<string>, states: Set<string> }>()
    for (const c of d.changes.filter(pick)) {
      for (const ori of c.oris) {
        const a = ori === '*' ? undefined : dir.get(ori)
        const g = ori === '*' ? 'every other ORI' : a === undefined ? 'outside the directory' : a.component !== '' ? a.component : `local/state ${a.type}`
        const e = groups.get(g) ?? { oris: new Set(), states: new Set() }
        if (ori !== '*') e.oris.add(ori)
        e.states.add(c.state)
        groups.set(g, e)
      }
    }
    if (groups.size === 0) return 'nobody'
    return [...groups].sort((x, y) => y[1].oris.size - x[1].oris.size || x[0].localeCompare(y[0])).map(([g, e]) => {
      const oris = [...e.oris].sort()
      const names = oris.slice(0, 2).map((o) => { const a = dir.get(o); return a ? `${o} ${a.name}` : o })
      const count = g === 'every other ORI' ? '' : ` ${oris.length} requester${oris.length === 1 ? '' : 's'} (${names.join(', ')}${oris.length > 2 ? ', ...' : ''})`
      return `${g}${count} in ${[...e.states].sort().join(', ')}`
    }).join('; ')
  }
  lines.push(`  gain access: ${who((c) => c.gained)}`, `  lose access: ${who((c) => c.lost)}`)
  return lines
}
