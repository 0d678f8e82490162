/**
 * @module simulator/replay/kernel
 * The replay's inner loop: for each day and stream, draw the day's queries
 * (agency, destination, key, hour) from the model's alias tables with a random
 * stream seeded by (seed, day, stream), decide each through the replay tables,
 * and count. Seeding per day and stream makes the result independent of how
 * the days are split among threads.
 */
import type { CompiledPolicySet } from '../../src/policy/compile.js'
import { SLOTS } from '../../src/policy/compile.js'
import { Random } from '../directory/random.js'
import { dailyCount, DESTINATIONS, SLOT_OF_SENT, type TrafficModel } from '../traffic/model.js'
import { REPORT_COMPONENTS } from '../traffic/params.js'
import { decideAt, type DestinationTable } from './tables.js'
import type { Tally } from './tally.js'

export interface KernelContext {
  readonly model: TrafficModel
  readonly tables: readonly DestinationTable[]
  readonly set: CompiledPolicySet
  readonly seed: string
  /** Epoch ms of day 0, 00:00 UTC. */
  readonly start: number
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

export function dayRandom (seed: string, day: number, stream: number): Random {
  return new Random(`${seed}/day${day}/s${stream}`)
}

/** Replay one day into the tally; returns the number of queries. */
export function replayDay (ctx: KernelContext, day: number, tally: Tally): number {
  const { model, tables, set } = ctx
  const D = DESTINATIONS.length
  const C = REPORT_COMPONENTS.length
  const nDec = tally.decisions
  const dayStart = ctx.start + day * DAY_MS
  const hourTable = model.hourTable
  const compOf = model.componentOf
  const dest = tally.byDestDecisionComp
  const keyEff = tally.byKeyEffect
  const agencyDest = tally.byAgencyDest
  const denied = tally.deniedByAgencyDest
  const hours = tally.byHour
  let done = 0
  for (let si = 0; si < model.streams.length; si++) {
    const s = model.streams[si]!
    const n = dailyCount(s.perYear, day)
    if (n === 0) continue
    const rng = dayRandom(ctx.seed, day, si)
    const agencies = s.agencies
    const agencyTable = s.agencyTable
    const destTable = s.destTable
    const keyTable = s.keyTable
    for (let q = 0; q < n; q++) {
      const a = agencies[agencyTable.draw(rng)]!
      const d = destTable.draw(rng)
      const k = keyTable.draw(rng)
      const h = hourTable.draw(rng)
      const slot = SLOT_OF_SENT[k]!
      const t = tables[d]!
      const cls = t.dirClass === null ? 0 : t.dirClass[a]!
      let di = t.code[cls * SLOTS + slot]!
      if (di < 0) di = decideAt(t, set, set.directory.agencies[a]!.ori, slot, dayStart + h * HOUR_MS + (q % 60) * 60_000)
      const e = t.effect[di]!
      dest[(d * nDec + di) * C + compOf[a]!]!++
      keyEff[k * 3 + e]!++
      agencyDest[a * D + d]!++
      if (e === 1) denied[a * D + d]!++
      hours[h]!++
    }
    done += n
  }
  tally.total += done
  return done
}

/** Decisions per destination the tally must hold for these tables. */
export function decisionsNeeded (tables: readonly DestinationTable[]): number {
  return Math.max(1, ...tables.map((t) => t.decisions.length))
}
