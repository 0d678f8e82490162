/**
 * @module message/json
 * The JSON form of a message. Header names mirror the Nlets NIEM header elements
 * (`nh2:MessageKeyCodeText`, `nh2:OriginatingORIID`, `nh2:DestinationORIID`,
 * `nh2:DocumentControlFieldText`; DOMAIN.md 1.4,
 * https://service.nlets.org/support/solutions/articles/21003096185) so a reader
 * of the XML spec finds the same names; fields are prefix/value pairs as in legacy.
 */

import { type ParseOutcome, parseFailure } from './er.js'
import { fieldsOverLimit, MESSAGE_LIMITS } from './limits.js'
import type { Field, Message } from './types.js'

export interface JsonField {
  prefix: string
  value: string
}

/** The JSON body as written by toJsonMessage (fields always as an array, to keep order and duplicates). */
export interface MessageJson {
  MessageKeyCodeText: string
  OriginatingORIID: string
  DestinationORIID: string[]
  DocumentControlFieldText?: string
  Fields: JsonField[]
}

/** What parseJsonMessage accepts: also `Fields` as an object, `{ "OLN": "D123" }`, for hand-written bodies. */
export type MessageJsonInput = Omit<MessageJson, 'Fields'> & { Fields: JsonField[] | Record<string, string> }

const HEADER = ['MessageKeyCodeText', 'OriginatingORIID', 'DestinationORIID', 'DocumentControlFieldText', 'Fields']

/**
 * JSON Schema (draft-07, as Ajv 8 and Fastify take it) for the body. It checks
 * shape only: sizes, codes and destinations are left to validateMessage so that
 * they earn the Nlets ER code rather than a generic 400. Note that Fastify's
 * default Ajv options (`removeAdditional: true`) drop unknown properties instead
 * of rejecting them; a route that wants the rejection sets `removeAdditional: false`.
 * Treat the object as read-only (it is not frozen because Fastify may annotate schemas).
 */
export const messageJsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Nlets message',
  type: 'object',
  required: ['MessageKeyCodeText', 'OriginatingORIID', 'DestinationORIID', 'Fields'],
  additionalProperties: false,
  properties: {
    MessageKeyCodeText: { type: 'string', description: 'Message key (MKE), e.g. DQ', examples: ['DQ'] },
    OriginatingORIID: { type: 'string', description: 'Sending ORI (9 characters)', examples: ['TX0020100'] },
    DestinationORIID: {
      type: 'array',
      description: 'State codes, region codes, NL or 9-character ORIs; at most five',
      items: { type: 'string' },
    },
    DocumentControlFieldText: { type: 'string', description: 'Optional control field, echoed in replies' },
    Fields: {
      description: 'Prefixed data fields, in order; or an object from prefix to value',
      oneOf: [
        {
          type: 'array',
          items: {
            type: 'object',
            required: ['prefix', 'value'],
            additionalProperties: false,
            properties: { prefix: { type: 'string' }, value: { type: 'string' } },
          },
        },
        { type: 'object', additionalProperties: { type: 'string' } },
      ],
    },
  },
}

function isRecord (x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function isStringArray (x: unknown): x is string[] {
  return Array.isArray(x) && x.every((s) => typeof s === 'string')
}

/** Reads a JSON body (an object, or its text). Never throws: every fault is an ER-coded error. */
export function parseJsonMessage (body: unknown): ParseOutcome {
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      return parseFailure('.03', 'the body is not well-formed JSON')
    }
  }
  if (!isRecord(body)) return parseFailure('0', 'the body is not a JSON object')
  const extra = Object.keys(body).find((k) => !HEADER.includes(k))
  if (extra !== undefined) return parseFailure('0', `unknown property \`${extra}\` (allowed: ${HEADER.join(', ')})`)
  const { MessageKeyCodeText: key, OriginatingORIID: ori, DestinationORIID: dests, DocumentControlFieldText: control } = body
  if (typeof key !== 'string') return parseFailure('.01', 'MessageKeyCodeText must be a string')
  if (typeof ori !== 'string') return parseFailure('.01', 'OriginatingORIID must be a string')
  if (!isStringArray(dests)) return parseFailure('.01', 'DestinationORIID must be an array of strings')
  if (control !== undefined && typeof control !== 'string') return parseFailure('.01', 'DocumentControlFieldText must be a string')
  if (body.Fields === undefined) return parseFailure('.03', 'Fields not found')
  const fields = readFields(body.Fields)
  if (typeof fields === 'string') return parseFailure('0', fields)
  const message: Message = control === undefined
    ? { key, ori, destinations: [...dests], fields }
    : { key, ori, destinations: [...dests], control, fields }
  return { ok: true, message }
}

function readFields (raw: unknown): Field[] | string {
  const fields = readFieldList(raw)
  if (typeof fields === 'string') return fields
  const at = fields.findIndex((f) => f.value.length > MESSAGE_LIMITS.fieldValue)
  return fieldsOverLimit(fields.length, at < 0 ? undefined : { n: at + 1, prefix: fields[at]!.prefix, length: fields[at]!.value.length }) ?? fields
}

function readFieldList (raw: unknown): Field[] | string {
  if (Array.isArray(raw)) {
    if (raw.length > MESSAGE_LIMITS.fields) return fieldsOverLimit(raw.length, undefined)!
    const fields: Field[] = []
    for (const [i, f] of raw.entries()) {
      const ok = isRecord(f) && typeof f.prefix === 'string' && typeof f.value === 'string' && Object.keys(f).length === 2
      if (!ok) return `Fields[${i}] must be {"prefix": string, "value": string}`
      fields.push({ prefix: f.prefix as string, value: f.value as string })
    }
    return fields
  }
  if (!isRecord(raw)) return 'Fields must be an array of {prefix, value} or an object from prefix to value'
  if (Object.keys(raw).length > MESSAGE_LIMITS.fields) return fieldsOverLimit(Object.keys(raw).length, undefined)!
  const fields: Field[] = []
  for (const [prefix, value] of Object.entries(raw)) {
    if (typeof value !== 'string') return `Fields.${prefix} must be a string`
    fields.push({ prefix, value })
  }
  return fields
}

/** The JSON form of a message (fields as an array). */
export function toJsonMessage (m: Message): MessageJson {
  return {
    MessageKeyCodeText: m.key,
    OriginatingORIID: m.ori,
    DestinationORIID: [...m.destinations],
    ...(m.control === undefined ? {} : { DocumentControlFieldText: m.control }),
    Fields: m.fields.map((f) => ({ prefix: f.prefix, value: f.value })),
  }
}
