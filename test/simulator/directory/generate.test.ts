/**
 * @module test/simulator/directory/generate
 * The synthetic directory generator: determinism, size, real and generic ORIs,
 * federal offices, ORI shapes, proportionality, and the committed file.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { formatDirectory, parseDirectory } from '../../../src/directory/load.js'
import { type Agency, JURISDICTIONS, isOri } from '../../../src/directory/model.js'
import { apportion } from '../../../simulator/directory/apportion.js'
import { DEFAULT_TOTAL, generateDirectory } from '../../../simulator/directory/generate.js'
import { Random, weightedSampler } from '../../../simulator/random.js'
import { parseStatesCsv } from '../../../simulator/directory/states.js'

const statesCsvText = readFileSync('simulator/calibration/states.csv', 'utf8')
const rows = generateDirectory({ seed: 2025, statesCsvText })
const text = formatDirectory(rows)
const byOri = new Map(rows.map((a) => [a.ori, a]))
const count = (f: (a: Agency) => boolean): number => rows.filter(f).length
const isGeneric = (a: Agency): boolean => /^[A-Z]{2}(OLN|LIC)0000$/.test(a.ori)
/** Synthetic non-federal agencies (neither generic nor real). */
const local = rows.filter((a) => a.component === '' && /^[A-Z]{2}\d{7}$/.test(a.ori) && a.ori !== 'NL0000000')

t.test('deterministic: same seed, same bytes; other seed, other rows', async (st) => {
  st.equal(formatDirectory(generateDirectory({ seed: 2025, statesCsvText })), text)
  const other = generateDirectory({ seed: 2026, statesCsvText })
  st.not(formatDirectory(other), text)
  st.equal(other.length, rows.length)
  const otherByOri = new Map(other.map((a) => [a.ori, a]))
  for (const ori of ['VTICE0900', 'DCFBIWA00', 'VADEADX00', 'NL0000000', 'AZNLETS20', 'AZNLETS47', 'NBOLN0000']) {
    st.same(otherByOri.get(ori), byOri.get(ori), `${ori} does not depend on the seed`)
  }
  st.same(rows.map((a) => a.ori), rows.map((a) => a.ori).toSorted(), 'sorted by ORI')
})

t.test('about 18,000 rows, and the total option', async (st) => {
  st.ok(Math.abs(rows.length - DEFAULT_TOTAL) <= DEFAULT_TOTAL * 0.05, `${rows.length} rows`)
  st.equal(generateDirectory({ seed: 1, statesCsvText, total: 5000 }).length, 5000)
  st.throws(() => generateDirectory({ seed: 1, statesCsvText, total: 10 }), RangeError)
  st.throws(() => generateDirectory({ seed: 1, statesCsvText: 'code,name\nXX,Nowhere\n' }), /missing column/)
})

t.test('real ORIs with their attributes', async (st) => {
  const fe = { type: 'FE', active: true, access: 'ACDZ' }
  st.match(byOri.get('VTICE0900'), { ...fe, component: 'ICE-ERO', line: 'AX', state: 'VT' })
  st.match(byOri.get('DCFBIWA00'), { ...fe, component: 'FBI', line: 'FB', state: 'DC' })
  st.match(byOri.get('VADEADX00'), { ...fe, component: 'DEA', line: 'DX', state: 'VA' })
  st.match(byOri.get('NL0000000'), { line: 'NL', state: 'AZ', type: 'NJ', component: '', access: 'AZ', active: true })
  for (const ori of ['AZNLETS20', 'AZNLETS47']) {
    st.match(byOri.get(ori), { line: 'AZ', state: 'AZ', type: 'NJ', component: '', access: 'ACDZ', active: true })
  }
})

t.test('generic DMV ORIs for all 54 jurisdictions', async (st) => {
  st.equal(JURISDICTIONS.length, 54)
  for (const j of JURISDICTIONS) {
    for (const ori of [`${j}OLN0000`, `${j}LIC0000`]) {
      st.match(byOri.get(ori), { line: j, state: j, type: 'NJ', component: '', active: true }, ori)
    }
  }
  st.equal(count(isGeneric), 108)
  st.equal(count((a) => a.state === 'NE' || a.line === 'NE'), 0, 'Nebraska is NB')
  st.ok(count((a) => a.state === 'NB') > 100)
})

