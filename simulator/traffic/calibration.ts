/**
 * @module simulator/traffic/calibration
 * The calibration tables as the traffic model reads them: per-jurisdiction
 * population, and the gravity origin -> destination shares with land adjacency
 * (simulator/calibration/, sources in its README). Territories are not in the
 * tables: they get their 2020 populations and no gravity row.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import { toJurisdiction } from '../../src/directory/model.js'
import { parseStatesCsv, TERRITORIES } from '../directory/states.js'

export interface Calibration {
  /** Population by jurisdiction (50 states, DC, PR, VI, GM). */
  readonly population: ReadonlyMap<string, number>
  /** origin -> (destination -> share of the origin's outbound), states and DC only; shares sum to 1. */
  readonly gravity: ReadonlyMap<string, ReadonlyMap<string, number>>
  /** Land neighbours. */
  readonly adjacent: ReadonlyMap<string, ReadonlySet<string>>
}

/** The tables shipped with the package (resolved from this file, not the working directory). */
export const CALIBRATION_DIR = fileURLToPath(new URL('../../../simulator/calibration', import.meta.url))

export function loadCalibration (dir = CALIBRATION_DIR): Calibration {
  const population = new Map<string, number>()
  for (const r of parseStatesCsv(readFileSync(join(dir, 'states.csv'), 'utf8'))) population.set(r.code, r.population)
  for (const t of TERRITORIES) population.set(t.code, t.population)
  const gravity = new Map<string, Map<string, number>>()
  const adjacent = new Map<string, Set<string>>()
  const rows = parse(readFileSync(join(dir, 'od_gravity.csv'), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>
  for (const [i, r] of rows.entries()) {
    const o = toJurisdiction(r.origin ?? '')
    const d = toJurisdiction(r.dest ?? '')
    const share = Number(r.share_of_origin_outbound)
    if (o === undefined || d === undefined || !(share >= 0)) throw new Error(`${join(dir, 'od_gravity.csv')} row ${i + 2}: bad origin, dest or share`)
    let m = gravity.get(o)
    if (m === undefined) { m = new Map(); gravity.set(o, m) }
    m.set(d, share)
    if (r.adjacent === '1') {
      let a = adjacent.get(o)
      if (a === undefined) { a = new Set(); adjacent.set(o, a) }
      a.add(d)
    }
  }
  return { population, gravity, adjacent }
}
