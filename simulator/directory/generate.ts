/**
 * @module simulator/directory/generate
 * The deterministic synthetic agency directory: real and generic ORIs, federal
 * field offices, then non-federal agencies spread over the states in proportion
 * to their law-enforcement agency counts. Same seed and input, same rows.
 */
import { type Agency } from '../../src/directory/model.js'
import { apportion } from './apportion.js'
import { generateFederal } from './federal.js'
import { REAL_AGENCIES, genericAgencies } from './fixed.js'
import { generateLocal } from './local.js'
import { Random } from '../random.js'
import { parseStatesCsv, TERRITORIES } from './states.js'

export const DEFAULT_TOTAL = 18000
export const DEFAULT_SEED = 2025
/** Bounds on `total`: below the minimum the fixed and federal rows crowd out the states. */
export const MIN_TOTAL = 1000
export const MAX_TOTAL = 50000

export interface GenerateOptions {
  /** Any integer; the same seed and input give byte-identical output. */
  seed: number
  /** Text of simulator/calibration/states.csv (or a file of the same shape). */
  statesCsvText: string
  /** Rows in all, real, generic and federal included (default 18,000). */
  total?: number
}

/** Generate the directory, sorted by ORI. Throws RangeError on a bad total, Error on a bad states file. */
export function generateDirectory (opts: GenerateOptions): Agency[] {
  const total = opts.total ?? DEFAULT_TOTAL
  if (!Number.isInteger(total) || total < MIN_TOTAL || total > MAX_TOTAL) {
    throw new RangeError(`total must be an integer from ${MIN_TOTAL} to ${MAX_TOTAL}, got ${total}`)
  }
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`)
  const states = parseStatesCsv(opts.statesCsvText)
  const inStates = new Set<string>(states.map((s) => s.code))
  const territories = TERRITORIES.filter((t) => !inStates.has(t.code))
  const names = new Map<string, string>([...states, ...territories].map((s) => [s.code, s.name]))
  const scale = total / DEFAULT_TOTAL

  const fixed = [...REAL_AGENCIES, ...genericAgencies(names)]
  const reserved = new Set(fixed.map((a) => a.ori))
  const federal = generateFederal([...states, ...territories], scale, reserved)
  const territoryCounts = territories.map((t) => Math.max(1, Math.round(t.agencies * scale)))
  const stateTotal = total - fixed.length - federal.length - territoryCounts.reduce((a, b) => a + b, 0)
  if (stateTotal < 0) throw new RangeError(`total ${total} is too small for the fixed and federal rows`)
  const stateCounts = apportion(stateTotal, states.map((s) => s.leAgencies))

  const root = new Random(`nlets-sim/directory/${opts.seed}`)
  const rows: Agency[] = [...fixed, ...federal]
  states.forEach((s, i) => rows.push(...generateLocal(s.code, s.name, stateCounts[i]!, root.fork(s.code))))
  territories.forEach((t, i) => rows.push(...generateLocal(t.code, t.name, territoryCounts[i]!, root.fork(t.code))))

  rows.sort((a, b) => (a.ori < b.ori ? -1 : a.ori > b.ori ? 1 : 0))
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.ori === rows[i - 1]!.ori) throw new Error(`generator produced duplicate ORI ${rows[i]!.ori}`)
  }
  return rows
}
