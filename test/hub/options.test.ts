/**
 * @module test/hub/options
 * Settings for several hubs: NSIM_NATS_URL and NSIM_REPLICA_ID are checked
 * with errors that name the setting, and a hub pointed at a NATS server that
 * is not there refuses to start with a clear error (never half-starts).
 */
import t from 'tap'
import { buildHub } from '../../src/hub/app.js'
import { hubOptionsFromEnv } from '../../src/hub/options.js'
import { freePort } from '../../src/cluster/topology.js'

t.test('NSIM_NATS_URL and NSIM_REPLICA_ID', async (t) => {
  t.match(hubOptionsFromEnv({ NSIM_NATS_URL: 'nats://10.0.0.5:4222,nats://10.0.0.6:4222', NSIM_REPLICA_ID: 'hub-2' }),
    { natsUrl: 'nats://10.0.0.5:4222,nats://10.0.0.6:4222', replicaId: 'hub-2' })
  t.match(hubOptionsFromEnv({ NSIM_NATS_URL: 'localhost:4222' }), { natsUrl: 'localhost:4222' }, 'host:port without a scheme')
  t.throws(() => hubOptionsFromEnv({ NSIM_NATS_URL: 'http://x:4222' }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_NATS_URL.*http:\/\/x:4222.*not a NATS server address/ })
  t.throws(() => hubOptionsFromEnv({ NSIM_REPLICA_ID: 'hub 1' }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_REPLICA_ID.*hub 1/ })
  t.match(hubOptionsFromEnv({ NSIM_NATS_REPLICAS: '3' }), { natsReplicas: 3 })
  t.equal(hubOptionsFromEnv({}).natsReplicas, undefined, 'one copy unless set')
  t.throws(() => hubOptionsFromEnv({ NSIM_NATS_REPLICAS: '7' }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_NATS_REPLICAS.*at most 5 copies, got `7`/ })
  t.throws(() => hubOptionsFromEnv({ NSIM_NATS_REPLICAS: 'three' }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_NATS_REPLICAS/ })
  t.throws(() => hubOptionsFromEnv({ NSIM_NATS_REPLICAS: '0' }), { code: 'NSIM_HUB_CONFIG', message: /NSIM_NATS_REPLICAS/ })
  t.throws(() => hubOptionsFromEnv({ NSIM_REPLICA_ID: 'x'.repeat(65) }), { code: 'NSIM_HUB_CONFIG' })
})

t.test('a hub whose NATS server is not there refuses to start', async (t) => {
  const port = await freePort()
  await t.rejects(buildHub({ natsUrl: `nats://127.0.0.1:${port}`, auditFile: false, docs: false }),
    { code: 'NSIM_HUB_CONFIG', message: new RegExp(`NSIM_NATS_URL.*cannot reach NATS at \`nats://127\\.0\\.0\\.1:${port}\``) })
})
