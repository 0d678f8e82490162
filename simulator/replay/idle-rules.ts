/**
 * @module simulator/replay/idle-rules
 * Rules that decided no query in a replay, each with the reason when it is
 * known: not in effect in the replayed span, a reason or purpose code the model
 * never sends (or not from the agencies the rule names), keys the model never
 * sends, requesters with no modelled traffic. Otherwise the cause is unknown:
 * earlier rules decide what it covers, or its traffic is too rare for the span.
 */
import type { CompiledRule } from '../../src/policy/compile.js'
import { CONTEXT_PURPOSE, CONTEXT_REASON, DESTINATIONS, SLOT_OF_SENT, type TrafficModel } from '../traffic/model.js'
import type { DestinationTable } from './tables.js'

export interface IdleRule { state: string, rule: string, message: string }

const day = (t: number): string => new Date(t).toISOString().slice(0, 10)

/** Codes an agency's context table sends with a positive share. */
function sentCodes (model: TrafficModel, table: number, which: 'reason' | 'purpose'): Set<string> {
  const p = model.contextTables[table]!.probabilities()
  const names = which === 'reason' ? CONTEXT_REASON : CONTEXT_PURPOSE
  const out = new Set<string>()
  p.forEach((x, o) => { if (x > 0 && names[o] !== undefined) out.add(names[o]!) })
  return out
}

export function idleRules (model: TrafficModel, tables: readonly DestinationTable[], counts: (d: number, decision: number) => number,
  span: { start: number, days: number }): IdleRule[] {
  const end = span.start + span.days * 86_400_000
  const N = model.contextOf.length
  const active = new Uint8Array(N)
  let sentSlots = 0
  for (const s of model.streams) {
    for (const a of s.agencies) active[a] = 1
    s.keyTable.probabilities().forEach((x, k) => { if (x > 0) sentSlots |= 1 << SLOT_OF_SENT[k]! })
  }
  const tableCodes = model.contextTables.map((_, t) => ({ reason: sentCodes(model, t, 'reason'), purpose: sentCodes(model, t, 'purpose') }))
  const everSent = { reason: new Set(tableCodes.flatMap((c) => [...c.reason])), purpose: new Set(tableCodes.flatMap((c) => [...c.purpose])) }
  const out: IdleRule[] = []
  tables.forEach((t, d) => {
    const rules = t.compiled?.rules ?? []
    rules.forEach((cr, r) => {
      if (counts(d, r + 1) > 0) return
      out.push({ state: DESTINATIONS[d]!, rule: cr.rule.id, message: why(cr, { ...span, end }, active, sentSlots, everSent, tableCodes, model.contextOf) })
    })
  })
  return out
}

function why (cr: CompiledRule, span: { start: number, end: number }, active: Uint8Array, sentSlots: number,
  everSent: { reason: Set<string>, purpose: Set<string> }, tableCodes: Array<{ reason: Set<string>, purpose: Set<string> }>, contextOf: Uint8Array): string {
  const rule = cr.rule
  if (cr.until <= span.start || cr.from >= span.end) {
    return `not in effect in the replayed span (${rule.from !== undefined ? `from ${day(rule.from)}` : ''}${rule.from !== undefined && rule.until !== undefined ? ', ' : ''}${rule.until !== undefined ? `until ${day(rule.until)}` : ''})`
  }
  if ((cr.slotMask & sentSlots) === 0) return `none of its keys (${rule.keys.join(', ')}) is sent by the model (key mixes in simulator/traffic/params.ts)`
  // The directory agencies the rule matches (requesters, less except) that send modelled traffic.
  const who: number[] = []
  for (let i = 0; i < active.length; i++) if (active[i] === 1 && cr.requesters.mask[i] === 1 && !(cr.except.any && cr.except.mask[i] === 1)) who.push(i)
  if (who.length === 0) return 'its requesters match no agency the model sends traffic from (ORIs outside the directory, or agencies with no modelled traffic)'
  for (const [field, codes, prefix, param] of [['reason', rule.reasons, 'RSN', 'reasonShares'], ['purpose', rule.purposes, 'PUR', 'purposeShares']] as const) {
    if (codes.length === 0) continue
    const cond = codes.map((c) => `${prefix}/${c}`).join(' or ')
    if (!codes.some((c) => everSent[field].has(c))) return `its condition ${cond} is never sent by the model (${param} in simulator/traffic/params.ts)`
    if (!who.some((a) => codes.some((c) => tableCodes[contextOf[a]!]![field].has(c)))) return `its condition ${cond} is never sent by the agencies it names (${param})`
  }
  return 'cause not known: earlier rules decide every query it covers, or its queries are too rare for the span'
}
