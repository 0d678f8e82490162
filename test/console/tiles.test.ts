import t from 'tap'
import { JURISDICTIONS } from '../../src/directory/model.js'
import { TILE_COLS, TILE_ROWS, TILES } from '../../console/src/tiles.js'

t.test('the tile map has every jurisdiction once, each on its own square of the grid', async (t) => {
  t.same(TILES.map((x) => x.code).sort(), [...JURISDICTIONS].sort())
  t.equal(new Set(TILES.map((x) => `${x.col},${x.row}`)).size, TILES.length, 'no two tiles on one square')
  t.ok(TILES.every((x) => x.col >= 0 && x.col < TILE_COLS && x.row >= 0 && x.row < TILE_ROWS), 'inside the grid')
  t.ok(TILES.every((x) => x.name.length > 2), 'named')
})
