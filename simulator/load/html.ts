/**
 * @module simulator/load/html
 * The load report as one self-contained HTML page (inline CSS and SVG, no
 * script, font or image from elsewhere): latency over time, the latency
 * histogram, outcomes over time and by state, the reload's phases side by
 * side, thresholds and comparison; the report itself embedded as JSON
 * (`<script type="application/json" id="report-data">`).
 */
import { esc, scriptJson } from '../replay/report-html.js'
import type { LoadReport, PhaseReport } from './report.js'

const CSS = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --allow: #2f6fb0; --deny: #c62828; --redact: #ef8a17; --err: #6a1b9a; --p50: #2f6fb0; --p99: #c62828 }
* { box-sizing: border-box }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif }
main { max-width: 1180px; margin: 0 auto; padding: 24px }
h1 { font-size: 24px; margin: 0 0 4px } h2 { font-size: 18px; margin: 0 0 8px } .meta, .note { color: var(--muted); font-size: 13px }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0 }
.cards { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; background: none; border: 0; padding: 0 }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px }
.card b { display: block; font-size: 22px } .card span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em } .card small { color: var(--muted) }
table { border-collapse: collapse; width: 100%; font-size: 13px }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left } th { background: #f0f4f8 } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums }
.ok { color: #2e7d32; font-weight: 600 } .off { color: var(--deny); font-weight: 600 }
svg { display: block; max-width: 100%; height: auto } svg text { font: 11px system-ui, sans-serif; fill: var(--ink) }
.legend span { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px -2px 12px }
`

const int = (n: number): string => Math.round(n).toLocaleString('en-US')
const num = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 2 })
const pct = (n: number, of: number): string => of === 0 ? '0%' : `${((100 * n) / of).toFixed(2)}%`
const W = 1100
const H = 240
const PAD = { l: 56, r: 12, t: 10, b: 28 }

function axes (xmax: number, ymax: number, xlabel: string, ylabel: string): string {
  const iw = W - PAD.l - PAD.r
  const ih = H - PAD.t - PAD.b
  let s = `<line x1="${PAD.l}" y1="${PAD.t + ih}" x2="${PAD.l + iw}" y2="${PAD.t + ih}" stroke="#9aa5b1"/><line x1="${PAD.l}" y1="${PAD.t}" x2="${PAD.l}" y2="${PAD.t + ih}" stroke="#9aa5b1"/>`
  for (let i = 0; i <= 4; i++) {
    const y = PAD.t + ih - (ih * i) / 4
    s += `<line x1="${PAD.l}" y1="${y}" x2="${PAD.l + iw}" y2="${y}" stroke="#eef2f6"/><text x="${PAD.l - 6}" y="${y + 4}" text-anchor="end">${esc(num((ymax * i) / 4))}</text>`
  }
  for (let i = 0; i <= 5; i++) s += `<text x="${PAD.l + (iw * i) / 5}" y="${H - 8}" text-anchor="middle">${esc(num((xmax * i) / 5))}</text>`
  return s + `<text x="${W - PAD.r}" y="${H - 8}" text-anchor="end">${esc(xlabel)}</text><text x="4" y="${PAD.t + 8}">${esc(ylabel)}</text>`
}

const svg = (body: string, label: string): string => `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}">${body}</svg>`

function latencyOverTime (r: LoadReport): string {
  const s = r.series.filter((x) => x.completed > 0)
  if (s.length === 0) return '<p class="note">No answers.</p>'
  const xmax = Math.max(1, r.series.length)
  const ymax = Math.max(0.001, ...s.map((x) => x.p99)) * 1.1
  const iw = W - PAD.l - PAD.r
  const ih = H - PAD.t - PAD.b
  const pts = (k: 'p50' | 'p99'): string => s.map((x) => `${(PAD.l + (iw * (x.t + 0.5)) / xmax).toFixed(1)},${(PAD.t + ih - (ih * x[k]) / ymax).toFixed(1)}`).join(' ')
  return svg(`${axes(xmax, ymax, 'seconds', 'ms')}<polyline fill="none" stroke="var(--p50)" stroke-width="2" points="${pts('p50')}"/><polyline fill="none" stroke="var(--p99)" stroke-width="2" points="${pts('p99')}"/>`, 'latency over time') +
    '<p class="note legend"><span style="background:var(--p50)"></span>p50<span style="background:var(--p99)"></span>p99 per second of completion (from the planned instant)</p>'
}

function histogram (r: LoadReport): string {
  const { boundsMs, counts } = r.latencyHistogram
  const first = counts.findIndex((c) => c > 0)
  if (first < 0) return '<p class="note">No answers.</p>'
  let last = counts.length - 1
  while (last > first && counts[last] === 0) last--
  const shown = counts.slice(first, last + 1)
  const ymax = Math.max(...shown)
  const iw = W - PAD.l - PAD.r
  const ih = H - PAD.t - PAD.b
  const bw = iw / shown.length
  let body = axes(shown.length, ymax, '', 'requests').replace(/<text x="[\d.]+" y="232" text-anchor="middle">[^<]*<\/text>/g, '')
  shown.forEach((c, i) => {
    const h = (ih * c) / ymax
    const upper = boundsMs[first + i] ?? Infinity
    body += `<rect x="${(PAD.l + i * bw + 1).toFixed(1)}" y="${(PAD.t + ih - h).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="var(--allow)"><title>${esc(`<= ${num(upper)} ms: ${int(c)}`)}</title></rect>`
    if (i % Math.max(1, Math.ceil(shown.length / 10)) === 0) body += `<text x="${(PAD.l + i * bw + bw / 2).toFixed(1)}" y="${H - 8}" text-anchor="middle">${esc(num(upper))}</text>`
  })
  return svg(body, 'latency histogram') + '<p class="note">Requests by latency from the planned instant (bar: up to the upper bound shown, ms; log scale, four bars per doubling).</p>'
}

function outcomesOverTime (r: LoadReport): string {
  const s = r.series
  if (s.length === 0) return '<p class="note">No answers.</p>'
  const keys = ['allow', 'deny', 'redact', 'errors'] as const
  const colors = { allow: 'var(--allow)', deny: 'var(--deny)', redact: 'var(--redact)', errors: 'var(--err)' }
  const ymax = Math.max(1, ...s.map((x) => x.allow + x.deny + x.redact + x.errors))
  const iw = W - PAD.l - PAD.r
  const ih = H - PAD.t - PAD.b
  const bw = iw / s.length
  let body = axes(s.length, ymax, 'seconds', 'per second')
  for (const x of s) {
    let y = PAD.t + ih
    for (const k of keys) {
      const h = (ih * x[k]) / ymax
      if (h <= 0) continue
      y -= h
      body += `<rect x="${(PAD.l + x.t * bw).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${colors[k]}"><title>${esc(`${x.t} s: ${k} ${x[k]}`)}</title></rect>`
    }
  }
  return svg(body, 'outcomes over time') + `<p class="note legend">${keys.map((k) => `<span style="background:${colors[k]}"></span>${k}`).join('')} (decisions per destination, and failed requests, per second of completion)</p>`
}

function byState (r: LoadReport): string {
  const rows = Object.entries(r.byState).sort(([, a], [, b]) => (b.allow + b.deny + b.redact) - (a.allow + a.deny + a.redact))
  const max = Math.max(1, ...rows.map(([, c]) => c.allow + c.deny + c.redact))
  const bar = (c: { allow: number, deny: number, redact: number }): string => {
    const w = (n: number): string => ((300 * n) / max).toFixed(1)
    return `<svg viewBox="0 0 300 12" width="300" height="12" aria-hidden="true"><rect width="${w(c.allow)}" height="12" fill="var(--allow)"/><rect x="${w(c.allow)}" width="${w(c.deny)}" height="12" fill="var(--deny)"/><rect x="${(Number(w(c.allow)) + Number(w(c.deny))).toFixed(1)}" width="${w(c.redact)}" height="12" fill="var(--redact)"/></svg>`
  }
  return `<table><tr><th>state</th><th class="n">allow</th><th class="n">deny</th><th class="n">redact</th><th class="n">queued</th><th class="n">denied %</th><th>mix</th></tr>${rows.map(([s, c]) => `<tr><td>${esc(s)}</td><td class="n">${int(c.allow)}</td><td class="n">${int(c.deny)}</td><td class="n">${int(c.redact)}</td><td class="n">${int(c.queued)}</td><td class="n">${pct(c.deny, c.allow + c.deny + c.redact)}</td><td>${bar(c)}</td></tr>`).join('')}</table>`
}

function reloadSection (r: LoadReport): string {
  const x = r.reload
  if (x === null) return ''
  const ph: Array<[string, PhaseReport]> = [['before', x.phases.before], ['during', x.phases.during], ['after', x.phases.after]]
  const row = (label: string, f: (p: PhaseReport) => string): string => `<tr><td>${esc(label)}</td>${ph.map(([, p]) => `<td class="n">${esc(f(p))}</td>`).join('')}</tr>`
  const mix = (p: PhaseReport, k: 'allow' | 'deny' | 'redact'): string => `${int(p.decisions[k])} (${pct(p.decisions[k], p.decisions.allow + p.decisions.deny + p.decisions.redact)})`
  return `<section><h2>Policy reload</h2><p class="meta">${esc(`at ${num(x.atMs / 1000)} s: HTTP ${x.httpStatus} ${x.ok ? 'ok' : 'REFUSED'} in ${int(x.ms)} ms, version ${x.previousVersion ?? '?'} -> ${x.version ?? '?'}`)}</p>
<table><tr><th></th>${ph.map(([n]) => `<th class="n">${n}</th>`).join('')}</tr>${row('sent', (p) => int(p.requests.sent))}${row('completed', (p) => int(p.requests.completed))}${row('failed requests', (p) => int(p.errors.total))}${row('p50 ms', (p) => num(p.latencyMs.p50))}${row('p99 ms', (p) => num(p.latencyMs.p99))}${row('max ms', (p) => num(p.latencyMs.max))}${row('allow', (p) => mix(p, 'allow'))}${row('deny', (p) => mix(p, 'deny'))}${row('redact', (p) => mix(p, 'redact'))}</table>
<p class="note">By planned instant: before the reload was sent, while it ran, after it answered.</p></section>`
}

export function formatLoadHtml (r: LoadReport): string {
  const s = r.settings
  const d = r.decisions
  const nd = d.allow + d.deny + d.redact
  const card = (label: string, value: string, sub = ''): string => `<div class="card"><span>${esc(label)}</span><b>${esc(value)}</b>${sub ? `<small>${esc(sub)}</small>` : ''}</div>`
  const lat = (label: string, p: LoadReport['latencyMs']): string => `<tr><td>${esc(label)}</td>${[p.p50, p.p90, p.p99, p.p999, p.max].map((v) => `<td class="n">${num(v)}</td>`).join('')}</tr>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`nlets-sim load: ${r.target.url}`)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>Load test of ${esc(r.target.url)}</h1>
<p class="meta">${esc(`${s.mode === 'open' ? `open model, ${int(s.rate ?? 0)} req/s planned` : 'closed loop'} for ${num(s.durationSeconds)} s on ${s.connections} connections · traffic ${s.scenario} (seed ${s.seed}), ${int(s.messages)} messages · policy version ${r.target.policyVersion ?? 'unknown'} · ${r.startedAt} · ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}`)}</p></header>
<section class="cards">${card('completed', int(r.requests.completed), `${num(r.requests.achievedRate)}/s`)}${card('p99 ms', num(r.latencyMs.p99), 'from the planned instant')}${card('errors', int(r.errors.total), pct(r.errors.total, r.requests.sent))}${card('allow', int(d.allow), pct(d.allow, nd))}${card('deny', int(d.deny), pct(d.deny, nd))}${card('redact', int(d.redact), pct(d.redact, nd))}</section>
<section><h2>Latency (ms)</h2><table><tr><th></th><th class="n">p50</th><th class="n">p90</th><th class="n">p99</th><th class="n">p99.9</th><th class="n">max</th></tr>${lat('from the planned instant', r.latencyMs)}${lat('from the send', r.latencyFromSendMs)}${lat('generator lateness', r.generatorLatenessMs)}</table>
<p class="note">${esc(`planned ${int(r.requests.planned)}, sent ${int(r.requests.sent)}, completed ${int(r.requests.completed)}, dropped ${int(r.requests.dropped)}; errors: timeout ${r.errors.timeout}, connection ${r.errors.connection}, http 5xx ${r.errors.http5xx}, http 4xx ${r.errors.http4xx}`)}</p></section>
<section><h2>Latency over time</h2>${latencyOverTime(r)}</section>
<section><h2>Latency histogram</h2>${histogram(r)}</section>
<section><h2>Outcomes over time</h2>${outcomesOverTime(r)}</section>
${reloadSection(r)}
<section><h2>Outcomes by state</h2>${byState(r)}</section>
<section><h2>Replies</h2><table><tr><th>reply key</th><th>by status</th></tr>${Object.entries(r.replies).map(([k, st]) => `<tr><td>${esc(k)}</td><td>${esc(Object.entries(st).map(([x, n]) => `${x} ${int(n)}`).join(', '))}</td></tr>`).join('')}</table>
<p class="note">${esc(`ER by code: ${Object.entries(r.er).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'} · SM by code: ${Object.entries(r.sm).map(([c, n]) => `${c} ${n}`).join(', ') || 'none'} · queued ${r.queued} · HTTP ${Object.entries(r.http).map(([c, n]) => `${c}: ${n}`).join(', ')}`)}</p></section>
${r.thresholds.length ? `<section><h2>Thresholds</h2><table><tr><th>expression</th><th class="n">actual</th><th>result</th></tr>${r.thresholds.map((t) => `<tr><td>${esc(t.expr)}</td><td class="n">${esc(num(t.actual))}</td><td class="${t.pass ? 'ok' : 'off'}">${t.pass ? 'pass' : 'FAIL'}</td></tr>`).join('')}</table></section>` : ''}
${r.compare ? `<section><h2>Compared with ${esc(r.compare.file)}</h2><table><tr><th>metric</th><th class="n">before</th><th class="n">after</th><th class="n">change</th><th></th></tr>${r.compare.deltas.map((x) => `<tr><td>${esc(x.metric)}</td><td class="n">${num(x.before)}</td><td class="n">${num(x.after)}</td><td class="n">${x.change === null ? '' : `${(x.change * 100).toFixed(1)}%`}</td><td class="${x.regression ? 'off' : 'ok'}">${x.regression ? 'regression' : ''}</td></tr>`).join('')}</table></section>` : ''}
<p class="note">nlets-sim load. The whole report is embedded below as JSON (element <code>report-data</code>).</p>
</main>
<script type="application/json" id="report-data">${scriptJson(r)}</script>
</body></html>
`
}
