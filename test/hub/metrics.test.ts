/**
 * The hub's metrics: per-message counts and latencies are kept aside and
 * handed to prom-client when it collects, and nothing is lost on the way.
 */
import t from 'tap'
import { createMetrics, PendingObservations } from '../../src/hub/metrics.js'

const sources = { queueDepths: () => ({ IL: 3 }), stateStatus: () => ({ IL: 'down' }), policyVersion: () => 'v1' }

/** A sample's value from the exposition text, by its name and labels as written. */
function sample (text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? Number.NaN : Number(line.slice(series.length + 1))
}

t.test('message latencies: every observation counted, across a full buffer and between scrapes', async (t) => {
  const m = createMetrics(sources, { defaultMetrics: false })
  // 5,000 observations: more than the 4,096 the buffer holds, so it empties once on its own.
  for (let i = 0; i < 5000; i++) m.observeLatency(i % 2 === 0 ? 0.0004 : 0.003)
  let text = await m.registry.metrics()
  t.equal(sample(text, 'nsim_message_duration_seconds_count'), 5000)
  t.equal(sample(text, 'nsim_message_duration_seconds_bucket{le="0.0005"}'), 2500, 'the fast half in the first bucket')
  t.equal(sample(text, 'nsim_message_duration_seconds_bucket{le="0.005"}'), 5000)
  t.ok(Math.abs(sample(text, 'nsim_message_duration_seconds_sum') - (2500 * 0.0004 + 2500 * 0.003)) < 1e-9, 'the sum')
  m.observeLatency(2)
  text = await m.registry.metrics()
  t.equal(sample(text, 'nsim_message_duration_seconds_count'), 5001, 'a later observation adds to the earlier ones')
  t.equal(sample(text, 'nsim_message_duration_seconds_bucket{le="1"}'), 5000)
})

t.test('decisions and messages are counted by their labels', async (t) => {
  const m = createMetrics(sources, { defaultMetrics: false })
  for (let i = 0; i < 3; i++) m.decision('DQ', 'IL', 'deny', 'no-ice')
  m.decision('DQ', 'IL', 'allow', null)
  m.message('DQ', 'ok')
  const text = await m.registry.metrics()
  t.equal(sample(text, 'nsim_decisions_total{key="DQ",destination="IL",effect="deny",rule="no-ice"}'), 3)
  t.equal(sample(text, 'nsim_decisions_total{key="DQ",destination="IL",effect="allow",rule="(default)"}'), 1)
  t.equal(sample(text, 'nsim_messages_total{key="DQ",outcome="ok"}'), 1)
  t.equal(sample(text, 'nsim_queue_depth{state="IL"}'), 3)
})

t.test('PendingObservations hands over what it holds once', async (t) => {
  let full = 0
  const p = new PendingObservations(() => { full++ })
  const seen: number[] = []
  for (let i = 0; i < 10; i++) p.add(i)
  p.observeInto({ observe: (v) => { seen.push(v) } })
  p.observeInto({ observe: (v) => { seen.push(v) } })
  t.same(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  t.equal(full, 0)
})
