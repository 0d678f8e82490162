/**
 * Bad input gets a clear 4xx answer, never a 500 or an open door: deeply nested
 * JSON, unknown JSON properties, and more (one test per hardening item).
 */
import t from 'tap'
import { ADMIN, send, testHub } from './helpers.js'

const LINE = { authorization: 'Bearer demo-TX' }

t.test('deeply nested JSON is a 400 on every route, an ER on the message route', async (t) => {
  const hub = await testHub(t)
  const bodies = ['['.repeat(5000) + ']'.repeat(5000), '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)]
  const routes: Array<[string, 'POST' | 'PUT', Record<string, string>]> = [
    ['/v1/messages', 'POST', LINE], ['/v1/messages', 'POST', {}], ['/v1/inbox/ack', 'POST', LINE],
    ['/v1/admin/states/IL/fault', 'PUT', ADMIN], ['/v1/admin/states/IL/status', 'PUT', ADMIN], ['/v1/admin/policies/reload', 'POST', ADMIN],
  ]
  for (const [url, method, headers] of routes) {
    for (const payload of bodies) {
      const r = await hub.app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload })
      t.equal(r.statusCode, 400, `${method} ${url}: 400`)
      if (url === '/v1/messages') {
        t.match(r.json().replies[0], { key: 'ER', from: 'NL0000000' })
        t.match(r.json().replies[0].text, /nested deeper than 32 levels\nORIGINAL MESSAGE\n[[{]/, 'the ER says why and quotes the input')
      } else {
        t.match(r.json(), { code: 'NSIM_HUB_JSON_DEPTH' })
      }
    }
  }
  const fine = await send(hub, 'TX', { MessageKeyCodeText: 'DQ', OriginatingORIID: 'TX0020100', DestinationORIID: ['IL'], Fields: [{ prefix: 'OLN', value: 'D1' }] })
  t.equal(fine.status, 200, 'a JSON message of ordinary depth still goes through')
})

t.test('an unknown JSON property is an ER naming it, not dropped', async (t) => {
  const hub = await testHub(t)
  const r = await send(hub, 'TX', {
    MessageKeyCodeText: 'DQ', OriginatingORIID: 'TX0020100', DestinationORIID: ['IL'], DocumentControlFieldTxt: 'REF1', Fields: { OLN: 'D1' },
  })
  t.equal(r.status, 400)
  t.match(r.body.replies[0]!.text, /unknown property `DocumentControlFieldTxt`/)
  const admin = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/status', headers: ADMIN, payload: { status: 'up', colour: 'red' } })
  t.equal(admin.statusCode, 400, 'admin bodies too')
  t.match(admin.json().message, /additional properties/)
})

t.test('an ER echoes input only bounded and never as header lines', async (t) => {
  const hub = await testHub(t)
  const long = await send(hub, 'TX', { MessageKeyCodeText: 'DQ', OriginatingORIID: 'X'.repeat(60_000), DestinationORIID: ['IL'], Fields: { OLN: 'D1' } })
  t.equal(long.status, 400)
  t.ok(long.text.length < 3000, `a 60 KB ORI gives a small ER (${long.text.length} bytes)`)
  t.equal(long.body.replies[0]!.to, '', 'addressed to no one rather than to the raw input')
  const forged = await send(hub, 'TX', { MessageKeyCodeText: 'DQ', OriginatingORIID: 'TX0020100\nDR.ILOLN0000', DestinationORIID: ['IL'], Fields: { OLN: 'D1' } },
    { accept: 'text/plain' })
  const lines = forged.text.split('\n')
  t.match(lines[0], /^ER\.NL0000000$/)
  t.match(lines[2], /^\d\d:\d\d \S+ \d{5} $/, 'the out-clock line names no forged ORI')
  t.equal(lines[3], 'TXT')
  t.notOk(lines.slice(4).some((l) => l === 'DR.ILOLN0000'), 'the newline cannot start a line of its own in the detail')
  const legacyLong = await send(hub, 'TX', `DQ.TX0020100.IL.TXTOLN/${'9'.repeat(50_000)}`)
  t.equal(legacyLong.status, 400)
  t.ok(legacyLong.text.length < 3000, `a 50 KB field value gives a small ER (${legacyLong.text.length} bytes)`)
})

t.test('statuses of refused bodies agree with the docs and the OpenAPI document, each with an ER body', async (t) => {
  const hub = await testHub(t, { docs: true })
  const big = await hub.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...LINE, 'content-type': 'text/plain' }, payload: `DQ.TX0020100.IL.TXTOLN/${'1'.repeat(70_000)}` })
  t.equal(big.statusCode, 413)
  t.match(big.json().replies[0], { key: 'ER', from: 'NL0000000', text: /larger than the switch accepts/ })
  const xml = await hub.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...LINE, 'content-type': 'application/xml' }, payload: '<DQ/>' })
  t.equal(xml.statusCode, 415)
  t.match(xml.json().replies[0], { key: 'ER', text: /unsupported content type/ })
  const doc = (await hub.app.inject({ url: '/docs/json' })).json()
  t.same(Object.keys(doc.paths['/v1/messages'].post.responses).sort(), ['200', '400', '401', '403', '413', '415', '429', '431'])
})

