/**
 * @module simulator/traffic/model
 * The calibrated traffic model: requester streams (one per federal component,
 * one per origin jurisdiction for out-of-state local and state agencies), each
 * with a yearly volume, an alias table over its agencies, one over destination
 * jurisdictions and one over message keys; plus the hour-of-day curve. Built
 * from the agency directory, the calibration tables and TrafficParams.
 */
import type { Directory } from '../../src/directory/directory.js'
import { isFederal } from '../../src/directory/directory.js'
import { JURISDICTIONS } from '../../src/directory/model.js'
import { decisionSlot } from '../../src/message/keys.js'
import { AliasTable } from './alias.js'
import type { Calibration } from './calibration.js'
import { PURPOSE_CODES, REASON_CODES } from '../../src/policy/types.js'
import { checkParams, REPORT_COMPONENTS, type ReportComponent, reportComponentOf, requesterKey, type TrafficParams } from './params.js'

/** Keys as sent, in the order of the key tables. `DQ+IMQ` is a DQ with IMQ/Y. */
export const SENT_KEYS = ['DQ', 'DQ+IMQ', 'DNQ', 'DQG', 'KQ', 'RQ', 'RQG', 'RNQ', 'RPQ'] as const
export type SentKey = (typeof SENT_KEYS)[number]

/**
 * Decision slot of each sent key: the policy decides on the key the state sees
 * (DQG/RQG rewritten to DQ/RQ), slot = key index * 2 + IMQ (see policy/compile.ts).
 */
export const SLOT_OF_SENT: Readonly<Int32Array> = Int32Array.from(SENT_KEYS.map((k) => k === 'DQ+IMQ' ? decisionSlot('DQ') + 1 : decisionSlot(k)))

export const DESTINATIONS: readonly string[] = JURISDICTIONS

export interface Stream {
  /** `local:XX` for out-of-state local traffic from XX; `COMPONENT:XX` for a federal component's offices in XX. */
  readonly name: string
  readonly component: ReportComponent
  /** Origin jurisdiction of a local stream; '' for federal streams. */
  readonly origin: string
  readonly perYear: number
  /** Rounding phase of the daily counts (see dailyCount). */
  readonly phase: number
  /** Directory indexes of the stream's agencies. */
  readonly agencies: Int32Array
  readonly agencyTable: AliasTable
  readonly destTable: AliasTable
  readonly keyTable: AliasTable
}

export interface TrafficModel {
  readonly params: TrafficParams
  readonly streams: readonly Stream[]
  readonly hourTable: AliasTable
  /** Report component of each directory agency. */
  readonly componentOf: Uint8Array
  /**
   * The context (RSN/ and PUR/ sent) of a query is drawn from the table of its
   * agency: `contextTables[contextOf[agency]]`, over CONTEXTS outcomes. Table 0
   * sends neither.
   */
  readonly contextTables: readonly AliasTable[]
  readonly contextOf: Uint8Array
}

/**
 * Context outcomes: reason (none or an RSN/ code) x purpose (none or a PUR/
 * code), outcome `r * (PURPOSE_CODES.length + 1) + p`; 0 sends neither.
 */
export const CONTEXT_REASON: ReadonlyArray<string | undefined> = [undefined, ...REASON_CODES].flatMap((r) => [undefined, ...PURPOSE_CODES].map(() => r))
export const CONTEXT_PURPOSE: ReadonlyArray<string | undefined> = [undefined, ...REASON_CODES].flatMap(() => [undefined, ...PURPOSE_CODES])

/** One table: reason and purpose drawn independently from the requester's shares. */
function contextTable (reasons: Readonly<Record<string, number>>, purposes: Readonly<Record<string, number>>): AliasTable {
  const rw = [undefined, ...REASON_CODES].map((c) => c === undefined ? 0 : reasons[c] ?? 0)
  const pw = [undefined, ...PURPOSE_CODES].map((c) => c === undefined ? 0 : purposes[c] ?? 0)
  rw[0] = Math.max(0, 1 - rw.reduce((a, b) => a + b, 0))
  pw[0] = Math.max(0, 1 - pw.reduce((a, b) => a + b, 0))
  return new AliasTable(rw.flatMap((r) => pw.map((p) => r * p)))
}

function contextTables (dir: Directory, params: TrafficParams): { contextTables: AliasTable[], contextOf: Uint8Array } {
  const tables: AliasTable[] = [contextTable({}, {})]
  const index = new Map<string, number>()
  const contextOf = new Uint8Array(dir.size)
  dir.agencies.forEach((a, i) => {
    const who = requesterKey(a.component, a.type)
    let t = index.get(who)
    if (t === undefined) {
      const r = params.reasonShares[who] ?? {}
      const p = params.purposeShares[who] ?? {}
      t = Object.values(r).some((x) => x > 0) || Object.values(p).some((x) => x > 0) ? tables.push(contextTable(r, p)) - 1 : 0
      index.set(who, t)
    }
    contextOf[i] = t
  })
  return { contextTables: tables, contextOf }
}

