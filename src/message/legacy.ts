/**
 * @module message/legacy
 * The legacy (text) form, `MKE.SENDERORI.DEST[,DEST...].[CONTROL.]TXT` then
 * `PFX/value.` fields, the last one without a final period (DOMAIN.md 1.2,
 * https://service.nlets.org/support/solutions/articles/21003096528).
 *
 * Parsing is structural only: it finds the header tokens, the destinations, the
 * optional control field and the fields. Whether the key, ORI, destinations and
 * values make sense is validateMessage's job, so one ER code decides each fault.
 *
 * Round trip: for any text `x` that parses, `formatLegacy(parseLegacy(x))` is `x`
 * without its CR, LF and DEL characters; for any canonical message `m` (see
 * docs/messages.md: no period, separator or control character inside header
 * tokens, no `.PFX/` inside a value, no final period) `parseLegacy(formatLegacy(m))`
 * gives `m` back.
 */

import { type ParseOutcome, parseFailure } from './er.js'
import { fieldsOverLimit, MESSAGE_LIMITS } from './limits.js'
import type { Field, Message } from './types.js'

export interface LegacyOptions {
  /**
   * Separator between destinations. GAP: the page that defines it was not
   * visible (DOMAIN.md 1.2), so it is configurable; default `,`.
   */
  readonly destinationSeparator?: string
  /**
   * Marker written in front of the control field. GAP: not visible either; a
   * third-party XSLT hints at `*` (DOMAIN.md 1.2). Default: no marker, so the
   * control field is told apart from TXT by position alone.
   */
  readonly controlMarker?: string
}

export const DEFAULT_LEGACY_OPTIONS: Required<LegacyOptions> = Object.freeze({
  destinationSeparator: ',',
  controlMarker: '',
})

/** CR, LF and DEL are line discipline, not content: the receiver ignores them. */
const IGNORED = /[\r\n\x7f]/g
/** A field starts at a period followed by a prefix, so `J.SMITH` or `SMITH,JOHN` survive in a value. */
const FIELD_SPLIT = /\.(?=[A-Z]{2,4}\/)/
const FIELD_RE = /^([A-Z]{2,4})\/(.*)$/s
/** The TXT token: `TXT` alone (no fields) or `TXT` glued to the first `PFX/`. */
const TXT_TOKEN = /^TXT(?:$|[A-Z]{2,4}\/)/

/** Checks the options once; bad options are a programming error, so this throws TypeError. */
export function resolveLegacyOptions (options?: LegacyOptions): Required<LegacyOptions> {
  // Nearly every caller takes the defaults: no copy for them.
  if (options === undefined) return DEFAULT_LEGACY_OPTIONS
  const r = { ...DEFAULT_LEGACY_OPTIONS, ...options }
  if (r.destinationSeparator.length !== 1 || /[A-Z0-9./\r\n\x7f]/.test(r.destinationSeparator)) {
    throw new TypeError('destinationSeparator must be one character other than a letter, digit, `.` or `/`')
  }
  if (r.controlMarker.length > 1 || /[A-Z0-9./\r\n\x7f]/.test(r.controlMarker)) {
    throw new TypeError('controlMarker must be empty or one character other than a letter, digit, `.` or `/`')
  }
  return r
}

/** Strips CR, LF and DEL (what Nlets tells receivers to ignore). */
export function stripControl (text: string): string {
  return text.replace(IGNORED, '')
}

/** Parses legacy text. Never throws on input: every fault becomes an ER-coded error. */
export function parseLegacy (text: string, options?: LegacyOptions): ParseOutcome {
  const { destinationSeparator, controlMarker } = resolveLegacyOptions(options)
  if (typeof text !== 'string') return parseFailure('0', 'the message is not text')
  const clean = stripControl(text)
  if (clean === '') return parseFailure('.03', 'the message is empty')

  // Header tokens are period-separated; TXT is the 4th token, or the 5th when a
  // control field sits before it. Periods after TXT belong to the fields.
  const tokens: string[] = []
  let pos = 0
  let txtAt = -1
  for (let i = 0; i < 5; i++) {
    const dot = clean.indexOf('.', pos)
    const token = dot < 0 ? clean.slice(pos) : clean.slice(pos, dot)
    if (i >= 1 && TXT_TOKEN.test(token)) {
      txtAt = pos
      break
    }
    tokens.push(token)
    if (dot < 0) break
    pos = dot + 1
  }
  if (txtAt < 0) return parseFailure('.03', 'TXT not found after the header (MKE.ORI.DEST.[CONTROL.]TXT)')
  if (tokens.length === 1) return parseFailure('.01', 'the header has no sending ORI and no destination')
  if (tokens.length === 2) return parseFailure('.19', 'the header has no destination')

  const [key = '', ori = '', dests = '', controlToken] = tokens
  let control: string | undefined
  if (controlToken !== undefined) {
    if (controlMarker !== '' && !controlToken.startsWith(controlMarker)) {
      return parseFailure('.01', `\`${controlToken}\` before TXT is not a control field (it must start with \`${controlMarker}\`)`)
    }
    control = controlToken.slice(controlMarker.length)
    if (control === '') return parseFailure('.01', 'the control field is empty')
  }

  const fields = parseFields(clean.slice(txtAt + 3))
  if (typeof fields === 'string') return parseFailure('0', fields)
  const destinations = dests === '' ? [] : dests.split(destinationSeparator)
  const message: Message = control === undefined
    ? { key, ori, destinations, fields }
    : { key, ori, destinations, control, fields }
  return { ok: true, message }
}

/** The fields after TXT, or why they cannot be read. */
function parseFields (body: string): Field[] | string {
  if (body === '') return []
  if (body.endsWith('.')) return 'the message ends with a period (the last field must not)'
  const fields: Field[] = []
  const parts = body.split(FIELD_SPLIT)
  if (parts.length > MESSAGE_LIMITS.fields) return fieldsOverLimit(parts.length, undefined)!
  for (const part of parts) {
    const m = FIELD_RE.exec(part)
    // Only the first part can fail: every later one starts at a prefix by construction.
    if (m === null) return `\`${part.slice(0, 20)}\` after TXT is not a PFX/value field (field ${fields.length + 1})`
    const value = m[2] ?? ''
    if (value.length > MESSAGE_LIMITS.fieldValue) return fieldsOverLimit(parts.length, { n: fields.length + 1, prefix: m[1] ?? '', length: value.length })!
    fields.push({ prefix: m[1] ?? '', value })
  }
  return fields
}

/** Formats a message as legacy text (no CR/LF/DEL are added). */
export function formatLegacy (m: Message, options?: LegacyOptions): string {
  const { destinationSeparator, controlMarker } = resolveLegacyOptions(options)
  const head = [m.key, m.ori, m.destinations.join(destinationSeparator)]
  if (m.control !== undefined) head.push(controlMarker + m.control)
  return head.join('.') + '.TXT' + m.fields.map((f) => `${f.prefix}/${f.value}`).join('.')
}
