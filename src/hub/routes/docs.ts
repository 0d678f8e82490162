/**
 * @module hub/routes/docs
 * OpenAPI document (from the routes' JSON Schemas) and its UI at /docs.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

export async function registerDocs (app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'nlets-sim hub',
        description: 'A simulated Nlets message switch: agency lines send DMV queries; each destination state\'s policy allows, denies or redacts.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}
