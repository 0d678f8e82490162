/**
 * @module simulator/load/summary
 * The end-of-run summary on the terminal, in the manner of k6's: one dotted
 * line per figure, the decision mix, the states that deny or redact, the
 * reload's before and after side by side, the thresholds with how far each
 * failing one misses, and the deltas against a saved run.
 */
import type { Percentiles } from './histogram.js'
import type { LoadReport, PhaseReport } from './report.js'
import { describe, parseThreshold, type Threshold } from './thresholds.js'

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const num = (n: number, d = 2): string => n.toLocaleString('en-US', { maximumFractionDigits: d })
const pct = (n: number, of: number): string => of === 0 ? '0%' : `${num((100 * n) / of, 2)}%`
const line = (label: string, value: string): string => `  ${(label + ' ').padEnd(34, '.')}: ${value}`
const lat = (p: Percentiles): string => `p50=${num(p.p50)} p90=${num(p.p90)} p99=${num(p.p99)} p99.9=${num(p.p999)} max=${num(p.max)}`
const counts = (o: Record<string, number>): string => Object.entries(o).map(([k, v]) => `${k}: ${int(v)}`).join('  ') || 'none'

export function formatSummary (r: LoadReport): string {
  const s = r.settings
  const d = r.decisions
  const nd = d.allow + d.deny + d.redact
  const out: string[] = []
  out.push(`nlets-sim load: ${s.mode === 'open' ? `open model, ${int(s.rate ?? 0)} req/s planned` : 'closed loop'} for ${num(s.durationSeconds)} s on ${s.connections} connections -> ${r.target.url}`)
  out.push(`  policy version ${r.target.policyVersion ?? 'unknown'}${r.target.policyVersionAfter !== null && r.target.policyVersionAfter !== r.target.policyVersion ? ` -> ${r.target.policyVersionAfter}` : ''}; traffic ${s.scenario} (seed ${s.seed}), ${int(s.messages)} distinct messages, ${num(s.jsonShare * 100)}% JSON, invalid ${num(s.invalid * 100, 3)}%, spoofed ${num(s.spoof * 100, 3)}%; tokens ${s.tokens}`)
  out.push('')
  const q = r.requests
  out.push(line('requests', `planned ${int(q.planned)}  sent ${int(q.sent)}  completed ${int(q.completed)}  dropped ${int(q.dropped)}  (${num(q.achievedRate, 1)}/s over ${num(q.seconds)} s)`))
  out.push(line('latency from planned (ms)', lat(r.latencyMs)))
  out.push(line('latency from send (ms)', lat(r.latencyFromSendMs)))
  if (s.mode === 'open') out.push(line('generator lateness (ms)', `${lat(r.generatorLatenessMs)}; max queued at the client ${int(q.maxQueued)}`))
  const e = r.errors
  out.push(line('errors', `${int(e.total)} (${pct(e.total, q.sent)}): timeout ${int(e.timeout)}, connection ${int(e.connection)}, http 5xx ${int(e.http5xx)}, http 4xx ${int(e.http4xx)}`))
  out.push(line('http status', counts(r.http)))
  out.push(line('decisions (per destination)', `allow ${int(d.allow)} (${pct(d.allow, nd)})  deny ${int(d.deny)} (${pct(d.deny, nd)})  redact ${int(d.redact)} (${pct(d.redact, nd)})`))
  out.push(line('replies', Object.entries(r.replies).map(([k, st]) => `${k} ${Object.entries(st).map(([x, n]) => `${x} ${int(n)}`).join(' ')}`).join('; ') || 'none'))
  out.push(line('ER by code', counts(r.er)))
  out.push(line('SM by code', counts(r.sm)))
  out.push(line('queued (store and forward)', int(r.queued)))
  for (const k of ['invalid', 'spoof'] as const) {
    const x = r.injected[k]
    if (x.sent > 0) out.push(line(k === 'invalid' ? 'injected malformed' : 'injected spoofed/unknown', `sent ${int(x.sent)}: rejected (4xx) ${int(x.rejected)}, accepted ${int(x.accepted)}, failed ${int(x.failed)}`))
  }
  const denying = Object.entries(r.byState).filter(([, c]) => c.deny > 0 || c.redact > 0)
  out.push(line('states that deny or redact', denying.map(([st, c]) => `${st} deny ${int(c.deny)}${c.redact ? ` redact ${int(c.redact)}` : ''} of ${int(c.allow + c.deny + c.redact)}`).join('; ') || 'none'))
  out.push(line('by component (sent: deny)', Object.entries(r.byComponent).map(([c, g]) => `${c} ${int(g.sent)}: ${int(g.deny)}`).join('; ')))
  out.push(line('by key (sent: deny)', Object.entries(r.byKey).map(([c, g]) => `${c} ${int(g.sent)}: ${int(g.deny)}`).join('; ')))
  if (r.reload !== null) out.push('', ...reloadLines(r))
  if (r.thresholds.length > 0) {
    out.push('', '  thresholds')
    for (const t of r.thresholds) {
      const parsed = parseThreshold(t.expr) as Threshold
      out.push(`    ${t.pass ? 'ok  ' : 'FAIL'} ${t.expr.padEnd(24)} ${describe(parsed, t.actual, t.pass)}`)
    }
  }
  if (r.compare !== undefined) {
    const c = r.compare
    out.push('', `  compared with ${c.file}${c.baselineStartedAt ? ` (${c.baselineStartedAt})` : ''}, tolerance ${num(c.tolerance * 100)}%`)
    for (const x of c.deltas) {
      const change = x.change === null ? '' : ` (${x.change >= 0 ? '+' : ''}${num(x.change * 100, 1)}%)`
      const v = (n: number): string => x.metric.includes('rate') && !x.metric.includes('req/s') ? `${num(n * 100, 3)}%` : num(n, 3)
      out.push(`    ${x.regression ? 'REGRESSION' : '          '} ${x.metric.padEnd(26)} ${v(x.before).padStart(12)} -> ${v(x.after).padStart(12)}${change}`)
    }
    out.push(`  ${c.regressions.length === 0 ? 'no regression' : `regressions: ${c.regressions.join(', ')}`}`)
  }
  return out.join('\n')
}

