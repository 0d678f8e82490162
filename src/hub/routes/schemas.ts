/**
 * @module hub/routes/schemas
 * JSON Schemas of the hub's responses: they document the API (OpenAPI at /docs)
 * and let Fastify serialise replies fast.
 */

const image = { type: 'object', properties: { mime: { type: 'string' }, data: { type: 'string', description: 'base64' } } }

export const replySchema = {
  type: 'object',
  properties: {
    key: { type: 'string', description: 'reply key: DR, RR, KR, DNR, RNR, RPR, ER, SM' },
    from: { type: 'string', description: 'answering ORI (a state bureau, or NL0000000 for the switch)' },
    to: { type: 'string', description: 'the requesting ORI' },
    text: { type: 'string', description: 'the reply as the terminal prints it: output header, TXT, body' },
    state: { type: 'string' },
    status: { type: 'string', enum: ['hit', 'nohit', 'denied', 'queued', 'status', 'noanswer', 'error', 'summary'] },
    image,
    images: { type: 'object', additionalProperties: image },
    summary: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
} as const

const decisionFields = {
  effect: { type: 'string', enum: ['allow', 'deny', 'redact'] },
  rule: { type: ['string', 'null'] },
  policyVersion: { type: 'string' },
  redact: { type: 'array', items: { type: 'string' }, description: 'fields a redact decision strips' },
} as const

export const decisionSchema = {
  type: 'object',
  properties: {
    destination: { type: 'string' },
    ...decisionFields,
    shadow: { type: 'object', description: 'the shadow set\'s decision (?shadow=1, when a shadow set runs)', properties: decisionFields },
    explanation: {
      type: 'object', description: 'the rule-by-rule explanation (?explain=1), as `nlets-sim policy explain` gives it',
      properties: { text: { type: 'array', items: { type: 'string' } }, json: { type: 'object', additionalProperties: true } },
    },
  },
} as const

const stepNames = ['auth', 'parse', 'expand', 'decide', 'deliver', 'reply', 'audit']

/** `?trace=1`: what the switch did with the message, step by step (src/hub/trace.ts). */
export const traceSchema = {
  type: 'object',
  description: 'what the switch did, step by step (?trace=1); the training console shows it',
  properties: {
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          step: { type: 'string', enum: stepNames },
          title: { type: 'string' },
          status: { type: 'string', enum: ['ok', 'failed', 'skipped'], description: 'skipped: the message was refused at an earlier step' },
          atMs: { type: 'number', description: 'milliseconds since the message arrived' },
          lines: { type: 'array', items: { type: 'string' }, description: 'what happened, in sentences (audit: one JSON record a line)' },
        },
      },
    },
    events: {
      type: 'array',
      description: 'the event list: one entry per step and per destination, in time order',
      items: { type: 'object', properties: { atMs: { type: 'number' }, step: { type: 'string', enum: stepNames }, state: { type: 'string' }, text: { type: 'string' } } },
    },
    destinations: {
      type: 'array',
      description: 'each destination state: its decision, how it was delivered, its own reply (also for a multi-state query, whose replies are merged)',
      items: {
        type: 'object',
        properties: {
          state: { type: 'string' },
          effect: { type: ['string', 'null'], enum: ['allow', 'deny', 'redact', null] },
          rule: { type: ['string', 'null'] },
          redact: { type: 'array', items: { type: 'string' } },
          status: replySchema.properties.status,
          replyKey: { type: 'string' },
          replyText: { type: 'string' },
          transport: { type: ['string', 'null'], enum: ['in-process', 'http', null] },
          delivery: { type: 'string' },
          atMs: { type: 'number' },
          explanation: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const

export const messageResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    replies: { type: 'array', items: replySchema },
    decisions: { type: 'array', items: decisionSchema },
    trace: traceSchema,
  },
} as const

export const errorSchema = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } },
} as const

export const inboxReplySchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'inbox id, `<messageId>.<state>`: what POST /v1/inbox/ack takes' },
    messageId: { type: 'string', description: 'the `id` the sender got when it sent the query' },
    control: { type: ['string', 'null'], description: 'the control field of the query, if it had one' },
    key: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    text: { type: 'string' },
    state: { type: 'string' },
    status: { type: 'string', enum: ['hit', 'nohit', 'denied', 'status', 'error'] },
    queuedAt: { type: 'string', description: 'ISO 8601: when the switch received (and queued) the query' },
    deliveredAt: { type: 'string', description: 'ISO 8601: when the state answered' },
    image,
  },
} as const
