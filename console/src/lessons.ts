/**
 * @module console/lessons
 * The lesson player: pick a lesson, play its steps one by one (each fills the
 * compose box and sends, puts a state in a fault, asks a policy about a date,
 * or reads an inbox), read what the class should observe, and see the step
 * checked against what the hub answered.
 */
import { api } from './api.js'
import { send, setRaw } from './compose.js'
import { byId, fill, h } from './dom.js'
import { setFault } from './faults.js'
import { refreshInbox, setInboxLine } from './inbox.js'
import type { Lesson, LessonStep, MessageAnswer } from './types.js'

let lessons: readonly Lesson[] = []
let onSent: (a: MessageAnswer, line: string) => void = () => {}

/** Play one step; returns what was found wrong (empty: as the lesson says). */
async function play (s: LessonStep): Promise<{ problems: string[], note: string }> {
  if (s.kind === 'send') {
    setRaw(s.message)
    const r = await send()
    if (r === undefined) return { problems: ['not sent'], note: '' }
    onSent(r.answer, r.line)
    const got = new Map((r.answer.trace?.destinations ?? []).map((d) => [d.state, d]))
    const problems: string[] = []
    for (const e of s.expect) {
      const d = got.get(e.state)
      if (d === undefined) { problems.push(`${e.state}: not a destination`); continue }
      if (e.effect !== undefined && d.effect !== e.effect) problems.push(`${e.state}: effect ${d.effect ?? 'none'}, expected ${e.effect}`)
      if (e.rule !== undefined && d.rule !== e.rule) problems.push(`${e.state}: rule ${d.rule ?? 'default'}, expected ${e.rule ?? 'default'}`)
      if (e.status !== undefined && d.status !== e.status) problems.push(`${e.state}: status ${d.status}, expected ${e.status}`)
    }
    return { problems, note: `sent ${s.message}` }
  }
  if (s.kind === 'fault') return { problems: [], note: await setFault(s.state, s.mode) }
  if (s.kind === 'explain') {
    const r = await api<{ effect: string, rule: string | null, text: string[] }>('/v1/console/explain', { body: { ori: s.ori, state: s.state, key: s.key, time: s.time } })
    const problems: string[] = []
    if (r.effect !== s.expect.effect || r.rule !== s.expect.rule) problems.push(`${r.effect} by ${r.rule ?? 'default'}, expected ${s.expect.effect} by ${s.expect.rule ?? 'default'}`)
    return { problems, note: r.text.join('\n') }
  }
  setInboxLine(s.line)
  await refreshInbox()
  const n = [...byId('inbox').querySelectorAll('[data-testid="inbox-item"]')].filter((li) => li.textContent?.includes(s.expect.from)).length
  return { problems: n >= s.expect.atLeast ? [] : [`${n} repl${n === 1 ? 'y' : 'ies'} from ${s.expect.from}, expected at least ${s.expect.atLeast}`], note: `${n} from ${s.expect.from} in line ${s.line}'s inbox` }
}

function render (): void {
  const l = lessons.find((x) => x.id === byId<HTMLSelectElement>('lesson').value)
  if (l === undefined) return
  byId('lesson-question').textContent = l.question
  fill(byId('lesson-steps'), ...l.steps.map((s, i) => {
    const out = h('div', { class: 'lesson-out', 'aria-live': 'polite' })
    const b = h('button', { type: 'button' }, `Play step ${i + 1}`)
    const li = h('li', { 'data-testid': 'lesson-step', 'data-kind': s.kind }, h('p', {}, s.say), b, out)
    b.addEventListener('click', () => {
      b.disabled = true
      play(s).then(({ problems, note }) => {
        li.dataset.result = problems.length === 0 ? 'pass' : 'fail'
        fill(out, h('p', { class: 'observe' }, `Observe: ${s.observe}`),
          h('p', { class: problems.length === 0 ? 'ok' : 'bad' }, problems.length === 0 ? 'Checked: the hub answered as the lesson says.' : `Not as the lesson says: ${problems.join('; ')}`),
          note ? h('pre', {}, note) : '')
      }).catch((err: Error) => {
        li.dataset.result = 'fail'
        fill(out, h('p', { class: 'bad' }, `step failed: ${err.message}`))
      }).finally(() => { b.disabled = false })
    })
    return li
  }))
}

export async function initLessons (sent: (a: MessageAnswer, line: string) => void): Promise<void> {
  onSent = sent
  lessons = await api<Lesson[]>('/v1/console/lessons')
  const sel = byId<HTMLSelectElement>('lesson')
  fill(sel, ...lessons.map((l) => h('option', { value: l.id }, l.title)))
  sel.addEventListener('change', render)
  render()
}
