/**
 * @module message
 * The message model: legacy text and JSON forms, validation with Nlets ER codes,
 * and reply formatting. Pure: no I/O, no clock, no logger.
 */

export * from './keys.js'
export * from './types.js'
export * from './er.js'
export * from './legacy.js'
export * from './json.js'
export * from './fields.js'
export * from './rules.js'
export * from './validate.js'
export * from './clock.js'
export * from './reply.js'
