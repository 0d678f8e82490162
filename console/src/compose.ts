/**
 * @module console/compose
 * Compose a message: pick the sending agency from the directory (by name, ORI,
 * component or state), the key, the destinations, the key's fields with a hint
 * each, IMQ, RSN and PUR; the legacy text follows the form and can be edited
 * by hand. Every change is checked by the hub (the ER it would answer is shown
 * before sending). A message goes on the line that owns its sending ORI.
 */
import { api, getConfig } from './api.js'
import { byId, fill, h } from './dom.js'
import type { Agency, Check, KeyInfo, MessageAnswer } from './types.js'

const COMPONENTS = ['ICE-ERO', 'HSI', 'CBP', 'FBI', 'DEA', 'USMS', 'ATF', 'USSS', 'NCIS']
const REASONS: Record<string, string> = { N: 'N', F: 'F', V: 'V', T: 'T', S: 'S', H: 'H', I: 'I' }
const PURPOSES: Record<string, string> = { C: 'C: criminal justice', F: 'F', E: 'E', D: 'D', J: 'J', S: 'S' }
/** Fields with a control of their own (not a text box). */
const OWN_CONTROL = new Set(['RSN', 'PUR', 'IMQ'])

let keys: readonly KeyInfo[] = []
let agency: { ori: string, line: string, label: string } = { ori: 'TX0020100', line: 'TX', label: 'TX0020100 (a Texas police department, line TX)' }
const values: Record<string, string> = { OLN: 'D1234561' }
let lastCheck: Check | undefined
let checkTimer: number | undefined
let searchTimer: number | undefined
/** In production: the entered token's line; searches and the default agency keep to it. */
let onlyLine: string | undefined

/** The line the current message goes on: the owner of its sending ORI as the hub knows it. */
export function currentLine (): string {
  return lastCheck?.line ?? agency.line
}

function keyInfo (): KeyInfo | undefined {
  return keys.find((k) => k.key === byId<HTMLSelectElement>('key').value)
}

/** The legacy text of the form. */
function build (): string {
  const k = keyInfo()
  if (k === undefined) return ''
  const dests = byId<HTMLInputElement>('destinations').value.toUpperCase().replace(/\s+/g, '')
  const parts: string[] = []
  for (const f of new Set([...k.forms.flat(), ...k.optional])) {
    if (OWN_CONTROL.has(f)) continue
    const v = (values[f] ?? '').trim().toUpperCase()
    if (v !== '') parts.push(`${f}/${v}`)
  }
  if (k.photo && byId<HTMLInputElement>('imq').checked) parts.push('IMQ/Y')
  const rsn = byId<HTMLSelectElement>('rsn').value
  const pur = byId<HTMLSelectElement>('pur').value
  if (rsn) parts.push(`RSN/${rsn}`)
  if (pur) parts.push(`PUR/${pur}`)
  return `${k.key}.${agency.ori}.${dests}.TXT${parts.join('.')}`
}

