/**
 * @module message/er
 * Nlets error (ER) and status (SM) codes, and the error value every parse and
 * validation failure becomes. Codes and texts are the ones visible in the
 * sources (DOMAIN.md 3.4): https://service.nlets.org/support/solutions/articles/21003096177 ,
 * https://wiki.nlets.org/index.php?title=Section_08:_Error_Messages&oldid=747 (ER),
 * https://service.nlets.org/support/solutions/articles/21003096184 (SM).
 */

import type { Message } from './types.js'

/**
 * ER codes and their Nlets texts. `.04` and `.06` are listed for completeness but
 * never produced: they concern Mexican CDL and Canadian traffic, which the
 * simulator does not carry. Codes after `.22` are a GAP in the sources.
 */
export const ER_CODES = Object.freeze({
  '0': 'MESSAGE FORMAT/STRUCTURE ERROR',
  '.01': 'INVALID HEADER INFORMATION',
  '.02': 'MESSAGE TYPE NOT ALLOWED TO DESTINATION',
  '.03': 'TXT NOT FOUND OR IMPROPERLY FORMED XML',
  '.04': 'MEXICAN CDL ERROR',
  '.05': 'DOB INVALID or MISSING',
  '.06': 'INVALID MESSAGE FORMAT FOR CN',
  '.10': 'A YEAR FIELD IS INVALID or MISSING',
  '.14': 'FIELDS MISSING',
  '.16': 'ATN FIELD INVALID',
  '.19': 'INVALID DESTINATION ORIs',
  '.22': 'INVALID MESSAGE FORMAT - REFER TO <MKE> MKE OPTIONS BELOW',
})
export type ErCode = keyof typeof ER_CODES

/** Automatic status-message codes and texts (SM, sent with an AM-style header). */
export const SM_CODES = Object.freeze({
  '.01': 'USER DOES NOT RESPOND TO MSG TYPE, NLETS WILL NOT FORWARD',
  '.02': 'USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL FORWARD',
  '.04': 'USER OUT OF SERVICE FOR MSG TYPE, NLETS WILL NOT FORWARD',
})
export type SmCode = keyof typeof SM_CODES

/**
 * One failure: the ER code, its Nlets text, and a detail that names what is wrong
 * and where, e.g. `DOB/ 19801332 is not a valid date (field 3)`. For `.22` the
 * detail goes on with the key's field sets, one per line (`1. OLN`), because the
 * Nlets text says "REFER TO <MKE> MKE OPTIONS BELOW".
 */
export interface MessageError {
  readonly code: ErCode
  readonly text: string
  readonly detail: string
}

/** What a parser returns: a message, or the error an ER reply would carry. Parsers never throw. */
export type ParseOutcome =
  | { readonly ok: true, readonly message: Message }
  | { readonly ok: false, readonly error: MessageError }

/** Builds a MessageError; `key` fills the `<MKE>` placeholder of `.22`. */
/** How much detail an ER carries: it echoes parts of the input, which must not grow the reply without bound. */
export const ER_DETAIL_MAX = 400

/**
 * The detail as an ER may carry it: control characters (a newline in a JSON
 * ORI could forge reply lines) shown as `?`, cut at ER_DETAIL_MAX characters.
 */
export function safeDetail (detail: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = detail.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, '?')
  return clean.length > ER_DETAIL_MAX ? `${clean.slice(0, ER_DETAIL_MAX - 3)}...` : clean
}

/** `detail` is made safe (it may echo input); `options`, the switch's own lines (the `.22` field sets), follow it line by line. */
export function messageError (code: ErCode, detail: string, key = 'MKE', options: readonly string[] = []): MessageError {
  const safe = safeDetail(detail)
  return { code, text: ER_CODES[code].replace('<MKE>', /^[A-Z]{2,4}$/.test(key) ? key : 'MKE'), detail: options.length ? [safe, ...options].join('\n') : safe }
}

/** The failed ParseOutcome for one error. */
export function parseFailure (code: ErCode, detail: string): ParseOutcome {
  return { ok: false, error: messageError(code, detail) }
}

/** The error number as Nlets prints it: `0`, `.01.`, `.22.` (SM codes likewise). */
export function codeLabel (code: ErCode | SmCode): string {
  return code === '0' ? '0' : `${code}.`
}

export function isErCode (s: string): s is ErCode {
  return Object.hasOwn(ER_CODES, s)
}

export function isSmCode (s: string): s is SmCode {
  return Object.hasOwn(SM_CODES, s)
}
