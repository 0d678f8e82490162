/**
 * The training console in a real browser (Debian's chromium, playwright-core):
 * compose by directory search and as raw text, follow the trace step by step,
 * the map and a state's policy, the ER before and after sending, faults with a
 * multi-state query and store-and-forward into the inbox, live traffic with
 * the generator, a lesson played from the keyboard, and axe-core on the page.
 * One browser and one hub for the file, steps in order (each builds on the last).
 */
import t from 'tap'
import { axeViolations, openConsole, seriousViolations } from './browser.js'

t.setTimeout(300_000)

const destinations = async (page: import('playwright-core').Page): Promise<Array<Record<string, string>>> =>
  await page.$$eval('[data-testid="destination-result"]', (els) => els.map((e) => ({
    state: e.getAttribute('data-state') ?? '', effect: e.getAttribute('data-effect') ?? '', rule: e.getAttribute('data-rule') ?? '', status: e.getAttribute('data-status') ?? '',
  })))

const outcome = async (page: import('playwright-core').Page, state: string): Promise<string | null> =>
  await page.getAttribute(`[data-testid="map"] [data-state="${state}"]`, 'data-outcome')

/** Send what the raw box holds and wait for the answer's trace. */
async function sendRaw (page: import('playwright-core').Page, text: string): Promise<void> {
  await page.fill('[data-testid="raw-message"]', text)
  await page.evaluate('document.getElementById("trace").replaceChildren()')
  await page.click('[data-testid="send"]')
  await page.waitForSelector('[data-testid="trace-step"][data-step="audit"]')
}

