/**
 * @module hub/routes/directory
 * The agency directory, read-only: one entry by ORI (with its owning line), or a
 * filtered list; for members only (a line token or the admin token).
 */
import type { FastifyInstance } from 'fastify'
import { describeAgency } from '../../directory/describe.js'
import { AGENCY_TYPES, type Agency, COMPONENTS } from '../../directory/model.js'
import type { HubContext } from '../context.js'
import { memberOnly } from './access.js'
import { errorSchema } from './schemas.js'

const agencySchema = {
  type: 'object',
  properties: {
    ori: { type: 'string' }, name: { type: 'string' }, line: { type: 'string' }, state: { type: 'string' },
    type: { type: 'string' }, component: { type: 'string' }, active: { type: 'boolean' }, access: { type: 'string' },
    description: { type: 'string' },
  },
} as const

function view (a: Agency) {
  return { ...a, description: describeAgency(a) }
}

interface ListQuery { line?: string, type?: string, component?: string, state?: string, agency?: string, limit?: number, offset?: number }

export function registerDirectoryRoutes (app: FastifyInstance, ctx: HubContext): void {
  const onRequest = memberOnly(ctx)
  app.get<{ Params: { ori: string } }>('/v1/directory/:ori', {
    onRequest,
    schema: {
      summary: 'One agency of the directory (ORION), including the line that owns it',
      params: { type: 'object', properties: { ori: { type: 'string', pattern: '^[A-Za-z]{2}[A-Za-z0-9]{7}$' } }, required: ['ori'] },
      response: { 200: agencySchema, 404: errorSchema },
    },
  }, async (req, reply) => {
    const a = ctx.store.current.directory.get(req.params.ori.toUpperCase())
    if (a === undefined) return await reply.code(404).send({ statusCode: 404, code: 'NSIM_HUB_NOT_FOUND', error: 'Not Found', message: `ORI \`${req.params.ori}\` is not in the directory` })
    return view(a)
  })

  app.get<{ Querystring: ListQuery }>('/v1/directory', {
    onRequest,
    schema: {
      summary: 'Agencies, filtered by line, type, federal component, state or a piece of the name',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          line: { type: 'string', pattern: '^[A-Za-z]{2}$' },
          type: { type: 'string', enum: [...AGENCY_TYPES] },
          component: { type: 'string', enum: [...COMPONENTS] },
          state: { type: 'string', pattern: '^[A-Za-z]{2}$' },
          agency: { type: 'string', minLength: 1, maxLength: 60, description: 'case-insensitive part of the agency name' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          offset: { type: 'integer', minimum: 0, default: 0 },
        },
      },
      response: { 200: { type: 'object', properties: { total: { type: 'integer' }, entries: { type: 'array', items: agencySchema } } } },
    },
  }, async (req) => {
    const q = req.query
    const needle = q.agency?.toLowerCase()
    const line = q.line?.toUpperCase()
    const state = q.state?.toUpperCase()
    const hits = ctx.store.current.directory.agencies.filter((a) => (line === undefined || a.line === line) &&
      (q.type === undefined || a.type === q.type) && (q.component === undefined || a.component === q.component) &&
      (state === undefined || a.state === state) && (needle === undefined || a.name.toLowerCase().includes(needle)))
    const offset = q.offset ?? 0
    return { total: hits.length, entries: hits.slice(offset, offset + (q.limit ?? 50)).map(view) }
  })
}
