/**
 * Shadow evaluation: started, reloaded, replaced and stopped at run time; a
 * disagreement is another effect or other redacted fields (a rule-only
 * difference is counted apart); the shadow decision in the reply on request
 * and in every audit record, with the decision's inputs.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { copyPolicies } from '../policy/helpers.js'
import { ADMIN, send, tempAudit, testHub } from './helpers.js'

function addRule (dir: string, state: string, yaml: string[]): void {
  const file = join(dir, 'states', `${state}.yaml`)
  const text = readFileSync(file, 'utf8')
  writeFileSync(file, /^rules:\s*\[\]\s*$/m.test(text) ? text.replace(/^rules:\s*\[\]\s*$/m, ['rules:', ...yaml].join('\n')) : text.replace(/^rules:\n/m, ['rules:', ...yaml, ''].join('\n')))
}

t.test('shadow: reload at run time, disagreements, rule-only differences, in replies and the audit', async (t) => {
  const candidate = copyPolicies(t, 'nsim-shadow-')
  addRule(candidate, 'IL', ['  - id: il-deny-cbp', '    effect: deny', '    description: candidate', '    requesters: { components: [CBP] }', '    keys: [all]'])
  const audit = tempAudit()
  const hub = await testHub(t, { auditFile: audit })
  const reload = async (body?: object, target = 'shadow') => await hub.app.inject({
    method: 'POST', url: `/v1/admin/policies/reload?target=${target}`, headers: ADMIN, ...(body === undefined ? {} : { payload: body }),
  })
  t.equal((await reload()).statusCode, 409, 'no shadow yet and no folder: 409')
  const started = await reload({ dir: candidate })
  t.equal(started.statusCode, 200, started.body)
  const version = started.json().version as string
  t.not(version, hub.ctx.store.current.version)
  t.equal((await hub.app.inject({ url: '/health' })).json().shadowVersion, version)

  const cbp = await send(hub, 'TC', 'DQ.NYCBP0100.IL.TXTOLN/D1234561.PUR/C', {}, '?shadow=1')
  t.match(cbp.body.decisions[0], { destination: 'IL', effect: 'allow', shadow: { effect: 'deny', rule: 'il-deny-cbp', policyVersion: version } })
  t.match(cbp.body.replies[0], { key: 'DR', status: 'hit' }, 'never enforced')
  const plain = await send(hub, 'TC', 'DQ.NYCBP0100.IL.TXTOLN/D1234561')
  t.notOk('shadow' in plain.body.decisions[0]!, 'the shadow decision only on request')
  const photo = await send(hub, 'TC', 'DQ.NYCBP0100.WA.TXTOLN/D1234561.IMQ/Y', {}, '?shadow=1')
  t.match(photo.body.decisions[0], { effect: 'allow', shadow: { effect: 'allow', rule: null } }, 'WA unchanged: no disagreement')

  // A rule-only difference: the candidate's IL rule for ICE renamed.
  writeFileSync(join(candidate, 'states', 'IL.yaml'), readFileSync(join(candidate, 'states', 'IL.yaml'), 'utf8').replace('id: il-deny-ice', 'id: il-deny-ice-renamed'))
  const again = await reload()
  t.equal(again.statusCode, 200, 'reload the shadow folder')
  t.not(again.json().version, version)
  const ice = await send(hub, 'AX', 'DQ.VTICE0900.IL.TXTOLN/D1234561', {}, '?shadow=1')
  t.match(ice.body.decisions[0], { effect: 'deny', rule: 'il-deny-ice', shadow: { effect: 'deny', rule: 'il-deny-ice-renamed' } })
  const metrics = (await hub.app.inject({ url: '/metrics', headers: ADMIN })).body
  t.match(metrics, /nsim_shadow_disagreements_total\{destination="IL"\} 2/, 'CBP denied by the shadow: a disagreement, twice')
  t.match(metrics, /nsim_shadow_rule_only_total\{destination="IL"\} 1/, 'same effect, another rule: counted apart')
  t.notMatch(metrics, /nsim_shadow_disagreements_total\{destination="WA"\}/)

  // A broken shadow folder is refused and the last good one stays.
  writeFileSync(join(candidate, 'states', 'IL.yaml'), 'state: IL\nrules: [}\n')
  const broken = await reload()
  t.equal(broken.statusCode, 422)
  t.equal((await hub.app.inject({ url: '/health' })).json().shadowVersion, again.json().version, 'the last good shadow set stays')
  t.equal((await reload({ dir: join(candidate, 'nowhere') })).statusCode, 422, 'a folder that does not load: 422')
  t.equal((await reload({ dir: candidate }, 'live')).statusCode, 400, 'the live set takes no folder')

  await hub.ctx.audit.flush()
  const records = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  t.match(records.find((r) => r.id === cbp.body.id), {
    kind: 'decision', key: 'DQ', ori: 'NYCBP0100', destination: 'IL', effect: 'allow', imq: false, reason: null, purpose: 'C',
    shadow: { effect: 'deny', rule: 'il-deny-cbp', policyVersion: version },
  }, 'the audit keeps every input of the decision and the shadow decision')
  t.type(records.find((r) => r.id === cbp.body.id).decidedAt, 'number')
  t.match(records.find((r) => r.id === photo.body.id), { imq: true })

  const stop = await hub.app.inject({ method: 'DELETE', url: '/v1/admin/policies/shadow', headers: ADMIN })
  t.equal(stop.statusCode, 200)
  t.equal((await hub.app.inject({ url: '/health' })).json().shadowVersion, null)
  t.notOk('shadow' in (await send(hub, 'TC', 'DQ.NYCBP0100.IL.TXTOLN/D1', {}, '?shadow=1')).body.decisions[0]!)
})
