/**
 * @module simulator/directory/states
 * The generator's view of the calibration table `simulator/calibration/states.csv`
 * (50 states + DC, USPS codes mapped to NCIC/Nlets prefixes, so NE -> NB) and the
 * three territories, which the table does not cover.
 */
import { parse } from 'csv-parse/sync'
import { type Jurisdiction, TERRITORY_CODES, toJurisdiction } from '../../src/directory/model.js'

export interface StateRow {
  /** NCIC/Nlets jurisdiction code (NB for Nebraska). */
  readonly code: Jurisdiction
  readonly name: string
  readonly population: number
  /** Law-enforcement agencies in the FBI agency list (Sep 2018); 0 for territories. */
  readonly leAgencies: number
}

const NEEDED = ['code', 'name', 'population', 'le_agencies'] as const

/** Parse states.csv text; throws an Error naming the line on a bad row. */
export function parseStatesCsv (text: string): StateRow[] {
  const rows = parse(text, { skip_empty_lines: true, trim: true }) as string[][]
  const header = rows[0] ?? []
  const col: Record<string, number> = {}
  for (const name of NEEDED) {
    const i = header.indexOf(name)
    if (i < 0) throw new Error(`states file: missing column \`${name}\``)
    col[name] = i
  }
  const out: StateRow[] = []
  const seen = new Set<string>()
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!
    const raw = row[col.code!] ?? ''
    const code = toJurisdiction(raw)
    if (code === undefined) throw new Error(`states file row ${r + 1}: unknown state code \`${raw}\``)
    if (seen.has(code)) throw new Error(`states file row ${r + 1}: duplicate state \`${raw}\``)
    seen.add(code)
    const name = (row[col.name!] ?? '').replace(/,/g, '')
    const population = Number(row[col.population!])
    const leAgencies = Number(row[col.le_agencies!])
    if (name === '' || !Number.isFinite(population) || population < 0 ||
      !Number.isInteger(leAgencies) || leAgencies < 0) {
      throw new Error(`states file row ${r + 1}: bad name, population or le_agencies for \`${raw}\``)
    }
    out.push({ code, name, population, leAgencies })
  }
  if (out.length === 0) throw new Error('states file has no rows')
  return out
}

/**
 * Territories that are Nlets members. Populations are rounded 2020 census
 * figures; agency counts are illustrative, not calibrated (the FBI list used
 * for le_agencies covers only the 50 states and DC).
 */
const TERRITORY_FIGURES: Readonly<Record<string, Omit<StateRow, 'code'> & { readonly agencies: number }>> = {
  PR: { name: 'Puerto Rico', population: 3285874, leAgencies: 0, agencies: 80 },
  VI: { name: 'US Virgin Islands', population: 87146, leAgencies: 0, agencies: 6 },
  GM: { name: 'Guam', population: 153836, leAgencies: 0, agencies: 6 },
}

/** The territories (the list is src/directory/model.ts's) with their figures. */
export const TERRITORIES: ReadonlyArray<StateRow & { readonly agencies: number }> = TERRITORY_CODES.map((code) => {
  const f = TERRITORY_FIGURES[code]
  if (f === undefined) throw new Error(`no figures for territory ${code}`)
  return { code, ...f }
})
