/**
 * @module console/map
 * The country as a tile map (SVG), each destination of the last message
 * coloured by its outcome, with a legend. Selecting a state (click, or Enter
 * or Space on the focused tile) opens its policy with the rule that decided
 * the last message highlighted, and the rule-by-rule explanation.
 */
import { api } from './api.js'
import { byId, fill, h, svg } from './dom.js'
import { nameOf, TILE_COLS, TILE_ROWS, TILES } from './tiles.js'
import type { DestinationTrace, MessageAnswer } from './types.js'

export const OUTCOMES = ['allowed', 'denied', 'redacted', 'no-record', 'queued', 'not-answering', 'none'] as const
export type Outcome = (typeof OUTCOMES)[number]

const LABELS: Record<Outcome, string> = {
  allowed: 'allowed', denied: 'denied', redacted: 'redacted', 'no-record': 'no record', queued: 'queued (SM .02)', 'not-answering': 'not answering', none: 'not in the last message',
}

/** One destination's outcome, from its decision and its reply. */
export function outcomeOf (d: Pick<DestinationTrace, 'effect' | 'status'>): Outcome {
  if (d.effect === 'deny' || d.status === 'denied') return 'denied'
  if (d.status === 'queued') return 'queued'
  if (d.status === 'noanswer' || d.status === 'error' || d.status === 'status') return 'not-answering'
  if (d.effect === 'redact') return 'redacted'
  if (d.status === 'nohit') return 'no-record'
  return 'allowed'
}

let byState = new Map<string, DestinationTrace>()
const SIZE = 46
const GAP = 4

interface PolicyView {
  state: string
  loaded: boolean
  default: string
  denialText: string
  rules: Array<{ id: string, effect: string, redact: string[], description: string, source: string, from: string | null, until: string | null }>
}

async function showPolicy (state: string): Promise<void> {
  const panel = byId('policy')
  const d = byState.get(state)
  try {
    const p = await api<PolicyView>(`/v1/console/policies/${state}`)
    const items = p.rules.map((r) => h('li', { class: d !== undefined && d.rule === r.id ? 'rule deciding' : 'rule', 'data-rule': r.id },
      h('strong', {}, `${r.id} (${r.effect}${r.redact.length ? `: ${r.redact.join(', ')}` : ''})`),
      `${r.from ? ` from ${r.from}` : ''}${r.until ? ` until ${r.until}` : ''}`,
      d !== undefined && d.rule === r.id ? h('span', { class: 'badge' }, ' decided the last message') : '',
      h('p', {}, r.description)))
    const parts: HTMLElement[] = [
      h('h3', {}, `Policy of ${nameOf(state)} (${state})`),
      h('p', {}, p.loaded ? `Default: ${p.default}${d !== undefined && d.rule === null && d.effect !== null ? ' (decided the last message)' : ''}. Denial text: "${p.denialText}"` : 'The policy did not load: the state denies every query (fail closed).'),
      p.rules.length ? h('ol', { class: 'rules' }, ...items) : h('p', {}, 'No rules: the default decides every query.'),
    ]
    if (d !== undefined && d.explanation.length) parts.push(h('h4', {}, 'The last message, rule by rule'), h('pre', {}, d.explanation.join('\n')))
    fill(panel, ...parts)
  } catch (err) {
    fill(panel, h('p', { class: 'bad' }, `policy of ${state}: ${(err as Error).message}`))
  }
}

export function renderMap (a?: MessageAnswer): void {
  byState = new Map((a?.trace?.destinations ?? []).map((d) => [d.state, d]))
  const w = TILE_COLS * (SIZE + GAP)
  const hgt = TILE_ROWS * (SIZE + GAP)
  const root = svg('svg', { 'data-testid': 'map', viewBox: `0 0 ${w} ${hgt}`, role: 'group', 'aria-label': 'Tile map of the jurisdictions: outcome of the last message', class: 'map' })
  for (const t of TILES) {
    const d = byState.get(t.code)
    const outcome: Outcome = d === undefined ? 'none' : outcomeOf(d)
    const x = t.col * (SIZE + GAP)
    const y = t.row * (SIZE + GAP)
    const g = svg('g', {
      'data-state': t.code, 'data-outcome': outcome, class: `tile o-${outcome}`, tabindex: 0, role: 'button',
      'aria-label': `${t.code} ${t.name}: ${LABELS[outcome]}. Show its policy`,
    },
    svg('rect', { x, y, width: SIZE, height: SIZE, rx: 5 }),
    svg('text', { x: x + SIZE / 2, y: y + SIZE / 2 + 5, 'text-anchor': 'middle', 'aria-hidden': 'true' }, t.code))
    g.addEventListener('click', () => { void showPolicy(t.code) })
    g.addEventListener('keydown', (e) => {
      const k = (e as KeyboardEvent).key
      if (k === 'Enter' || k === ' ') { e.preventDefault(); void showPolicy(t.code) }
    })
    root.append(g)
  }
  fill(byId('map-holder'), root)
}

export function initMap (): void {
  fill(byId('legend'), ...OUTCOMES.map((o) => h('li', {}, h('span', { class: `swatch o-${o}`, 'aria-hidden': 'true' }), LABELS[o])))
  renderMap()
}
