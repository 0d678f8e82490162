/**
 * @module hub/redact
 * Strip the fields a redact decision names from a state's answer before it is
 * formatted: fields by category, the photo by dropping the image.
 */
import type { RedactField } from '../policy/types.js'
import type { StateAnswer } from './ports/endpoint.js'

export function redactAnswer (a: StateAnswer, fields: readonly RedactField[]): StateAnswer {
  if (fields.length === 0) return a
  const drop = new Set<string>(fields)
  const records = a.records.map((r) => r.filter((f) => f.category === undefined || !drop.has(f.category)))
  const { image, ...rest } = a
  return drop.has('photo') || image === undefined ? { ...rest, records } : { ...rest, records, image }
}
