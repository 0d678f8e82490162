/**
 * Shared helpers for the console's browser tests: Debian's chromium driven by
 * playwright-core (never a browser of its own), a fresh profile each run, a
 * hub in process on a free port, screenshots under test-artifacts/console/,
 * and axe-core run inside the page.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { buildHub, type Hub } from '../../src/hub/app.js'
import type { HubOptions } from '../../src/hub/options.js'

/** Debian's chromium (CI installs it with apt, .ci/run); NSIM_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.NSIM_CHROMIUM ?? '/usr/bin/chromium'
export const ARTIFACTS = join('test-artifacts', 'console')

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']

export interface Browser {
  readonly hub: Hub
  readonly url: string
  readonly page: Page
  readonly context: BrowserContext
  /** Errors the page reported (script errors, CSP violations, failed loads). */
  readonly errors: string[]
  shot: (name: string) => Promise<void>
}

/** A hub on a free port and a page open at its console; closed at the end of `t`. Fails (never skips) without chromium. */
export async function openConsole (t: Test, opts: Partial<HubOptions> = {}, o: { ready?: string } = {}): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    t.fail(`no chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set NSIM_CHROMIUM`)
    return undefined
  }
  const hub = await buildHub({ auditFile: false, logger: false, docs: false, ephemeral: true, ...opts })
  t.teardown(async () => { await hub.close() })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(hub.app.server.address() as { port: number }).port}/console/`
  const profile = mkdtempSync(join(tmpdir(), 'nsim-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 1000 },
  })
  t.teardown(async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  })
  const page = context.pages()[0] ?? await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => { errors.push(`pageerror: ${e.message}`) })
  // An ER answer (HTTP 400/403) is a resource load error to chromium: the message route's answers are expected.
  page.on('console', (m) => { if (m.type() === 'error' && !m.location().url.includes('/v1/messages')) errors.push(`console: ${m.text()} (${m.location().url})`) })
  mkdirSync(ARTIFACTS, { recursive: true })
  let n = 0
  const shot = async (name: string): Promise<void> => {
    await page.screenshot({ path: join(ARTIFACTS, `${String(++n).padStart(2, '0')}-${name}.png`), fullPage: true })
  }
  await page.goto(url)
  await page.waitForSelector(o.ready ?? '#agency-chosen:has-text("Sending as")')
  return { hub, url, page, context, errors, shot }
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation { id: string, impact: string | null, help: string, nodes: Array<{ target: string[] }> }

/** axe-core's violations in the page as it is now (run through the debugging protocol, so the page's CSP allows it). */
export async function axeViolations (page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE)
  // A string: this file is compiled without the DOM's types.
  return await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((x) => ({ target: x.target })) })))`) as AxeViolation[]
}

/** Only the serious and critical ones, as one readable list. */
export async function seriousViolations (page: Page): Promise<string[]> {
  return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join(', ')})`)
}
