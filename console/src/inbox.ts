/**
 * @module console/inbox
 * The sending line's inbox: replies delivered later by store-and-forward,
 * polled every 2 seconds (the issue asks for within 5), acknowledged on demand.
 */
import { api } from './api.js'
import { byId, fill, h } from './dom.js'
import type { Reply } from './types.js'

let line: string | null = null

type InboxReply = Reply & { id: string, queuedAt: string, deliveredAt: string }

export function setInboxLine (l: string): void {
  if (l === line) return
  line = l
  byId('inbox-line').textContent = l
  void refreshInbox()
}

export async function refreshInbox (): Promise<number> {
  if (line === null) return 0
  try {
    const r = await api<{ line: string, replies: InboxReply[], waiting: number }>('/v1/inbox', { line })
    fill(byId('inbox'), ...(r.replies.length === 0
      ? [h('li', {}, 'nothing waiting')]
      : r.replies.map((x) => h('li', { 'data-testid': 'inbox-item', 'data-id': x.id, 'data-state': x.state ?? '', 'data-status': x.status },
        h('p', {}, `${x.key} from ${x.from}: ${x.status}; queued ${x.queuedAt}, answered ${x.deliveredAt}`), h('pre', {}, x.text)))))
    return r.replies.length
  } catch (err) {
    fill(byId('inbox'), h('li', {}, `inbox: ${(err as Error).message}`))
    return 0
  }
}

export function initInbox (): void {
  byId('inbox-ack').addEventListener('click', () => {
    const ids = [...byId('inbox').querySelectorAll<HTMLElement>('[data-testid="inbox-item"]')].map((li) => li.dataset.id ?? '')
    if (line === null || ids.length === 0) return
    api('/v1/inbox/ack', { body: { ids }, line }).finally(() => { void refreshInbox() })
  })
  window.setInterval(() => { void refreshInbox() }, 2000)
}
