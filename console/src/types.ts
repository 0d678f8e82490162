/**
 * @module console/types
 * The hub's answers as the console reads them (see the OpenAPI document at /docs).
 */

export interface Reply {
  readonly key: string
  readonly from: string
  readonly to: string
  readonly text: string
  readonly state?: string
  readonly status: string
  readonly image?: { mime: string, data: string }
  readonly images?: Record<string, { mime: string, data: string }>
}

export interface TraceStep {
  readonly step: string
  readonly title: string
  readonly status: 'ok' | 'failed' | 'skipped'
  readonly atMs: number
  readonly lines: readonly string[]
}

export interface DestinationTrace {
  readonly state: string
  readonly effect: string | null
  readonly rule: string | null
  readonly redact?: readonly string[]
  readonly status: string
  readonly replyKey: string
  readonly replyText: string
  readonly transport: string | null
  readonly delivery: string
  readonly atMs: number
  readonly explanation: readonly string[]
}

export interface Trace {
  readonly steps: readonly TraceStep[]
  readonly events: ReadonlyArray<{ atMs: number, step: string, state?: string, text: string }>
  readonly destinations: readonly DestinationTrace[]
}

export interface MessageAnswer {
  readonly id: string
  readonly replies: readonly Reply[]
  readonly decisions: ReadonlyArray<{ destination: string, effect: string, rule: string | null, redact?: string[] }>
  readonly trace?: Trace
}

export interface Agency {
  readonly ori: string
  readonly name: string
  readonly line: string
  readonly state: string
  readonly type: string
  readonly component: string
  readonly description: string
}

export interface KeyInfo {
  readonly key: string
  readonly family: string
  readonly decidedAs: string
  readonly photo: boolean
  readonly single: boolean
  readonly destinations: readonly string[]
  readonly forms: ReadonlyArray<readonly string[]>
  readonly optional: readonly string[]
  readonly hints: Readonly<Record<string, string>>
}

export interface Check {
  readonly ok: boolean
  readonly line: string | null
  readonly agency: string | null
  readonly error: { code: string, text: string, detail?: string } | null
  readonly er: string | null
}

export type LessonStep =
  | { kind: 'send', say: string, observe: string, message: string, expect: Array<{ state: string, effect?: string, rule?: string | null, status?: string }> }
  | { kind: 'fault', say: string, observe: string, state: string, mode: 'up' | 'down' | 'removed' }
  | { kind: 'explain', say: string, observe: string, ori: string, state: string, key: string, time: string, expect: { effect: string, rule: string | null } }
  | { kind: 'inbox', say: string, observe: string, line: string, expect: { from: string, atLeast: number } }

export interface Lesson {
  readonly id: string
  readonly title: string
  readonly question: string
  readonly steps: readonly LessonStep[]
}
