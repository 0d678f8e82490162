/**
 * @module hub/routes/access
 * Who may read what. Messages and the inbox: a line token (routes/messages.ts).
 * The agency directory (ORION is for members): a line token or the admin token.
 * /metrics: the admin token or NSIM_METRICS_TOKEN, or no token on the metrics
 * port of its own (NSIM_METRICS_PORT), which operators keep on a private
 * network. Admin routes: the admin token. /health and /docs are open: the one
 * says only whether the hub is up (a load balancer asks it), the other
 * describes the API and holds no data.
 */
import { timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { HubContext } from '../context.js'
import { bearer, sha256 } from '../lines.js'

/** Constant-time comparison of a presented token with a secret. */
export function sameToken (presented: string, secret: string): boolean {
  return timingSafeEqual(Buffer.from(sha256(presented), 'hex'), Buffer.from(sha256(secret), 'hex'))
}

export function isAdmin (req: FastifyRequest, ctx: HubContext): boolean {
  const t = bearer(req.headers.authorization)
  return t !== undefined && sameToken(t, ctx.adminToken)
}

/** A 401 with the realm named and the token that would do. */
export async function unauthorized (reply: FastifyReply, realm: string, needs: string): Promise<FastifyReply> {
  return await reply.code(401).header('www-authenticate', `Bearer realm="${realm}"`)
    .send({ statusCode: 401, code: 'NSIM_HUB_UNAUTHORIZED', error: 'Unauthorized', message: `this route needs \`Authorization: Bearer <${needs}>\`` })
}

/** onRequest guard of the directory routes: a line token or the admin token. */
export function memberOnly (ctx: HubContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const t = bearer(req.headers.authorization)
    if (t !== undefined && (ctx.credentials.lineOf(t) !== undefined || sameToken(t, ctx.adminToken))) return undefined
    return await unauthorized(reply, 'nlets-sim', 'line token or admin token')
  }
}

/** onRequest guard of /metrics on the main port: the admin token or the metrics token. */
export function metricsReader (ctx: HubContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const t = bearer(req.headers.authorization)
    const metricsToken = ctx.options.metricsToken
    if (t !== undefined && (sameToken(t, ctx.adminToken) || (metricsToken !== undefined && sameToken(t, metricsToken)))) return undefined
    return await unauthorized(reply, 'nlets-sim-metrics', metricsToken === undefined ? 'admin token' : 'metrics token or admin token')
  }
}

/**
 * The training console's operator routes (faults, live traffic, the generator):
 * open on a local hub (not NODE_ENV=production, where the demo tokens are open
 * too), else the admin token, which the console itself never holds.
 */
export function localOrAdmin (ctx: HubContext) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!ctx.options.production || isAdmin(req, ctx)) return undefined
    return await unauthorized(reply, 'nlets-sim-admin', 'admin token')
  }
}

/** The console's reading routes (checks, policies, lessons): open on a local hub, else a line token or the admin token. */
export function localOrMember (ctx: HubContext) {
  const member = memberOnly(ctx)
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!ctx.options.production) return undefined
    return await member(req, reply)
  }
}