t.test('the console in chromium', async (t) => {
  const b = await openConsole(t)
  if (b === undefined) return
  const { page, shot } = b

  await t.test('loads with no script error, no CSP violation, no serious accessibility fault', async (t) => {
    t.same(await seriousViolations(page), [])
    t.same(b.errors, [])
    t.equal(await page.$$eval('[data-testid="map"] [data-state]', (els) => els.length), 54, 'one tile per jurisdiction')
  })

  await t.test('compose by directory search: ICE\'s support centre asks Illinois, denied', async (t) => {
    await page.fill('#agency-search', 'Law Enforcement Support')
    await page.click('#agency-results button:has-text("VTICE0900")')
    await page.selectOption('#key', 'DQ')
    await page.fill('#destinations', 'IL')
    await page.fill('#field-OLN', 'D1234561')
    await page.check('#imq')
    t.equal(await page.inputValue('[data-testid="raw-message"]'), 'DQ.VTICE0900.IL.TXTOLN/D1234561.IMQ/Y', 'the form builds the legacy text')
    await page.waitForSelector('#check .ok:has-text("line AX")')
    t.match(await page.textContent('#key-hint'), /driver key/)
    t.match(await page.textContent('label[for="field-OLN"] + input + .hint'), /licence number/, 'a hint per field')
    await page.click('[data-testid="send"]')
    await page.waitForSelector('[data-testid="trace-step"][data-step="audit"]')
    t.same(await destinations(page), [{ state: 'IL', effect: 'deny', rule: 'il-deny-ice', status: 'denied' }])
    t.same(await page.$$eval('[data-testid="trace-step"]', (els) => els.map((e) => e.getAttribute('data-step'))),
      ['auth', 'parse', 'expand', 'decide', 'deliver', 'reply', 'audit'])
    t.equal(await outcome(page, 'IL'), 'denied')
    t.equal(await outcome(page, 'TX'), 'none')
    await shot('ice-to-illinois')
  })

  await t.test('follow it: next and previous, by buttons and arrow keys; the event list', async (t) => {
    t.match(await page.textContent('#step-pos'), /Step 1 of 7: Line authentication/)
    await page.click('#next')
    await page.click('#next')
    await page.click('#next')
    t.match(await page.textContent('#step-pos'), /Step 4 of 7: Policy decisions/)
    t.match(await page.textContent('#step-detail'), /IL: DENY by il-deny-ice/)
    t.match(await page.textContent('#step-detail'), /Why Illinois decided deny/)
    await page.click('#prev')
    t.match(await page.textContent('#step-pos'), /Step 3 of 7/)
    await page.focus('[data-testid="trace-step"][data-step="expand"] button')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    t.match(await page.textContent('#step-pos'), /Step 5 of 7: Delivery/)
    t.equal(await page.evaluate('document.activeElement.closest("[data-step]").dataset.step'), 'deliver', 'focus follows the step')
    t.ok(await page.$$eval('#events tr', (r) => r.length) >= 7, 'an event per step at least')
  })

  await t.test('the map: a state\'s policy with the deciding rule, by click and by keyboard', async (t) => {
    await page.click('[data-testid="map"] [data-state="IL"]')
    await page.waitForSelector('#policy .rule.deciding[data-rule="il-deny-ice"]')
    t.match(await page.textContent('#policy'), /Policy of Illinois[\s\S]*decided the last message[\s\S]*il-redact-photo-immigration/)
    await page.focus('[data-testid="map"] [data-state="WA"]')
    await page.keyboard.press('Enter')
    await page.waitForSelector('#policy h3:has-text("Washington")')
    t.match(await page.textContent('#policy'), /wa-deny-ice/)
    t.equal(await page.$$eval('#legend li', (l) => l.length), 7, 'a legend entry per outcome')
  })

  await t.test('raw text from CBP: only the photo is stripped', async (t) => {
    await sendRaw(page, 'DQ.AZCBP0100.IL.TXTOLN/D1234561.IMQ/Y')
    t.same(await destinations(page), [{ state: 'IL', effect: 'redact', rule: 'il-redact-photo-immigration', status: 'hit' }])
    t.equal(await outcome(page, 'IL'), 'redacted')
    t.equal(await page.$$eval('#replies img', (i) => i.length), 0, 'no photo came back')
    await sendRaw(page, 'DQ.TX0020100.IL.TXTOLN/D1234561.IMQ/Y')
    t.same(await destinations(page), [{ state: 'IL', effect: 'allow', rule: '', status: 'hit' }], 'data-rule empty for the default')
    t.equal(await page.$$eval('#replies img.photo', (i) => i.length), 1, 'the photo, for a local agency')
    t.equal(await outcome(page, 'IL'), 'allowed')
  })

  await t.test('invalid input: the ER before sending, and after', async (t) => {
    await page.fill('[data-testid="raw-message"]', 'DQ.TX0020100.IL.TXTOLN/')
    await page.waitForSelector('#check .bad:has-text("The hub would answer ER")')
    const before = (await page.textContent('#check pre.er')) ?? ''
    await page.evaluate('document.getElementById("trace").replaceChildren()')
    await page.click('[data-testid="send"]')
    await page.waitForSelector('[data-testid="trace-step"][data-step="audit"]')
    t.match(await page.getAttribute('[data-testid="trace-step"][data-step="parse"]', 'class'), /\bfailed\b/)
    t.match(await page.getAttribute('[data-testid="trace-step"][data-step="decide"]', 'class'), /\bskipped\b/)
    t.same(await destinations(page), [], 'no destination')
    const after = (await page.textContent('#replies pre.reply')) ?? ''
    t.equal(after.split('\nTXT\n')[1], before.split('\nTXT\n')[1], 'the same ER, before and after')
    await shot('er')
  })

  await t.test('faults: an NL query while New York is down', async (t) => {
    await page.selectOption('#fault-state', 'NY')
    await page.click('button[data-fault="down"]')
    await page.waitForSelector('#fault-result:has-text("NY is down")')
    await sendRaw(page, 'DQ.TX0020100.NL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M')
    const d = await destinations(page)
    t.ok(d.length >= 50, 'every state')
    t.match(d.find((x) => x.state === 'NY'), { effect: 'allow', status: 'noanswer' })
    t.equal(await outcome(page, 'NY'), 'not-answering')
    // The event list of a 50-state query, filtered to one state and one layer.
    const all = await page.$$eval('#events tr', (l) => l.length)
    await page.fill('#events-state', 'ny')
    await page.selectOption('#events-layer', 'deliver')
    const shown = await page.$$eval('#events tr:not([hidden])', (l) => l.map((r) => [r.getAttribute('data-state'), r.getAttribute('data-step')]))
    t.ok(shown.length >= 1 && shown.length < all, `${shown.length} of ${all} events shown`)
    t.ok(shown.every(([s, step]) => s === 'NY' && step === 'deliver'), 'only New York\'s delivery')
    t.match(await page.textContent('#events-shown'), new RegExp(`^${shown.length} of ${all} events$`))
    await page.fill('#events-state', '')
    await page.selectOption('#events-layer', '')
    t.equal(await page.$$eval('#events tr:not([hidden])', (l) => l.length), all, 'the filter cleared')
    t.match(await outcome(page, 'CA'), /^(allowed|no-record)$/)
    await shot('nl-ny-down')
    await page.click('button[data-fault="up"]')
    await page.waitForSelector('#fault-result:has-text("NY is back up")')
  })

  await t.test('store and forward: SM .02, the queue, the inbox filling after recovery', async (t) => {
    await page.selectOption('#fault-state', 'IL')
    await page.click('button[data-fault="down"]')
    await page.waitForSelector('#fault-result:has-text("IL is down")')
    await sendRaw(page, 'DQ.TX0020100.IL.TXTOLN/D1234561')
    t.same(await destinations(page), [{ state: 'IL', effect: 'allow', rule: '', status: 'queued' }])
    t.equal(await outcome(page, 'IL'), 'queued')
    t.match(await page.textContent('#replies'), /\.02\. USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL FORWARD/)
    await page.waitForSelector('#states tr[data-state="IL"] td:nth-child(4):has-text("1")')
    t.equal(await page.$$eval('[data-testid="inbox-item"]', (l) => l.length), 0, 'nothing in the inbox yet')
    await shot('queued')
    await page.click('button[data-fault="up"]')
    await page.waitForSelector('[data-testid="inbox-item"][data-state="IL"]', { timeout: 5000 })
    t.match(await page.textContent('[data-testid="inbox-item"]'), /DR from ILOLN0000: hit/)
    t.match(await page.textContent('#fault-result'), /1 queued query forwarded/)
    await page.click('#inbox-ack')
    await page.waitForSelector('#inbox li:has-text("nothing waiting")')
    t.pass('acknowledged')
  })

  await t.test('remove status: SM .04', async (t) => {
    await page.selectOption('#fault-state', 'WA')
    await page.click('button[data-fault="removed"]')
    await page.waitForSelector('#fault-result:has-text("remove status")')
    await sendRaw(page, 'DQ.TX0020100.WA.TXTOLN/D1')
    t.same(await destinations(page), [{ state: 'WA', effect: 'allow', rule: '', status: 'status' }])
    t.match(await page.textContent('[data-testid="destination-result"]'), /not delivered: SM \.04\. USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL NOT FORWARD/)
    t.equal(await outcome(page, 'WA'), 'not-answering')
    await page.click('button[data-fault="up"]')
    await page.waitForSelector('#fault-result:has-text("WA is back up")')
  })

  await t.test('slow and flapping, set from the page', async (t) => {
    await page.selectOption('#fault-state', 'NY')
    await page.fill('#fault-ms', '400')
    await page.click('button[data-fault="slow"]')
    await page.waitForSelector('#fault-result:has-text("NY is slow")')
    await page.waitForSelector('#states tr[data-state="NY"] td:nth-child(3):has-text("slow 400 ms")')
    await sendRaw(page, 'DQ.TX0020100.NY.TXTOLN/D1')
    t.match(await destinations(page), [{ state: 'NY', effect: 'allow' }])
    const deliver = (await page.$$eval('[data-testid="trace-step"][data-step="deliver"] button', (l) => l.map((b) => b.textContent))).join('')
    t.ok(deliver.length > 0, 'a delivery step')
    await page.click('[data-testid="trace-step"][data-step="deliver"] button')
    const line = (await page.textContent('#step-detail li')) ?? ''
    const ms = Number(/\((\d+(?:\.\d+)?) ms\)$/.exec(line)?.[1])
    t.ok(ms >= 400, `the delivery waited for the slow state (${line})`)
    await page.click('button[data-fault="up"]')
    await page.waitForSelector('#fault-result:has-text("NY is back up")')

    // Flapping with a long period starts down: the first query is queued, as for a state that is down.
    await page.selectOption('#fault-state', 'WA')
    await page.fill('#fault-ms', '60000')
    await page.click('button[data-fault="flapping"]')
    await page.waitForSelector('#fault-result:has-text("WA is flapping")')
    await page.waitForSelector('#states tr[data-state="WA"] td:nth-child(3):has-text("flapping every 60000 ms")')
    await sendRaw(page, 'DQ.TX0020100.WA.TXTOLN/D2')
    t.same(await destinations(page), [{ state: 'WA', effect: 'allow', rule: '', status: 'queued' }])
    await page.click('button[data-fault="up"]')
    await page.waitForSelector('#fault-result:has-text("WA is back up: 1 queued query forwarded")')
    await page.waitForSelector('[data-testid="inbox-item"][data-state="WA"]', { timeout: 5000 })
    await page.click('#inbox-ack')
    await page.waitForSelector('#inbox li:has-text("nothing waiting")')
    await page.fill('#fault-ms', '2000')
  })

  await t.test('live traffic: server-sent events, the generator at a chosen rate', async (t) => {
    await page.click('#live-toggle')
    t.equal(await page.getAttribute('#live-toggle', 'aria-pressed'), 'true')
    await page.fill('#gen-rate', '60')
    await page.click('#gen-start')
    await page.waitForSelector('#live-status:has-text("generator running at 60/s")', { timeout: 60_000 })
    await page.waitForSelector('#live-status:text-matches("^[1-9][0-9]* decisions")', { timeout: 60_000 })
    await page.waitForSelector('#live-status:text-matches(", [1-9][0-9]* sent")', { timeout: 60_000 })
    t.pass('the page says how many the generator sent (and how many it dropped, if any)')
    t.ok(await page.$$eval('#live-components li', (l) => l.length) >= 1, 'queries by requester component')
    t.ok(await page.$$eval('#live-states li', (l) => l.length) >= 1, 'busiest states')
    await shot('live')
    await page.click('#gen-stop')
    await page.waitForSelector('#live-status:has-text("generator stopped")')
    await page.click('#live-toggle')
    t.equal(await page.getAttribute('#live-toggle', 'aria-pressed'), 'false')
  })

  await t.test('a lesson played from the keyboard, each step checked', async (t) => {
    await page.focus('#lesson')
    await page.selectOption('#lesson', 'ice-vs-cbp-illinois')
    const steps = await page.$$('[data-testid="lesson-step"]')
    t.equal(steps.length, 3)
    for (let i = 0; i < steps.length; i++) {
      await page.focus(`[data-testid="lesson-step"]:nth-child(${i + 1}) button`)
      await page.keyboard.press('Enter')
      await page.waitForSelector(`[data-testid="lesson-step"]:nth-child(${i + 1})[data-result]`)
      t.equal(await page.getAttribute(`[data-testid="lesson-step"]:nth-child(${i + 1})`, 'data-result'), 'pass', `step ${i + 1} as the lesson says`)
    }
    t.match(await page.textContent('[data-testid="lesson-step"]:nth-child(2)'), /Observe: CBP is not ICE/)
    t.equal(await outcome(page, 'IL'), 'allowed', 'the map follows the lesson\'s last message')
  })

  await t.test('keyboard only: type a message, Tab to Send, Enter', async (t) => {
    await page.focus('[data-testid="raw-message"]')
    await page.keyboard.press('Control+A')
    await page.keyboard.type('DQG.VTICE0900.E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M')
    t.equal(await page.inputValue('#key'), 'DQG', 'the form follows the typed text: key')
    t.equal(await page.inputValue('#destinations'), 'E1', 'destinations')
    t.equal(await page.inputValue('#field-NAM'), 'SMITH,JOHN', 'fields')
    await page.evaluate('document.getElementById("trace").replaceChildren()')
    await page.keyboard.press('Tab')
    t.equal(await page.evaluate('document.activeElement.dataset.testid'), 'send', 'Send follows the message box')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[data-testid="trace-step"][data-step="audit"]')
    const d = await destinations(page)
    t.same(d.map((x) => x.state).sort(), ['IL', 'IN', 'MI', 'MN', 'OH', 'WI'], 'E1 becomes its six states')
    t.match(d.find((x) => x.state === 'MN'), { effect: 'deny', rule: 'mn-deny-ice' })
    t.match(await page.textContent('[data-testid="trace-step"][data-step="expand"]'), /Destinations/)
    await page.click('[data-testid="trace-step"][data-step="expand"] button')
    t.match(await page.textContent('#step-detail'), /DQG is a regional key: each state receives it as DQ/)
    await page.click('[data-testid="map"] [data-state="MN"]')
    await page.waitForSelector('#policy .rule.deciding[data-rule="mn-deny-ice"]')
    // The README's picture (docs/console.png is a copy of it): compose, the trace, the map with Minnesota's policy.
    await page.screenshot({ path: 'test-artifacts/console/console.png', fullPage: true, clip: { x: 0, y: 0, width: 1400, height: 1900 } })
  })

  await t.test('after all that: still no serious accessibility fault, no script error', async (t) => {
    const all = await axeViolations(page)
    t.same(await seriousViolations(page), [], `axe: ${all.length} finding(s) in all`)
    t.same(b.errors, [])
  })
})
