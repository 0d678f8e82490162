/**
 * @module test/cli/shadow
 * The shadow workflow from the command line against a hub on a free port:
 * `reload --shadow DIR`, `reload --target shadow`, traffic, then
 * `shadow report` and the audit filters for the decision's inputs.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { run } from './helpers.js'
import { buildHub } from '../../src/hub/app.js'
import { tempAudit } from '../hub/helpers.js'
import { copyPolicies } from '../policy/helpers.js'

delete process.env.NSIM_ADMIN_TOKEN
delete process.env.NSIM_AUDIT_FILE


t.test('reload --shadow, traffic, shadow report and the audit filters', async (t) => {
  const audit = tempAudit()
  const hub = await buildHub({ ephemeral: true, auditFile: audit, logger: false, docs: false })
  t.teardown(async () => { await hub.close() })
  await hub.app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(hub.app.server.address() as { port: number }).port}`
  const candidate = copyPolicies(t, 'nsim-cli-shadow-')
  const il = join(candidate, 'states', 'IL.yaml')
  writeFileSync(il, readFileSync(il, 'utf8').replace(/^rules:\n/m, [
    'rules:', '  - id: il-deny-cbp-civil', '    effect: deny', '    description: candidate', '    requesters: { components: [CBP] }',
    '    keys: [driver]', '    when: { purposes: [F] }', '',
  ].join('\n')))

  t.equal((await run('reload', '--target', 'shadow', '--hub', url)).code, 1, 'no shadow set yet')
  const started = await run('reload', '--shadow', candidate, '--hub', url)
  t.equal(started.code, 0, started.err)
  t.match(JSON.parse(started.out), { ok: true, target: 'shadow' })
  t.equal((await run('reload', '--target', 'bogus', '--hub', url)).code, 2)
  t.equal((await run('reload', '--target', 'shadow', '--hub', url)).code, 0, 'the shadow folder reloads')

  const send = async (line: string, text: string): Promise<void> => {
    const r = await hub.app.inject({ method: 'POST', url: '/v1/messages', payload: text, headers: { authorization: `Bearer demo-${line}`, 'content-type': 'text/plain' } })
    t.equal(r.statusCode, 200, text)
  }
  await send('TC', 'DQ.NYCBP0100.IL.TXTOLN/D1234561.PUR/F') // the shadow denies: a disagreement
  await send('TC', 'DQ.NYCBP0100.IL.TXTOLN/D1234561.PUR/F.IMQ/Y') // redact -> deny: a disagreement
  await send('TC', 'DQ.NYCBP0100.IL.TXTOLN/D1234561.PUR/C') // the same
  await send('TX', 'DQ.TX0020100.IL.TXTOLN/D1234561') // the same
  await hub.ctx.audit.flush()

  const report = await run('shadow', 'report', '--file', audit, '--json')
  t.equal(report.code, 0, report.err)
  const j = JSON.parse(report.out)
  t.match(j, { decisions: 4, disagree: 2, ruleOnly: 0, transitions: { 'allow -> deny': 1, 'redact(photo) -> deny': 1 } })
  t.match(j.byComponent.CBP, { decisions: 3, disagree: 2 })
  t.match(j.byState.IL, { decisions: 4, disagree: 2 })
  const text = await run('shadow', 'report', '--file', audit)
  t.match(text.out, /disagreements: 2 \(50\.00%\)/)
  t.match(text.out, /component\s+decisions\s+disagree\s+rule only\nCBP\s+3\s+2\s+0/)

  const ids = (out: string): number => out.split('\n').filter((l) => l.trim() !== '').length
  const dis = await run('audit', 'search', '--file', audit, '--shadow-disagree', '--json')
  t.equal(ids(dis.out), 2, 'audit search --shadow-disagree')
  t.equal(ids((await run('audit', 'search', '--file', audit, '--purpose', 'F', '--json')).out), 2, '--purpose F')
  t.equal(ids((await run('audit', 'search', '--file', audit, '--purpose', 'none', '--json')).out), 1, '--purpose none')
  t.equal(ids((await run('audit', 'search', '--file', audit, '--imq', '--json')).out), 1, '--imq')
  t.equal((await run('audit', 'search', '--file', audit, '--purpose', 'Q')).code, 2, 'a bad purpose code is a usage error')
  const none = await run('shadow', 'report', '--file', tempAudit().replace('audit.ndjson', 'missing.ndjson'))
  t.equal(none.code, 1, 'an audit file that cannot be read')
})
