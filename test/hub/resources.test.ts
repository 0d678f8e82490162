/**
 * Resources stay bounded under abuse: a thousand slow clients, thousands of
 * messages from unknown senders and with random keys. Connections are capped
 * and the slow ones cut off; metric series and the heap do not grow with the
 * number of distinct bad inputs. Bounded in count and time; loopback only.
 */
import { connect, type Socket } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import t from 'tap'
import { request } from 'undici'
import { ADMIN, testHub } from './helpers.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

async function connections (server: import('node:net').Server): Promise<number> {
  return await new Promise((resolve, reject) => { server.getConnections((err, n) => { if (err) reject(err); else resolve(n) }) })
}

t.test('slow clients, unknown senders and random keys leave connections, series and memory bounded', async (t) => {
  const hub = await testHub(t, { requestTimeoutMs: 1000, maxConnections: 600 })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = hub.app.server.address() as { port: number }
  const base = `http://127.0.0.1:${port}`
  gc()
  const heapBefore = process.memoryUsage().heapUsed

  // A thousand slow clients: headers promise a body that never comes.
  const sockets: Socket[] = []
  for (let i = 0; i < 1000; i++) {
    const s = connect(port, '127.0.0.1')
    s.on('error', () => {})
    s.resume() // read what the server sends (a 408), so its close is seen
    s.on('connect', () => { s.write(`POST /v1/messages HTTP/1.1\r\nHost: hub\r\nContent-Type: text/plain\r\nContent-Length: 500\r\n\r\nDQ.`) })
    sockets.push(s)
  }
  let most = 0
  for (let i = 0; i < 20; i++) {
    most = Math.max(most, await connections(hub.app.server))
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  t.ok(most > 0 && most <= 600, `connections capped at 600 (at most ${most} open at once)`)

  // The slow ones are cut off (408 or closed) within the request timeout and its check.
  const deadline = Date.now() + 10_000
  while (sockets.some((s) => !s.destroyed && !s.closed) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(sockets.filter((s) => !s.closed).length, 0, 'every slow client was cut off')
  for (const s of sockets) s.destroy()

  // Then: unknown senders, random keys, random ORIs on a real line.
  const statuses = new Map<number, number>()
  const rnd = (n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string => Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('')
  for (let i = 0; i < 3000; i += 50) {
    await Promise.all(Array.from({ length: 50 }, async (_, j) => {
      const kind = (i + j) % 3
      const body = kind === 0 ? `${rnd(3, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}.TX0020100.IL.TXTOLN/D1` : kind === 1 ? `DQ.TX${rnd(7)}.IL.TXTOLN/D1` : `DQ.${rnd(9)}.${rnd(2, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')}.TXTOLN/D1`
      const auth = kind === 2 ? `Bearer ${rnd(12)}` : 'Bearer demo-TX'
      const res = await request(`${base}/v1/messages`, { method: 'POST', headers: { authorization: auth, 'content-type': 'text/plain' }, body })
      await res.body.dump()
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    }))
  }
  t.notOk([...statuses.keys()].some((s) => s >= 500), `no 5xx (${[...statuses].map(([s, n]) => `${s}: ${n}`).join(', ')})`)

  const metrics = await request(`${base}/metrics`, { headers: ADMIN })
  const text = await metrics.body.text()
  const series = text.split('\n').filter((l) => l.startsWith('nsim_messages_total{') || l.startsWith('nsim_er_total{'))
  t.ok(series.length <= 20, `message and ER series stay few after 3,000 random inputs (${series.length})`)
  gc()
  const grown = (process.memoryUsage().heapUsed - heapBefore) / 1e6
  t.ok(grown < 64, `heap grew ${grown.toFixed(1)} MB`)
})