function renderFields (): void {
  const k = keyInfo()
  const box = byId('fields')
  if (k === undefined) return
  const inputs: HTMLElement[] = [h('legend', {}, `Fields of ${k.key}: one of ${k.forms.map((f) => f.join('+')).join(' or ')} is required`)]
  for (const f of new Set([...k.forms.flat(), ...k.optional])) {
    if (OWN_CONTROL.has(f)) continue
    const id = `field-${f}`
    const input = h('input', { id, type: 'text', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${id}-hint`, value: values[f] ?? '' })
    input.addEventListener('input', () => { values[f] = input.value; update() })
    inputs.push(h('div', { class: 'field' }, h('label', { for: id }, f), input, h('span', { id: `${id}-hint`, class: 'hint' }, k.hints[f] ?? '')))
  }
  fill(box, ...inputs)
  byId<HTMLInputElement>('imq').disabled = !k.photo
  byId('key-hint').textContent = `${k.family} key; ${k.single ? 'one state only' : `goes to ${k.destinations.join(', ')}`}${k.decidedAs !== k.key ? `; each state receives it as ${k.decidedAs}` : ''}`
}

/** Bring the form in line with a message typed (or played) as text, as far as it reads; the text stays as it is. */
function fromRaw (text: string): void {
  const m = /^([A-Z]{2,3})\.([A-Z0-9]{9})\.([A-Z0-9,]+)\.(?:[A-Z0-9]{1,10}\.)?TXT(.*)$/.exec(text.trim().toUpperCase())
  if (m === null) return
  const [, key = '', ori = '', dests = '', rest = ''] = m
  const keySel = byId<HTMLSelectElement>('key')
  if (keys.some((k) => k.key === key) && keySel.value !== key) keySel.value = key
  byId<HTMLInputElement>('destinations').value = dests
  for (const f of Object.keys(values)) delete values[f]
  const got: Record<string, string> = {}
  for (const part of rest.split(/\.(?=[A-Z]{2,4}\/)/)) {
    const slash = part.indexOf('/')
    if (slash > 0) got[part.slice(0, slash)] = part.slice(slash + 1)
  }
  Object.assign(values, got)
  byId<HTMLInputElement>('imq').checked = got.IMQ === 'Y'
  byId<HTMLSelectElement>('rsn').value = got.RSN ?? ''
  byId<HTMLSelectElement>('pur').value = got.PUR ?? ''
  if (ori !== agency.ori) agency = { ori, line: agency.line, label: ori }
  renderFields()
}

/** Put the form's message in the text box and check it. */
function update (): void {
  byId<HTMLTextAreaElement>('raw').value = build()
  scheduleCheck()
}

function scheduleCheck (): void {
  if (checkTimer !== undefined) clearTimeout(checkTimer)
  checkTimer = window.setTimeout(() => { void check() }, 250)
}

/** Ask the hub what it would answer (an ER, or the line that owns the ORI). */
export async function check (): Promise<Check | undefined> {
  const text = byId<HTMLTextAreaElement>('raw').value
  const out = byId('check')
  try {
    const c = await api<Check>('/v1/console/check', { body: { text }, line: agency.line })
    lastCheck = c
    if (c.ok && c.line !== null && c.agency !== null) {
      const ori = /^[A-Z]{2,3}\.([A-Z0-9]{9})\./.exec(text.toUpperCase())?.[1]
      if (ori !== undefined) {
        agency = { ori, line: c.line, label: `${ori}: ${c.agency}` }
        byId('agency-chosen').textContent = `Sending as ${agency.label}`
      }
    }
    if (c.ok) fill(out, h('p', { class: 'ok' }, `Valid. Goes on line ${c.line ?? '?'}: ${c.agency ?? ''}`))
    else fill(out, h('p', { class: 'bad' }, `The hub would answer ER ${c.error?.code ?? ''}: ${c.error?.text ?? ''}${c.error?.detail ? ` (${c.error.detail})` : ''}`), h('pre', { class: 'er' }, c.er ?? ''))
    return c
  } catch (err) {
    fill(out, h('p', { class: 'bad' }, `check failed: ${(err as Error).message}`))
    return undefined
  }
}

function choose (a: Agency): void {
  agency = { ori: a.ori, line: a.line, label: `${a.ori}: ${a.description}` }
  byId('agency-chosen').textContent = `Sending as ${agency.label}`
  fill(byId('agency-results'))
  update()
}

/** Directory search: an ORI, a federal component, a state, or part of a name. */
async function search (q: string): Promise<void> {
  const list = byId('agency-results')
  const s = q.trim()
  if (s.length < 2) { fill(list); return }
  const up = s.toUpperCase()
  let path: string
  if (/^[A-Z]{2}[A-Z0-9]{7}$/.test(up)) path = `/v1/directory/${up}`
  else if (COMPONENTS.includes(up) || up === 'ICE') path = `/v1/directory?component=${up === 'ICE' ? 'ICE-ERO' : up}&limit=15`
  else if (/^[A-Z]{2}$/.test(up)) path = `/v1/directory?state=${up}&limit=15`
  else path = `/v1/directory?agency=${encodeURIComponent(s)}&limit=15`
  if (onlyLine !== undefined && !path.startsWith('/v1/directory/')) path += `&line=${onlyLine}`
  try {
    const r = await api<{ entries?: Agency[] } & Partial<Agency>>(path, { line: agency.line })
    const entries = r.entries ?? (r.ori !== undefined ? [r as Agency] : [])
    fill(list, ...(entries.length === 0 ? [h('li', {}, 'no agency found')] : entries.map((a) => {
      const b = h('button', { type: 'button', class: 'agency' }, `${a.ori} ${a.name} (line ${a.line}${a.component ? `, ${a.component}` : ''})`)
      b.addEventListener('click', () => { choose(a) })
      return h('li', {}, b)
    })))
  } catch (err) {
    fill(list, h('li', {}, `search failed: ${(err as Error).message}`))
  }
}

/** Put a whole message in the text box (a lesson step), as if typed. */
export function setRaw (text: string): void {
  byId<HTMLTextAreaElement>('raw').value = text
  lastCheck = undefined
  fromRaw(text)
}

/** Send the text box's message on its line, with a trace. */
export async function send (): Promise<{ answer: MessageAnswer, line: string } | undefined> {
  const c = await check()
  const line = c?.line ?? agency.line
  const text = byId<HTMLTextAreaElement>('raw').value
  const answer = await api<MessageAnswer>('/v1/messages?trace=1', { text, line })
  return { answer, line }
}

export async function initCompose (onSent: (answer: MessageAnswer, line: string) => void): Promise<void> {
  keys = await api<KeyInfo[]>('/v1/console/keys', { line: agency.line })
  if (!getConfig().demoTokens) {
    // A line token: its line (the inbox says which), and that line's first agency to start with.
    onlyLine = (await api<{ line: string }>('/v1/inbox?max=1')).line
    const first = (await api<{ entries: Agency[] }>(`/v1/directory?line=${onlyLine}&limit=1`)).entries[0]
    if (first !== undefined) agency = { ori: first.ori, line: first.line, label: `${first.ori}: ${first.description}` }
  }
  const keySel = byId<HTMLSelectElement>('key')
  fill(keySel, ...keys.map((k) => h('option', { value: k.key }, `${k.key} (${k.family}${k.decidedAs !== k.key ? ', regional' : ''})`)))
  keySel.value = 'DQ'
  fill(byId('rsn'), h('option', { value: '' }, 'none'), ...Object.entries(REASONS).map(([v, l]) => h('option', { value: v }, l)))
  fill(byId('pur'), h('option', { value: '' }, 'none'), ...Object.entries(PURPOSES).map(([v, l]) => h('option', { value: v }, l)))
  const regions = getConfig().regions
  byId('regions-hint').textContent = `Regions: ${Object.entries(regions).map(([r, m]) => `${r} (${m.join(' ')})`).join('; ')}. NL: every state.`
  byId('agency-chosen').textContent = `Sending as ${agency.label}`
  keySel.addEventListener('change', () => { renderFields(); update() })
  for (const id of ['destinations', 'rsn', 'pur', 'imq']) byId(id).addEventListener(id === 'destinations' ? 'input' : 'change', update)
  byId('raw').addEventListener('input', () => {
    lastCheck = undefined
    fromRaw(byId<HTMLTextAreaElement>('raw').value)
    scheduleCheck()
  })
  const searchBox = byId<HTMLInputElement>('agency-search')
  searchBox.addEventListener('input', () => {
    if (searchTimer !== undefined) clearTimeout(searchTimer)
    searchTimer = window.setTimeout(() => { void search(searchBox.value) }, 250)
  })
  const sendBtn = byId<HTMLButtonElement>('send')
  sendBtn.addEventListener('click', () => {
    sendBtn.disabled = true
    send().then((r) => { if (r) onSent(r.answer, r.line) })
      .catch((err: Error) => { fill(byId('check'), h('p', { class: 'bad' }, `send failed: ${err.message}`)) })
      .finally(() => { sendBtn.disabled = false })
  })
  renderFields()
  update()
}
