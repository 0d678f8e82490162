import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildHub } from '../../../src/hub/app.js'
import { sha256 } from '../../../src/hub/lines.js'
import { hubOptionsFromEnv } from '../../../src/hub/options.js'
import { CONSOLE_CSP, CONSOLE_PUBLIC, CONSOLE_SCRIPTS } from '../../../src/hub/routes/console.js'
import { send, testHub } from '../helpers.js'

t.test('the console page, its styles and modules, under a CSP without inline scripts', async (t) => {
  const hub = await testHub(t)
  const redirect = await hub.app.inject({ url: '/console' })
  t.equal(redirect.statusCode, 301)
  t.equal(redirect.headers.location, '/console/')
  const page = await hub.app.inject({ url: '/console/' })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  const csp = String(page.headers['content-security-policy'])
  t.equal(csp, CONSOLE_CSP)
  t.match(csp, /script-src 'self'(;|$)/)
  t.notMatch(csp, /unsafe-inline|unsafe-eval/)
  t.notMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script element')
  t.notMatch(page.body, /\son[a-z]+=/, 'no inline event handler')
  t.notMatch(page.body, /style=/, 'no inline style')
  for (const f of ['main.js', 'compose.js', 'map.js', 'console.css']) {
    const r = await hub.app.inject({ url: `/console/${f}` })
    t.equal(r.statusCode, 200, `${f} served`)
    t.equal(r.headers['content-security-policy'], CONSOLE_CSP)
  }
  t.equal((await hub.app.inject({ url: '/console/../package.json' })).statusCode, 404, 'nothing outside the two folders')
})

