/**
 * @module console/faults
 * States and faults: put a state down, slow, flapping or on remove status and
 * back up (through the hub's console routes: local, or the admin), and watch
 * the states that are not plainly up, with their queues, refreshed every 2 s.
 */
import { api } from './api.js'
import { byId, fill, h } from './dom.js'
import { refreshInbox } from './inbox.js'
import { nameOf, TILES } from './tiles.js'

interface StateRow { state: string, status: string, fault: { mode: string, latencyMs?: number, periodMs?: number } | null, queued: number }

export async function refreshStates (): Promise<void> {
  try {
    const rows = await api<StateRow[]>('/v1/console/states')
    const shown = rows.filter((r) => r.status !== 'up' || (r.fault !== null && r.fault.mode !== 'up') || r.queued > 0)
    fill(byId('states'), ...(shown.length === 0
      ? [h('tr', {}, h('td', { colspan: 4 }, 'every state is up, nothing queued'))]
      : shown.map((r) => h('tr', { 'data-state': r.state }, h('td', {}, `${r.state} ${nameOf(r.state)}`), h('td', {}, r.status),
        h('td', {}, r.fault === null ? '' : `${r.fault.mode}${r.fault.latencyMs ? ` ${r.fault.latencyMs} ms` : ''}${r.fault.periodMs ? ` every ${r.fault.periodMs} ms` : ''}`),
        h('td', {}, String(r.queued))))))
  } catch (err) {
    fill(byId('states'), h('tr', {}, h('td', { colspan: 4 }, `states: ${(err as Error).message}`)))
  }
}

/** Put `state` in a fault mode (`removed`: remove status; `up`: clear both). */
export async function setFault (state: string, mode: string, ms = 2000): Promise<string> {
  if (mode === 'removed') {
    await api(`/v1/console/states/${state}/status`, { method: 'PUT', body: { status: 'removed' } })
    return `${state} is on remove status: SM .04, nothing stored`
  }
  if (mode === 'up') await api(`/v1/console/states/${state}/status`, { method: 'PUT', body: { status: 'up' } })
  const body = mode === 'slow' ? { mode, latencyMs: ms } : mode === 'flapping' ? { mode, periodMs: ms } : { mode }
  const r = await api<{ delivered: number, queued: number }>(`/v1/console/states/${state}/fault`, { method: 'PUT', body })
  return mode === 'up' ? `${state} is back up: ${r.delivered} queued quer${r.delivered === 1 ? 'y' : 'ies'} forwarded` : `${state} is ${mode}`
}

export function initFaults (): void {
  const sel = byId<HTMLSelectElement>('fault-state')
  fill(sel, ...TILES.map((t) => t.code).sort().map((c) => h('option', { value: c }, `${c} ${nameOf(c)}`)))
  sel.value = 'IL'
  for (const b of byId('ops-on').querySelectorAll<HTMLButtonElement>('button[data-fault]')) {
    b.addEventListener('click', () => {
      const ms = Math.max(1, Number(byId<HTMLInputElement>('fault-ms').value) || 2000)
      setFault(sel.value, b.dataset.fault ?? 'up', ms)
        .then((msg) => { byId('fault-result').textContent = msg })
        .catch((err: Error) => { byId('fault-result').textContent = `fault: ${err.message}` })
        .finally(() => { void refreshStates(); void refreshInbox() })
    })
  }
  void refreshStates()
  window.setInterval(() => { void refreshStates() }, 2000)
}
