/**
 * @module test/cli/directory
 * `nlets-sim directory generate|show|list` run in process with a fake Io.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import t from 'tap'
import { directoryCommand } from '../../src/cli/directory.js'
import { type Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'
import { DIRECTORY_HEADER, parseDirectory } from '../../src/directory/load.js'
import { NsimError } from '../../src/errors.js'

const root = process.cwd()
const statesFile = resolve(root, 'simulator/calibration/states.csv')

function fakeIo (cwd = root): Io & { stdout: string[], stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { cwd, stdout, stderr, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
}

t.test('generate', async (st) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-dir-'))
  st.teardown(() => rm(dir, { recursive: true, force: true }))
  const out = join(dir, 'sub', 'd.csv')

  const io = fakeIo()
  st.equal(await directoryCommand(['generate', '--seed', '7', '--total', '2000', '--out', out, '--json'], io), 0)
  const summary = JSON.parse(io.stdout.join('\n'))
  st.match(summary, { file: out, seed: 7, total: 2000, rows: 2000 })
  st.ok(summary.components['ICE-ERO'] > 0 && summary.types.PD > 0)
  const text = await readFile(out, 'utf8')
  st.ok(text.startsWith(DIRECTORY_HEADER + '\n'))
  st.same(parseDirectory(text).diagnostics, [])
  st.equal(parseDirectory(text).directory.size, 2000)

  // Defaults resolve against io.cwd: policies/directory.csv under the temp dir.
  const io2 = fakeIo(dir)
  st.equal(await directoryCommand(['generate', '--states', statesFile], io2), 0)
  st.match(io2.stdout.join('\n'), /^wrote 18000 agencies to policies\/directory\.csv \(seed 2025\).*ICE-ERO \d+.*PD \d+/)
  const fresh = await readFile(join(dir, 'policies/directory.csv'), 'utf8')
  st.equal(fresh, await readFile(resolve(root, 'policies/directory.csv'), 'utf8'), 'seed 2025 equals the committed file')

  const io3 = fakeIo(dir)
  st.equal(await directoryCommand(['generate', '--states', 'missing.csv', '--out', out], io3), 1)
  st.match(io3.stderr.join('\n'), /missing\.csv/)
  await st.rejects(directoryCommand(['generate', '--total', '5', '--out', out], fakeIo()), { code: 'NSIM_CLI_USAGE', message: /--total/ })
  await st.rejects(directoryCommand(['generate', '--seed', 'abc'], fakeIo()), { message: /--seed/ })
})

t.test('show', async (st) => {
  const io = fakeIo()
  st.equal(await directoryCommand(['show', 'VTICE0900'], io), 0)
  st.match(io.stdout.join('\n'), /component\s+ICE-ERO/)
  const io2 = fakeIo()
  st.equal(await directoryCommand(['show', 'nl0000000', '--json', '--dir', 'policies/directory.csv'], io2), 0)
  st.same(JSON.parse(io2.stdout.join('\n')), {
    ori: 'NL0000000', name: 'Nlets message switch', line: 'NL', state: 'AZ', type: 'NJ', component: '', active: true, access: 'AZ',
  })
  const io3 = fakeIo()
  st.equal(await directoryCommand(['show', 'ZZ9999999'], io3), 1)
  st.match(io3.stderr.join('\n'), /ZZ9999999/)
  await st.rejects(directoryCommand(['show'], fakeIo()), NsimError)
})

t.test('list', async (st) => {
  const io = fakeIo()
  st.equal(await directoryCommand(['list', '--component', 'ICE-ERO', '--limit', '5'], io), 0)
  const lines = io.stdout.join('\n').split('\n')
  st.equal(lines.length, 6)
  st.match(lines[5], /^5 of \d+ matching agencies shown$/)

  const io2 = fakeIo()
  st.equal(await directoryCommand(['list', '--component', 'cbp', '--json', '--limit', '0'], io2), 0)
  const cbp = JSON.parse(io2.stdout.join('\n'))
  st.ok(cbp.matched >= 24 && cbp.shown === cbp.matched)
  st.ok(cbp.agencies.every((a: { line: string }) => a.line === 'TC'))

  const io3 = fakeIo()
  st.equal(await directoryCommand(['list', '--state', 'NE', '--type', 'SO', '--line', 'NB', '--json'], io3), 0)
  const nb = JSON.parse(io3.stdout.join('\n'))
  st.ok(nb.shown > 0 && nb.shown <= 50)
  st.ok(nb.agencies.every((a: { state: string, type: string }) => a.state === 'NB' && a.type === 'SO'))

  await st.rejects(directoryCommand(['list', '--type', 'XX'], fakeIo()), { message: /--type `XX`/ })
})

t.test('diagnostics of a bad directory file are reported', async (st) => {
  const dir = await mkdtemp(join(tmpdir(), 'nsim-dir-'))
  st.teardown(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'bad.csv')
  await writeFile(file, `${DIRECTORY_HEADER}\nIL0010000,Sheriff,IL,IL,SO,,Y,ACDZ\nbad,x,IL,IL,SO,,Y,ACDZ\n`)
  const io = fakeIo()
  st.equal(await directoryCommand(['list', '--dir', file], io), 0)
  st.match(io.stderr.join('\n'), /bad\.csv:3:1 error NSIM_DIR_FIELD/)
  st.match(io.stdout.join('\n'), /1 of 1 matching/)
  const io2 = fakeIo()
  st.equal(await directoryCommand(['list', '--dir', join(dir, 'none.csv')], io2), 1)
  st.match(io2.stderr.join('\n'), /NSIM_DIR_READ/)
})

t.test('help and usage errors', async (st) => {
  for (const argv of [['--help'], ['generate', '--help'], ['show', '-h'], ['list', '--help']]) {
    const io = fakeIo()
    st.equal(await directoryCommand(argv, io), 0, argv.join(' '))
    st.match(io.stdout.join('\n'), /^usage: nlets-sim directory/)
  }
  const none = fakeIo()
  st.equal(await directoryCommand([], none), 2)
  const io = fakeIo()
  st.equal(await main(['directory', 'frobnicate'], io), 2)
  st.match(io.stderr.join('\n'), /NSIM_CLI_USAGE .*`frobnicate`/)
  const io2 = fakeIo()
  st.equal(await main(['directory', 'list', '--bogus'], io2), 2)
  st.match(io2.stderr.join('\n'), /--bogus/)
  const io3 = fakeIo()
  st.equal(await main(['directory', 'show', 'A', 'B'], io3), 2)
})
