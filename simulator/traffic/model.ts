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
import { AliasTable } from './alias.js'
import type { Calibration } from './calibration.js'
import { REPORT_COMPONENTS, type ReportComponent, reportComponentOf, type TrafficParams } from './params.js'

/** Keys as sent, in the order of the key tables. `DQ+IMQ` is a DQ with IMQ/Y. */
export const SENT_KEYS = ['DQ', 'DQ+IMQ', 'DNQ', 'DQG', 'KQ', 'RQ', 'RQG', 'RNQ', 'RPQ'] as const
export type SentKey = (typeof SENT_KEYS)[number]

/**
 * Decision slot of each sent key: the policy decides on the key the state sees
 * (DQG/RQG rewritten to DQ/RQ), slot = key index * 2 + IMQ (see policy/compile.ts).
 */
export const SLOT_OF_SENT: Readonly<Int32Array> = Int32Array.from([0, 1, 2, 0, 6, 8, 8, 12, 14])

export const DESTINATIONS: readonly string[] = JURISDICTIONS

export interface Stream {
  readonly name: string
  readonly component: ReportComponent
  /** Origin jurisdiction of a local stream; '' for federal streams. */
  readonly origin: string
  readonly perYear: number
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
}

function keyTable (mix: Readonly<Record<string, number>>, where: string): AliasTable {
  const w = SENT_KEYS.map((k) => mix[k] ?? 0)
  for (const k of Object.keys(mix)) if (!(SENT_KEYS as readonly string[]).includes(k)) throw new Error(`${where}: unknown key \`${k}\` (keys: ${SENT_KEYS.join(', ')})`)
  return new AliasTable(w)
}

export function buildModel (dir: Directory, cal: Calibration, params: TrafficParams): TrafficModel {
  const D = DESTINATIONS.length
  const pop = DESTINATIONS.map((d) => cal.population.get(d) ?? 0)
  const popSum = pop.reduce((a, b) => a + b, 0)
  const popShare = pop.map((p) => p / popSum)
  const componentOf = new Uint8Array(dir.size)
  dir.agencies.forEach((a, i) => { componentOf[i] = REPORT_COMPONENTS.indexOf(reportComponentOf(a.component, isFederal(a))) })
  const streams: Stream[] = []
  const local = keyTable(params.localKeyMix, 'localKeyMix')
  const federal = keyTable(params.federalKeyMix, 'federalKeyMix')
  const cbp = keyTable(params.cbpKeyMix, 'cbpKeyMix')

  // Federal streams: one per component, its offices sharing the volume evenly.
  let federalTotal = 0
  for (const [component, perYear] of Object.entries(params.federalPerYear)) {
    const members = dir.members(`component:${component}`).filter((i) => dir.agencies[i]!.active)
    if (members.length === 0 || perYear <= 0) continue
    federalTotal += perYear
    let dest: number[]
    if (component === 'CBP') {
      const border = DESTINATIONS.map((d) => params.cbpBorderWeight[d] ?? 0)
      const bSum = border.reduce((a, b) => a + b, 0)
      dest = popShare.map((p, i) => (1 - params.cbpBorderMix) * p + (bSum > 0 ? params.cbpBorderMix * border[i]! / bSum : 0))
    } else dest = popShare
    streams.push({
      name: component, component: reportComponentOf(component, true), origin: '', perYear,
      agencies: Int32Array.from(members), agencyTable: new AliasTable(members.map(() => 1)), destTable: new AliasTable(dest),
      keyTable: component === 'CBP' ? cbp : federal,
    })
  }

  // Out-of-state local and state agencies: origin volume by population, agencies by type.
  const localTotal = Math.max(0, params.totalPerYear - federalTotal)
  const territories = new Set(['PR', 'VI', 'GM'])
  const terrPop = DESTINATIONS.map((d, i) => territories.has(d) ? pop[i]! : 0)
  const terrSum = terrPop.reduce((a, b) => a + b, 0)
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
    if (agencies.length === 0 || popShare[o]! === 0) continue
    const dest = new Array<number>(D).fill(0)
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
        dest[j] = sum > 0 ? dest[j]! / sum * (1 - params.territoryShare) : 0
        if (terrSum > 0 && j !== o) dest[j]! += params.territoryShare * terrPop[j]! / terrSum
      }
    } else {
      for (let j = 0; j < D; j++) dest[j] = j === o ? 0 : pop[j]!
    }
    streams.push({
      name: `local:${origin}`, component: 'out-of-state local/state', origin, perYear: localTotal * popShare[o]!,
      agencies: Int32Array.from(agencies), agencyTable: new AliasTable(weights), destTable: new AliasTable(dest), keyTable: local,
    })
  }
  return { params, streams, hourTable: new AliasTable(params.hourCurve), componentOf }
}

/** Queries of a stream on day `day` (0-based): the year's volume spread evenly, whole numbers, exact over 365 days. */
export function dailyCount (perYear: number, day: number): number {
  return Math.floor((perYear * (day + 1)) / 365) - Math.floor((perYear * day) / 365)
}

/** Planned queries over `days` days by stream and by report component, computed without generating any query. */
export function plannedCounts (model: TrafficModel, days: number, firstDay = 0): { total: number, byComponent: Record<string, number>, byStream: Record<string, number> } {
  const byComponent: Record<string, number> = Object.fromEntries(REPORT_COMPONENTS.map((c) => [c, 0]))
  const byStream: Record<string, number> = {}
  let total = 0
  for (const s of model.streams) {
    const n = Math.floor((s.perYear * (firstDay + days)) / 365) - Math.floor((s.perYear * firstDay) / 365)
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
