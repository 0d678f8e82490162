/**
 * @module hub/trace-sink
 * What the switch tells a message's tracer (`POST /v1/messages?trace=1`) while
 * it works: the message as parsed, the destinations it expanded to, and each
 * destination's reply as it came back. The switch calls these only when a
 * tracer was given (`opts.trace?.…`), so a plain message pays nothing. The
 * recorder keeps what it is told, with the time since the message arrived.
 */
import type { Message } from '../message/types.js'
import type { ReplyOut } from './replies.js'

export interface TraceSink {
  /** The message parsed (before validation and the directory checks). */
  parsed: (m: Message) => void
  /** The states the message goes to, and the key they receive (DQG and RQG rewritten). */
  expanded: (key: string, states: readonly string[], multiState: boolean) => void
  /** One destination's reply, how it was reached, and why it was not when it was out of service. */
  replied: (state: string, reply: ReplyOut, transport: string | undefined, unavailable: string | undefined) => void
}

export interface TracedLeg {
  readonly state: string
  readonly reply: ReplyOut
  readonly transport: string | null
  readonly unavailable: string | null
  /** Milliseconds since the message arrived. */
  readonly atMs: number
}

/** A TraceSink that keeps everything, stamped with milliseconds since it was made. */
export class TraceRecorder implements TraceSink {
  readonly #t0 = performance.now()
  message: Message | undefined
  parsedAtMs = 0
  expansion: { key: string, states: readonly string[], multiState: boolean, atMs: number } | undefined
  readonly legs: TracedLeg[] = []

  sinceStart (): number {
    return Math.round((performance.now() - this.#t0) * 1000) / 1000
  }

  parsed (m: Message): void {
    this.message = m
    this.parsedAtMs = this.sinceStart()
  }

  expanded (key: string, states: readonly string[], multiState: boolean): void {
    this.expansion = { key, states: [...states], multiState, atMs: this.sinceStart() }
  }

  replied (state: string, reply: ReplyOut, transport: string | undefined, unavailable: string | undefined): void {
    this.legs.push({ state, reply, transport: transport ?? null, unavailable: unavailable ?? null, atMs: this.sinceStart() })
  }
}