/** Open `n` raw connections to the hub, each sending `first` and then nothing; resolves with what each received before it was closed (or `open` after `waitMs`). */
async function stalled (port: number, n: number, first: string, waitMs: number): Promise<string[]> {
  const { connect } = await import('node:net')
  return await Promise.all(Array.from({ length: n }, async () => await new Promise<string>((resolve) => {
    const s = connect(port, '127.0.0.1')
    let got = ''
    const timer = setTimeout(() => { s.destroy(); resolve('open') }, waitMs)
    s.on('connect', () => { s.write(first) })
    s.on('data', (d) => { got += String(d) })
    s.on('error', () => {})
    s.on('close', () => { clearTimeout(timer); resolve(got === '' ? 'closed' : got) })
  })))
}

t.test('slow-body connections are cut off, and connections are capped', async (t) => {
  const hub = await testHub(t, { requestTimeoutMs: 500 })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = hub.app.server.address() as { port: number }
  const head = 'POST /v1/messages HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer demo-TX\r\nContent-Type: text/plain\r\nContent-Length: 200\r\n\r\nDQ.TX'
  const results = await stalled(port, 30, head, 15_000)
  t.equal(results.filter((r) => r === 'open').length, 0, 'no stalled connection is left open')
  t.ok(results.every((r) => r === 'closed' || r.startsWith('HTTP/1.1 408')), 'each was answered 408 or closed')

  const capped = await testHub(t, { maxConnections: 4 })
  await capped.app.listen({ port: 0, host: '127.0.0.1' })
  const cport = (capped.app.server.address() as { port: number }).port
  const over = await stalled(cport, 10, 'GET /health HTTP/1.1\r\nHost: hub\r\n', 3000)
  t.ok(over.filter((r) => r === 'closed').length >= 6, `past 4 connections new ones are closed at once (${over.filter((r) => r === 'closed').length} of 10)`)
})

