/**
 * @module test/simulator/replay/report-html
 * The HTML report is one self-contained page (no URL, no external resource),
 * embeds the whole report as JSON that parses back, names every state and
 * component, and escapes every text it shows.
 */
import t from 'tap'
import { runReplay } from '../../../simulator/replay/run.js'
import type { ReplayReport } from '../../../simulator/replay/report.js'
import { esc, formatReportHtml, scriptJson } from '../../../simulator/replay/report-html.js'
import { DESTINATIONS } from '../../../simulator/traffic/model.js'
import { REPORT_COMPONENTS } from '../../../simulator/traffic/params.js'

const r = await runReplay('simulator/scenarios/nov-2025.yaml', { days: 1, workers: 0 })
const html = formatReportHtml(r)

function embedded (page: string): ReplayReport {
  const m = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(page)
  if (m === null) throw new Error('no report-data element')
  return JSON.parse(m[1]!) as ReplayReport
}

t.test('self-contained: no URL, no external resource', async (t) => {
  t.match(html, /^<!doctype html>/)
  t.match(html, /<\/html>\n$/)
  t.notMatch(html, /https?:/i, 'no http(s) URL anywhere')
  t.notMatch(html, /\b(src|href|xlink:href|action|poster|srcset)\s*=/i, 'no src or href attribute at all')
  t.notMatch(html, /<link\b/i, 'no <link>')
  t.notMatch(html, /<(img|iframe|object|embed|audio|video)\b/i, 'no embedded resource elements')
  t.notMatch(html, /url\(|@import|@font-face/i, 'no CSS fetch')
  t.notMatch(html, /\/\/[a-z0-9.-]+\.[a-z]{2,}/i, 'no protocol-relative URL')
  const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1])
  t.same(scripts, [' type="application/json" id="report-data"'], 'the only script element is the data')
  t.match(html, /<style>[^<]+<\/style>/, 'inline CSS')
  t.match(html, /<svg [^>]*aria-label="queries by requester component and destination state"/, 'flow heat map')
  t.match(html, /<svg [^>]*aria-label="denied share by state"/, 'denied share chart')
  t.match(html, /<svg [^>]*aria-label="queries by hour of day"/, 'hour curve')
})

t.test('the embedded JSON is the whole report', async (t) => {
  t.same(embedded(html), r)
})

t.test('names every state and component, with the key figures', async (t) => {
  for (const s of DESTINATIONS) t.match(html, new RegExp(`<td>${s}</td>`), s)
  for (const c of REPORT_COMPONENTS) t.match(html, new RegExp(`<td>${c}</td>`), c)
  t.match(html, /<title>nlets-sim replay: nov-2025<\/title>/)
  t.match(html, /wa-deny-ice/)
  t.match(html, /il-redact-photo-immigration/)
  for (const [s, x] of Object.entries(r.byState)) t.match(html, new RegExp(`<td>${s}</td><td class="n">${x.queries.toLocaleString('en-US')}</td>`), `${s} queries`)
})

t.test('escapes every text', async (t) => {
  t.equal(esc('<a href="x">&\'</a>'), '&#60;a href=&#34;x&#34;&#62;&#38;&#39;&#60;/a&#62;')
  t.equal(scriptJson({ a: '</script><!--\u2028' }), '{"a":"\\u003c/script\\u003e\\u003c!--\\u2028"}')
  const evil = '</script><script>alert(1)</script> & <b>"bold"</b> https://example.com/x.png'
  const x: ReplayReport = { ...r, scenario: '<img src=x onerror=alert(1)>', description: evil }
  const page = formatReportHtml(x)
  t.notMatch(page, /<script>alert/, 'no injected script')
  t.notMatch(page, /<img/, 'no injected element')
  t.notMatch(page, /<[^>]*\b(src|href|onerror)\s*=/i, 'no attribute injected')
  t.match(page, /&#60;\/script&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62; &#38; &#60;b&#62;/)
  t.equal(embedded(page).description, evil, 'the JSON round-trips the raw text')
  t.equal(embedded(page).scenario, x.scenario)
})

t.test('a scenario where nobody is denied', async (t) => {
  const none: ReplayReport = { ...r, denied: 0, redacted: 0, byState: Object.fromEntries(Object.entries(r.byState).map(([s, v]) => [s, { ...v, denied: 0, redacted: 0 }])) }
  t.match(formatReportHtml(none), /No state denies or redacts anything in this scenario/)
})