function keyTable (mix: Readonly<Record<string, number>>, where: string): AliasTable {
  const w = SENT_KEYS.map((k) => mix[k] ?? 0)
  for (const k of Object.keys(mix)) if (!(SENT_KEYS as readonly string[]).includes(k)) throw new Error(`${where}: unknown key \`${k}\` (keys: ${SENT_KEYS.join(', ')})`)
  return new AliasTable(w)
}

export function buildModel (dir: Directory, cal: Calibration, params: TrafficParams): TrafficModel {
  checkParams(params, 'traffic parameters')
  const D = DESTINATIONS.length
  const pop = DESTINATIONS.map((d) => cal.population.get(d) ?? 0)
  const popSum = pop.reduce((a, b) => a + b, 0)
  const popShare = pop.map((p) => p / popSum)
  const componentOf = new Uint8Array(dir.size)
  dir.agencies.forEach((a, i) => { componentOf[i] = REPORT_COMPONENTS.indexOf(reportComponentOf(a.component, isFederal(a))) })
  const streams: Array<Omit<Stream, 'phase'>> = []
  const local = keyTable(params.localKeyMix, 'localKeyMix')
  const federal = keyTable(params.federalKeyMix, 'federalKeyMix')
  const cbp = keyTable(params.cbpKeyMix, 'cbpKeyMix')

  // Federal streams: per component and office state. A group's volume follows the
  // component's destination weight of its state; its queries go home with
  // federalHomeShare, else by the component's national weights.
  let federalTotal = 0
  for (const [component, perYear] of Object.entries(params.federalPerYear)) {
    const members = dir.members(`component:${component}`).filter((i) => dir.agencies[i]!.active)
    if (members.length === 0 || perYear <= 0) continue
    federalTotal += perYear
    let national: number[]
    if (component === 'CBP') {
      const border = DESTINATIONS.map((d) => params.cbpBorderWeight[d] ?? 0)
      const bSum = border.reduce((a, b) => a + b, 0)
      national = popShare.map((p, i) => (1 - params.cbpBorderMix) * p + (bSum > 0 ? params.cbpBorderMix * border[i]! / bSum : 0))
    } else national = popShare
    const groups = new Map<number, number[]>()
    for (const i of members) {
      const g = DESTINATIONS.indexOf(dir.agencies[i]!.state)
      if (!groups.has(g)) groups.set(g, [])
      groups.get(g)!.push(i)
    }
    let norm = 0
    for (const g of groups.keys()) norm += national[g] ?? 0
    const h = params.federalHomeShare
    const sorted = [...groups].sort((x, y) => x[0] - y[0])
    const volumes = apportion(perYear, sorted.map(([g, offices]) => norm > 0 ? (national[g] ?? 0) : offices.length))
    for (const [idx, [g, offices]] of sorted.entries()) {
      if (volumes[idx]! <= 0) continue
      streams.push({
        name: `${component}:${DESTINATIONS[g] ?? '?'}`, component: reportComponentOf(component, true), origin: '', perYear: volumes[idx]!,
        agencies: Int32Array.from(offices), agencyTable: new AliasTable(offices.map(() => 1)),
        destTable: new AliasTable(national.map((p, j) => (1 - h) * p + (j === g ? h : 0))),
        keyTable: component === 'CBP' ? cbp : federal,
      })
    }
  }

  // Out-of-state local and state agencies: origin volume by population and by
  // type-weighted agencies, remote origins damped; destinations by gravity.
  const localTotal = Math.max(0, params.totalPerYear - federalTotal)
  const territories = new Set(['PR', 'VI', 'GM'])
  const terrPop = DESTINATIONS.map((d, i) => territories.has(d) ? pop[i]! : 0)
  const terrSum = terrPop.reduce((a, b) => a + b, 0)
  const origins: Array<{ o: number, agencies: number[], weights: number[], agencyWeight: number }> = []
  for (let o = 0; o < D; o++) {
    const origin = DESTINATIONS[o]!
    const agencies: number[] = []
    const weights: number[] = []
    for (const i of dir.members(`state:${origin}`)) {
      const a = dir.agencies[i]!
      if (!a.active || isFederal(a) || a.line !== origin) continue
      const w = params.agencyTypeWeight[a.type] ?? 0
      if (w > 0) { agencies.push(i); weights.push(w) }
    }
    if (agencies.length > 0) origins.push({ o, agencies, weights, agencyWeight: weights.reduce((x, y) => x + y, 0) })
  }
  const agencyWeightSum = origins.reduce((x, r) => x + r.agencyWeight, 0)
  const originPopSum = origins.reduce((x, r) => x + popShare[r.o]!, 0)
  const mix = params.originPopulationMix
  const raw = origins.map((r) => (mix * popShare[r.o]! / originPopSum + (1 - mix) * r.agencyWeight / agencyWeightSum) *
    (params.remoteOriginFactor[DESTINATIONS[r.o]!] ?? 1))
  const localVolumes = apportion(localTotal, raw)
  origins.forEach(({ o, agencies, weights }, idx) => {
    const origin = DESTINATIONS[o]!
    const dest = Array.from({ length: D }, () => 0)
    const row = cal.gravity.get(origin)
    if (row !== undefined) {
      const adj = cal.adjacent.get(origin)
      let sum = 0
      for (const [d, share] of row) {
        const j = DESTINATIONS.indexOf(d)
        if (j < 0 || j === o) continue
        dest[j] = share * (adj?.has(d) ? params.adjacencyBoost : 1)
        sum += dest[j]!
      }
      for (let j = 0; j < D; j++) {
        const toTerritory = terrSum > 0 && j !== o ? params.territoryShare * terrPop[j]! / terrSum : 0
        dest[j] = (sum > 0 ? dest[j]! / sum * (1 - params.territoryShare) : 0) + toTerritory
      }
    } else {
      for (let j = 0; j < D; j++) dest[j] = j === o ? 0 : pop[j]!
    }
    streams.push({
      name: `local:${origin}`, component: 'out-of-state local/state', origin, perYear: localVolumes[idx]!,
      agencies: Int32Array.from(agencies), agencyTable: new AliasTable(weights), destTable: new AliasTable(dest), keyTable: local,
    })
  })
  // Golden-ratio phases: spread evenly over [0, 1) whatever the number of streams.
  const phased = streams.map((s, i) => ({ ...s, phase: (i * 0.6180339887498949) % 1 }))
  return { params, streams: phased, hourTable: new AliasTable(params.hourCurve), componentOf, ...contextTables(dir, params) }
}