t.test('who may read what: the directory for members, /metrics for operators, /health and /docs open', async (t) => {
  const hub = await testHub(t, { docs: true, metricsToken: 'scrape-me', metricsPort: 0 })
  for (const url of ['/v1/directory/VTICE0900', '/v1/directory?component=ICE-ERO']) {
    t.equal((await hub.app.inject({ url })).statusCode, 401, `${url}: no token, 401`)
    t.equal((await hub.app.inject({ url, headers: { authorization: 'Bearer nope' } })).statusCode, 401, `${url}: a wrong token, 401`)
    t.equal((await hub.app.inject({ url, headers: LINE })).statusCode, 200, `${url}: a line token`)
    t.equal((await hub.app.inject({ url, headers: ADMIN })).statusCode, 200, `${url}: the admin token`)
  }
  const noToken = await hub.app.inject({ url: '/metrics' })
  t.equal(noToken.statusCode, 401)
  t.match(noToken.json(), { code: 'NSIM_HUB_UNAUTHORIZED', message: /metrics token or admin token/ })
  t.equal((await hub.app.inject({ url: '/metrics', headers: LINE })).statusCode, 401, 'a line token does not read metrics')
  t.equal((await hub.app.inject({ url: '/metrics', headers: ADMIN })).statusCode, 200)
  t.equal((await hub.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-me' } })).statusCode, 200, 'the metrics token')
  const own = await hub.metricsApp!.inject({ url: '/metrics' })
  t.equal(own.statusCode, 200, 'the metrics port of its own needs no token')
  t.match(own.body, /nsim_messages_total/)
  t.equal((await hub.metricsApp!.inject({ url: '/v1/directory/VTICE0900' })).statusCode, 404, 'and serves nothing else')
  t.equal((await hub.app.inject({ url: '/health' })).statusCode, 200, '/health is open')
  t.equal((await hub.app.inject({ url: '/docs/json' })).statusCode, 200, '/docs is open: it holds no data')
})

t.test('metric labels take values from fixed sets only', async (t) => {
  const hub = await testHub(t)
  for (let i = 0; i < 300; i++) {
    const junk = `${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + ((i * 7) % 26))}${i}.TX0020100.IL.TXTOLN/D1`
    await send(hub, i % 2 === 0 ? 'TX' : null, junk)
  }
  const m = (await hub.app.inject({ url: '/metrics', headers: ADMIN })).body
  const keys = new Set([...m.matchAll(/nsim_messages_total\{key="([^"]*)"/g)].map((x) => x[1]))
  t.same([...keys].sort(), ['?'], `300 random prefixes make one series key, not 300 (${[...keys].join(' ')})`)
})

t.test('a per-line rate limit: a line over its rate gets 429 and an SM, the other lines are not starved', async (t) => {
  let now = Date.parse('2025-11-25T17:00:00Z')
  const hub = await testHub(t, { lineRate: 5, lineBurst: 5, now: () => now })
  const statuses: number[] = []
  for (let i = 0; i < 7; i++) statuses.push((await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')).status)
  t.same(statuses, [200, 200, 200, 200, 200, 429, 429], 'the burst, then refused')
  const over = await hub.app.inject({
    method: 'POST', url: '/v1/messages', headers: { ...LINE, 'content-type': 'text/plain' }, payload: 'DQ.TX0020100.IL.TXTOLN/D1',
  })
  t.equal(over.headers['retry-after'], '1')
  t.match(over.json().replies[0], { key: 'SM', from: 'NL0000000', to: 'TX0020100', text: /LINE TX OVER ITS RATE OF 5 MESSAGES A SECOND/ })
  t.equal((await send(hub, 'TC', 'DQ.NYCBP0100.IL.TXTOLN/D1')).status, 200, 'another line still sends')
  now += 1000
  t.equal((await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')).status, 200, 'a second later the line may send again')
  const m = (await hub.app.inject({ url: '/metrics', headers: ADMIN })).body
  t.match(m, /nsim_messages_total\{key="DQ",outcome="rate-limited"\} 3/)
})

t.test('each limit: at the limit it passes, one past it is refused with a clear 4xx', async (t) => {
  const { HTTP_LIMITS } = await import('../../src/hub/limits.js')
  const { MESSAGE_LIMITS } = await import('../../src/message/limits.js')
  const hub = await testHub(t)
  const post = async (payload: string, headers: Record<string, string> = {}, type = 'text/plain') =>
    await hub.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...LINE, 'content-type': type, ...headers }, payload })
  // Body bytes: a message padded with RSN-free filler is not a valid query, so only the status class matters at the limit.
  const base = 'DQ.TX0020100.IL.TXTOLN/D1'
  const atBody = await post(base + '.ATN/' + 'A'.repeat(HTTP_LIMITS.bodyBytes - base.length - 5))
  t.equal(atBody.statusCode, 400, 'a body of exactly the limit is read (and refused for its content, not its size)')
  t.equal((await post(base + '.ATN/' + 'A'.repeat(HTTP_LIMITS.bodyBytes - base.length - 4))).statusCode, 413, 'one byte more: 413')
  // Header lines: inject adds host and user-agent and content-length, content-type and authorization come with the post.
  const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-h${i}`, '1']))
  const fixed = 5
  t.equal((await post(base, extra(HTTP_LIMITS.headers - fixed))).statusCode, 200, `${HTTP_LIMITS.headers} header lines: fine`)
  const tooMany = await post(base, extra(HTTP_LIMITS.headers - fixed + 1))
  t.equal(tooMany.statusCode, 431, 'one more: 431')
  t.match(tooMany.json().replies[0].text, /more than 64 header lines/, 'with an ER')
  // Fields: 32 fields is the limit (the 32nd is refused for its prefix, not the count); 33 is over it.
  const fields = (n: number) => base + Array.from({ length: n - 1 }, (_, i) => `.X${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}/1`).join('')
  t.notMatch((await post(fields(MESSAGE_LIMITS.fields))).json().replies[0].text, /fields; at most/, '32 fields: not refused for the count')
  t.match((await post(fields(MESSAGE_LIMITS.fields + 1))).json().replies[0].text, /33 fields; at most 32/, '33: refused for the count')
  t.match((await send(hub, 'TX', { MessageKeyCodeText: 'DQ', OriginatingORIID: 'TX0020100', DestinationORIID: ['IL'], Fields: Array.from({ length: 33 }, () => ({ prefix: 'OLN', value: 'D1' })) })).body.replies[0]!.text,
    /33 fields; at most 32/, 'the JSON form too')
  // Field length.
  t.notMatch((await post(`DQ.TX0020100.IL.TXTOLN/${'1'.repeat(MESSAGE_LIMITS.fieldValue)}`)).json().replies[0].text, /characters long; at most/, '100 characters: the field rule speaks, not the limit')
  t.match((await post(`DQ.TX0020100.IL.TXTOLN/${'1'.repeat(MESSAGE_LIMITS.fieldValue + 1)}`)).json().replies[0].text, /OLN\/ is 101 characters long; at most 100 \(field 1\)/)
  // Destinations.
  t.equal((await post('RQ.TX0020100.IL,WA,NY,CA,FL.TXTLIC/ABC123.LIY/2025.LIT/PC')).statusCode, 200, '5 destinations')
  t.match((await post('RQ.TX0020100.IL,WA,NY,CA,FL,TX.TXTLIC/ABC123.LIY/2025.LIT/PC')).json().replies[0].text, /\.19\..*6 destinations; at most 5/s)
  // JSON depth.
  const nest = (n: number) => JSON.stringify({ MessageKeyCodeText: 'DQ', OriginatingORIID: 'TX0020100', DestinationORIID: ['IL'], Fields: { OLN: 'D1' }, Deep: JSON.parse('['.repeat(n - 1) + ']'.repeat(n - 1)) })
  t.notMatch((await post(nest(HTTP_LIMITS.jsonDepth), {}, 'application/json')).json().replies[0].text, /nested deeper/, '32 levels: parsed (and refused for the unknown property)')
  t.match((await post(nest(HTTP_LIMITS.jsonDepth + 1), {}, 'application/json')).json().replies[0].text, /nested deeper than 32 levels/)
})

t.test('a fault set for a state server that cannot be reached is recorded, and the answer says so (502, not 500)', async (t) => {
  const { createServer } = await import('node:net')
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as { port: number }).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  const hub = await testHub(t, { stateUrls: { IL: `http://127.0.0.1:${port}` }, stateTimeoutMs: 500 })
  const r = await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  t.equal(r.statusCode, 502)
  t.match(r.json(), { code: 'NSIM_HUB_STATE_UNREACHABLE', message: /fault recorded, but IL could not be told/ })
  const list = (await hub.app.inject({ url: '/v1/admin/states', headers: ADMIN })).json() as Array<{ state: string, fault: unknown, status: string }>
  t.match(list.find((s) => s.state === 'IL'), { fault: { mode: 'down' }, status: 'down' }, 'the hub keeps the fault it was asked for')
  t.same(await hub.ctx.sw.deps.state.destinations.load(), { IL: { status: 'up', disabledKeys: [], fault: { mode: 'down' } } }, 'and saves it')
})
