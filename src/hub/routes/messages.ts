/**
 * @module hub/routes/messages
 * POST /v1/messages (legacy text or JSON) and GET /v1/inbox (replies delivered
 * later by store-and-forward). The line is the bearer token's; the switch does
 * the rest.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { messageJsonSchema } from '../../message/json.js'
import type { HubContext } from '../context.js'
import { bearer } from '../lines.js'
import type { SwitchResult } from '../switch.js'
import { messageResponseSchema, replySchema } from './schemas.js'

export function lineOf (req: FastifyRequest, ctx: HubContext): { line?: string, why?: string } {
  const token = bearer(req.headers.authorization)
  if (token === undefined) return { why: 'no bearer token: send `Authorization: Bearer <line token>`' }
  const line = ctx.credentials.lineOf(token)
  return line === undefined ? { why: 'the bearer token is not a line credential' } : { line }
}

export function sendResult (req: FastifyRequest, reply: FastifyReply, r: SwitchResult): FastifyReply {
  reply.code(r.httpStatus)
  if (r.httpStatus === 401) reply.header('www-authenticate', 'Bearer realm="nlets-sim"')
  const accept = req.headers.accept
  if (accept !== undefined && accept.includes('text/plain') && !accept.includes('json')) {
    return reply.type('text/plain; charset=utf-8').send(r.replies.map((x) => x.text).join('\n\n') + '\n')
  }
  return reply.send({ id: r.id, replies: r.replies, decisions: r.decisions })
}

export function registerMessageRoutes (app: FastifyInstance, ctx: HubContext): void {
  app.post('/v1/messages', {
    attachValidation: true,
    schema: {
      summary: 'Send a query message from an agency line',
      description: 'Body: legacy Nlets text (`text/plain`, e.g. `DQ.TX0020100.IL.TXTOLN/D1234567`) or the JSON form. ' +
        'A malformed message gets HTTP 400 with an ER reply from NL0000000 in the same shape. `Accept: text/plain` returns the replies as text.',
      headers: { type: 'object', properties: { authorization: { type: 'string', description: 'Bearer <line token>' } } },
      body: { oneOf: [{ type: 'string', description: 'legacy text message' }, messageJsonSchema] },
      response: { 200: messageResponseSchema, 400: messageResponseSchema, 401: messageResponseSchema, 403: messageResponseSchema },
    },
  }, async (req, reply) => {
    const { line, why } = lineOf(req, ctx)
    const raw = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? '')
    const result = line === undefined
      ? ctx.sw.unauthorized(raw, why!)
      : await ctx.sw.handle(typeof req.body === 'string' ? { kind: 'text', text: req.body } : { kind: 'json', body: req.body }, line)
    return sendResult(req, reply, result)
  })

  app.get<{ Querystring: { max?: number } }>('/v1/inbox', {
    schema: {
      summary: 'Replies delivered later to this line (store-and-forward), oldest first; reading removes them',
      querystring: { type: 'object', properties: { max: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } }, additionalProperties: false },
      response: { 200: { type: 'object', properties: { line: { type: 'string' }, replies: { type: 'array', items: replySchema } } } },
    },
  }, async (req, reply) => {
    const { line, why } = lineOf(req, ctx)
    if (line === undefined) return await reply.code(401).header('www-authenticate', 'Bearer realm="nlets-sim"').send({ statusCode: 401, code: 'NSIM_HUB_UNAUTHORIZED', error: 'Unauthorized', message: why })
    return { line, replies: ctx.sw.deps.queue.inbox(line, req.query.max ?? 1000) }
  })
}
