/**
 * Every built-in lesson, played against a hub with the shipped policies through
 * the routes the console uses: each step must show what the lesson tells the
 * class to observe.
 */
import t from 'tap'
import { LESSONS, type LessonStep } from '../../../src/hub/console/lessons.js'
import type { Hub } from '../../../src/hub/app.js'
import { testHub } from '../helpers.js'

interface DestinationTrace { state: string, effect: string | null, rule: string | null, status: string }

/** Play one step as the console does; returns what differs from the lesson. */
async function play (hub: Hub, s: LessonStep): Promise<string[]> {
  if (s.kind === 'send') {
    const check = (await hub.app.inject({ method: 'POST', url: '/v1/console/check', payload: { text: s.message } })).json() as { ok: boolean, line: string }
    if (!check.ok) return [`the console's check refuses ${s.message}`]
    const res = await hub.app.inject({
      method: 'POST', url: '/v1/messages?trace=1', headers: { authorization: `Bearer demo-${check.line}`, 'content-type': 'text/plain' }, payload: s.message,
    })
    const got = new Map(((res.json() as { trace: { destinations: DestinationTrace[] } }).trace.destinations).map((d) => [d.state, d]))
    const out: string[] = []
    for (const e of s.expect) {
      const d = got.get(e.state)
      if (d === undefined) { out.push(`${e.state} not a destination`); continue }
      if (e.effect !== undefined && d.effect !== e.effect) out.push(`${e.state}: effect ${d.effect}`)
      if (e.rule !== undefined && d.rule !== e.rule) out.push(`${e.state}: rule ${d.rule}`)
      if (e.status !== undefined && d.status !== e.status) out.push(`${e.state}: status ${d.status}`)
    }
    return out
  }
  if (s.kind === 'fault') {
    const res = s.mode === 'removed'
      ? await hub.app.inject({ method: 'PUT', url: `/v1/console/states/${s.state}/status`, payload: { status: 'removed' } })
      : await hub.app.inject({ method: 'PUT', url: `/v1/console/states/${s.state}/fault`, payload: { mode: s.mode } })
    return res.statusCode === 200 ? [] : [`fault: HTTP ${res.statusCode}`]
  }
  if (s.kind === 'explain') {
    const r = (await hub.app.inject({ method: 'POST', url: '/v1/console/explain', payload: { ori: s.ori, state: s.state, key: s.key, time: s.time } })).json() as { effect: string, rule: string | null }
    return r.effect === s.expect.effect && r.rule === s.expect.rule ? [] : [`explain: ${r.effect} by ${r.rule}`]
  }
  const inbox = (await hub.app.inject({ url: '/v1/inbox', headers: { authorization: `Bearer demo-${s.line}` } })).json() as { replies: Array<{ from: string }> }
  const n = inbox.replies.filter((r) => r.from === s.expect.from).length
  return n >= s.expect.atLeast ? [] : [`inbox: ${n} from ${s.expect.from}`]
}

t.test('the lessons are served as the console reads them', async (t) => {
  const hub = await testHub(t)
  const res = await hub.app.inject({ url: '/v1/console/lessons' })
  t.equal(res.statusCode, 200)
  t.same(res.json(), JSON.parse(JSON.stringify(LESSONS)))
  t.ok(LESSONS.length >= 3)
  t.same(new Set(LESSONS.map((l) => l.id)).size, LESSONS.length, 'unique ids')
})

for (const lesson of LESSONS) {
  t.test(`lesson ${lesson.id}: every step shows what the class should observe`, async (t) => {
    // Today is after 19 November 2025 for Washington's rule, as on any real day since.
    const hub = await testHub(t)
    for (const [i, step] of lesson.steps.entries()) {
      t.ok(step.say.length > 0 && step.observe.length > 0, `step ${i + 1} says what to do and what to observe`)
      t.same(await play(hub, step), [], `step ${i + 1} (${step.kind}) as the lesson says`)
    }
  })
}

t.test('the README lists every lesson with its question', async (t) => {
  const readme = (await import('node:fs')).readFileSync('README.md', 'utf8')
  for (const l of LESSONS) t.ok(readme.includes(`| ${l.title} | ${l.question} |`), `${l.id} in the README`)
})
