/**
 * @module test/cli/admin
 * `nlets-sim fault|state-status|reload|states` run in process against a hub
 * listening on a free port; an unreachable hub and a wrong token.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { type Io } from '../../src/cli/io.js'
import { main } from '../../src/cli/main.js'
import { buildHub, type Hub } from '../../src/hub/app.js'

delete process.env.NSIM_ADMIN_TOKEN
delete process.env.NSIM_HUB_URL

function fakeIo (): Io & { stdout: string[], stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { cwd: process.cwd(), stdout, stderr, out: (s) => { stdout.push(s) }, err: (s) => { stderr.push(s) } }
}

async function run (...argv: string[]): Promise<{ code: number, out: string, err: string }> {
  const io = fakeIo()
  const code = await main(argv, io)
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') }
}

async function listen (hub: Hub): Promise<string> {
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const a = hub.app.server.address()
  if (a === null || typeof a !== 'object') throw new Error('no address')
  return `http://127.0.0.1:${a.port}`
}

/** A port nothing listens on (bound, then released). */
async function closedPort (): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise<void>((resolve) => srv.close(() => resolve()))
  return port
}

const hub = await buildHub({ ephemeral: true, auditFile: false, logger: false, docs: false })
t.teardown(() => hub.close())
const url = await listen(hub)

async function dq (): Promise<{ key: string, status: string, text: string }> {
  const res = await hub.app.inject({
    method: 'POST', url: '/v1/messages', payload: 'DQ.TX0020100.IL.TXTOLN/D1234567',
    headers: { authorization: 'Bearer demo-TX', 'content-type': 'text/plain' },
  })
  return res.json().replies[0]
}

t.test('fault down, queue, states, fault up delivers', async (t) => {
  const down = await run('fault', '--state', 'il', '--mode', 'down', '--hub', url)
  t.equal(down.code, 0, down.err)
  t.same(JSON.parse(down.out), { state: 'IL', fault: { mode: 'down' }, delivered: 0, queued: 0 })

  t.match(await dq(), { key: 'SM', status: 'queued', text: /\.02/ })

  const states = await run('states', '--hub', url + '/')
  t.equal(states.code, 0, states.err)
  const lines = states.out.split('\n')
  t.match(lines[0], /^STATE\s+TRANSPORT\s+STATUS\s+FAULT\s+QUEUED\s+KEYS OFF$/)
  t.equal(lines.length, 1 + hub.ctx.destinations.size)
  t.match(states.out, /\nIL\s+in-process\s+down\s+down\s+1\s+-\n/)
  t.match(states.out, /\nWA\s+in-process\s+up\s+-\s+0\s+-\n/)

  const up = await run('fault', '--state', 'IL', '--mode', 'up', '--hub', url)
  t.equal(up.code, 0, up.err)
  t.same(JSON.parse(up.out), { state: 'IL', fault: { mode: 'up' }, delivered: 1, queued: 0 })
  const inbox = await hub.app.inject({ method: 'GET', url: '/v1/inbox', headers: { authorization: 'Bearer demo-TX' } })
  t.match(inbox.json(), { line: 'TX', replies: [{ key: 'DR', from: 'ILOLN0000' }] })

  const slow = await run('fault', '--state', 'IL', '--mode', 'slow', '--latency-ms', '5', '--hub', url)
  t.equal(slow.code, 0, slow.err)
  t.match(JSON.parse(slow.out), { fault: { mode: 'slow', latencyMs: 5 } })
  t.match((await run('states', '--hub', url)).out, /\nIL\s+in-process\s+up\s+slow 5ms\s+0/)
  const flap = await run('fault', '--state', 'IL', '--mode', 'flapping', '--period-ms', '1000', '--hub', url)
  t.match(JSON.parse(flap.out), { fault: { mode: 'flapping', periodMs: 1000 } })
  t.equal((await run('fault', '--state', 'IL', '--mode', 'up', '--hub', url)).code, 0)

  const json = await run('states', '--json', '--hub', url)
  t.equal(json.code, 0)
  const list = JSON.parse(json.out) as Array<{ state: string }>
  t.equal(list.length, hub.ctx.destinations.size)
  t.match(list.find((s) => s.state === 'IL'), { transport: 'in-process', status: 'up', queued: 0 })
})

