/**
 * @module console/trace-view
 * The last message's route through the switch, as the hub traced it: the
 * steps in order (previous and next walk them, as Packet Tracer's simulation
 * mode steps a packet), the event list beside them, one line per destination
 * with its decision and reply status, and the replies as text and as data.
 */
import { byId, fill, h } from './dom.js'
import { nameOf } from './tiles.js'
import type { MessageAnswer, TraceStep } from './types.js'

let steps: readonly TraceStep[] = []
let current = 0
let last: MessageAnswer | undefined

function showStep (i: number, focus = false): void {
  if (steps.length === 0) return
  current = Math.max(0, Math.min(steps.length - 1, i))
  const items = byId('trace').querySelectorAll<HTMLElement>('[data-testid="trace-step"]')
  items.forEach((li, j) => {
    li.classList.toggle('current', j === current)
    const b = li.querySelector('button')
    if (b) b.setAttribute('aria-current', j === current ? 'step' : 'false')
  })
  if (focus) items[current]?.querySelector('button')?.focus()
  const s = steps[current]!
  byId<HTMLButtonElement>('prev').disabled = current === 0
  byId<HTMLButtonElement>('next').disabled = current === steps.length - 1
  byId('step-pos').textContent = `Step ${current + 1} of ${steps.length}: ${s.title} (${s.status})`
  const detail: HTMLElement[] = [h('h3', {}, `${current + 1}. ${s.title}`)]
  if (s.step === 'audit') detail.push(h('pre', { class: 'audit' }, s.lines.join('\n')))
  else detail.push(h('ul', {}, ...s.lines.map((l) => h('li', {}, l))))
  if (s.step === 'decide' && last?.trace) {
    for (const d of last.trace.destinations) {
      if (d.explanation.length === 0) continue
      detail.push(h('details', {}, h('summary', {}, `Why ${nameOf(d.state)} decided ${d.effect ?? 'nothing'}: every rule checked`), h('pre', {}, d.explanation.join('\n'))))
    }
  }
  fill(byId('step-detail'), ...detail)
}

export function renderAnswer (a: MessageAnswer): void {
  last = a
  const t = a.trace
  steps = t?.steps ?? []
  fill(byId('trace'), ...steps.map((s, i) => {
    const b = h('button', { type: 'button', class: 'step-btn' }, `${i + 1}. ${s.title}: ${s.status}`)
    b.addEventListener('click', () => { showStep(i) })
    return h('li', { 'data-testid': 'trace-step', 'data-step': s.step, class: `step ${s.status}` }, b)
  }))
  fill(byId('events'), ...(t?.events ?? []).map((e) => h('tr', { 'data-step': e.step, 'data-state': e.state ?? '' }, h('td', {}, e.atMs.toFixed(1)), h('td', {}, e.step), h('td', {}, e.state ?? ''), h('td', {}, e.text))))
  filterEvents()
  fill(byId('destinations-out'), ...(t?.destinations ?? []).map((d) => h('li', {
    'data-testid': 'destination-result', 'data-state': d.state, 'data-effect': d.effect ?? '', 'data-rule': d.rule ?? '', 'data-status': d.status,
    class: `dest ${d.status}`,
  }, `${d.state} (${nameOf(d.state)}): ${d.effect ?? 'no decision'}${d.rule ? ` by ${d.rule}` : d.effect ? ' by the default' : ''}${d.redact?.length ? `, stripped ${d.redact.join(', ')}` : ''}; reply ${d.replyKey} ${d.status}; ${d.delivery}`)))
  fill(byId('replies'), ...a.replies.map((r) => {
    const parts: Array<HTMLElement | string> = [h('pre', { class: 'reply' }, r.text)]
    if (r.image) parts.push(h('img', { src: `data:${r.image.mime};base64,${r.image.data}`, alt: `photo returned by ${r.from}`, class: 'photo' }))
    parts.push(h('details', {}, h('summary', {}, 'as data'), h('pre', {}, JSON.stringify({ ...r, image: r.image ? '(image)' : undefined }, null, 2))))
    return h('div', { class: `reply-box ${r.status}` }, h('p', {}, `${r.key} from ${r.from}${r.state ? ` (${r.state})` : ''}: ${r.status}`), ...parts)
  }))
  showStep(0)
}

/** Show only the events of the chosen layer and state (as Packet Tracer's event list filters by protocol). */
function filterEvents (): void {
  const layer = byId<HTMLSelectElement>('events-layer').value
  const state = byId<HTMLInputElement>('events-state').value.trim().toUpperCase()
  const rows = byId('events').querySelectorAll<HTMLElement>('tr')
  let shown = 0
  for (const r of rows) {
    const keep = (layer === '' || r.dataset.step === layer) && (state === '' || r.dataset.state === state)
    r.hidden = !keep
    if (keep) shown++
  }
  byId('events-shown').textContent = layer === '' && state === '' ? '' : `${shown} of ${rows.length} events`
}

export function initTrace (): void {
  byId('events-layer').addEventListener('change', filterEvents)
  byId('events-state').addEventListener('input', filterEvents)
  byId('prev').addEventListener('click', () => { showStep(current - 1) })
  byId('next').addEventListener('click', () => { showStep(current + 1) })
  byId('trace').addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') { showStep(current + 1, true); e.preventDefault() }
    if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') { showStep(current - 1, true); e.preventDefault() }
  })
}
