/**
 * @module hub/limits
 * The hub's HTTP limits, in one place (message limits: message/limits.ts).
 * Each refusal is a 4xx; on POST /v1/messages it carries an ER.
 */
export const HTTP_LIMITS = Object.freeze({
  /** Bytes of a request body: past it, 413. */
  bodyBytes: 64 * 1024,
  /** Header lines of a request: past it, 431. */
  headers: 64,
  /** Bytes of a request's headers: past it, 431 (Node's own check). */
  headerBytes: 16 * 1024,
  /** Nesting of a JSON body: past it, 400 (NSIM_HUB_JSON_DEPTH). */
  jsonDepth: 32,
  /** Ids of one POST /v1/inbox/ack: past it, 400. */
  ackIds: 10_000,
})
