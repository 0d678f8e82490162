import { readFileSync } from 'node:fs'
import t from 'tap'
import { TRACE_STEPS } from '../../src/hub/trace.js'
import { ADMIN, send, tempAudit, testHub } from './helpers.js'

interface Traced {
  trace: {
    steps: Array<{ step: string, status: string, lines: string[], atMs: number }>
    events: Array<{ atMs: number, step: string, state?: string, text: string }>
    destinations: Array<{ state: string, effect: string | null, rule: string | null, status: string, transport: string | null, delivery: string, explanation: string[], replyKey: string }>
  }
}

function traceOf (body: unknown): Traced['trace'] {
  return (body as Traced).trace
}

t.test('?trace=1: every step in order, the regional rewrite, each state\'s decision with every rule checked', async (t) => {
  const hub = await testHub(t)
  const r = await send(hub, 'AX', 'DQG.VTICE0900.E1.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M', {}, '?trace=1')
  t.equal(r.status, 200)
  const tr = traceOf(r.body)
  t.same(tr.steps.map((s) => s.step), [...TRACE_STEPS], 'auth, parse, expand, decide, deliver, reply, audit')
  t.ok(tr.steps.every((s) => s.status === 'ok'))
  t.match(tr.steps[0]!.lines.join('\n'), /line AX, authenticated by its local demo token \(demo-AX\)[\s\S]*VTICE0900: .*Law Enforcement Support Center/)
  t.match(tr.steps[1]!.lines.join('\n'), /key DQG, sending ORI VTICE0900, destinations E1\nfields: NAM\/SMITH,JOHN\.DOB\/19800101\.SEX\/M/)
  const expand = tr.steps[2]!.lines.join('\n')
  t.match(expand, /region E1: WI, IL, IN, MI, OH, MN/)
  t.match(expand, /DQG is a regional key: each state receives it as DQ/)
  const byState = new Map(tr.destinations.map((d) => [d.state, d]))
  t.same([...byState.keys()].sort(), ['IL', 'IN', 'MI', 'MN', 'OH', 'WI'])
  t.match(byState.get('IL'), { effect: 'deny', rule: 'il-deny-ice', status: 'denied', transport: 'in-process', delivery: /not delivered: denied/ })
  t.match(byState.get('MN'), { effect: 'deny', rule: 'mn-deny-ice', status: 'denied' })
  t.match(byState.get('WI'), { effect: 'allow', rule: null, transport: 'in-process', delivery: /delivered in process/ })
  t.match(byState.get('IL')!.explanation.join('\n'), /il-deny-ice \(deny\) MATCHES[\s\S]*il-redact-photo-immigration/, 'every rule of the state, checked')
  for (const d of r.body.decisions) t.ok((d as { explanation?: unknown }).explanation, 'trace implies explain')
  const events = tr.events
  t.ok(events.every((e, i) => i === 0 || events[i - 1]!.atMs <= e.atMs), 'events in time order')
  t.equal(events.filter((e) => e.step === 'deliver').length, 6, 'one delivery event per destination')
})

t.test('a JSON message is traced the same way', async (t) => {
  const hub = await testHub(t)
  const r = await send(hub, 'AX', { MessageKeyCodeText: 'DQ', OriginatingORIID: 'VTICE0900', DestinationORIID: ['IL'], Fields: { OLN: 'D1234561' } }, {}, '?trace=1')
  const tr = traceOf(r.body)
  t.equal(r.status, 200)
  t.same(tr.steps.map((s) => s.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
  t.match(tr.steps[1]!.lines[0], /key DQ, sending ORI VTICE0900, destinations IL/)
  t.match(tr.destinations[0], { state: 'IL', effect: 'deny', rule: 'il-deny-ice' })
})

t.test('the audit step holds the records the audit file got', async (t) => {
  const file = tempAudit()
  const hub = await testHub(t, { auditFile: file })
  const r = await send(hub, 'TC', 'DQ.AZCBP0100.IL.TXTOLN/D1234561.IMQ/Y', {}, '?trace=1')
  const tr = traceOf(r.body)
  t.match(tr.destinations[0], { state: 'IL', effect: 'redact', rule: 'il-redact-photo-immigration', status: 'hit' })
  const audit = tr.steps.find((s) => s.step === 'audit')!
  t.equal(audit.lines.length, 1)
  await hub.ctx.audit.flush()
  const line = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.id === r.body.id)
  t.ok(line, 'the file has the message\'s record')
  const traced = JSON.parse(audit.lines[0]!) as Record<string, unknown>
  for (const k of ['id', 'destination', 'effect', 'rule', 'status', 'policyVersion']) t.equal(traced[k], line![k], `${k} as written`)
})

t.test('refused messages: parse failures and foreign ORIs fail their step; the later ones are skipped', async (t) => {
  const hub = await testHub(t)
  const bad = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/', {}, '?trace=1')
  t.equal(bad.status, 400)
  const b = traceOf(bad.body)
  t.same(b.steps.map((s) => s.step), [...TRACE_STEPS], 'all steps present')
  t.same(b.steps.map((s) => s.status), ['ok', 'failed', 'skipped', 'skipped', 'skipped', 'ok', 'ok'])
  t.match(b.steps[1]!.lines.at(-1), /^ER \.\d\d /)
  t.same(b.destinations, [])
  const foreign = await send(hub, 'TX', 'DQ.VTICE0900.IL.TXTOLN/D1', {}, '?trace=1')
  t.equal(foreign.status, 403)
  const f = traceOf(foreign.body)
  t.equal(f.steps[0]!.status, 'failed')
  t.match(f.steps[0]!.lines.join('\n'), /belongs to line AX; this connection is line TX/)
  t.equal(f.steps.find((s) => s.step === 'audit')!.lines.filter((l) => l.includes('"kind":"refusal"')).length, 1, 'the refusal record')
})

t.test('each destination of a multi-state query keeps its own reply; a state down is queued or not answering', async (t) => {
  const hub = await testHub(t)
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/NY/fault', headers: ADMIN, payload: { mode: 'down' } })
  const nl = await send(hub, 'TX', 'DQ.TX0020100.NL.TXTNAM/SMITH,JOHN.DOB/19800101.SEX/M', {}, '?trace=1')
  const tr = traceOf(nl.body)
  t.ok(tr.destinations.length >= 50, 'NL fans out')
  t.match(tr.destinations.find((d) => d.state === 'NY'), { effect: 'allow', status: 'noanswer', delivery: /out of service.*not stored/ })
  t.ok(nl.body.replies.some((r) => r.status === 'summary'), 'the sender gets the merged replies')
  await hub.app.inject({ method: 'PUT', url: '/v1/admin/states/IL/fault', headers: ADMIN, payload: { mode: 'down' } })
  const q = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1234561', {}, '?trace=1')
  t.match(traceOf(q.body).destinations[0], { state: 'IL', status: 'queued', replyKey: 'SM', delivery: /queued, SM \.02/ })
})

t.test('without ?trace there is no trace; the OpenAPI document describes it', async (t) => {
  const hub = await testHub(t, { docs: true })
  const plain = await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1234561')
  t.equal((plain.body as unknown as Traced).trace, undefined)
  t.equal(hub.ctx.auditTap.listening, 0, 'no listener left behind by traced messages')
  const doc = (await hub.app.inject({ url: '/docs/json' })).json() as { paths: Record<string, { post?: { parameters?: Array<{ name: string }> } }> }
  t.ok(doc.paths['/v1/messages']?.post?.parameters?.some((p) => p.name === 'trace'), 'the trace parameter is documented')
  t.match(JSON.stringify(doc), /what the switch did, step by step/)
})
