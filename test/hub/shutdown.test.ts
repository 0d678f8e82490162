/**
 * SIGTERM drains: requests in flight on keep-alive connections finish, new ones
 * get 503 with Retry-After (and /health says draining) until the hub closes.
 */
import t from 'tap'
import { Pool } from 'undici'
import { startHubProcess } from './process.js'

t.test('SIGTERM: in-flight keep-alive requests finish, new ones get 503 with Retry-After, nothing is reset', async (t) => {
  const hub = await startHubProcess(t, ['--ephemeral', '--audit', 'off'], { NSIM_DRAIN_MS: '1500' })
  const pool = new Pool(hub.url, { connections: 8, pipelining: 1 })
  t.teardown(async () => { await pool.close() })
  const tally = { ok: 0, draining: 0, retryAfter: 0, other: 0, errors: [] as string[] }
  const run = { stop: false, termAt: 0 }
  const send = async (): Promise<void> => {
    while (!run.stop) {
      try {
        const res = await pool.request({
          method: 'POST', path: '/v1/messages', body: 'DQ.TX0020100.IL.TXTOLN/D1234561',
          headers: { authorization: 'Bearer demo-TX', 'content-type': 'text/plain' },
        })
        await res.body.dump()
        if (res.statusCode === 200) tally.ok++
        else if (res.statusCode === 503) {
          tally.draining++
          if (res.headers['retry-after'] === '1') tally.retryAfter++
          return // a well-behaved client honours Retry-After: this one goes away
        } else tally.other++
      } catch (err) {
        tally.errors.push(`${(err as { code?: string }).code ?? ''} ${(err as Error).message}`)
        return
      }
      if (run.termAt === 0 && tally.ok >= 200) {
        run.termAt = Date.now()
        hub.child.kill('SIGTERM')
      }
    }
  }
  const health = (async () => {
    while (run.termAt === 0) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 300))
    const res = await pool.request({ method: 'GET', path: '/health' })
    return { status: res.statusCode, body: await res.body.json() }
  })()
  await Promise.all(Array.from({ length: 8 }, send))
  const h = await health
  run.stop = true
  await hub.stop('SIGTERM')
  t.ok(tally.ok >= 200, `answered before the signal (${tally.ok})`)
  t.same(tally.errors, [], 'no request was reset or failed')
  t.equal(tally.other, 0)
  t.ok(tally.draining > 0 && tally.retryAfter === tally.draining, `every refusal while draining is a 503 with Retry-After (${tally.draining})`)
  t.same(h, { status: 503, body: { status: 'draining' } }, '/health tells a load balancer to look elsewhere')
  t.match(hub.output(), /hub listening/)
})
