/**
 * @module hub/routes/ops
 * GET /health and GET /metrics (Prometheus text), and the metrics port of its own.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import type { HubContext } from '../context.js'
import { metricsReader } from './access.js'

export function registerOpsRoutes (app: FastifyInstance, ctx: HubContext): void {
  app.get('/health', {
    schema: {
      summary: 'Liveness and a summary of the switch',
      response: {
        200: {
          type: 'object',
          properties: {
            status: { type: 'string' }, policyVersion: { type: 'string' }, shadowVersion: { type: ['string', 'null'] },
            uptimeSeconds: { type: 'number' }, states: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
            queued: { type: 'integer' }, store: { type: 'string', enum: ['memory', 'sqlite', 'nats'] }, failedClosed: { type: 'array', items: { type: 'string' } },
            replica: { type: 'string' },
            policyBundle: {
              type: 'object',
              description: 'With NATS: the policy bundle last published by any replica, and whether this one runs it (in-force) or refused it (error)',
              properties: {
                state: { type: 'string', enum: ['none', 'loading', 'in-force', 'refused'] }, error: { type: 'string' }, loadMs: { type: 'integer' },
                published: { type: ['object', 'null'], properties: { version: { type: 'string' }, publishedBy: { type: 'string' }, publishedAt: { type: 'string' } } },
              },
            },
          },
        },
      },
    },
  }, async () => {
    const states: Record<string, string[]> = {}
    for (const [s, d] of ctx.destinations) (states[d.health] ??= []).push(s)
    const set = ctx.store.current
    return {
      status: 'ok', policyVersion: set.version, shadowVersion: ctx.sw.shadow?.current.version ?? null,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000), states,
      queued: Object.values(ctx.sw.deps.state.queue.depths()).reduce((a, b) => a + b, 0), store: ctx.sw.deps.state.kind,
      failedClosed: [...set.states.values()].filter((s) => s.policy === undefined).map((s) => s.state),
      replica: ctx.replica,
      ...(ctx.bundles !== undefined ? { policyBundle: ctx.bundles.status } : {}),
    }
  })

  app.get('/metrics', {
    onRequest: metricsReader(ctx),
    schema: { summary: 'Prometheus metrics (admin token, or NSIM_METRICS_TOKEN when set; no token on NSIM_METRICS_PORT)', hide: false },
  }, async (_req, reply) => await sendMetrics(ctx, reply))
}

async function sendMetrics (ctx: HubContext, reply: FastifyReply): Promise<string> {
  reply.type(ctx.metrics.registry.contentType)
  return await ctx.metrics.registry.metrics()
}

/** The metrics port of its own (NSIM_METRICS_PORT): GET /metrics with no token, nothing else. */
export function buildMetricsApp (ctx: HubContext): FastifyInstance {
  const app = Fastify({ logger: false })
  app.get('/metrics', async (_req, reply) => await sendMetrics(ctx, reply))
  return app
}
