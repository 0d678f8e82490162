/**
 * @module hub/routes/console-ops
 * The training console's operator routes, open on a local hub and admin-only
 * in production (the console never holds the admin token): the states with
 * their status and queue, faults and remove status (passed to the admin
 * routes in process, so the rules are the admin routes' own), the live view
 * of decisions as server-sent events, and the built-in traffic generator.
 */
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { FAULT_SCHEMA } from '../ports/endpoint.js'
import type { HubContext } from '../context.js'
import { type GeneratedMessage, Generator, GENERATOR_MAX_RATE } from '../console/generator.js'
import { LiveFeed } from '../console/live.js'
import { localOrAdmin } from './access.js'

/** The traffic the generator sends: the calibrated mix of late November 2025. */
const SCENARIO = fileURLToPath(new URL('../../../../simulator/scenarios/nov-2025.yaml', import.meta.url))
/** Distinct messages the generator cycles through. */
const GENERATOR_MESSAGES = 5000

export function registerConsoleOps (app: FastifyInstance, ctx: HubContext): void {
  const onRequest = localOrAdmin(ctx)
  const generator = new Generator(ctx.sw, async (): Promise<GeneratedMessage[]> => {
    // Loaded when the generator first starts: the traffic model is no part of the hub's start.
    const [{ buildMessages }, { loadScenario }] = await Promise.all([import('../../../simulator/load/messages.js'), import('../../../simulator/scenarios/load.js')])
    const set = await buildMessages(await loadScenario(SCENARIO), { count: GENERATOR_MESSAGES, regionsFile: ctx.options.regionsFile })
    return set.messages.map((m) => ({
      line: m.line,
      input: m.contentType === 'application/json' ? { kind: 'json', body: JSON.parse(m.body) as unknown, raw: m.body } : { kind: 'text', text: m.body },
    }))
  })
  const live = new LiveFeed(ctx.auditTap, (ori) => ctx.store.current.directory.get(ori)?.component || 'local', () => generator.status)
  // Open event streams would keep the server from closing: they end first.
  const streams = new Set<import('node:http').ServerResponse>()
  app.addHook('preClose', async () => {
    generator.stop()
    for (const s of streams) s.end()
    live.stop()
  })

  /** Pass a request to an admin route in process, with the hub's admin token (never sent to the browser). */
  const asAdmin = async (reply: FastifyReply, method: 'GET' | 'PUT', url: string, payload?: unknown): Promise<FastifyReply> => {
    const res = await app.inject({
      method, url, headers: { authorization: `Bearer ${ctx.adminToken}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    })
    return await reply.code(res.statusCode).type('application/json; charset=utf-8').send(res.body)
  }
  const stateParam = { type: 'object', required: ['state'], properties: { state: { type: 'string', pattern: '^[A-Za-z]{2}$' } } } as const

  app.get('/v1/console/states', { onRequest, schema: { summary: 'Training console: every destination with its status, fault and queue depth (local, or the admin token)' } },
    async (_req, reply) => await asAdmin(reply, 'GET', '/v1/admin/states'))

  app.put<{ Params: { state: string }, Body: unknown }>('/v1/console/states/:state/fault', {
    onRequest, schema: { summary: 'Training console: put a state down, slow, flapping or back up (local, or the admin token)', params: stateParam, body: FAULT_SCHEMA },
  }, async (req, reply) => await asAdmin(reply, 'PUT', `/v1/admin/states/${req.params.state}/fault`, req.body))

  app.put<{ Params: { state: string }, Body: unknown }>('/v1/console/states/:state/status', {
    onRequest,
    schema: {
      summary: 'Training console: remove status (SM .04, not stored) or back up (local, or the admin token)', params: stateParam,
      body: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['up', 'removed'] } } },
    },
  }, async (req, reply) => await asAdmin(reply, 'PUT', `/v1/admin/states/${req.params.state}/status`, req.body))

  app.get('/v1/console/live', {
    onRequest,
    schema: {
      summary: 'Training console: the hub\'s decisions live, as server-sent events (`tick` once a second: counts by requester component and by state, the latest denials and redactions); local, or the admin token',
    },
  }, async (req, reply) => {
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    res.write('retry: 2000\n\n')
    streams.add(res)
    const stop = live.watch((t) => { res.write(`event: tick\ndata: ${JSON.stringify(t)}\n\n`) })
    res.once('close', () => { streams.delete(res); stop() })
  })

  app.get('/v1/console/generator', { onRequest, schema: { summary: 'Training console: the built-in traffic generator\'s state' } }, async () => generator.status)

  app.put<{ Body: { rate: number } }>('/v1/console/generator', {
    onRequest,
    schema: {
      summary: 'Training console: drive the hub with the calibrated traffic mix (scenario nov-2025) at `rate` messages a second, in process',
      body: { type: 'object', required: ['rate'], additionalProperties: false, properties: { rate: { type: 'integer', minimum: 1, maximum: GENERATOR_MAX_RATE } } },
    },
  }, async (req) => await generator.start(req.body.rate))

  app.delete('/v1/console/generator', { onRequest, schema: { summary: 'Training console: stop the built-in traffic generator' } }, async () => generator.stop())
}
