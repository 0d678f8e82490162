/**
 * @module simulator/replay/report-html
 * The replay report as one self-contained HTML page: inline CSS, charts drawn
 * as inline SVG here (no script needed to view them), the whole report embedded
 * as JSON in `<script type="application/json" id="report-data">`, and no URL of
 * any kind. Every text is escaped.
 */
import type { ReplayReport } from './report.js'
import { affectedStates, byWhom, calibrationChecks, compact, endDate, int, pct, rulesOf, TOLERANCE } from './report-text.js'

const LOCAL = 'out-of-state local/state'

/** A share in few characters: `100%`, `53%`, `5.3%`, `<0.1%`. */
function shortPct (part: number, whole: number): string {
  const p = (100 * part) / Math.max(1, whole)
  return p >= 99.95 ? '100%' : p >= 10 ? `${p.toFixed(0)}%` : p >= 0.1 ? `${p.toFixed(1)}%` : '<0.1%'
}

/** Escape text for HTML content and double-quoted attributes. */
export function esc (s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** JSON safe inside a script element: no `<`, `>`, `&` or line separators left raw. */
export function scriptJson (v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const CSS = `
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --allow: #2f6fb0; --deny: #c62828; --redact: #ef8a17 }
* { box-sizing: border-box }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif }
main { max-width: 1180px; margin: 0 auto; padding: 24px }
h1 { font-size: 24px; margin: 0 0 4px } h2 { font-size: 18px; margin: 0 0 8px }
p.lead { margin: 0 0 6px; max-width: 80ch } .meta, .note { color: var(--muted); font-size: 13px }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 16px 0 }
.cards { display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; background: none; border: 0; padding: 0 }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px }
.card b { display: block; font-size: 22px } .card span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em }
.card small { color: var(--muted) } .card.deny b { color: var(--deny) } .card.redact b { color: var(--redact) }
table { border-collapse: collapse; width: 100%; font-size: 13px }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top }
th { background: #f0f4f8; font-weight: 600 } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap }
tr.hit td { background: #fff5f5 } .ok { color: #2e7d32; font-weight: 600 } .off { color: var(--deny); font-weight: 600 }
svg { display: block; max-width: 100%; height: auto } svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--ink) }
.legend span { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin: 0 4px -2px 12px }
`

/** Table header; columns from..to-1 are numeric (right-aligned). */
function head (cells: string[], from: number, to = cells.length): string {
  return `<tr>${cells.map((c, i) => `<th${i >= from && i < to ? ' class="n"' : ''}>${esc(c)}</th>`).join('')}</tr>`
}

function row (cells: Array<string | number>, from: number, cls = '', to = cells.length): string {
  return `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c, i) => `<td${i >= from && i < to ? ' class="n"' : ''}>${esc(c)}</td>`).join('')}</tr>`
}

/** Component x state heat map: the states with the most federal traffic and every state that denies or redacts anything. */
function heatMap (r: ReplayReport): string {
  const comps = Object.keys(r.byComponent)
  const fed = (s: string): number => comps.filter((c) => c !== LOCAL).reduce((n, c) => n + (r.byState[s]!.byComponent[c]?.queries ?? 0), 0)
  const byFed = Object.keys(r.byState).sort((a, b) => fed(b) - fed(a))
  const states = [...new Set([...byFed.slice(0, 15), ...affectedStates(r)])].sort((a, b) => fed(b) - fed(a))
  const colMax = comps.map((c) => Math.max(1, ...states.map((s) => r.byState[s]!.byComponent[c]?.queries ?? 0)))
  const lw = 56
  const cw = 152
  const ch = 24
  const top = 44
  const w = lw + comps.length * cw
  const h = top + states.length * ch + 4
  const out = [`<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="queries by requester component and destination state">`]
  comps.forEach((c, j) => out.push(`<text x="${lw + j * cw + cw / 2}" y="${top - 12}" text-anchor="middle" font-weight="600">${esc(c)}</text>`))
  states.forEach((s, i) => {
    const y = top + i * ch
    out.push(`<text x="${lw - 10}" y="${y + ch / 2 + 4}" text-anchor="end" font-weight="600">${esc(s)}</text>`)
    comps.forEach((c, j) => {
      const x = r.byState[s]!.byComponent[c] ?? { queries: 0, denied: 0, redacted: 0 }
      const t = Math.sqrt(x.queries / colMax[j]!)
      const rgb = x.denied > 0 ? '198,40,40' : x.redacted > 0 ? '239,138,23' : '47,111,176'
      const label = x.queries === 0 ? '' : x.denied > 0 ? `${compact(x.queries)} · ${shortPct(x.denied, x.queries)} denied` : x.redacted > 0 ? `${compact(x.queries)} · ${shortPct(x.redacted, x.queries)} redacted` : compact(x.queries)
      out.push(`<rect x="${lw + j * cw + 1}" y="${y + 1}" width="${cw - 2}" height="${ch - 2}" rx="3" fill="rgba(${rgb},${(0.08 + 0.8 * t).toFixed(3)})">` +
        `<title>${esc(`${c} -> ${s}: ${int(x.queries)} queries, ${int(x.denied)} denied, ${int(x.redacted)} redacted`)}</title></rect>`)
      if (label) out.push(`<text x="${lw + j * cw + cw / 2}" y="${y + ch / 2 + 4}" text-anchor="middle"${t > 0.55 ? ' style="fill:#fff"' : ''}>${esc(label)}</text>`)
    })
  })
  out.push('</svg>')
  return out.join('')
}

/** Horizontal bars: denied (and redacted) share of each state's queries, for the states that deny or redact. */
function deniedBars (r: ReplayReport): string {
  const states = Object.keys(r.byState).filter((s) => r.byState[s]!.denied + r.byState[s]!.redacted > 0)
    .sort((a, b) => r.byState[b]!.denied / r.byState[b]!.queries - r.byState[a]!.denied / r.byState[a]!.queries)
  if (states.length === 0) return '<p>No state denies or redacts anything in this scenario.</p>'
  const share = (s: string): number => (r.byState[s]!.denied + r.byState[s]!.redacted) / Math.max(1, r.byState[s]!.queries)
  const max = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1].find((m) => m >= Math.max(...states.map(share))) ?? 1
  const lw = 44
  const bw = 760
  const rh = 22
  const h = 26 + states.length * rh
  const out = [`<svg viewBox="0 0 ${lw + bw + 300} ${h}" width="${lw + bw + 300}" height="${h}" role="img" aria-label="denied share by state">`]
  for (let k = 0; k <= 4; k++) {
    const x = lw + (bw * k) / 4
    out.push(`<line x1="${x}" y1="16" x2="${x}" y2="${h}" stroke="#d9e2ec"/><text x="${x}" y="12" text-anchor="middle" fill="#616e7c">${esc(`${+(max * 25 * k).toFixed(3)}%`)}</text>`)
  }
  states.forEach((s, i) => {
    const x = r.byState[s]!
    const y = 20 + i * rh
    const dw = (bw * x.denied) / x.queries / max
    const rw = (bw * x.redacted) / x.queries / max
    out.push(`<text x="${lw - 8}" y="${y + 14}" text-anchor="end" font-weight="600">${esc(s)}</text>`)
    out.push(`<rect x="${lw}" y="${y + 3}" width="${dw.toFixed(1)}" height="${rh - 6}" fill="#c62828"><title>${esc(`${s}: ${int(x.denied)} of ${int(x.queries)} denied`)}</title></rect>`)
    if (rw > 0) out.push(`<rect x="${(lw + dw).toFixed(1)}" y="${y + 3}" width="${Math.max(1, rw).toFixed(1)}" height="${rh - 6}" fill="#ef8a17"><title>${esc(`${s}: ${int(x.redacted)} redacted`)}</title></rect>`)
    const text = `${pct(x.denied, x.queries)} denied (${int(x.denied)} of ${int(x.queries)})${x.redacted > 0 ? `, ${pct(x.redacted, x.queries)} redacted` : ''}`
    out.push(`<text x="${(lw + dw + rw + 6).toFixed(1)}" y="${y + 14}">${esc(text)}</text>`)
  })
  out.push('</svg>')
  return out.join('')
}

/** Queries by hour of day (UTC of the model's local-hour curve), as columns. */
function hourChart (r: ReplayReport): string {
  const total = Math.max(1, r.byHour.reduce((a, b) => a + b, 0))
  const max = Math.max(1, ...r.byHour)
  const w = 1080
  const h = 220
  const cw = (w - 50) / 24
  const out = [`<svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="queries by hour of day">`]
  r.byHour.forEach((n, i) => {
    const bh = ((h - 50) * n) / max
    const x = 40 + i * cw
    out.push(`<rect x="${(x + 3).toFixed(1)}" y="${(h - 24 - bh).toFixed(1)}" width="${(cw - 6).toFixed(1)}" height="${bh.toFixed(1)}" rx="2" fill="#2f6fb0"><title>${esc(`${i}:00-${i}:59 ${int(n)} queries (${pct(n, total)})`)}</title></rect>`)
    out.push(`<text x="${(x + cw / 2).toFixed(1)}" y="${h - 8}" text-anchor="middle" fill="#616e7c">${i}</text>`)
    out.push(`<text x="${(x + cw / 2).toFixed(1)}" y="${(h - 28 - bh).toFixed(1)}" text-anchor="middle" font-size="10">${esc(((100 * n) / total).toFixed(1))}</text>`)
  })
  out.push('</svg>')
  return out.join('')
}

export function formatReportHtml (r: ReplayReport): string {
  const affected = new Set(affectedStates(r))
  const checks = calibrationChecks(r)
  const card = (label: string, value: string, cls = '', sub = ''): string => `<div class="card ${cls}"><span>${esc(label)}</span><b>${esc(value)}</b>${sub ? `<small>${esc(sub)}</small>` : ''}</div>`
  const states = Object.keys(r.byState).sort((a, b) => r.byState[b]!.queries - r.byState[a]!.queries)
  const top = [...affected].flatMap((s) => r.byState[s]!.topAgencies.map((a) => row([s, a.ori, a.name, a.component, int(a.queries), int(a.denied)], 4)))
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`nlets-sim replay: ${r.scenario}`)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>${esc(`Year replay: ${r.scenario}`)}</h1><p class="lead">${esc(r.description)}</p>
<p class="meta">${esc(`${r.start} to ${endDate(r)} (${r.days} days), seed ${r.seed} · policy version ${r.policyVersion} · ${r.seconds.toFixed(1)} s on ${r.workers} thread(s), ${int(r.queriesPerSecond)} queries/s`)}</p></header>
<section class="cards">${card('queries', int(r.total), '', `${r.days} day${r.days === 1 ? '' : 's'}`)}${card('allowed', int(r.allowed), '', pct(r.allowed, r.total))}${card('denied', int(r.denied), 'deny', pct(r.denied, r.total))}${card('redacted', int(r.redacted), 'redact', pct(r.redacted, r.total))}${card('states denying or redacting', String(affected.size), '', `of ${Object.keys(r.byState).length}`)}</section>
<section><h2>Who queries which state</h2><p class="note">Rows: the 15 states with the most federal queries and every state that denies or redacts. Each column is one requester component; colour depth is the share of that component's queries going to the state.
<span class="legend"><span style="background:#2f6fb0"></span>allowed<span style="background:#c62828"></span>some denied<span style="background:#ef8a17"></span>some redacted</span></p>${heatMap(r)}</section>
<section><h2>Denied share by state</h2>${deniedBars(r)}</section>
<section><h2>By requester component</h2><table>${head(['component', 'queries', 'allowed', 'denied', 'redacted', 'denied %'], 1)}${Object.entries(r.byComponent).map(([c, n]) => row([c, int(n.queries), int(n.allowed), int(n.denied), int(n.redacted), pct(n.denied, n.queries)], 1, n.denied + n.redacted > 0 ? 'hit' : '')).join('')}</table></section>
<section><h2>By destination state</h2><table>${head(['state', 'queries', 'allowed', 'denied', 'redacted', 'denied %', 'denied: by whom', 'deciding rules'], 1, 6)}${states.map((s) => { const x = r.byState[s]!; return row([s, int(x.queries), int(x.allowed), int(x.denied), int(x.redacted), pct(x.denied, x.queries), byWhom(r, s, 'denied') + (x.redacted > 0 ? ` (redacted: ${byWhom(r, s, 'redacted')})` : ''), rulesOf(r, s)], 1, affected.has(s) ? 'hit' : '', 6) }).join('')}</table></section>
${top.length ? `<section><h2>Top requesting agencies of the states that deny or redact</h2><table>${head(['state', 'ORI', 'agency', 'component', 'queries', 'denied'], 4)}${top.join('')}</table></section>` : ''}
<section><h2>By key</h2><p class="note">As sent; DQ+IMQ is a DQ asking for the licence photo; DQG and RQG are decided as DQ and RQ.</p><table>${head(['key', 'queries', 'allowed', 'denied', 'redacted', 'denied %'], 1)}${Object.entries(r.byKey).map(([k, n]) => row([k, int(n.queries), int(n.allowed), int(n.denied), int(n.redacted), pct(n.denied, n.queries)], 1)).join('')}</table></section>
<section><h2>Queries by hour of day</h2><p class="note">Share of all queries (%) by local hour, from the model's hour curve.</p>${hourChart(r)}</section>
<section><h2>Checks</h2><p class="note">${esc(`The replay against what the model planned (exact by construction) and the seed's figures scaled by ${r.days}/365; within ${TOLERANCE * 100}% is ok.`)}</p><table>${head(['check', 'replayed', 'expected', 'diff', 'status'], 1, 4)}${checks.map((c) => row([c.what, int(c.got), int(c.want), `${c.diff >= 0 ? '+' : ''}${(c.diff * 100).toFixed(2)}%`], 1, '').replace('</tr>', `<td class="${c.ok ? 'ok' : 'off'}">${c.ok ? 'ok' : 'OFF'}</td></tr>`)).join('')}</table></section>
<p class="note">nlets-sim year replay. The whole report is embedded below as JSON (element <code>report-data</code>).</p>
</main>
<script type="application/json" id="report-data">${scriptJson(r)}</script>
</body></html>
`
}
