import { readFileSync } from 'node:fs'
import { parseDirectory } from './dist/src/directory/load.js'
import { makeSource } from './dist/src/policy/load.js'
import { buildCedar } from './dist/bench/suites/cedar.js'
const { directory } = parseDirectory(readFileSync('policies/directory.csv', 'utf8'))
const src = makeSource(directory, [], new Map([['IL', { state: 'IL', version: 'x', default: 'allow', denialText: 'NO', rules: [], file: 'x', hash: 'x' }]]))
const c = buildCedar(src, 'x')
console.log('built', c.entities)
const r = { ori: directory.agencies[5].ori, state: 'IL', key: 'DQ', time: 0 }
for (let i = 0; i < 5; i++) { const t = performance.now(); console.log(c.decideWholeStore(r), performance.now() - t) }
const { opsPerSecond } = await import('./dist/bench/lib.js')
let sink = 0
console.log(opsPerSecond((i) => { if (c.decideWholeStore(r).effect === 'deny') sink++ }, 1000, 1))
