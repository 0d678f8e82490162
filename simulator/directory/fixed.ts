/**
 * @module simulator/directory/fixed
 * Rows every generated directory contains whatever the seed: real, public ORIs
 * with their known attributes, and the generic per-jurisdiction DMV ORIs
 * (`XXOLN0000` driver licensing, `XXLIC0000` vehicle registration).
 */
import { type Agency, JURISDICTIONS } from '../../src/directory/model.js'

/** Real public ORIs (DOMAIN.md 3-4). Names are descriptive, not official titles. */
export const REAL_AGENCIES: readonly Agency[] = [
  {
    ori: 'VTICE0900', name: 'ICE Law Enforcement Support Center Williston VT', line: 'AX', state: 'VT',
    type: 'FE', component: 'ICE-ERO', active: true, access: 'ACDZ',
  },
  {
    ori: 'DCFBIWA00', name: 'FBI headquarters Washington DC', line: 'FB', state: 'DC',
    type: 'FE', component: 'FBI', active: true, access: 'ACDZ',
  },
  {
    ori: 'VADEADX00', name: 'DEA National Drug Pointer Index (NDPIX)', line: 'DX', state: 'VA',
    type: 'FE', component: 'DEA', active: true, access: 'ACDZ',
  },
  {
    ori: 'NL0000000', name: 'Nlets message switch', line: 'NL', state: 'AZ',
    type: 'NJ', component: '', active: true, access: 'AZ',
  },
  {
    ori: 'AZNLETS20', name: 'Nlets test ORI 20', line: 'AZ', state: 'AZ',
    type: 'NJ', component: '', active: true, access: 'ACDZ',
  },
  {
    ori: 'AZNLETS47', name: 'Nlets test ORI 47', line: 'AZ', state: 'AZ',
    type: 'NJ', component: '', active: true, access: 'ACDZ',
  },
]

/** `XXOLN0000` and `XXLIC0000` for every jurisdiction; `names` maps code -> display name. */
export function genericAgencies (names: ReadonlyMap<string, string>): Agency[] {
  const out: Agency[] = []
  for (const j of JURISDICTIONS) {
    const name = names.get(j) ?? j
    out.push(
      { ori: `${j}OLN0000`, name: `${name} driver licensing bureau`, line: j, state: j, type: 'NJ', component: '', active: true, access: 'ADZ' },
      { ori: `${j}LIC0000`, name: `${name} vehicle registration agency`, line: j, state: j, type: 'NJ', component: '', active: true, access: 'ADZ' },
    )
  }
  return out
}