/**
 * Split a whole number over weights into whole numbers that add up to it
 * exactly (largest remainder), so the year's totals are the parameters' totals.
 */
export function apportion (total: number, weights: readonly number[]): number[] {
  const t = Math.round(total)
  const sum = weights.reduce((a, b) => a + b, 0)
  if (!(sum > 0)) return weights.map(() => 0)
  const exact = weights.map((w) => (t * w) / sum)
  const out = exact.map(Math.floor)
  let left = t - out.reduce((a, b) => a + b, 0)
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (const [, i] of order) { if (left <= 0) break; out[i]!++; left-- }
  return out
}

/**
 * Queries of a stream on day `day` (0-based): the year's volume spread evenly in
 * whole numbers, exact over any 365 days. `phase` (the stream's, in [0, 1))
 * staggers where each stream rounds up, so a day's total over many streams is
 * unbiased too, not short by half a query per stream.
 */
export function dailyCount (perYear: number, day: number, phase = 0): number {
  return Math.floor((perYear * (day + 1)) / 365 + phase) - Math.floor((perYear * day) / 365 + phase)
}

/** Queries of a stream over days [from, from + days): the sum of its daily counts. */
export function spanCount (s: Pick<Stream, 'perYear' | 'phase'>, from: number, days: number): number {
  return Math.floor((s.perYear * (from + days)) / 365 + s.phase) - Math.floor((s.perYear * from) / 365 + s.phase)
}

/** Planned queries over `days` days by stream and by report component, computed without generating any query. */
export function plannedCounts (model: TrafficModel, days: number, firstDay = 0): { total: number, byComponent: Record<string, number>, byStream: Record<string, number> } {
  const byComponent: Record<string, number> = Object.fromEntries(REPORT_COMPONENTS.map((c) => [c, 0]))
  const byStream: Record<string, number> = {}
  let total = 0
  for (const s of model.streams) {
    const n = spanCount(s, firstDay, days)
    byStream[s.name] = n
    byComponent[s.component]! += n
    total += n
  }
  return { total, byComponent, byStream }
}

/** Expected queries to each destination over `days` days (probabilities x planned counts). */
export function expectedByDestination (model: TrafficModel, days: number): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(DESTINATIONS.map((d) => [d, 0]))
  for (const s of model.streams) {
    const n = s.perYear * days / 365
    const p = s.destTable.probabilities()
    p.forEach((x, j) => { out[DESTINATIONS[j]!]! += x * n })
  }
  return out
}
