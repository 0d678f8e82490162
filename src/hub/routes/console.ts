/**
 * @module hub/routes/console
 * The training console at /console: its static files (console/public for the
 * page and styles, dist/console for the compiled browser modules) through
 * @fastify/static, every response with a Content-Security-Policy that allows
 * scripts, styles and connections from the hub only (no inline script, no
 * external resource), and the console's own API (console-api.ts, console-ops.ts).
 * On by default locally; with NODE_ENV=production off unless NSIM_CONSOLE=on.
 */
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import type { HubContext } from '../context.js'
import { registerConsoleApi } from './console-api.js'
import { registerConsoleOps } from './console-ops.js'

/** The policy every console response carries: nothing inline, nothing from elsewhere, images from data: (photos in replies). */
export const CONSOLE_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ')

/** The repository's folder, from this module's place in dist/src/hub/routes/. */
const ROOT = new URL('../../../../', import.meta.url)
export const CONSOLE_PUBLIC = fileURLToPath(new URL('console/public/', ROOT))
export const CONSOLE_SCRIPTS = fileURLToPath(new URL('dist/console/', ROOT))

export function consoleEnabled (ctx: HubContext): boolean {
  return ctx.options.console ?? !ctx.options.production
}

export async function registerConsole (app: FastifyInstance, ctx: HubContext): Promise<void> {
  if (!consoleEnabled(ctx)) {
    const off = async (_req: unknown, reply: import('fastify').FastifyReply) => await reply.code(404).send({
      statusCode: 404, code: 'NSIM_HUB_NOT_FOUND', error: 'Not Found',
      message: 'the training console is off in production: start the hub with NSIM_CONSOLE=on to serve it',
    })
    app.get('/console', { schema: { hide: true } }, off)
    app.get('/console/*', { schema: { hide: true } }, off)
    return
  }
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CONSOLE_CSP)
      reply.header('x-content-type-options', 'nosniff')
      reply.header('referrer-policy', 'no-referrer')
      return payload
    })
    // Two roots: the first that has a file serves it. decorateReply false: /docs registers its own copy.
    await scope.register(fastifyStatic, {
      root: [CONSOLE_PUBLIC, CONSOLE_SCRIPTS], prefix: '/console/', decorateReply: false, index: ['index.html'],
      schemaHide: true, cacheControl: true, maxAge: 0,
    })
  })
  app.get('/console', { schema: { summary: 'The training console (a page for browsers)' } }, async (_req, reply) => await reply.redirect('/console/', 301))
  registerConsoleApi(app, ctx)
  registerConsoleOps(app, ctx)
}
