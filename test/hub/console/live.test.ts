import { request } from 'node:http'
import t from 'tap'
import { AuditTap } from '../../../src/hub/audit-tap.js'
import { noAudit } from '../../../src/hub/audit.js'
import { LiveFeed, NOTABLE_MAX } from '../../../src/hub/console/live.js'
import { send, testHub } from '../helpers.js'

t.test('the feed counts decisions by component and state, keeps the latest denials, listens only while watched', async (t) => {
  const tap = new AuditTap(noAudit)
  const feed = new LiveFeed(tap, (ori) => ori.startsWith('VTICE') ? 'ICE-ERO' : 'local', () => ({ running: false, rate: 0, sent: 0, dropped: 0 }))
  const rec = (ori: string, destination: string, effect: string, rule: string | null) => ({
    kind: 'decision' as const, id: 'x', key: 'DQ', ori, line: 'TX', destination, effect, rule, policyVersion: 'v', replyKey: 'DR', status: 'hit', latencyMs: 0,
  })
  t.equal(tap.listening, 0)
  const ticks: Array<ReturnType<LiveFeed['tick']>> = []
  const stop = feed.watch((x) => { ticks.push(x) }, 60_000)
  t.equal(tap.listening, 1, 'listens once watched')
  tap.write(rec('TX0020100', 'IL', 'allow', null))
  tap.write(rec('VTICE0900', 'IL', 'deny', 'il-deny-ice'))
  tap.write(rec('VTICE0900', 'WA', 'deny', 'wa-deny-ice'))
  tap.write({ kind: 'refusal', id: 'y', key: null, ori: null, line: 'TX', httpStatus: 400, code: '.14', reason: 'x' })
  const tick = feed.tick()
  t.equal(tick.total, 3, 'refusals are not decisions')
  t.same(tick.byComponent, { local: 1, 'ICE-ERO': 2 })
  t.same(tick.byState, { IL: { allow: 1, deny: 1, redact: 0 }, WA: { allow: 0, deny: 1, redact: 0 } })
  t.same(tick.notable.map((n) => n.rule), ['il-deny-ice', 'wa-deny-ice'])
  t.equal(feed.tick().total, 0, 'a new second starts empty')
  for (let i = 0; i < NOTABLE_MAX + 5; i++) tap.write(rec('VTICE0900', 'MN', 'deny', `r${i}`))
  t.equal(feed.tick().notable.length, NOTABLE_MAX, 'bounded')
  stop()
  t.equal(tap.listening, 0, 'stops listening when the last viewer leaves')
})

t.test('GET /v1/console/live streams ticks; the generator drives the hub with the calibrated mix', async (t) => {
  const hub = await testHub(t, { now: undefined })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (hub.app.server.address() as { port: number }).port
  const events: Array<{ total: number, byComponent: Record<string, number>, generator: { running: boolean } }> = []
  const req = request({ host: '127.0.0.1', port, path: '/v1/console/live' })
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => { req.on('response', resolve); req.on('error', reject); req.end() })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/event-stream/)
  let buf = ''
  res.setEncoding('utf8')
  res.on('data', (chunk: string) => {
    buf += chunk
    let i
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i)
      buf = buf.slice(i + 2)
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (/^event: tick$/m.test(block) && data) events.push(JSON.parse(data))
    }
  })
  await send(hub, 'AX', 'DQ.VTICE0900.IL.TXTOLN/D1')
  const started = await hub.app.inject({ method: 'PUT', url: '/v1/console/generator', payload: { rate: 100 } })
  t.match(started.json(), { running: true, rate: 100 })
  t.equal((await hub.app.inject({ method: 'PUT', url: '/v1/console/generator', payload: { rate: 100000 } })).statusCode, 400, 'a rate over the bound is refused')
  // Wait (bounded by the test's timeout, not timed) for ticks that show the generator's traffic.
  while (!(events.some((e) => e.byComponent['ICE-ERO'] === 1) && events.some((e) => e.generator.running && e.total > 0 && (e.byComponent.local ?? 0) > 0))) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.pass('the ICE query and the generated traffic were seen live')
  const status = (await hub.app.inject({ url: '/v1/console/generator' })).json()
  t.ok(status.sent > 0, 'the generator sent messages')
  t.match((await hub.app.inject({ method: 'DELETE', url: '/v1/console/generator' })).json(), { running: false })
  req.destroy()
})
