/**
 * Shared helpers for hub tests: a hub with in-process states and no audit file
 * unless asked, and a one-call message sender.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { buildHub, type Hub } from '../../src/hub/app.js'
import type { HubOptions } from '../../src/hub/options.js'
import { stateCatalog } from '../../simulator/states/catalog.js'
import { answerQuery } from '../../simulator/states/records.js'
import type { StateQuery } from '../../src/hub/ports/endpoint.js'

/** Headers of the demo admin token. */
export const ADMIN = { authorization: 'Bearer demo-admin' }

export async function testHub (t: Test, opts: Partial<HubOptions> = {}): Promise<Hub> {
  const hub = await buildHub({ auditFile: false, logger: false, docs: false, ephemeral: true, now: () => Date.parse('2025-11-25T17:00:00Z'), ...opts })
  t.teardown(async () => { await hub.close() })
  return hub
}

export function tempAudit (): string {
  return join(mkdtempSync(join(tmpdir(), 'nsim-audit-')), 'audit.ndjson')
}

export interface Sent {
  status: number
  body: {
    id: string
    replies: Array<{ key: string, from: string, to: string, text: string, state?: string, status: string, image?: { mime: string, data: string }, summary?: Record<string, string[]> }>
    decisions: Array<{ destination: string, effect: string, rule: string | null, policyVersion: string, redact?: string[], shadow?: { effect: string, rule: string | null, policyVersion: string } }>
  }
  text: string
}

/** POST a legacy text (string) or JSON (object) message as `line` (token demo-<line>, or none when line is null). */
export async function send (hub: Hub, line: string | null, message: string | object, headers: Record<string, string> = {}, query = ''): Promise<Sent> {
  const res = await hub.app.inject({
    method: 'POST',
    url: `/v1/messages${query}`,
    headers: {
      'content-type': typeof message === 'string' ? 'text/plain' : 'application/json',
      ...(line === null ? {} : { authorization: `Bearer demo-${line}` }),
      ...headers,
    },
    payload: typeof message === 'string' ? message : JSON.stringify(message),
  })
  let body: Sent['body'] = { id: '', replies: [], decisions: [] }
  try { body = res.json() } catch {}
  return { status: res.statusCode, body, text: res.body }
}

/** An identifier the simulated state has a record for (deterministic: seed 2025). */
export function hitFor (state: string, key: StateQuery['key'], field: 'OLN' | 'LIC' = key[0] === 'R' ? 'LIC' : 'OLN', want: 'hit' | 'nohit' = 'hit'): string {
  for (let i = 1; i < 500; i++) {
    const v = field === 'OLN' ? `D${String(1000000 + i)}` : `K${String(10000 + i)}`
    const a = answerQuery({ id: 'x', key, ori: 'TX0020100', state, fields: { [field]: v }, image: false }, stateCatalog(state), { seed: 2025 })
    if (a.status === want) return v
  }
  throw new Error(`no ${want} for ${state} ${key}`)
}
