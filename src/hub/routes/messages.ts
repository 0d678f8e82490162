/**
 * @module hub/routes/messages
 * POST /v1/messages (legacy text or JSON), and each line's inbox of replies
 * delivered later by store-and-forward: GET /v1/inbox returns the replies not
 * yet acknowledged, POST /v1/inbox/ack removes them. The line is the bearer
 * token's; the switch does the rest. A reply leaves only after its audit
 * lines are handed to the operating system.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NsimError } from '../../errors.js'
import { messageJsonSchema } from '../../message/json.js'
import type { HubContext } from '../context.js'
import { HTTP_LIMITS } from '../limits.js'
import { bearer } from '../lines.js'
import { rawBodyOf } from './body.js'
import type { SwitchResult } from '../replies.js'
import type { HandleOptions, Inbound } from '../switch.js'
import type { AuditRecord } from '../audit.js'
import { buildTrace, type Trace } from '../trace.js'
import { TraceRecorder } from '../trace-sink.js'
import { errorSchema, inboxReplySchema, messageResponseSchema } from './schemas.js'

export function lineOf (req: FastifyRequest, ctx: HubContext): { line?: string, why?: string } {
  const token = bearer(req.headers.authorization)
  if (token === undefined) return { why: 'no bearer token: send `Authorization: Bearer <line token>`' }
  const line = ctx.credentials.lineOf(token)
  return line === undefined ? { why: 'the bearer token is not a line credential' } : { line }
}

/** A message without ?shadow or ?explain (nearly all): one options object for all of them. */
const PLAIN: HandleOptions = Object.freeze({})

/** The caller asked for text (`Accept: text/plain` and not JSON). */
function wantsText (req: FastifyRequest): boolean {
  const accept = req.headers.accept
  return accept !== undefined && accept.includes('text/plain') && !accept.includes('json')
}

export function sendResult (req: FastifyRequest, reply: FastifyReply, r: SwitchResult, trace?: Trace): FastifyReply {
  reply.code(r.httpStatus)
  if (r.httpStatus === 401) reply.header('www-authenticate', 'Bearer realm="nlets-sim"')
  if (wantsText(req)) return reply.type('text/plain; charset=utf-8').send(r.replies.map((x) => x.text).join('\n\n') + '\n')
  return reply.send(trace === undefined ? { id: r.id, replies: r.replies, decisions: r.decisions } : { id: r.id, replies: r.replies, decisions: r.decisions, trace })
}

/** Send a switch result once its audit lines are written (batched per turn of the event loop). */
export async function answer (req: FastifyRequest, reply: FastifyReply, ctx: HubContext, r: SwitchResult, trace?: Trace): Promise<FastifyReply> {
  await ctx.audit.written()
  return sendResult(req, reply, r, trace)
}

/** Handle a message with a tracer and the audit records it writes: the answer and its trace (`?trace=1`). */
async function traced (ctx: HubContext, input: Inbound, line: string, withShadow: boolean): Promise<{ result: SwitchResult, trace: Trace }> {
  const rec = new TraceRecorder()
  const written: AuditRecord[] = []
  const stop = ctx.auditTap.listen((r) => { written.push(r) })
  let result: SwitchResult
  try {
    result = await ctx.sw.handle(input, line, { withShadow, explain: true, trace: rec })
  } finally {
    stop()
  }
  const trace = buildTrace({
    rec, result, line, tokenKind: ctx.credentials.kind, directory: ctx.store.current.directory, regions: ctx.sw.deps.regions,
    audits: written.filter((a) => a.id === result.id), doneMs: rec.sinceStart(), audited: ctx.options.auditFile !== false,
  })
  return { result, trace }
}

async function unauthorized (reply: FastifyReply, why: string): Promise<FastifyReply> {
  return await reply.code(401).header('www-authenticate', 'Bearer realm="nlets-sim"')
    .send({ statusCode: 401, code: 'NSIM_HUB_UNAUTHORIZED', error: 'Unauthorized', message: why })
}

