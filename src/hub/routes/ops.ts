/**
 * @module hub/routes/ops
 * GET /health and GET /metrics (Prometheus text).
 */
import type { FastifyInstance } from 'fastify'
import type { HubContext } from '../context.js'

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
            queued: { type: 'integer' }, store: { type: 'string', enum: ['memory', 'sqlite'] }, failedClosed: { type: 'array', items: { type: 'string' } },
          },
        },
      },
    },
  }, async () => {
    const states: Record<string, string[]> = {}
    for (const [s, d] of ctx.destinations) (states[d.health] ??= []).push(s)
    const set = ctx.store.current
    return {
      status: 'ok', policyVersion: set.version, shadowVersion: ctx.shadow?.current.version ?? null,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000), states,
      queued: Object.values(ctx.sw.deps.state.queue.depths()).reduce((a, b) => a + b, 0), store: ctx.sw.deps.state.kind,
      failedClosed: [...set.states.values()].filter((s) => s.policy === undefined).map((s) => s.state),
    }
  })

  app.get('/metrics', { schema: { summary: 'Prometheus metrics', hide: false } }, async (_req, reply) => {
    reply.type(ctx.metrics.registry.contentType)
    return await ctx.metrics.registry.metrics()
  })
}