t.test('no external resource at run time', async (t) => {
  const files = [
    ...readdirSync(CONSOLE_PUBLIC).map((f) => join(CONSOLE_PUBLIC, f)),
    ...readdirSync(CONSOLE_SCRIPTS).filter((f) => f.endsWith('.js')).map((f) => join(CONSOLE_SCRIPTS, f)),
  ]
  t.ok(files.length > 5)
  for (const f of files) {
    // The SVG namespace is a name, not a resource.
    const text = readFileSync(f, 'utf8').replaceAll('http://www.w3.org/2000/svg', '')
    t.notMatch(text, /https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i, `${f}: no URL of another host`)
    t.notMatch(text, /@import|url\(/, `${f}: no imported style or font`)
  }
})

t.test('check: the ER the switch would send, and the line that owns the sending ORI', async (t) => {
  const hub = await testHub(t)
  const ok = (await hub.app.inject({ method: 'POST', url: '/v1/console/check', payload: { text: 'DQ.VTICE0900.IL.TXTOLN/D1' } })).json()
  t.match(ok, { ok: true, line: 'AX', agency: /Law Enforcement Support Center/, error: null })
  for (const text of ['DQ.TX0020100.IL.TXTOLN/', 'DQ.TX0020100.Q9.TXTOLN/D1', 'ZQ.TX0020100.IL.TXTOLN/D1', 'DQ.TXZZ99999.IL.TXTOLN/D1']) {
    const c = (await hub.app.inject({ method: 'POST', url: '/v1/console/check', payload: { text } })).json()
    const sent = await send(hub, 'TX', text)
    t.equal(c.ok, false, `${text} refused`)
    const body = (er: string): string => er.split('\nTXT\n')[1] ?? ''
    t.equal(sent.body.replies[0]?.key, 'ER')
    t.equal(body(c.er), body(sent.body.replies[0]!.text), 'the same ER the hub answers (after the header)')
    t.match(c.er, /^ER\.NL0000000/, 'the ER as the terminal would print it')
  }
  const bad = await hub.app.inject({ method: 'POST', url: '/v1/console/check', payload: { nope: 1 } })
  t.equal(bad.statusCode, 400)
})

t.test('keys with hints, explain on a date, a state\'s policy', async (t) => {
  const hub = await testHub(t)
  const keys = (await hub.app.inject({ url: '/v1/console/keys' })).json() as Array<{ key: string, hints: Record<string, string>, decidedAs: string }>
  t.same(keys.map((k) => k.key), ['DQ', 'DNQ', 'DQG', 'KQ', 'RQ', 'RQG', 'RNQ', 'RPQ'])
  t.ok(keys.every((k) => Object.values(k.hints).every((h) => h.length > 0)), 'a hint for every field of every key')
  t.equal(keys.find((k) => k.key === 'DQG')?.decidedAs, 'DQ')
  const before = (await hub.app.inject({ method: 'POST', url: '/v1/console/explain', payload: { ori: 'VTICE0900', state: 'WA', key: 'DQ', time: '2025-11-18T12:00:00Z' } })).json()
  const after = (await hub.app.inject({ method: 'POST', url: '/v1/console/explain', payload: { ori: 'VTICE0900', state: 'WA', key: 'DQ', time: '2025-11-20T12:00:00Z' } })).json()
  t.match(before, { state: 'WA', effect: 'allow', rule: null })
  t.match(after, { state: 'WA', effect: 'deny', rule: 'wa-deny-ice' })
  t.match(after.text.join('\n'), /wa-deny-ice \(deny\) MATCHES/)
  t.equal((await hub.app.inject({ method: 'POST', url: '/v1/console/explain', payload: { ori: 'VTICE0900', state: 'ZZ', key: 'DQ' } })).statusCode, 404)
  const il = (await hub.app.inject({ url: '/v1/console/policies/il' })).json()
  t.match(il, { state: 'IL', loaded: true, default: 'allow' })
  t.same(il.rules.map((r: { id: string }) => r.id), ['il-deny-ice', 'il-redact-photo-immigration'])
  t.equal((await hub.app.inject({ url: '/v1/console/policies/ZZ' })).statusCode, 404)
})

t.test('operator routes: faults and remove status through the admin routes', async (t) => {
  const hub = await testHub(t)
  const down = await hub.app.inject({ method: 'PUT', url: '/v1/console/states/IL/fault', payload: { mode: 'down' } })
  t.equal(down.statusCode, 200)
  t.match((await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1234561')).body.replies[0], { status: 'queued' })
  const states = (await hub.app.inject({ url: '/v1/console/states' })).json() as Array<{ state: string, status: string, queued: number }>
  t.match(states.find((s) => s.state === 'IL'), { status: 'down', queued: 1 })
  t.match((await hub.app.inject({ method: 'PUT', url: '/v1/console/states/IL/fault', payload: { mode: 'up' } })).json(), { delivered: 1, queued: 0 })
  t.equal((await hub.app.inject({ method: 'PUT', url: '/v1/console/states/IL/fault', payload: { mode: 'slow' } })).statusCode, 400, 'slow needs latencyMs')
  for (const fault of [{ mode: 'slow', latencyMs: 50 }, { mode: 'flapping', periodMs: 60_000 }]) {
    t.equal((await hub.app.inject({ method: 'PUT', url: '/v1/console/states/MN/fault', payload: fault })).statusCode, 200, fault.mode)
    const mn = ((await hub.app.inject({ url: '/v1/console/states' })).json() as Array<{ state: string, fault: unknown }>).find((s) => s.state === 'MN')
    t.match(mn?.fault, fault, `MN shows ${fault.mode}`)
  }
  t.match((await send(hub, 'TX', 'DQ.TX0020100.MN.TXTOLN/D1')).body.replies[0], { key: /^(DR|SM)$/ }, 'a flapping state answers or is queued')
  await hub.app.inject({ method: 'PUT', url: '/v1/console/states/MN/fault', payload: { mode: 'up' } })
  t.equal((await hub.app.inject({ method: 'PUT', url: '/v1/console/states/ZZ/fault', payload: { mode: 'down' } })).statusCode, 404)
  t.equal((await hub.app.inject({ method: 'PUT', url: '/v1/console/states/WA/status', payload: { status: 'removed' } })).statusCode, 200)
  t.match((await send(hub, 'TX', 'DQ.TX0020100.WA.TXTOLN/D1')).body.replies[0]?.text, /\.04\./)
})

t.test('production: off unless NSIM_CONSOLE=on, then a line token for reading and the admin token for operating', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-console-'))
  const tokens = join(dir, 'tokens.json')
  writeFileSync(tokens, JSON.stringify({ lines: { TX: 'sha256:' + sha256('tx-secret') } }))
  const base = { ephemeral: true, production: true, tokensFile: tokens, adminToken: 'adm-secret', auditFile: false as const, docs: false }
  const off = await buildHub(base)
  t.teardown(async () => { await off.close() })
  for (const url of ['/console', '/console/', '/console/main.js']) {
    const r = await off.app.inject({ url })
    t.equal(r.statusCode, 404, `${url}: off`)
    t.match(r.json(), { code: 'NSIM_HUB_NOT_FOUND', message: /NSIM_CONSOLE=on/ })
  }
  t.equal((await off.app.inject({ url: '/v1/console/config' })).statusCode, 404, 'no console routes either')
  t.same(hubOptionsFromEnv({ NODE_ENV: 'production', NSIM_CONSOLE: 'on' }).console, true)
  t.throws(() => hubOptionsFromEnv({ NSIM_CONSOLE: 'yes' }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_CONSOLE.*on or off/ })
  const on = await buildHub({ ...base, console: true })
  t.teardown(async () => { await on.close() })
  t.equal((await on.app.inject({ url: '/console/' })).statusCode, 200)
  t.same((await on.app.inject({ url: '/v1/console/config' })).json(), { mode: 'production', demoTokens: false, operator: false, regions: (await on.app.inject({ url: '/v1/console/config' })).json().regions })
  t.notMatch((await on.app.inject({ url: '/v1/console/config' })).body, /adm-secret/, 'the admin token is never handed out')
  const line = { authorization: 'Bearer tx-secret' }
  const admin = { authorization: 'Bearer adm-secret' }
  t.equal((await on.app.inject({ url: '/v1/console/lessons' })).statusCode, 401, 'reading needs a token')
  t.equal((await on.app.inject({ url: '/v1/console/lessons', headers: line })).statusCode, 200, 'a line token reads')
  t.equal((await on.app.inject({ method: 'POST', url: '/v1/console/check', headers: line, payload: { text: 'DQ.TX0020100.IL.TXTOLN/D1' } })).statusCode, 200)
  for (const [method, url, payload] of [['GET', '/v1/console/states'], ['PUT', '/v1/console/states/IL/fault', { mode: 'down' }], ['GET', '/v1/console/live'], ['PUT', '/v1/console/generator', { rate: 5 }]] as const) {
    const r = await on.app.inject({ method, url, headers: line, ...(payload ? { payload } : {}) })
    t.equal(r.statusCode, 401, `${method} ${url}: not with a line token`)
  }
  t.equal((await on.app.inject({ url: '/v1/console/states', headers: admin })).statusCode, 200, 'the admin may')
  t.equal((await send(on, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1', line, '?trace=1')).status, 200, 'sends with the line token')
  t.equal((await send(on, 'TX', 'DQ.AZCBP0100.IL.TXTOLN/D1', line, '?trace=1')).status, 403, 'only as that line\'s ORIs')
})
