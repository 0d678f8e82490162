/**
 * @module policy/types
 * The policy model as parsed from `policies/states/XX.yaml` and `policies/groups.yaml`,
 * the request a decision is made for, and the decision itself (DESIGN.md,
 * decision contract). Plain data: no behaviour, no I/O.
 */
import type { Place } from '../diagnostics.js'
import { type KeyFamily, type QueryKey, STATE_KEYS } from '../message/keys.js'

export const EFFECTS = ['deny', 'allow', 'redact'] as const
export type Effect = (typeof EFFECTS)[number]
export type DefaultEffect = 'allow' | 'deny'

/**
 * Keys a rule may name: the keys a state decides on. DQG and RQG are not among
 * them: the switch sends a regional query to each state as DQ or RQ (DOMAIN.md
 * 3.2), so a state decides it as DQ or RQ (message/rules.ts rewriteKey).
 */
export const RULE_KEYS: readonly QueryKey[] = STATE_KEYS

/** Reply fields a redact rule may strip. */
export const REDACT_FIELDS = ['photo', 'ssn', 'address', 'dob', 'description', 'owner'] as const
export type RedactField = (typeof REDACT_FIELDS)[number]

export const ORIGINS = ['any', 'in-state', 'out-of-state'] as const
export type Origin = (typeof ORIGINS)[number]

/** RSN/ reason letters and PUR/ purpose letters (DOMAIN.md 1.3; their meanings are a GAP). */
export const REASON_CODES = ['N', 'F', 'V', 'T', 'S', 'H', 'I'] as const
export const PURPOSE_CODES = ['C', 'F', 'E', 'D', 'J', 'S'] as const

/**
 * Requester selector: a requester matches when it matches ANY of the listed
 * entries. A selector with every list empty matches every requester.
 */
export interface Selector {
  readonly oris: readonly string[]
  /** ORI patterns: `*` any run of characters, `?` one character. */
  readonly patterns: readonly string[]
  /** Built-in (`component:HSI`, `type:FE`, `line:TC`, `state:VT`, `federal`) or named groups. */
  readonly groups: readonly string[]
  readonly types: readonly string[]
  readonly lines: readonly string[]
  readonly components: readonly string[]
  /**
   * `oris_file`: a plain text list of ORIs (one a line, `#` comments), path
   * relative to the policy file. The loader appends its ORIs to `oris` from
   * `firstIndex` on; kept here to say where they came from.
   */
  readonly orisFile?: { readonly path: string, readonly at: Place, readonly firstIndex?: number }
}

export interface Rule {
  readonly id: string
  readonly effect: Effect
  /** Fields stripped from the reply; non-empty exactly when effect is redact. */
  readonly redact: readonly RedactField[]
  readonly description: string
  readonly source: string
  readonly requesters: Selector
  /** Requesters excluded even when `requesters` matches them. */
  readonly except: Selector
  readonly origin: Origin
  /** Keys and key families; never empty (omitted means `all`). */
  readonly keys: ReadonlyArray<QueryKey | KeyFamily>
  /** Empty: any (or no) reason code. */
  readonly reasons: readonly string[]
  /** Empty: any (or no) purpose code. */
  readonly purposes: readonly string[]
  /** Effective from (inclusive), epoch ms; undefined: always. */
  readonly from?: number
  /** Effective until (exclusive), epoch ms; undefined: forever. */
  readonly until?: number
  /** Lint codes this rule deliberately accepts (e.g. `NSIM_LINT_REOPENS`). */
  readonly lintIgnore: readonly string[]
  readonly at: Place
}

export interface StatePolicy {
  readonly state: string
  readonly version: string
  readonly default: DefaultEffect
  readonly denialText: string
  readonly rules: readonly Rule[]
  readonly file: string
  /** sha256 (12 hex) of the file's bytes, and of the `oris_file` lists it names, if any. */
  readonly hash: string
}

/** A named group: union of built-in groups, other named groups and ORIs. */
export interface NamedGroup {
  readonly name: string
  readonly description: string
  readonly members: readonly string[]
  readonly at: Place
}

export interface PolicyRequest {
  /** Sending ORI. */
  readonly ori: string
  /** Destination jurisdiction whose data is asked for. */
  readonly state: string
  readonly key: QueryKey
  /** IMQ/Y was sent. */
  readonly image?: boolean
  readonly reason?: string
  readonly purpose?: string
  /** Time of the query, epoch ms (effective dates are compared with it). */
  readonly time: number
}

export interface Decision {
  readonly effect: Effect
  /** Deciding rule id; null when the state's default decided. */
  readonly rule: string | null
  readonly redact?: readonly RedactField[]
  readonly policyVersion: string
}

/** Rule id reported when a state denies because its policy did not load. */
export const FAIL_CLOSED_RULE = 'fail-closed'
export const DEFAULT_DENIAL_TEXT = 'ACCESS TO THIS STATE\'S DATA IS NOT AUTHORIZED FOR YOUR AGENCY'
