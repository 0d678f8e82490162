/**
 * @module console/tiles
 * The tile map: every jurisdiction as one square on a grid laid out roughly
 * like the country (our own arrangement, no external map data), with its name.
 * Codes are the project's (Nebraska NB, Guam GM).
 */

export interface Tile {
  readonly code: string
  readonly name: string
  readonly col: number
  readonly row: number
}

const T = (code: string, name: string, col: number, row: number): Tile => ({ code, name, col, row })

export const TILES: readonly Tile[] = [
  T('AK', 'Alaska', 0, 0), T('ME', 'Maine', 11, 0),
  T('WI', 'Wisconsin', 6, 1), T('VT', 'Vermont', 10, 1), T('NH', 'New Hampshire', 11, 1),
  T('WA', 'Washington', 1, 2), T('ID', 'Idaho', 2, 2), T('MT', 'Montana', 3, 2), T('ND', 'North Dakota', 4, 2), T('MN', 'Minnesota', 5, 2),
  T('IL', 'Illinois', 6, 2), T('MI', 'Michigan', 7, 2), T('NY', 'New York', 9, 2), T('MA', 'Massachusetts', 10, 2),
  T('OR', 'Oregon', 1, 3), T('NV', 'Nevada', 2, 3), T('WY', 'Wyoming', 3, 3), T('SD', 'South Dakota', 4, 3), T('IA', 'Iowa', 5, 3),
  T('IN', 'Indiana', 6, 3), T('OH', 'Ohio', 7, 3), T('PA', 'Pennsylvania', 8, 3), T('NJ', 'New Jersey', 9, 3), T('CT', 'Connecticut', 10, 3),
  T('RI', 'Rhode Island', 11, 3),
  T('CA', 'California', 1, 4), T('UT', 'Utah', 2, 4), T('CO', 'Colorado', 3, 4), T('NB', 'Nebraska', 4, 4), T('MO', 'Missouri', 5, 4),
  T('KY', 'Kentucky', 6, 4), T('WV', 'West Virginia', 7, 4), T('VA', 'Virginia', 8, 4), T('MD', 'Maryland', 9, 4), T('DE', 'Delaware', 10, 4),
  T('AZ', 'Arizona', 2, 5), T('NM', 'New Mexico', 3, 5), T('KS', 'Kansas', 4, 5), T('AR', 'Arkansas', 5, 5), T('TN', 'Tennessee', 6, 5),
  T('NC', 'North Carolina', 7, 5), T('SC', 'South Carolina', 8, 5), T('DC', 'District of Columbia', 9, 5),
  T('OK', 'Oklahoma', 4, 6), T('LA', 'Louisiana', 5, 6), T('MS', 'Mississippi', 6, 6), T('AL', 'Alabama', 7, 6), T('GA', 'Georgia', 8, 6),
  T('HI', 'Hawaii', 0, 7), T('TX', 'Texas', 4, 7), T('FL', 'Florida', 9, 7),
  T('GM', 'Guam', 0, 8), T('PR', 'Puerto Rico', 10, 8), T('VI', 'US Virgin Islands', 11, 8),
]

export const TILE_COLS = 12
export const TILE_ROWS = 9

/** A jurisdiction's name by code. */
export function nameOf (code: string): string {
  return TILES.find((t) => t.code === code)?.name ?? code
}
