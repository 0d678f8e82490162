/**
 * @module hub/trace
 * A message's route through the switch as steps a trainer can follow (the
 * answer's `trace` with `POST /v1/messages?trace=1`): line authentication,
 * parse and validation, destination expansion, the decision for each
 * destination with every rule checked, delivery, the replies, and the audit
 * records written. Built from what the switch reported while it worked (a
 * TraceRecorder), its result, and the audit records it wrote: nothing here
 * decides or delivers again.
 */
import type { Directory } from '../directory/directory.js'
import { describeAgency } from '../directory/describe.js'
import type { AuditRecord } from './audit.js'
import type { RegionTable } from './regions.js'
import type { DecisionOut, ReplyOut, SwitchResult } from './replies.js'
import type { TraceRecorder } from './trace-sink.js'

export const TRACE_STEPS = ['auth', 'parse', 'expand', 'decide', 'deliver', 'reply', 'audit'] as const
export type TraceStepName = (typeof TRACE_STEPS)[number]

export interface TraceStep {
  readonly step: TraceStepName
  readonly title: string
  /** `skipped`: the message was refused at an earlier step. */
  readonly status: 'ok' | 'failed' | 'skipped'
  /** Milliseconds since the message arrived when the step was done (0 for steps the switch does not time). */
  readonly atMs: number
  /** What happened, in sentences. */
  readonly lines: readonly string[]
}

export interface TraceEvent {
  readonly atMs: number
  readonly step: TraceStepName
  readonly state?: string
  readonly text: string
}

/** One destination of the message: its decision (none when refused earlier), delivery and reply. */
export interface DestinationTrace {
  readonly state: string
  readonly effect: string | null
  readonly rule: string | null
  readonly redact?: readonly string[]
  /** The reply's status (`hit`, `nohit`, `denied`, `queued`, `status`, `noanswer`, `error`). */
  readonly status: string
  readonly replyKey: string
  readonly replyText: string
  readonly transport: string | null
  /** What the delivery did, in words. */
  readonly delivery: string
  /** Milliseconds from arrival to this destination's reply. */
  readonly atMs: number
  /** The rule-by-rule explanation, as `policy explain` prints it. */
  readonly explanation: readonly string[]
}

export interface Trace {
  readonly steps: readonly TraceStep[]
  readonly events: readonly TraceEvent[]
  readonly destinations: readonly DestinationTrace[]
}

export interface TraceInput {
  readonly rec: TraceRecorder
  readonly result: SwitchResult
  /** The authenticated line (null: not authenticated) and the kind of its credential. */
  readonly line: string | null
  readonly tokenKind: 'demo' | 'hashed'
  readonly directory: Directory
  readonly regions: RegionTable
  /** The audit records the message's handling wrote (its id only). */
  readonly audits: readonly AuditRecord[]
  /** Milliseconds from arrival to the answer. */
  readonly doneMs: number
  /** False: the hub keeps no audit file (the records were made, not kept). */
  readonly audited: boolean
}

function delivery (d: DecisionOut | undefined, leg: { reply: ReplyOut, transport: string | null, unavailable: string | null }): string {
  const via = leg.transport === null ? 'not a destination the switch knows' : leg.transport === 'http' ? 'over HTTP' : 'in process'
  if (d?.effect === 'deny') return 'not delivered: denied by the state\'s policy; the switch answers with the state\'s denial text'
  if (leg.reply.status === 'queued') return `the state is out of service (${leg.unavailable ?? 'down'}): queued, SM .02, forwarded when it is back (${via})`
  if (leg.reply.status === 'noanswer' && leg.unavailable !== null) return `the state is out of service (${leg.unavailable}): a multi-state query is not stored (${via})`
  if (leg.reply.status === 'noanswer') return `no answer within the time allowed (${via})`
  if (leg.reply.key === 'SM') {
    const lines = leg.reply.text.split('\n')
    return `not delivered: SM ${lines.find((l) => /^\.\d\d\. /.test(l)) ?? lines.at(-1) ?? ''}`
  }
  const redact = d?.redact?.length ? `; stripped from the reply: ${d.redact.join(', ')}` : ''
  return `delivered ${via}; the state answered ${leg.reply.status === 'hit' ? 'with a record' : 'no record'}${redact}`
}

