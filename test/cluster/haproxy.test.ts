/**
 * @module test/cluster/haproxy
 * The HAProxy configuration generator: what it promises (round-robin, health
 * checks on /health, retries only where the message was not handled), and
 * that HAProxy itself accepts what it writes (`haproxy -c`), for
 * `cluster up` and for the repository's haproxy.cfg.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { composeHaproxyConfig, haproxyConfig } from '../../src/cluster/haproxy.js'
import { findProgram } from '../../src/cluster/topology.js'

const local = haproxyConfig({
  bind: '127.0.0.1:18080', statsBind: '127.0.0.1:18404',
  servers: [{ name: 'hub-1', address: '127.0.0.1:18081' }, { name: 'hub-2', address: '127.0.0.1:18082' }],
})

t.test('what the configuration says', async (t) => {
  t.match(local, /^backend hubs\n {2}balance roundrobin\n {2}option httpchk GET \/health\n {2}http-check expect status 200$/m, 'round-robin, checked on /health')
  t.match(local, /^ {2}server hub-1 127\.0\.0\.1:18081$/m)
  t.match(local, /^ {2}server hub-2 127\.0\.0\.1:18082$/m)
  t.match(local, /^ {2}retry-on conn-failure 503$/m, 'retried elsewhere only when not handled: no connection, or a draining replica (503)')
  t.notMatch(local, /empty-response|response-timeout/, 'never retried after a replica may have handled it')
  t.notMatch(local, /resolvers/, 'no DNS resolver for local addresses')
  t.match(composeHaproxyConfig(), /^ {2}server hub-3 hub-3:8080$/m, 'compose: the three replicas by service name')
  t.match(composeHaproxyConfig(), /resolvers dns/, 'compose: names resolved again while running')
})

const haproxy = findProgram('haproxy')
const skip = haproxy === undefined && !process.env.CI ? 'haproxy is not installed (Debian: apt-get install -y haproxy)' : false

t.test('haproxy -c accepts both', { skip }, async (t) => {
  if (haproxy === undefined) { t.fail('CI is set and haproxy is missing: .ci/run installs it'); return }
  const dir = mkdtempSync(join(tmpdir(), 'nsim-haproxy-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'local.cfg')
  writeFileSync(file, local)
  for (const [name, f] of [['cluster up', file], ['haproxy.cfg', join(process.cwd(), 'haproxy.cfg')]] as const) {
    const r = await new Promise<{ code: number, out: string }>((resolve) => {
      execFile(haproxy, ['-c', '-f', f], (err, stdout, stderr) => { resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), out: stdout + stderr }) })
    })
    t.equal(r.code, 0, `${name}: ${r.out.split('\n').filter((l) => /ALERT|valid/.test(l)).join(' ')}`)
  }
  t.equal(readFileSync(join(process.cwd(), 'haproxy.cfg'), 'utf8'), composeHaproxyConfig(), 'haproxy.cfg is the generated one')
})
