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
import { Random } from '../random.js'
import { contextWord } from '../traffic/alias.js'
import { CONTEXT_PURPOSE, CONTEXT_REASON, dailyCount, DESTINATIONS, SLOT_OF_SENT, type TrafficModel } from '../traffic/model.js'
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

/**
 * Replay one day into the tally; returns the number of queries. The sfc32
 * generator and the alias draws are inlined (locals, no calls): this loop runs
 * 290 million times for a year. `dayRandom(...).uint32()` yields the same words.
 */
export function replayDay (ctx: KernelContext, day: number, tally: Tally): number {
  const { model, tables, set } = ctx
  const D = DESTINATIONS.length
  const C = REPORT_COMPONENTS.length
  const nDec = tally.decisions
  const dayStart = ctx.start + day * DAY_MS
  const hp = model.hourTable.prob
  const ha = model.hourTable.alias
  const hn = model.hourTable.n
  const compOf = model.componentOf
  const dest = tally.byDestDecisionComp
  const keyEff = tally.byKeyEffect
  const agencyDest = tally.byAgencyDest
  const denied = tally.deniedByAgencyDest
  const hours = tally.byHour
  const ctxTables = model.contextTables
  const ctxOf = model.contextOf
  let done = 0
  for (let si = 0; si < model.streams.length; si++) {
    const s = model.streams[si]!
    const n = dailyCount(s.perYear, day, s.phase)
    if (n === 0) continue
    let [ra, rb, rc, rd] = dayRandom(ctx.seed, day, si).state()
    const agencies = s.agencies
    const ap = s.agencyTable.prob
    const aa = s.agencyTable.alias
    const an = s.agencyTable.n
    const dp = s.destTable.prob
    const da = s.destTable.alias
    const dn = s.destTable.n
    const kp = s.keyTable.prob
    const ka = s.keyTable.alias
    const kn = s.keyTable.n
    for (let q = 0; q < n; q++) {
      // Four sfc32 words, each turned into an alias draw.
      let t = (((ra + rb) | 0) + rd) | 0
      rd = (rd + 1) | 0; ra = rb ^ (rb >>> 9); rb = (rc + (rc << 3)) | 0; rc = (rc << 21) | (rc >>> 11); rc = (rc + t) | 0
      let x = ((t >>> 0) / 4294967296) * an
      let i = x | 0
      const a = agencies[x - i < ap[i]! ? i : aa[i]!]!
      t = (((ra + rb) | 0) + rd) | 0
      rd = (rd + 1) | 0; ra = rb ^ (rb >>> 9); rb = (rc + (rc << 3)) | 0; rc = (rc << 21) | (rc >>> 11); rc = (rc + t) | 0
      x = ((t >>> 0) / 4294967296) * dn
      i = x | 0
      const d = x - i < dp[i]! ? i : da[i]!
      t = (((ra + rb) | 0) + rd) | 0
      rd = (rd + 1) | 0; ra = rb ^ (rb >>> 9); rb = (rc + (rc << 3)) | 0; rc = (rc << 21) | (rc >>> 11); rc = (rc + t) | 0
      x = ((t >>> 0) / 4294967296) * kn
      i = x | 0
      const k = x - i < kp[i]! ? i : ka[i]!
      t = (((ra + rb) | 0) + rd) | 0
      rd = (rd + 1) | 0; ra = rb ^ (rb >>> 9); rb = (rc + (rc << 3)) | 0; rc = (rc << 21) | (rc >>> 11); rc = (rc + t) | 0
      x = ((t >>> 0) / 4294967296) * hn
      i = x | 0
      const h = x - i < hp[i]! ? i : ha[i]!
      const slot = SLOT_OF_SENT[k]!
      const tb = tables[d]!
      const cls = tb.dirClass === null ? 0 : tb.dirClass[a]!
      let di = tb.code[cls * SLOTS + slot]!
      if (di < 0) {
        // The context (RSN/, PUR/) only matters where conditions leave the decision
        // open: drawn from a hash of the hour word, as generate.ts does.
        const ct = ctxTables[ctxOf[a]!]!
        x = (contextWord(t >>> 0) / 4294967296) * ct.n
        i = x | 0
        const c = x - i < ct.prob[i]! ? i : ct.alias[i]!
        di = decideAt(tb, set, set.directory.agencies[a]!.ori, slot, dayStart + h * HOUR_MS + (q % 60) * 60_000, CONTEXT_REASON[c], CONTEXT_PURPOSE[c])
      }
      const e = tb.effect[di]!
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