t.test('state-status', async (t) => {
  const removed = await run('state-status', '--state', 'WA', '--removed', '--disable-keys', 'DNQ, rpq,DNQ', '--hub', url)
  t.equal(removed.code, 0, removed.err)
  t.same(JSON.parse(removed.out), { state: 'WA', status: 'removed', disabledKeys: ['DNQ', 'RPQ'] })
  t.match((await run('states', '--hub', url)).out, /\nWA\s+in-process\s+removed\s+-\s+0\s+DNQ,RPQ\n/)
  const show = await run('state-status', '--state', 'WA', '--hub', url)
  t.same(JSON.parse(show.out), { state: 'WA', status: 'removed', disabledKeys: ['DNQ', 'RPQ'] }, 'no flag: shows the status')
  const back = await run('state-status', '--state', 'WA', '--up', '--disable-keys', 'none', '--hub', url)
  t.equal(back.code, 0, back.err)
  t.same(JSON.parse(back.out), { state: 'WA', status: 'up', disabledKeys: [] })
})

t.test('reload', async (t) => {
  const r = await run('reload', '--hub', url)
  t.equal(r.code, 0, r.err)
  t.match(JSON.parse(r.out), { ok: true, version: hub.ctx.store.current.version, errors: [] })

  // A broken policy set is refused: exit 1, the errors printed.
  const dir = await mkdtemp(join(tmpdir(), 'nsim-admin-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  await cp('policies', dir, { recursive: true })
  const other = await buildHub({ ephemeral: true, auditFile: false, logger: false, docs: false, policiesDir: dir, regionsFile: join(dir, 'regions.yaml') })
  t.teardown(() => other.close())
  const otherUrl = await listen(other)
  await writeFile(join(dir, 'states/IL.yaml'), 'state: IL\ndefault: maybe\n')
  const bad = await run('reload', '--hub', otherUrl)
  t.equal(bad.code, 1)
  t.match(JSON.parse(bad.out), { ok: false, errors: [/IL\.yaml/] })
  t.match(bad.err, /refused the reload and kept the last good policy set \(\d+ errors?\)/)
})

t.test('errors', async (t) => {
  const port = await closedPort()
  const gone = await run('states', '--hub', `http://127.0.0.1:${port}`)
  t.equal(gone.code, 1)
  t.match(gone.err, new RegExp(`cannot reach the hub at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): is it running\\?`))

  const wrong = await run('fault', '--state', 'IL', '--mode', 'down', '--hub', url, '--token', 'nope')
  t.equal(wrong.code, 1)
  t.match(wrong.err, /HTTP 401 Unauthorized NSIM_HUB_UNAUTHORIZED: this route needs `Authorization: Bearer <admin token>`/)
  t.equal(hub.ctx.destinations.get('IL')!.health, 'up', 'nothing changed')

  process.env.NSIM_ADMIN_TOKEN = 'from-env'
  try {
    const env = await run('states', '--hub', url)
    t.equal(env.code, 1, 'the token comes from NSIM_ADMIN_TOKEN')
    t.match(env.err, /401/)
  } finally {
    delete process.env.NSIM_ADMIN_TOKEN
  }

  const usage = async (...argv: string[]): Promise<string> => {
    const r = await run(...argv)
    t.equal(r.code, 2, argv.join(' '))
    return r.err
  }
  t.match(await usage('fault', '--mode', 'down', '--hub', url), /fault needs --state XX/)
  t.match(await usage('fault', '--state', 'ZZ', '--mode', 'down'), /--state `ZZ` is not a jurisdiction/)
  t.match(await usage('fault', '--state', 'IL'), /fault needs --mode/)
  t.match(await usage('fault', '--state', 'IL', '--mode', 'sideways'), /--mode must be up, down, slow or flapping/)
  t.match(await usage('fault', '--state', 'IL', '--mode', 'slow'), /--mode slow needs --latency-ms/)
  t.match(await usage('fault', '--state', 'IL', '--mode', 'flapping'), /--mode flapping needs --period-ms/)
  t.match(await usage('fault', '--state', 'IL', '--mode', 'down', '--latency-ms', '5'), /--latency-ms goes with --mode slow/)
  t.match(await usage('fault', '--state', 'IL', '--mode', 'slow', '--latency-ms', '0'), /--latency-ms must be positive/)
  t.match(await usage('state-status', '--state', 'IL', '--removed', '--up'), /--removed or --up, not both/)
  t.match(await usage('state-status', '--state', 'IL', '--disable-keys', 'DQ,XQ'), /`XQ` is not a key a state serves/)
  t.match(await usage('states', '--hub', 'not a url'), /--hub `not a url` is not a URL/)
  t.match(await usage('reload', '--hub', 'ftp://x'), /not an http\(s\) URL/)
  t.match(await usage('reload', '--bogus'), /bogus/)
  t.match((await run('fault', '--help')).out, /usage: nlets-sim fault/)
})
