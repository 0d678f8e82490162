/**
 * @module console/live
 * Live traffic: the hub's decisions as server-sent events (one summary a
 * second: queries by requester component and by destination state, the
 * latest denials and redactions), and the built-in generator that drives the
 * hub with the calibrated mix at a chosen rate.
 */
import { api } from './api.js'
import { byId, fill, h } from './dom.js'
import { nameOf } from './tiles.js'

interface Tick {
  at: number
  total: number
  byComponent: Record<string, number>
  byState: Record<string, { allow: number, deny: number, redact: number }>
  notable: Array<{ at: number, ori: string, component: string, state: string, effect: string, rule: string | null, key: string }>
  generator: { running: boolean, rate: number, sent?: number, dropped?: number }
}

let source: EventSource | undefined

function bars (entries: Array<[string, number, string]>, max: number): HTMLElement[] {
  return entries.map(([label, n, cls]) => h('li', { class: cls },
    h('span', { class: 'bar-label' }, label),
    h('meter', { min: 0, max: Math.max(1, max), value: n, 'aria-label': `${label}: ${n} a second` }),
    h('span', { class: 'bar-n' }, String(n))))
}

function render (t: Tick): void {
  const g = t.generator
  const sent = g.sent === undefined ? '' : `, ${g.sent} sent${g.dropped ? `, ${g.dropped} dropped (more than the hub answered in time)` : ''}`
  byId('live-status').textContent = `${t.total} decisions in the last second; generator ${g.running ? `running at ${g.rate}/s` : 'stopped'}${sent}`
  const comps = Object.entries(t.byComponent).sort((a, b) => b[1] - a[1])
  fill(byId('live-components'), ...bars(comps.map(([c, n]) => [c, n, 'bar']), comps[0]?.[1] ?? 1))
  const states = Object.entries(t.byState).map(([s, c]) => [s, c.allow + c.deny + c.redact, c] as const).sort((a, b) => b[1] - a[1]).slice(0, 10)
  fill(byId('live-states'), ...bars(states.map(([s, n, c]) => [`${s} ${nameOf(s)}${c.deny ? `, ${c.deny} denied` : ''}${c.redact ? `, ${c.redact} redacted` : ''}`, n, c.deny || c.redact ? 'bar hot' : 'bar']), states[0]?.[1] ?? 1))
  fill(byId('live-notable'), ...t.notable.toReversed().map((n) => h('li', { class: n.effect },
    `${new Date(n.at).toLocaleTimeString()} ${n.effect.toUpperCase()} ${n.key} ${n.ori} (${n.component}) to ${n.state}: ${n.rule ?? 'default'}`)))
}

function toggle (): void {
  const b = byId('live-toggle')
  if (source !== undefined) {
    source.close()
    source = undefined
    b.setAttribute('aria-pressed', 'false')
    b.textContent = 'Watch live'
    byId('live-status').textContent = 'not watching'
    return
  }
  source = new EventSource('/v1/console/live')
  source.addEventListener('tick', (e) => { render(JSON.parse((e as MessageEvent<string>).data) as Tick) })
  source.addEventListener('error', () => { byId('live-status').textContent = 'live view: connection lost, retrying' })
  b.setAttribute('aria-pressed', 'true')
  b.textContent = 'Stop watching'
  byId('live-status').textContent = 'watching: the first summary comes within a second'
}

export function initLive (): void {
  byId('live-toggle').addEventListener('click', toggle)
  byId('gen-start').addEventListener('click', () => {
    const rate = Math.min(500, Math.max(1, Math.round(Number(byId<HTMLInputElement>('gen-rate').value) || 20)))
    api<{ rate: number }>('/v1/console/generator', { method: 'PUT', body: { rate } })
      .then((s) => { byId('live-status').textContent = `generator running at ${s.rate} messages a second${source === undefined ? ' (select Watch live to see it)' : ''}` })
      .catch((err: Error) => { byId('live-status').textContent = `generator: ${err.message}` })
  })
  byId('gen-stop').addEventListener('click', () => {
    api('/v1/console/generator', { method: 'DELETE' })
      .then(() => { byId('live-status').textContent = 'generator stopped' })
      .catch((err: Error) => { byId('live-status').textContent = `generator: ${err.message}` })
  })
}
