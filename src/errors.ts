/**
 * @module errors
 * The one error catalogue. Every error or warning nlets-sim reports carries a
 * stable code from here; docs/errors.md has a row per code (a guard test keeps the
 * two in step). Codes are symbolic and never reused for a different meaning.
 * Messages are lowercase, without a final period, user input in backticks.
 */

export const PREFIX = 'NSIM'

export interface ErrorDef {
  /** HTTP status when the error reaches an HTTP client. */
  readonly status: number
  /** printf-style template (`%s` placeholders). */
  readonly message: string
}

function def (status: number, message: string): ErrorDef {
  return Object.freeze({ status, message })
}

export const ERRORS = Object.freeze({
  /* directory */
  NSIM_DIR_READ: def(500, 'cannot read directory file: %s'),
  NSIM_DIR_CSV: def(400, 'directory file is not valid CSV: %s'),
  NSIM_DIR_HEADER: def(400, 'directory header must be `%s`, found `%s`'),
  NSIM_DIR_FIELD: def(400, 'invalid %s `%s`: %s'),
  NSIM_DIR_DUPLICATE: def(400, 'duplicate ORI `%s` (first on line %s)'),

  /* policy: parse */
  NSIM_POLICY_READ: def(500, 'cannot read policy file: %s'),
  NSIM_POLICY_YAML: def(400, 'invalid YAML: %s'),
  NSIM_POLICY_SHAPE: def(400, '%s'),
  NSIM_POLICY_UNKNOWN_FIELD: def(400, 'unknown field `%s`%s'),
  NSIM_POLICY_MISSING_FIELD: def(400, 'missing required field `%s`'),
  NSIM_POLICY_EFFECT: def(400, 'unknown effect `%s`: expected deny, allow or redact'),
  NSIM_POLICY_ORI: def(400, 'malformed ORI `%s`: an ORI is two letters then seven letters or digits'),
  NSIM_POLICY_PATTERN: def(400, 'malformed ORI pattern `%s`: %s'),
  NSIM_POLICY_GROUP: def(400, 'unknown group `%s`%s'),
  NSIM_POLICY_KEY: def(400, 'unknown message key `%s`: expected a query key (DQ, DNQ, DQG, KQ, RQ, RQG, RNQ, RPQ) or a family (driver, vehicle, photo, all)'),
  NSIM_POLICY_VALUE: def(400, 'invalid %s `%s`: %s'),
  NSIM_POLICY_REGIONAL_KEY: def(400, 'key `%s` is never decided on: the switch sends regional queries to each state as %s, so write `%s` (it covers them)'),
  NSIM_POLICY_GROUP_BUILTIN: def(400, 'named group `%s` would replace the built-in group of that name: choose another name'),
  NSIM_POLICY_DATE: def(400, 'bad date `%s`: expected YYYY-MM-DD or an ISO 8601 timestamp'),
  NSIM_POLICY_DUPLICATE_RULE: def(400, 'duplicate rule id `%s` (first on line %s)'),
  NSIM_POLICY_STATE: def(400, '%s'),
  NSIM_POLICY_MISSING_STATE: def(400, 'no policy file for `%s`: the state fails closed (denies every query)'),
  NSIM_POLICY_GROUPS_CYCLE: def(400, 'group `%s` includes itself through `%s`'),
  NSIM_POLICY_SET_INVALID: def(400, 'policy set under `%s` has errors: %s'),

  /* policy: lint (warnings) */
  NSIM_LINT_SHADOWED: def(200, 'rule `%s` can never match: every request it covers is decided earlier by rule `%s`'),
  NSIM_LINT_REDUNDANT: def(200, 'rule `%s` is redundant: without it every decision stays the same (%s)'),
  NSIM_LINT_REOPENS: def(200, 'allow rule `%s` re-opens access that deny rule `%s` closes, for %s'),
  NSIM_LINT_EMPTY_SELECTOR: def(200, 'selector `%s` of rule `%s` matches no agency in the directory'),
  NSIM_LINT_COVERAGE_GAP: def(200, 'rule `%s` names %s of %s `%s` ORIs; it misses %s'),

  /* policy: tests */
  NSIM_PTEST_FAIL: def(400, 'case `%s`: expected %s, got %s'),
  NSIM_PTEST_COVERAGE: def(400, 'rule coverage %s%% is below the minimum %s%%'),

  /* policy: evaluation */
  NSIM_EVAL_FAIL_CLOSED: def(200, 'policy of `%s` did not load: every query to it is denied (fail closed)'),

  /* hub */
  NSIM_HUB_CONFIG: def(500, 'configuration `%s`: %s'),
  NSIM_HUB_UNAUTHORIZED: def(401, '%s'),
  NSIM_HUB_NOT_FOUND: def(404, '%s'),
  NSIM_HUB_BAD_REQUEST: def(400, '%s'),
  NSIM_HUB_INTERNAL: def(500, 'internal error'),
  NSIM_HUB_AUDIT_WRITE: def(500, 'audit file `%s`: %s'),
  NSIM_HUB_STORE: def(500, 'store-and-forward: %s'),
  NSIM_HUB_STORE_UNAVAILABLE: def(503, 'the switch\'s store did not answer (%s): try again in a second'),
  NSIM_HUB_DRAINING: def(503, 'the hub is shutting down: send to another hub or retry'),
  NSIM_HUB_JSON_DEPTH: def(400, 'body is nested deeper than %s levels'),
  NSIM_HUB_STATE_UNREACHABLE: def(502, '%s'),
  NSIM_HUB_CLUSTER: def(502, 'replicas: %s'),

  /* state endpoints */
  NSIM_STATE_TIMEOUT: def(504, 'state `%s` did not answer within %s ms'),
  NSIM_STATE_UNAVAILABLE: def(503, 'state `%s` is unavailable: %s'),
  NSIM_STATE_BAD_QUERY: def(400, 'state `%s` refused the query: %s'),
  NSIM_STATE_SETTING: def(400, '%s'),
  NSIM_STATE_UNKNOWN: def(400, 'unknown jurisdiction `%s`'),

  /* load testing */
  NSIM_LOAD_TARGET: def(502, 'load target `%s` does not answer as a hub: %s'),

  /* command line */
  NSIM_CLI_USAGE: def(400, '%s'),
  NSIM_CLI_UNKNOWN_COMMAND: def(400, 'unknown command `%s`: %s'),
})

export type ErrorCode = keyof typeof ERRORS

/** Fill a catalogue template: `format('NSIM_POLICY_ORI', 'X1')`. */
export function format (code: ErrorCode, ...args: Array<string | number>): string {
  let i = 0
  return ERRORS[code].message.replace(/%[s%]/g, (m) => m === '%%' ? '%' : String(args[i++] ?? ''))
}

/** A RangeError (a bad argument) carrying a catalogue code: the simulator's checks of its inputs. */
export function codedRangeError (code: ErrorCode, ...args: Array<string | number>): RangeError & { readonly code: ErrorCode } {
  return Object.assign(new RangeError(format(code, ...args)), { code })
}

/** An Error carrying a catalogue code, for failures that end an operation. */
export class NsimError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  constructor (code: ErrorCode, ...args: Array<string | number>) {
    super(format(code, ...args))
    this.name = 'NsimError'
    this.code = code
    this.statusCode = ERRORS[code].status
  }
}
