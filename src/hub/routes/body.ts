/**
 * @module hub/routes/body
 * The hub's JSON body parser: Fastify's own (secure-json-parse, no prototype
 * poisoning) with two additions. The text as received is kept on the request
 * (`rawBodyOf`), so an ER quotes the input itself rather than a re-serialised
 * copy; and nesting deeper than MAX_JSON_DEPTH is refused as a malformed body
 * (a few thousand `[` would otherwise overflow the stack of whatever walks the
 * object next).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import sjson from 'secure-json-parse'
import { format } from '../../errors.js'
import { HTTP_LIMITS } from '../limits.js'

/** No body the hub takes nests deeper than this (a JSON message: 4 levels). */
export const MAX_JSON_DEPTH = HTTP_LIMITS.jsonDepth

const RAW = Symbol('nsim.rawBody')

/** The body text as received, for JSON bodies (undefined for others). */
export function rawBodyOf (req: FastifyRequest): string | undefined {
  return (req as unknown as { [RAW]?: string })[RAW]
}

/** Deepest nesting of `[` and `{` in JSON text, strings skipped; stops counting past `limit`. */
export function jsonDepth (text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) {
      inString = true
    } else if (c === 91 || c === 123) {
      if (++depth > max) { max = depth; if (max > limit) return max }
    } else if (c === 93 || c === 125) {
      depth--
    }
  }
  return max
}

class BodyError extends Error {
  readonly statusCode = 400
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.code = code
  }
}

export function registerBodyParsers (app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string
    ;(req as unknown as { [RAW]?: string })[RAW] = text
    if (text === '') { done(new BodyError('FST_ERR_CTP_EMPTY_JSON_BODY', 'empty JSON body'), undefined); return }
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(new BodyError('NSIM_HUB_JSON_DEPTH', format('NSIM_HUB_JSON_DEPTH', MAX_JSON_DEPTH)), undefined)
      return
    }
    try {
      done(null, sjson.parse(text, { protoAction: 'error', constructorAction: 'error' }))
    } catch (err) {
      done(new BodyError('FST_ERR_CTP_INVALID_JSON_BODY', `body is not valid JSON: ${(err as Error).message}`), undefined)
    }
  })
}
