/**
 * @module bench/servers/hub
 * The hub built by buildHub with parts switched off, for finding where its
 * per-request time goes: `node dist/bench/servers/hub.js PORT [--logger]
 * [--no-docs] [--audit FILE] [--no-metrics] [--memo-states] [--no-filtering] [--bare-app]
 * [--reply-before-audit]`.
 * `serve` is `--logger --audit FILE` with docs. Prints one line when listening.
 */
import Fastify from 'fastify'
import { buildHub } from '../../src/hub/app.js'
import { Destination } from '../../src/hub/destinations.js'
import { registerMessageRoutes } from '../../src/hub/routes/messages.js'
import { Switch } from '../../src/hub/switch.js'
import type { StateAnswer, StateEndpoint, StateQuery } from '../../src/hub/ports/endpoint.js'

/** The state's own answer for the first query of each (key, image) pair, then that answer again. */
export function memoEndpoint (inner: StateEndpoint): StateEndpoint {
  const memo = new Map<string, StateAnswer>()
  const ep: StateEndpoint & { readonly instant?: boolean } = {
    state: inner.state,
    // Whether the hub may skip the timeout is the inner endpoint's to say.
    get instant (): boolean | undefined { return (inner as { instant?: boolean }).instant },
    query: async (q: StateQuery, signal?: AbortSignal) => {
      const k = `${q.key}/${q.image}`
      let a = memo.get(k)
      if (a === undefined) { a = await inner.query(q, signal); memo.set(k, a) }
      return a
    },
  }
  return ep
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2)
  const port = Number(argv[0] ?? 0)
  const auditAt = argv.indexOf('--audit')
  const hub = await buildHub({
    logger: argv.includes('--logger'), docs: !argv.includes('--no-docs'), auditFile: auditAt > 0 ? argv[auditAt + 1]! : false,
    filtering: !argv.includes('--no-filtering'), ephemeral: true,
  })
  const sw = hub.ctx.sw
  if (argv.includes('--no-metrics') || argv.includes('--memo-states')) {
    const destinations = argv.includes('--memo-states')
      ? new Map([...sw.deps.destinations].map(([s, d]) => [s, new Destination(memoEndpoint(d.endpoint), 'in-process')]))
      : sw.deps.destinations
    // The routes read ctx.sw on every request; a diagnostic build swaps it.
    ;(hub.ctx as { sw: Switch }).sw = new Switch({ ...sw.deps, destinations, ...(argv.includes('--no-metrics') ? { metrics: undefined } : {}) }, sw.options)
  }
  // --reply-before-audit: replies leave without waiting for their audit lines to be written (the hub before it waited).
  if (argv.includes('--reply-before-audit')) {
    const audit = hub.ctx.audit
    ;(hub.ctx as { audit: typeof audit }).audit = { ...audit, written: async () => {} }
  }
  // --bare-app: only the hub's message route, on a bare Fastify (no other routes, plugins or error handler).
  const app = argv.includes('--bare-app') ? Fastify({ logger: false }) : hub.app
  if (app !== hub.app) {
    registerMessageRoutes(app, hub.ctx)
    app.get('/health', async () => ({ status: 'ok' }))
  }
  await app.listen({ port, host: '127.0.0.1' })
  const a = app.server.address()
  console.log(`hub variant listening on http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : port} (${argv.slice(1).join(' ') || 'defaults'})`)
  const stop = (): void => { void app.close().then(async () => await hub.close()).then(() => process.exit(0)) }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
