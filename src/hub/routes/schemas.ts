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

export const messageResponseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    replies: { type: 'array', items: replySchema },
    decisions: { type: 'array', items: decisionSchema },
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
