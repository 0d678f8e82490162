/**
 * @module test/simulator/states/state-server-cli
 * `nlets-sim state-server`: flag checks in process, and a real run in a child
 * process that listens, answers and exits 0 on SIGTERM.
 */
import { spawn } from 'node:child_process'
import t from 'tap'
import type { Io } from '../../../src/cli/io.js'
import { stateServerCommand } from '../../../src/cli/state-server.js'
import { NsimError } from '../../../src/errors.js'
import { HttpStateEndpoint } from '../../../src/hub/state-client.js'

function fakeIo (): Io & { stdout: string[], stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { cwd: process.cwd(), stdout, stderr, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
}

t.test('--help and usage errors', async (t) => {
  const io = fakeIo()
  t.equal(await stateServerCommand(['--help'], io), 0)
  t.match(io.stdout.join('\n'), /usage: nlets-sim state-server --state XX/)
  for (const [argv, msg] of [
    [[], /needs --state/],
    [['--state', 'XX'], /not a jurisdiction/],
    [['--state', 'IL', '--port', 'abc'], /--port must be/],
    [['--state', 'IL', '--port', '70000'], /--port must be/],
    [['--state', 'IL', '--latency', 'fast'], /--latency must be off or real/],
    [['--state', 'IL', '--seed', '-1'], /--seed/],
    [['--state', 'IL', '--bogus'], /bogus/],
    [['--state', 'IL', 'extra'], /extra/],
  ] as const) {
    await t.rejects(stateServerCommand([...argv], fakeIo()), { constructor: NsimError, code: 'NSIM_CLI_USAGE', message: msg })
  }
})

t.test('listens, answers, and closes on SIGTERM', async (t) => {
  const script = "import('./dist/src/cli/state-server.js').then(async (m) => { const io = (await import('./dist/src/cli/io.js')).processIo; process.exitCode = await m.stateServerCommand(process.argv.slice(1), io) })"
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, '--', '--state', 'ne', '--port', '0', '--seed', '5'], {
    cwd: process.cwd(), env: { ...process.env, NSIM_ADMIN_TOKEN: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let out = ''
  let err = ''
  child.stderr.on('data', (d) => { err += String(d) })
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += String(d)
      if (out.includes('\n')) resolve(out.trim())
    })
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)))
  })
  t.match(line, /^state server NB listening on http:\/\/127\.0\.0\.1:\d+$/)
  const url = line.split(' ').pop()!
  const client = new HttpStateEndpoint({ url, state: 'NB', adminToken: 'abc' })
  t.teardown(() => client.close())
  t.match(await client.query({ id: 'C', key: 'RQ', ori: 'AZNLETS20', state: 'NB', fields: { LIC: 'X1' }, image: false }), { from: 'NBLIC0000' })
  t.match(await client.setFault({ mode: 'down' }), { status: 'down' })
  const code = await new Promise((resolve) => {
    child.once('exit', resolve)
    child.kill('SIGTERM')
  })
  t.equal(code, 0)
  t.equal(err, '', 'no warning when NSIM_ADMIN_TOKEN is set')
})

t.test('in production a state server will not start without an admin token of its own', async (t) => {
  const saved = { env: process.env.NODE_ENV, token: process.env.NSIM_ADMIN_TOKEN }
  t.teardown(() => {
    if (saved.env === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = saved.env
    if (saved.token === undefined) delete process.env.NSIM_ADMIN_TOKEN
    else process.env.NSIM_ADMIN_TOKEN = saved.token
  })
  process.env.NODE_ENV = 'production'
  delete process.env.NSIM_ADMIN_TOKEN
  await t.rejects(stateServerCommand(['--state', 'IL', '--port', '0'], fakeIo()), { code: 'NSIM_HUB_CONFIG', message: /NSIM_ADMIN_TOKEN.*required in production/ })
  process.env.NSIM_ADMIN_TOKEN = 'demo-admin'
  await t.rejects(stateServerCommand(['--state', 'IL', '--port', '0'], fakeIo()), { code: 'NSIM_HUB_CONFIG', message: /demo token is refused/ })
})
