/**
 * @module simulator/states/schemas
 * JSON Schemas of the state server's bodies (types.ts in JSON Schema form):
 * they validate requests and let Fastify serialise replies fast.
 */
import { STATE_KEYS } from '../../src/hub/ports/endpoint.js'

const FIELD_CATEGORIES = ['photo', 'ssn', 'address', 'dob', 'description', 'owner'] as const

export const querySchema = {
  type: 'object',
  required: ['id', 'key', 'ori', 'state', 'fields', 'image'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    key: { type: 'string', enum: STATE_KEYS },
    ori: { type: 'string', pattern: '^[A-Z]{2}[A-Z0-9]{7}$' },
    state: { type: 'string', pattern: '^[A-Z]{2}$' },
    fields: {
      type: 'object',
      maxProperties: 64,
      propertyNames: { pattern: '^[A-Z0-9]{2,4}$' },
      additionalProperties: { type: 'string', maxLength: 200 },
    },
    image: { type: 'boolean' },
  },
} as const

const fieldSchema = {
  type: 'object',
  required: ['prefix', 'value'],
  properties: {
    prefix: { type: 'string' },
    value: { type: 'string' },
    category: { type: 'string', enum: FIELD_CATEGORIES },
  },
} as const

export const answerSchema = {
  type: 'object',
  required: ['status', 'replyKey', 'from', 'records'],
  properties: {
    status: { type: 'string', enum: ['hit', 'nohit'] },
    replyKey: { type: 'string' },
    from: { type: 'string' },
    records: { type: 'array', items: { type: 'array', items: fieldSchema } },
    message: { type: 'string' },
    image: {
      type: 'object',
      required: ['mime', 'data'],
      properties: { mime: { type: 'string' }, data: { type: 'string' } },
    },
  },
} as const

/** The fault body: one schema for the hub's admin route and the state server's (ports/endpoint.ts). */
export { FAULT_SCHEMA as faultSchema } from '../../src/hub/ports/endpoint.js'

export const healthSchema = {
  type: 'object',
  required: ['state', 'status', 'fault'],
  properties: {
    state: { type: 'string' },
    status: { type: 'string', enum: ['up', 'down'] },
    fault: {
      type: 'object',
      required: ['mode'],
      properties: { mode: { type: 'string' }, latencyMs: { type: 'number' }, periodMs: { type: 'number' } },
    },
  },
} as const
