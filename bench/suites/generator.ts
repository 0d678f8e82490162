/**
 * @module bench/suites/generator
 * The load generator's own capacity (`nlets-sim load`, simulator/load): the
 * open model at 20,000 planned requests/s (and 10,000) against the bare
 * Fastify echo, in its worker thread, with nothing dropped (an unbounded
 * client queue), so that every planned request is sent and its lateness
 * (send minus planned instant) measured. The generator keeps up when it sends
 * what it plans on time; the echo's own rate and latency are the echo's (on a
 * 2-core machine the echo and the generator share the cores).
 */
import { runLoadInWorker } from '../../simulator/load/worker.js'
import type { SuiteOptions, SuiteResult } from '../lib.js'
import { cpuSeconds, round2, startEcho, stopChild, type TargetCheck, trafficRequests, verdict } from '../http-common.js'

export async function run (opts: SuiteOptions): Promise<SuiteResult> {
  const rates = opts.smoke ? [1000] : opts.quick ? [20_000] : [20_000, 10_000]
  const seconds = opts.smoke ? 1 : opts.quick ? 3 : 20
  const connections = opts.smoke ? 4 : 64
  const requests = await trafficRequests(opts.smoke ? 2000 : 20_000, opts.smoke ? 1 : 3)
  const echo = await startEcho('echo (generator)')
  const rows: Array<Record<string, string | number | boolean>> = []
  const checks: TargetCheck[] = []
  try {
    for (const rate of rates) {
      const cpu0 = cpuSeconds(echo.proc.pid!)
      const self0 = process.cpuUsage()
      const r = await runLoadInWorker({ url: echo.url, messages: requests, mode: 'open', rate, seconds, connections, timeoutMs: 60_000, maxInFlight: Number.MAX_SAFE_INTEGER, progressMs: 0 }, undefined, opts.smoke ? 0 : opts.quick ? 0.5 : 1)
      const self = process.cpuUsage(self0)
      const echoCpu = cpuSeconds(echo.proc.pid!) - cpu0
      const sendSpan = r.planned / rate
      rows.push({
        'planned req/s': rate, seconds, connections, planned: r.planned, sent: r.sent, dropped: r.dropped,
        'sent on time %': round2((100 * r.sent) / Math.max(1, r.planned)),
        'late p50 ms': r.lateness.p50, 'late p90 ms': r.lateness.p90, 'late p99 ms': r.lateness.p99, 'late p99.9 ms': r.lateness.p999, 'late max ms': r.lateness.max,
        'echo answered req/s': Math.round(r.achieved), 'max queued': r.maxQueued,
        'p99 from planned ms': r.tally.latencyMs.p99, 'p99 from send ms': r.tally.latencyFromSendMs.p99,
        errors: r.tally.errors.total, 'generator CPU µs/req': Math.round((self.user + self.system) / Math.max(1, r.sent)), 'echo CPU µs/req': Math.round((echoCpu * 1e6) / Math.max(1, r.completed)),
      })
      opts.out(`generator: ${rate}/s planned for ${seconds} s: sent ${r.sent} of ${r.planned}, late p99 ${r.lateness.p99} ms (max ${r.lateness.max} ms); the echo answered ${Math.round(r.achieved)}/s, max queued ${r.maxQueued}; send span ${sendSpan} s`)
      if (!opts.smoke && rate >= 20_000) {
        checks.push({
          target: 'load generator: >= 20,000 planned requests/s, every one sent, lateness reported',
          value: `${r.sent} of ${r.planned} sent at ${rate}/s planned, none dropped; lateness p50 ${r.lateness.p50} ms, p99 ${r.lateness.p99} ms, max ${r.lateness.max} ms (the last request at most ${r.lateness.max} ms after its instant)`,
          met: r.sent === r.planned && r.dropped === 0 && Number.isFinite(r.lateness.p99),
        })
      }
    }
  } finally {
    await stopChild(echo)
  }
  const notes = [
    `open model in the generator's worker thread (the ${requests.length.toLocaleString('en-US')} traffic-model messages of the http suite, prebuilt HTTP/1.1 requests on ${connections} keep-alive connections), after a warm-up (1 s; 0.5 s with --quick); no request dropped (unbounded client queue), so lateness is measured on every planned request`,
    'lateness: the moment a request is handed to the client\'s connections minus its planned instant (Node timers fire at best every millisecond, so each millisecond\'s requests leave together); a request waiting for a free connection is not late, it is queued (max queued) and the wait counts in the latency from the planned instant',
    'the echo is a Fastify server on the same 2 cores: when it answers fewer than planned, the queue and the latency from the planned instant grow; that is the echo\'s figure, not the generator\'s',
    ...checks.map(verdict),
  ]
  const result: SuiteResult & { targets: TargetCheck[] } = { suite: 'generator', rows, notes, targets: checks }
  return result
}
