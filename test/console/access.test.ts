/**
 * The console on a production hub (NODE_ENV=production with NSIM_CONSOLE=on),
 * in chromium: it asks for a line token, sends only as that line's agencies,
 * shows no operator panel, and the page never sees the admin token.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { sha256 } from '../../src/hub/lines.js'
import { openConsole, seriousViolations } from './browser.js'

t.setTimeout(180_000)

t.test('production: a line token, that line\'s agencies only, no operator panel', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-console-prod-'))
  const tokens = join(dir, 'tokens.json')
  writeFileSync(tokens, JSON.stringify({ lines: { TC: 'sha256:' + sha256('cbp-line-secret') } }))
  const b = await openConsole(t, { production: true, console: true, tokensFile: tokens, adminToken: 'admin-secret-9' }, { ready: '#token-form:not([hidden])' })
  if (b === undefined) return
  const { page } = b
  t.match(await page.textContent('#mode'), /Production hub: enter your line token/)
  t.equal(await page.isVisible('#ops-on'), false, 'no fault panel')
  t.equal(await page.isVisible('#live-panel'), false, 'no live panel')
  t.equal(await page.isVisible('#ops-off'), true, 'says why')
  await page.fill('#token', 'wrong')
  await page.press('#token', 'Enter')
  await page.waitForSelector('#mode:has-text("The hub refused")')
  await page.fill('#token', 'cbp-line-secret')
  await page.press('#token', 'Enter')
  await page.waitForSelector('#agency-chosen:has-text("line TC")')
  t.match(await page.inputValue('[data-testid="raw-message"]'), /^DQ\.[A-Z]{2}CBP\d{4}\.IL\.TXT/, 'starts from one of the line\'s own agencies')
  await page.fill('#agency-search', 'port of entry AZ')
  await page.waitForSelector('#agency-results button')
  t.ok((await page.$$eval('#agency-results button', (bs) => bs.map((x) => x.textContent ?? ''))).every((x) => x.includes('line TC')), 'the search keeps to line TC')
  await page.fill('[data-testid="raw-message"]', 'DQ.AZCBP0100.IL.TXTOLN/D1234561.IMQ/Y')
  await page.evaluate('document.getElementById("trace").replaceChildren()')
  await page.click('[data-testid="send"]')
  await page.waitForSelector('[data-testid="trace-step"][data-step="audit"]')
  t.equal(await page.getAttribute('[data-testid="destination-result"]', 'data-effect'), 'redact')
  t.match(await page.textContent('[data-testid="trace-step"][data-step="auth"]'), /ok/)
  t.match(await page.textContent('#step-detail'), /line TC, authenticated by its line token/)
  await page.fill('[data-testid="raw-message"]', 'DQ.VTICE0900.IL.TXTOLN/D1234561')
  await page.evaluate('document.getElementById("trace").replaceChildren()')
  await page.click('[data-testid="send"]')
  await page.waitForSelector('[data-testid="trace-step"][data-step="audit"]')
  t.match(await page.getAttribute('[data-testid="trace-step"][data-step="auth"]', 'class'), /\bfailed\b/, 'another line\'s ORI is refused')
  t.match(await page.textContent('#step-detail'), /belongs to line AX; this connection is line TC/)
  const html = await page.content()
  t.notMatch(html, /admin-secret-9/, 'the admin token is nowhere in the page')
  t.same(await seriousViolations(page), [])
  // The wrong token's 401s are the only failed loads.
  t.same(b.errors.filter((e) => !/status of 401/.test(e)), [])
  t.ok(b.errors.some((e) => /status of 401/.test(e)), 'the wrong token was refused by the hub')
})