t.test('federal offices', async (st) => {
  const n = (c: string): number => count((a) => a.component === c)
  for (const c of ['ICE-ERO', 'HSI', 'CBP']) st.ok(n(c) >= 24 && n(c) <= 200, `${c}: ${n(c)}`)
  st.ok(n('FBI') >= 56, 'the 56 FBI field offices and more')
  for (const c of ['DEA', 'USMS', 'ATF', 'USSS', 'NCIS']) st.ok(n(c) >= 12, `${c}: ${n(c)}`)
  const lines: Record<string, string> = { 'ICE-ERO': 'AX', HSI: 'AX', CBP: 'TC', FBI: 'FB', DEA: 'DX', USMS: 'UM', ATF: 'AF', USSS: 'SS', NCIS: 'DN' }
  for (const a of rows.filter((r) => r.component !== '')) {
    if (a.line !== lines[a.component] || a.type !== 'FE' || a.access !== 'ACDZ' || a.ori.slice(0, 2) !== a.state) {
      st.fail(`bad federal row ${a.ori}`)
    }
  }
  const border = new Set(['WA', 'NY', 'MI', 'VT', 'ME', 'TX', 'AZ', 'CA', 'NM', 'ND', 'MT', 'MN', 'FL'])
  st.ok(count((a) => a.component === 'CBP' && border.has(a.state)) > 0.6 * n('CBP'), 'CBP mostly at the borders and ports')
  st.ok(byOri.has('TXICE0100') && byOri.has('CAHSI0100') && byOri.has('WACBP0300') && byOri.has('ILFBI0100'))
  st.match(byOri.get('ILFBI0100'), { name: 'FBI field office Chicago IL 01' })
})

t.test('every ORI well formed, unique, and shaped by kind', async (st) => {
  st.equal(new Set(rows.map((a) => a.ori)).size, rows.length, 'unique')
  const bad = rows.filter((a) => !isOri(a.ori) || a.name.includes(',') || a.name.trim() !== a.name || a.name === '')
  st.same(bad, [])
  const fedShape = /^[A-Z]{2}[A-Z]{3}\d{2}00$/
  st.same(rows.filter((a) => a.component !== '' && !fedShape.test(a.ori) && !['DCFBIWA00', 'VADEADX00'].includes(a.ori)).map((a) => a.ori), [])
  st.same(local.filter((a) => !/^[A-Z]{2}\d{5}00$/.test(a.ori) || a.ori.slice(0, 2) !== a.state || a.line !== a.state).map((a) => a.ori), [])
  st.equal(rows.length, local.length + count(isGeneric) + count((a) => a.component !== '') + 3, 'every row is accounted for')
  st.match(local.find((a) => a.type === 'PD')!.name, /^[A-Za-z ]+ police department \d{4}$/)
  st.match(local.find((a) => a.type === 'SO')!.name, /^[A-Za-z ]+ county sheriff \d{3}$/)
})

t.test('non-federal agencies proportional to le_agencies', async (st) => {
  const states = parseStatesCsv(statesCsvText)
  const per = new Map<string, number>()
  for (const a of local) per.set(a.state, (per.get(a.state) ?? 0) + 1)
  const inStates = states.reduce((n, s) => n + (per.get(s.code) ?? 0), 0)
  const scale = inStates / states.reduce((n, s) => n + s.leAgencies, 0)
  st.ok(scale > 0.85 && scale <= 1, `scale ${scale}`)
  for (const s of states) {
    const got = per.get(s.code) ?? 0
    if (Math.abs(got - s.leAgencies * scale) > 1) st.fail(`${s.code}: ${got} for ${s.leAgencies} agencies`)
  }
  const pa = per.get('PA')!
  const tx = per.get('TX')!
  const ca = per.get('CA')!
  st.ok(pa > tx && tx > ca, `PA ${pa} > TX ${tx} > CA ${ca}`)
  st.ok((per.get('PR') ?? 0) >= 40 && (per.get('VI') ?? 0) >= 3 && (per.get('GM') ?? 0) >= 3, 'territories')
})