function reloadLines (r: LoadReport): string[] {
  const x = r.reload!
  const ph: Array<[string, PhaseReport]> = [['before', x.phases.before], ['during', x.phases.during], ['after', x.phases.after]]
  const row = (label: string, f: (p: PhaseReport) => string): string => `    ${label.padEnd(22)}${ph.map(([, p]) => f(p).padStart(16)).join('')}`
  const mix = (p: PhaseReport, k: 'allow' | 'deny' | 'redact'): string => {
    const n = p.decisions.allow + p.decisions.deny + p.decisions.redact
    return `${int(p.decisions[k])} (${pct(p.decisions[k], n)})`
  }
  return [
    `  policy reload at ${num(x.atMs / 1000)} s: HTTP ${x.httpStatus} ${x.ok ? 'ok' : 'REFUSED'} in ${int(x.ms)} ms, version ${x.previousVersion ?? '?'} -> ${x.version ?? '?'}${x.errors.length ? `; ${x.errors.slice(0, 3).join('; ')}` : ''}`,
    `    ${''.padEnd(22)}${ph.map(([n]) => n.padStart(16)).join('')}`,
    row('sent', (p) => int(p.requests.sent)),
    row('completed', (p) => int(p.requests.completed)),
    row('failed requests', (p) => int(p.errors.total)),
    row('p50 ms', (p) => num(p.latencyMs.p50)),
    row('p99 ms', (p) => num(p.latencyMs.p99)),
    row('max ms', (p) => num(p.latencyMs.max)),
    row('allow', (p) => mix(p, 'allow')),
    row('deny', (p) => mix(p, 'deny')),
    row('redact', (p) => mix(p, 'redact')),
  ]
}
