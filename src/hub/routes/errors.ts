/**
 * @module hub/routes/errors
 * One error handler: errors on the message route become ER replies from the
 * switch in the route's own response shape (an oversized, empty, unparsable or
 * wrongly typed body is a malformed message); elsewhere a JSON error with a
 * stable code. Bad input never yields a 500.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance } from 'fastify'
import { messageError } from '../../message/er.js'
import { NsimError } from '../../errors.js'
import type { HubContext } from '../context.js'
import { rawBodyOf } from './body.js'
import { answer } from './messages.js'

const DETAIL: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'message body is larger than the switch accepts',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported content type: send text/plain (legacy) or application/json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty JSON body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body is not valid JSON',
}

export function registerErrorHandler (app: FastifyInstance, ctx?: HubContext): void {
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const status = err instanceof NsimError ? err.statusCode : (err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500)
    if (ctx !== undefined && req.routeOptions.url === '/v1/messages' && status < 500) {
      const detail = DETAIL[err.code] ?? (err.message || 'malformed message')
      const r = ctx.sw.refuse(ctx.sw.nextId(), status, messageError('0', detail), rawBodyOf(req) ?? '', '', null, Date.now())
      return await answer(req, reply, ctx, r)
    }
    const code = err instanceof NsimError ? err.code : err.validation ? 'NSIM_HUB_BAD_REQUEST' : (err.code ?? 'NSIM_HUB_INTERNAL')
    // A catalogued 503 is a passing condition the client can act on: say what, and when to retry.
    const passing = status === 503 && err instanceof NsimError
    if (status >= 500) req.log[passing ? 'warn' : 'error']({ err, reqId: req.id }, 'request failed')
    if (passing) void reply.header('retry-after', '1')
    return await reply.code(status).send({
      statusCode: status, code, error: STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request'),
      message: status >= 500 && !passing ? 'internal error' : err.message,
    })
  })
  app.setNotFoundHandler(async (req, reply) => {
    return await reply.code(404).send({ statusCode: 404, code: 'NSIM_HUB_NOT_FOUND', error: 'Not Found', message: `no route ${req.method} ${req.url.split('?')[0]}` })
  })
}
