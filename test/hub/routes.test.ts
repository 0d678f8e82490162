import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildHub } from '../../src/hub/app.js'
import { send, testHub } from './helpers.js'

t.test('directory routes', async (t) => {
  const hub = await testHub(t)
  const one = await hub.app.inject({ url: '/v1/directory/vtice0900' })
  t.equal(one.statusCode, 200)
  t.match(one.json(), { ori: 'VTICE0900', line: 'AX', component: 'ICE-ERO', state: 'VT', active: true })
  t.equal((await hub.app.inject({ url: '/v1/directory/ZZ0000000' })).statusCode, 404)
  t.equal((await hub.app.inject({ url: '/v1/directory/bad' })).statusCode, 400)
  const list = await hub.app.inject({ url: '/v1/directory?line=TC&limit=5' })
  t.equal(list.json().entries.length, 5)
  t.ok(list.json().total >= 100, 'dozens of CBP offices on line TC')
  t.ok(list.json().entries.every((e: { line: string }) => e.line === 'TC'))
  const byName = await hub.app.inject({ url: '/v1/directory?agency=support%20center' })
  t.equal(byName.json().entries[0]?.ori, 'VTICE0900')
  t.equal((await hub.app.inject({ url: '/v1/directory?type=XX' })).statusCode, 400, 'bad filter: 400')
  t.equal((await hub.app.inject({ url: '/v1/directory?limit=0' })).statusCode, 400)
})

t.test('health, metrics, unknown routes', async (t) => {
  const hub = await testHub(t)
  await send(hub, 'AX', 'DQ.VTICE0900.IL.TXTOLN/D1')
  await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')
  const h = await hub.app.inject({ url: '/health' })
  t.match(h.json(), { status: 'ok', policyVersion: hub.ctx.store.current.version, queued: 0, failedClosed: [] })
  const m = await hub.app.inject({ url: '/metrics' })
  t.equal(m.statusCode, 200)
  t.match(m.body, /nsim_decisions_total\{key="DQ",destination="IL",effect="deny",rule="il-deny-ice"\} 1/)
  t.match(m.body, /nsim_decisions_total\{key="DQ",destination="IL",effect="allow",rule="\(default\)"\} 1/)
  t.match(m.body, /nsim_message_duration_seconds_bucket/)
  t.match(m.body, /nsim_state_status\{state="IL",status="up"\} 1/)
  t.match(m.body, /nsim_policy_info\{version="[0-9a-f]{12}"\} 1/)
  const nf = await hub.app.inject({ url: '/nope' })
  t.equal(nf.statusCode, 404)
  t.equal(nf.json().code, 'NSIM_HUB_NOT_FOUND')
})

t.test('policy reload: atomic swap, last good kept on error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-hub-policies-'))
  cpSync('policies', dir, { recursive: true })
  const hub = await buildHub({ policiesDir: dir, regionsFile: join(dir, 'regions.yaml'), auditFile: false, docs: false })
  t.teardown(async () => { await hub.close() })
  const admin = { authorization: 'Bearer demo-admin' }
  const v1 = hub.ctx.store.current.version
  const tx = join(dir, 'states', 'TX.yaml')
  writeFileSync(tx, readFileSync(tx, 'utf8').replace('rules: []', 'rules:\n  - id: tx-deny-ice\n    effect: deny\n    description: test\n    requesters: { components: [ICE-ERO] }\n'))
  const ok = await hub.app.inject({ method: 'POST', url: '/v1/admin/policies/reload', headers: admin })
  t.equal(ok.statusCode, 200)
  t.not(ok.json().version, v1, 'new version')
  t.match((await send(hub, 'AX', 'DQ.VTICE0900.TX.TXTOLN/D1')).body.decisions[0], { effect: 'deny', rule: 'tx-deny-ice' })
  writeFileSync(tx, 'state: TX\nversion: x\ndefault: allow\nrules:\n  - id: broken\n    effect: denny\n    description: typo\n')
  const refused = await hub.app.inject({ method: 'POST', url: '/v1/admin/policies/reload', headers: admin })
  t.equal(refused.statusCode, 422)
  t.ok(refused.json().errors.some((e: string) => /TX\.yaml:6:13 error NSIM_POLICY_EFFECT/.test(e)), 'names the file, line and column of the fault')
  t.equal(refused.json().version, ok.json().version, 'last good version stays')
  t.match((await send(hub, 'AX', 'DQ.VTICE0900.TX.TXTOLN/D1')).body.decisions[0], { rule: 'tx-deny-ice' }, 'and keeps deciding')
  t.equal((await hub.app.inject({ method: 'POST', url: '/v1/admin/policies/reload' })).statusCode, 401)
})

t.test('the hub refuses to start on an invalid policy set, and production refuses demo tokens', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nsim-hub-bad-'))
  cpSync('policies', dir, { recursive: true })
  writeFileSync(join(dir, 'states', 'IL.yaml'), 'state: IL\nversion: x\ndefault: allow\nrules: [}\n')
  await t.rejects(buildHub({ policiesDir: dir, regionsFile: join(dir, 'regions.yaml'), auditFile: false }), { code: 'NSIM_POLICY_SET_INVALID', message: /IL\.yaml/ })
  await t.rejects(buildHub({ production: true, auditFile: false }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_TOKENS_FILE/ })
  const tokens = join(dir, 'tokens.json')
  writeFileSync(tokens, JSON.stringify({ lines: { TX: 'sha256:' + (await import('../../src/hub/lines.js')).sha256('s3cret') } }))
  await t.rejects(buildHub({ production: true, tokensFile: tokens, auditFile: false }), { message: /NSIM_ADMIN_TOKEN/ })
  const hub = await buildHub({ production: true, tokensFile: tokens, adminToken: 'adm', auditFile: false, docs: false })
  t.teardown(async () => { await hub.close() })
  t.equal((await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1')).status, 401, 'demo-TX refused in production')
  t.equal((await send(hub, 'TX', 'DQ.TX0020100.IL.TXTOLN/D1', { authorization: 'Bearer s3cret' })).status, 200, 'the hashed token works')
})

t.test('OpenAPI document at /docs', async (t) => {
  const hub = await testHub(t, { docs: true })
  const doc = await hub.app.inject({ url: '/docs/json' })
  t.equal(doc.statusCode, 200)
  t.ok(doc.json().paths['/v1/messages'], 'documents the message route')
})
