/**
 * @module simulator/states/server
 * A simulated state as its own HTTP server (Fastify): POST /query, GET /health,
 * PUT /admin/fault. Request logging is off by default: it costs throughput.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { SimulatedState } from './simulated-state.js'
import { answerSchema, faultSchema, healthSchema, querySchema } from './schemas.js'
import { type StateFault, type StateQuery, StateQueryError, StateUnavailableError } from '../../src/hub/ports/endpoint.js'

export interface StateServerOptions {
  /** When set, PUT /admin/fault needs `Authorization: Bearer <adminToken>` (else 401). When unset the route is open. */
  readonly adminToken?: string
  /** Fastify's pino logger (default false). */
  readonly logger?: boolean
}

const errorReply = { type: 'object', properties: { error: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } as const

function digest (s: string): Buffer {
  return createHash('sha256').update(s).digest()
}

/** Build (do not start) the HTTP server of one simulated state. */
export function buildStateServer (state: SimulatedState, opts: StateServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: opts.logger ?? false,
    // Strict bodies: no type coercion, so `"image": "yes"` is a 400, not a guess.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    bodyLimit: 64 * 1024,
  })
  const token = opts.adminToken === undefined || opts.adminToken === '' ? undefined : digest(`Bearer ${opts.adminToken}`)

  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err instanceof StateUnavailableError) return reply.code(503).send({ error: 'unavailable', code: err.code, message: err.message })
    if (err instanceof StateQueryError) return reply.code(400).send({ error: 'bad-query', code: err.code, message: err.message })
    if (err instanceof RangeError) return reply.code(400).send({ error: 'bad-request', code: (err as { code?: string }).code ?? 'NSIM_STATE_SETTING', message: err.message })
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) return reply.code(status).send({ error: 'bad-request', message: err.message })
    app.log.error(err)
    return reply.code(500).send({ error: 'internal', message: 'internal error' })
  })

  app.post<{ Body: StateQuery }>('/query', {
    schema: { body: querySchema, response: { 200: answerSchema, 400: errorReply, 503: errorReply } },
  }, async (request, reply) => {
    // A client that hangs up (e.g. its timeout fired) cancels a waiting query.
    const ac = new AbortController()
    const onClose = (): void => { if (!reply.raw.writableFinished) ac.abort() }
    reply.raw.once('close', onClose)
    try {
      return await state.query(request.body, ac.signal)
    } finally {
      reply.raw.off('close', onClose)
    }
  })

  app.get('/health', { schema: { response: { 200: healthSchema } } }, async () => {
    return { state: state.state, status: state.status, fault: state.fault }
  })

  app.put<{ Body: StateFault }>('/admin/fault', {
    schema: { body: faultSchema, response: { 200: healthSchema, 400: errorReply, 401: errorReply } },
    onRequest: async (request, reply) => {
      if (token === undefined) return
      const given = digest(request.headers.authorization ?? '')
      if (!timingSafeEqual(given, token)) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'admin routes need Authorization: Bearer <token>' })
      }
    },
  }, (request, reply) => {
    state.setFault(request.body)
    reply.send({ state: state.state, status: state.status, fault: state.fault })
  })

  return app
}
