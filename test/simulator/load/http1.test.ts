/**
 * @module test/simulator/load/http1
 * The load generator's HTTP/1.1 client against a node:http server on an
 * ephemeral port: Content-Length and chunked bodies, `Connection: close`,
 * more requests than connections (queued), a server that never answers
 * (timeout) and a port nobody listens on (connection error).
 */
import { createServer, type Server } from 'node:http'
import t from 'tap'
import { buildRequest, Http1Client, TimeoutError } from '../../../simulator/load/http1.js'

function listen (s: Server): Promise<URL> {
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(new URL(`http://127.0.0.1:${(s.address() as { port: number }).port}`))))
}

const server = createServer((req, res) => {
  let body = ''
  req.on('data', (c: Buffer) => { body += c.toString() })
  req.on('end', () => {
    if (req.url === '/chunked') { res.write('{"a":'); res.end(`${JSON.stringify(body)}}`); return }
    if (req.url === '/close') { res.setHeader('connection', 'close'); res.end('bye'); return }
    if (req.url === '/never') return
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ got: body, auth: req.headers.authorization ?? null }))
  })
})
const url = await listen(server)
t.teardown(() => { server.closeAllConnections(); server.close() })

const send = (c: Http1Client, path: string, body = 'x'): Promise<{ err: Error | null, status: number, body: string, bytes: number }> =>
  new Promise((resolve) => c.request(buildRequest(url, path, { authorization: 'Bearer demo-TX' }, body), (err, status, b, bytes) => resolve({ err, status, body: b, bytes })))

t.test('content-length and chunked bodies; more requests than connections', async (t) => {
  const c = new Http1Client(url, 2, 5000)
  t.teardown(() => c.close())
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => send(c, '/json', `m${i}é`)))
  rs.forEach((r, i) => {
    t.equal(r.err, null)
    t.equal(r.status, 200)
    t.same(JSON.parse(r.body), { got: `m${i}é`, auth: 'Bearer demo-TX' }, `answer ${i} in order of its request`)
    t.ok(r.bytes > r.body.length, 'size counts the head')
  })
  const ch = await send(c, '/chunked', 'hello')
  t.equal(ch.status, 200)
  t.same(JSON.parse(ch.body), { a: 'hello' })
  const after = await send(c, '/json', 'again')
  t.same(JSON.parse(after.body).got, 'again', 'the connection goes on after a chunked body')
})

t.test('connection: close reopens; a request never answered times out', async (t) => {
  const c = new Http1Client(url, 1, 200)
  t.teardown(() => c.close())
  t.equal((await send(c, '/close')).body, 'bye')
  t.equal((await send(c, '/json', 'next')).status, 200, 'a new connection after close')
  const never = await send(c, '/never')
  t.ok(never.err instanceof TimeoutError, 'timeout')
  t.equal((await send(c, '/json', 'later')).status, 200, 'and a new connection after a timeout')
})

t.test('nobody listening: a connection error', async (t) => {
  const s = createServer()
  const u = await listen(s)
  await new Promise<void>((resolve) => s.close(() => resolve()))
  const c = new Http1Client(u, 1, 5000)
  t.teardown(() => c.close())
  const r = await new Promise<Error | null>((resolve) => c.request(buildRequest(u, '/', {}, 'x'), (err) => resolve(err)))
  t.ok(r instanceof Error && !(r instanceof TimeoutError), String(r))
})
