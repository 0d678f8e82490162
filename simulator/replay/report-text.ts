/**
 * @module simulator/replay/report-text
 * The replay report as plain text for a terminal: header, totals, tables by
 * requester component, by denying state (who, which rules, top requesters) and
 * by key, and the checks against the model's plan and the seed's figures.
 */
import type { ReplayReport } from './report.js'

/** The seed's yearly figures (Wyden, 12 Nov 2025): ICE-ERO and HSI exact, all requesters "over 290 million". */
export const SEED_PER_YEAR: Readonly<Record<string, number>> = Object.freeze({ 'ICE-ERO': 292_114, HSI: 605_116, total: 290_000_000 })
/** Relative tolerance of the calibration checks. */
export const TOLERANCE = 0.02

export interface Check { what: string, got: number, want: number, diff: number, ok: boolean }

/** 1234567 -> `1,234,567`. */
export function int (n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** Share as a percentage with two decimals; a non-zero share too small to show is `<0.01%`. */
export function pct (part: number, whole: number): string {
  if (whole <= 0) return '-'
  const p = (100 * part) / whole
  return p > 0 && p < 0.005 ? '<0.01%' : `${p.toFixed(2)}%`
}

/** 12345678 -> `12.3 M` (for narrow places). */
export function compact (n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)} k`
  return int(n)
}

/** Last day of the period, YYYY-MM-DD. */
export function endDate (r: ReplayReport): string {
  return new Date(Date.parse(`${r.start}T00:00:00Z`) + (r.days - 1) * 86_400_000).toISOString().slice(0, 10)
}

/** States that deny or redact anything, most affected first. */
export function affectedStates (r: ReplayReport): string[] {
  return Object.keys(r.byState).filter((s) => r.byState[s]!.denied + r.byState[s]!.redacted > 0)
    .sort((a, b) => (r.byState[b]!.denied + r.byState[b]!.redacted) - (r.byState[a]!.denied + r.byState[a]!.redacted))
}

/** `ICE-ERO 3,205, HSI 6,609` for one effect of one state. */
export function byWhom (r: ReplayReport, state: string, effect: 'denied' | 'redacted'): string {
  return Object.entries(r.byState[state]!.byComponent).filter(([, c]) => c[effect] > 0).map(([name, c]) => `${name} ${int(c[effect])}`).join(', ')
}

/** Deciding rules of a state other than its default, `id count`. */
export function rulesOf (r: ReplayReport, state: string): string {
  return Object.entries(r.byState[state]!.byRule).filter(([id]) => id !== '(default)').map(([id, n]) => `${id} ${int(n)}`).join(', ')
}

/**
 * The replay's totals against what the model planned (exact by construction) and
 * against the seed's figures scaled by days/365, each within TOLERANCE or not.
 */
export function calibrationChecks (r: ReplayReport): Check[] {
  const check = (what: string, got: number, want: number): Check => {
    const diff = want === 0 ? (got === 0 ? 0 : 1) : (got - want) / want
    return { what, got, want, diff, ok: Math.abs(diff) <= TOLERANCE }
  }
  const scale = r.days / 365
  const out: Check[] = [check('total vs planned', r.total, r.planned.total)]
  for (const [c, n] of Object.entries(r.planned.byComponent)) out.push(check(`${c} vs planned`, r.byComponent[c]?.queries ?? 0, n))
  out.push(check('ICE-ERO vs seed 292,114/yr', r.byComponent['ICE-ERO']?.queries ?? 0, SEED_PER_YEAR['ICE-ERO']! * scale))
  out.push(check('HSI vs seed 605,116/yr', r.byComponent.HSI?.queries ?? 0, SEED_PER_YEAR.HSI! * scale))
  const total = check('total vs seed >290 M/yr', r.total, SEED_PER_YEAR.total! * scale)
  out.push({ ...total, ok: total.ok && total.diff >= -1e-9 })
  return out
}

/** Lay out rows under headers; columns after the first `left` ones are right-aligned. */
export function table (headers: string[], rows: string[][], left = 1, indent = '  '): string[] {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => indent + cells.map((c, i) => i < left ? c.padEnd(w[i]!) : c.padStart(w[i]!)).join('  ').trimEnd()
  return [line(headers), indent + w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)]
}

function wrap (text: string, width: number, indent: string): string[] {
  const out: string[] = []
  let cur = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (cur !== '' && indent.length + cur.length + 1 + word.length > width) { out.push(indent + cur); cur = word } else cur = cur === '' ? word : `${cur} ${word}`
  }
  if (cur !== '') out.push(indent + cur)
  return out
}

export function formatReportText (r: ReplayReport): string {
  const L: string[] = []
  L.push(`Nlets year replay: ${r.scenario}`)
  if (r.description !== '') L.push(...wrap(r.description, 78, '  '))
  L.push('')
  L.push(`  period          ${r.start} to ${endDate(r)} (${r.days} day${r.days === 1 ? '' : 's'}), seed ${r.seed}`)
  L.push(`  policy version  ${r.policyVersion}`)
  L.push(`  run             ${r.seconds.toFixed(1)} s, ${int(r.queriesPerSecond)} queries/s, ${r.workers} thread${r.workers === 1 ? '' : 's'}`)
  L.push('', 'Totals (one query = one message to one destination state)')
  L.push(...table(['', 'queries', 'share'], [
    ['queries', int(r.total), '100%'], ['allowed', int(r.allowed), pct(r.allowed, r.total)],
    ['denied', int(r.denied), pct(r.denied, r.total)], ['redacted', int(r.redacted), pct(r.redacted, r.total)],
  ]))
  L.push('', 'By requester component')
  L.push(...table(['component', 'queries', 'denied', 'redacted', 'denied %'],
    Object.entries(r.byComponent).map(([c, n]) => [c, int(n.queries), int(n.denied), int(n.redacted), pct(n.denied, n.queries)])))
  const affected = affectedStates(r)
  L.push('', 'States that deny or redact')
  if (affected.length === 0) L.push('  none: every query was allowed')
  else {
    L.push(...table(['state', 'queries', 'denied', 'redacted', 'denied %'],
      affected.map((s) => { const x = r.byState[s]!; return [s, int(x.queries), int(x.denied), int(x.redacted), pct(x.denied, x.queries)] })))
    L.push('')
    for (const s of affected) {
      const den = byWhom(r, s, 'denied')
      const red = byWhom(r, s, 'redacted')
      L.push(`  ${s}${den ? `  denied: ${den}` : ''}${red ? `${den ? ';' : ''}  redacted: ${red}` : ''}`)
      L.push(...wrap(`rules: ${rulesOf(r, s)}`, 100, '      '))
    }
    L.push('', 'Top requesting agencies of those states')
    const rows: string[][] = []
    for (const s of affected.slice(0, 12)) {
      for (const a of r.byState[s]!.topAgencies) rows.push([s, a.ori, a.name.length > 40 ? `${a.name.slice(0, 39)}~` : a.name, a.component, int(a.queries), int(a.denied)])
    }
    L.push(...table(['state', 'ORI', 'agency', 'component', 'queries', 'denied'], rows, 4))
    if (affected.length > 12) L.push(`  (${affected.length - 12} more states: see --json or --html)`)
  }
  L.push('', 'By key (as sent; DQ+IMQ = DQ asking for the licence photo)')
  L.push(...table(['key', 'queries', 'allowed', 'denied', 'redacted', 'denied %'],
    Object.entries(r.byKey).map(([k, n]) => [k, int(n.queries), int(n.allowed), int(n.denied), int(n.redacted), pct(n.denied, n.queries)])))
  if (r.idleRules.length > 0) {
    L.push('', `Warning: ${r.idleRules.length} rule${r.idleRules.length === 1 ? '' : 's'} decided no query in the replayed span`)
    for (const w of r.idleRules) L.push(...wrap(`${w.state} ${w.rule}: ${w.message}`, 100, '  '))
  }
  const checks = calibrationChecks(r)
  L.push('', `Checks (seed figures scaled by ${r.days}/365; within ${TOLERANCE * 100}% = ok)`)
  L.push(...table(['check', 'replayed', 'expected', 'diff', 'status'],
    checks.map((c) => [c.what, int(c.got), int(c.want), `${c.diff >= 0 ? '+' : ''}${(c.diff * 100).toFixed(2)}%`, c.ok ? 'ok' : 'OFF'])))
  L.push('', `${checks.every((c) => c.ok) ? 'All checks within' : 'SOME CHECKS NOT within'} ${TOLERANCE * 100}%.`)
  return L.join('\n') + '\n'
}