export function buildTrace (t: TraceInput): Trace {
  const { rec, result } = t
  const refusedAt: TraceStepName | null = result.error === undefined
    ? null
    : result.httpStatus === 401 ? 'auth' : result.httpStatus === 403 ? 'auth' : 'parse'
  const er = result.error === undefined ? [] : [`ER ${result.error.code} ${result.error.text}${result.error.detail ? `: ${result.error.detail}` : ''}`]
  const steps: TraceStep[] = []
  const events: TraceEvent[] = []
  const skipped = (step: TraceStepName, title: string): void => { steps.push({ step, title, status: 'skipped', atMs: 0, lines: ['not reached: the message was refused'] }) }

  // auth: the line and its credential, then the sending ORI against the directory.
  const m = rec.message
  const agency = m === undefined ? undefined : t.directory.get(m.ori)
  const authLines = t.line === null
    ? ['no line: the bearer token is missing or is not a line credential']
    : [`line ${t.line}, authenticated by its ${t.tokenKind === 'demo' ? 'local demo token (demo-' + t.line + ')' : 'line token (checked against the hashed tokens file)'}`]
  if (m !== undefined && result.httpStatus !== 400) {
    authLines.push(agency === undefined ? `sending ORI ${m.ori} is not in the directory` : `sending ORI ${m.ori}: ${describeAgency(agency)}, line ${agency.line}`)
  }
  if (refusedAt === 'auth') authLines.push(...er)
  steps.push({ step: 'auth', title: 'Line authentication', status: refusedAt === 'auth' ? 'failed' : 'ok', atMs: 0, lines: authLines })
  events.push({ atMs: 0, step: 'auth', text: t.line === null ? 'refused: no line' : `line ${t.line} (${t.tokenKind} token)` })

  // parse: the message as read, or the ER.
  if (refusedAt === 'auth' && m === undefined) skipped('parse', 'Parse and validation')
  else {
    const lines: string[] = m === undefined
      ? ['the text could not be read as a message']
      : [`key ${m.key}, sending ORI ${m.ori}, destinations ${m.destinations.join(', ')}${m.control !== undefined ? `, control ${m.control}` : ''}`,
          `fields: ${m.fields.map((f) => `${f.prefix}/${f.value}`).join('.') || '(none)'}`]
    if (refusedAt === 'parse') lines.push(...er)
    else lines.push('valid: the key, the destinations and the fields are what the key takes')
    steps.push({ step: 'parse', title: 'Parse and validation', status: refusedAt === 'parse' ? 'failed' : 'ok', atMs: rec.parsedAtMs, lines })
    events.push({ atMs: rec.parsedAtMs, step: 'parse', text: refusedAt === 'parse' ? `ER ${result.error?.code ?? ''}` : `${m?.key ?? ''} parsed` })
  }

  const x = rec.expansion
  if (x === undefined || m === undefined) {
    for (const [step, title] of [['expand', 'Destinations'], ['decide', 'Policy decisions'], ['deliver', 'Delivery']] as const) skipped(step, title)
  } else {
    const lines: string[] = []
    for (const d of m.destinations) {
      if (d === 'NL') lines.push(`NL (multi-state query): every state that serves ${x.key}, ${x.states.length} of them; replies are merged, NO HITs dropped`)
      else if (t.regions.has(d)) lines.push(`region ${d}: ${(t.regions.get(d) ?? []).join(', ')}`)
      else lines.push(`state ${d}`)
    }
    if (x.key !== m.key) lines.push(`${m.key} is a regional key: each state receives it as ${x.key}`)
    lines.push(`goes to ${x.states.length} state${x.states.length === 1 ? '' : 's'}: ${x.states.join(', ')}`)
    steps.push({ step: 'expand', title: 'Destinations', status: 'ok', atMs: x.atMs, lines })
    events.push({ atMs: x.atMs, step: 'expand', text: `${x.states.length} destination${x.states.length === 1 ? '' : 's'}${x.key !== m.key ? `, ${m.key} -> ${x.key}` : ''}` })
    const decideLines = result.decisions.map((d) =>
      `${d.destination}: ${d.effect.toUpperCase()}${d.redact?.length ? ` (${d.redact.join(', ')})` : ''} by ${d.rule ?? 'the default'}`)
    steps.push({ step: 'decide', title: 'Policy decisions', status: 'ok', atMs: x.atMs, lines: decideLines })
    for (const d of result.decisions) events.push({ atMs: x.atMs, step: 'decide', state: d.destination, text: `${d.effect} (${d.rule ?? 'default'})` })
  }

  const byState = new Map(result.decisions.map((d) => [d.destination, d]))
  const destinations: DestinationTrace[] = rec.legs.map((leg) => {
    const d = byState.get(leg.state)
    const out: DestinationTrace = {
      state: leg.state, effect: d?.effect ?? null, rule: d?.rule ?? null, status: leg.reply.status, replyKey: leg.reply.key, replyText: leg.reply.text,
      transport: leg.transport, delivery: delivery(d, leg), atMs: leg.atMs, explanation: d?.explanation?.text ?? [],
    }
    return d?.redact === undefined ? out : { ...out, redact: d.redact }
  })
  if (x !== undefined && m !== undefined) {
    steps.push({ step: 'deliver', title: 'Delivery', status: 'ok', atMs: Math.max(0, ...rec.legs.map((l) => l.atMs)), lines: destinations.map((d) => `${d.state}: ${d.delivery} (${d.atMs} ms)`) })
    for (const d of destinations) events.push({ atMs: d.atMs, step: 'deliver', state: d.state, text: `${d.replyKey} ${d.status}` })
  }

  // reply: what the sender gets (a multi-state query's merged replies).
  steps.push({
    step: 'reply', title: 'Replies', status: 'ok', atMs: t.doneMs,
    lines: result.replies.map((r) => `${r.key} from ${r.from}${r.state ? ` (${r.state})` : ''}: ${r.status}`),
  })
  events.push({ atMs: t.doneMs, step: 'reply', text: `${result.replies.length} repl${result.replies.length === 1 ? 'y' : 'ies'} (HTTP ${result.httpStatus})` })

  steps.push({
    step: 'audit', title: 'Audit log', status: 'ok', atMs: t.doneMs,
    lines: [
      ...(t.audited ? [] : ['this hub runs without an audit file: the records below were made, not kept']),
      ...t.audits.map((a) => JSON.stringify(a)),
    ],
  })
  events.push({ atMs: t.doneMs, step: 'audit', text: `${t.audits.length} record${t.audits.length === 1 ? '' : 's'}` })
  events.sort((a, b) => a.atMs - b.atMs || TRACE_STEPS.indexOf(a.step) - TRACE_STEPS.indexOf(b.step))
  return { steps, events, destinations }
}