export function registerMessageRoutes (app: FastifyInstance, ctx: HubContext): void {
  app.post<{ Querystring: { shadow?: string, explain?: string, trace?: string } }>('/v1/messages', {
    // The schema documents the body (OpenAPI); the switch parses and validates
    // it itself, with Nlets ER codes, so the route skips Ajv on the hot path.
    validatorCompiler: () => () => true,
    schema: {
      summary: 'Send a query message from an agency line',
      description: 'Body: legacy Nlets text (`text/plain`, e.g. `DQ.TX0020100.IL.TXTOLN/D1234567`) or the JSON form. ' +
        'A malformed message gets HTTP 400 with an ER reply from NL0000000 in the same shape (413: body over the limit; 415: content type ' +
        'other than text/plain or application/json; 401/403: line checks). `Accept: text/plain` returns the replies as text.',
      headers: { type: 'object', properties: { authorization: { type: 'string', description: 'Bearer <line token>' } } },
      querystring: {
        type: 'object',
        properties: {
          shadow: { type: 'string', enum: ['0', '1'], description: '1: each decision also gives the shadow set\'s (when one runs)' },
          explain: { type: 'string', enum: ['0', '1'], description: '1: each decision also gives its rule-by-rule explanation (as `nlets-sim policy explain`)' },
          trace: {
            type: 'string', enum: ['0', '1'],
            description: '1: the answer also gives `trace`, what the switch did step by step (auth, parse, expand, decide, deliver, reply, audit), ' +
              'each destination\'s delivery and reply, and the audit records written; implies explain=1 (the training console uses it)',
          },
        },
      },
      body: { oneOf: [{ type: 'string', description: 'legacy text message' }, messageJsonSchema] },
      response: {
        200: messageResponseSchema, 400: messageResponseSchema, 401: messageResponseSchema, 403: messageResponseSchema,
        413: messageResponseSchema, 415: messageResponseSchema, 429: messageResponseSchema, 431: messageResponseSchema,
      },
    },
  }, async (req, reply) => {
    const { line, why } = lineOf(req, ctx)
    const raw = typeof req.body === 'string' ? req.body : rawBodyOf(req) ?? ''
    const wait = line === undefined || !ctx.rate.enabled ? 0 : ctx.rate.take(line)
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait))
      reply.header('retry-after', String(seconds))
      return await answer(req, reply, ctx, ctx.sw.overRate(raw, line!, ctx.rate.limit.rate, seconds))
    }
    const input: Inbound = typeof req.body === 'string' ? { kind: 'text', text: req.body } : { kind: 'json', body: req.body, raw }
    if (req.query?.trace === '1' && line !== undefined) {
      const { result, trace } = await traced(ctx, input, line, req.query.shadow === '1')
      return await answer(req, reply, ctx, result, trace)
    }
    const result = line === undefined
      ? ctx.sw.unauthorized(raw, why!)
      : await ctx.sw.handle(input, line,
        req.query?.shadow === undefined && req.query?.explain === undefined ? PLAIN : { withShadow: req.query.shadow === '1', explain: req.query.explain === '1' })
    return await answer(req, reply, ctx, result)
  })

  app.get<{ Querystring: { max?: number } }>('/v1/inbox', {
    schema: {
      summary: 'Replies delivered later to this line (store-and-forward), oldest first, until acknowledged',
      description: 'The same unacknowledged replies come back on every read; `POST /v1/inbox/ack` removes them. ' +
        '`Accept: text/plain` returns their texts, separated by blank lines.',
      querystring: { type: 'object', properties: { max: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } }, additionalProperties: false },
      response: {
        200: {
          type: 'object',
          properties: {
            line: { type: 'string' },
            replies: { type: 'array', items: inboxReplySchema },
            waiting: { type: 'integer', description: 'unacknowledged replies of the line, these included' },
          },
        },
        401: errorSchema,
        503: errorSchema,
      },
    },
  }, async (req, reply) => {
    const { line, why } = lineOf(req, ctx)
    if (line === undefined) return await unauthorized(reply, why!)
    const replies = await fromStore('reading the inbox', async () => await ctx.sw.deps.state.inbox.list(line, req.query.max ?? 1000))
    if (wantsText(req)) return await reply.type('text/plain; charset=utf-8').send(replies.map((x) => x.text).join('\n\n') + (replies.length ? '\n' : ''))
    return { line, replies, waiting: ctx.sw.deps.state.inbox.depth(line) }
  })

  app.post<{ Body: { ids: string[] } }>('/v1/inbox/ack', {
    schema: {
      summary: 'Acknowledge inbox replies: they are removed and not returned again',
      body: {
        type: 'object', required: ['ids'], additionalProperties: false,
        properties: { ids: { type: 'array', maxItems: HTTP_LIMITS.ackIds, items: { type: 'string', maxLength: 64 }, description: 'inbox reply ids (`id` of GET /v1/inbox)' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            acknowledged: { type: 'integer', description: 'replies removed (ids of other lines, or already acknowledged, are ignored)' },
            waiting: { type: 'integer' },
          },
        },
        401: errorSchema,
        503: errorSchema,
      },
    },
  }, async (req, reply) => {
    const { line, why } = lineOf(req, ctx)
    if (line === undefined) return await unauthorized(reply, why!)
    const acknowledged = await fromStore('acknowledging', async () => await ctx.sw.deps.state.inbox.ack(line, req.body.ids))
    return { acknowledged, waiting: ctx.sw.deps.state.inbox.depth(line) }
  })
}

/**
 * Read or change the inbox; a store that does not answer (NATS electing a new
 * leader after losing a node, say) is a 503 the line can retry, not a 500.
 */
async function fromStore<T> (what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof NsimError) throw err
    throw new NsimError('NSIM_HUB_STORE_UNAVAILABLE', `${what}: ${(err as Error).message}`)
  }
}