t.test('type mix, active and access', async (st) => {
  const share = (type: string): number => local.filter((a) => a.type === type).length / local.length
  st.ok(share('PD') > 0.6 && share('PD') < 0.67, `PD ${share('PD')}`)
  st.ok(share('SO') > 0.13 && share('SO') < 0.19, `SO ${share('SO')}`)
  for (const type of ['SA', 'LE', 'JA', 'JC', 'JG', 'JJ', 'CJ', 'NJ']) st.ok(share(type) > 0, type)
  const inactive = local.filter((a) => !a.active).length / local.length
  st.ok(inactive > 0.005 && inactive < 0.03, `inactive ${inactive}`)
  const law = local.filter((a) => ['PD', 'SO', 'SA', 'LE'].includes(a.type))
  st.ok(law.filter((a) => a.access === 'ACDZ').length > 0.9 * law.length, 'law enforcement mostly ACDZ')
  st.same(local.filter((a) => a.type === 'NJ' && a.access !== 'ADZ' && a.access !== 'AD'), [], 'NJ has ADZ or AD')
  st.ok(local.some((a) => a.type === 'JJ' && a.access === 'ACZ'), 'some courts ACZ')
})

t.test('round-trips through parseDirectory; committed file is seed 2025', async (st) => {
  const { directory, diagnostics } = parseDirectory(text)
  st.same(diagnostics, [])
  st.equal(directory.size, rows.length)
  st.equal(formatDirectory(directory.agencies), text)
  const committed = readFileSync('policies/directory.csv', 'utf8')
  st.equal(committed, text, 'policies/directory.csv equals a fresh generation with seed 2025')
  st.same(parseDirectory(committed, 'policies/directory.csv').diagnostics, [])
})

t.test('random: deterministic, bounded, weighted', async (st) => {
  const a = new Random(42)
  const b = new Random('42')
  const seqA = Array.from({ length: 5 }, () => a.uint32())
  st.same(Array.from({ length: 5 }, () => b.uint32()), seqA, 'number and string seeds agree')
  st.not(new Random(43).uint32(), new Random(42).uint32())
  const r = new Random('bounds')
  for (let i = 0; i < 2000; i++) {
    const x = r.next()
    const k = r.int(7)
    if (x < 0 || x >= 1 || k < 0 || k >= 7 || !Number.isInteger(k)) st.fail(`out of range ${x} ${k}`)
  }
  st.throws(() => r.int(0), RangeError)
  st.throws(() => r.pick([]), RangeError)
  const fork = new Random(1).fork('x').next()
  st.equal(new Random(1).fork('x').next(), fork, 'forks are reproducible')
  const hits = [0, 0, 0]
  const sample = weightedSampler([1, 0, 3])
  for (let i = 0; i < 4000; i++) hits[sample(r)]! += 1
  st.equal(hits[1], 0, 'zero weight never drawn')
  st.ok(hits[2]! > 2.5 * hits[0]!, `weights respected ${hits.join(',')}`)
  const counts = [0, 0]
  for (let i = 0; i < 4000; i++) counts[r.weightedIndex([1, 3])]! += 1
  st.ok(counts[1]! > 2.5 * counts[0]!)
  st.equal(r.weighted([['only', 1]]), 'only')
  st.same(r.shuffle([3, 1, 2]).toSorted(), [1, 2, 3])
})

t.test('apportion: exact sums, largest remainders', async (st) => {
  st.same(apportion(10, [1, 1, 1]), [4, 3, 3])
  st.same(apportion(7, [0, 2, 5]), [0, 2, 5])
  st.same(apportion(0, [1, 2]), [0, 0])
  const parts = apportion(18000, [3, 4, 744, 1521, 1105])
  st.equal(parts.reduce((x, y) => x + y, 0), 18000)
  st.throws(() => apportion(5, [0, 0]), RangeError)
})
