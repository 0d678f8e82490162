import { readFileSync } from 'node:fs'
import { parseDirectory } from './dist/src/directory/load.js'
import { makeSource } from './dist/src/policy/load.js'
import { buildCedar } from './dist/bench/suites/cedar.js'
import { opsPerSecond } from './dist/bench/lib.js'
const { directory } = parseDirectory(readFileSync('policies/directory.csv', 'utf8'))
const src = makeSource(directory, [], new Map([['IL', { state: 'IL', version: 'x', default: 'allow', denialText: 'NO', rules: [], file: 'x', hash: 'x' }]]))
const c = buildCedar(src, 'x')
const r = { ori: directory.agencies[5].ori, state: 'IL', key: 'DQ', time: 0 }
let sink = 0
console.log(opsPerSecond((i) => { if (c.decide(r).effect === 'deny') sink++ }, 500, 100))
console.log('whole')
console.log(c.decideWholeStore(r))
