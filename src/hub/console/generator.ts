/**
 * @module hub/console/generator
 * The console's built-in traffic generator: the calibrated traffic model's
 * queries (simulator/load/messages, the mix `nlets-sim load` sends, scenario
 * nov-2025) handed to the switch in process at a chosen rate, each on its own
 * line. Open loop: every 100 ms the queries due are started whatever the
 * switch's answer time, and those that would exceed MAX_IN_FLIGHT are counted
 * as dropped rather than queued up.
 */
import type { Inbound, Switch } from '../switch.js'

/** A message the generator sends: the line it goes on and the message as received. */
export interface GeneratedMessage {
  readonly line: string
  readonly input: Inbound
}

/** Highest rate the console may ask for (messages a second): a training view, not a load test. */
export const GENERATOR_MAX_RATE = 500
const MAX_IN_FLIGHT = 2000
const TICK_MS = 100

export interface GeneratorStatus {
  readonly running: boolean
  readonly rate: number
  readonly sent: number
  readonly dropped: number
}

export class Generator {
  readonly #sw: Switch
  readonly #load: () => Promise<readonly GeneratedMessage[]>
  #messages: readonly GeneratedMessage[] | undefined
  #timer: NodeJS.Timeout | undefined
  #rate = 0
  #next = 0
  #due = 0
  #inFlight = 0
  #sent = 0
  #dropped = 0

  constructor (sw: Switch, load: () => Promise<readonly GeneratedMessage[]>) {
    this.#sw = sw
    this.#load = load
  }

  get status (): GeneratorStatus {
    return { running: this.#timer !== undefined, rate: this.#rate, sent: this.#sent, dropped: this.#dropped }
  }

  /** Start (or change the rate of) the generator: `rate` messages a second, 1..GENERATOR_MAX_RATE. */
  async start (rate: number): Promise<GeneratorStatus> {
    this.#messages ??= await this.#load()
    this.#rate = rate
    if (this.#timer === undefined) {
      this.#due = 0
      this.#timer = setInterval(() => { this.#tick() }, TICK_MS)
      this.#timer.unref()
    }
    return this.status
  }

  stop (): GeneratorStatus {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#timer = undefined
    return this.status
  }

  #tick (): void {
    const messages = this.#messages
    if (messages === undefined || messages.length === 0 || this.#sw.stopping) return
    this.#due += this.#rate * TICK_MS / 1000
    while (this.#due >= 1) {
      this.#due--
      if (this.#inFlight >= MAX_IN_FLIGHT) { this.#dropped++; continue }
      const m = messages[this.#next++ % messages.length]!
      this.#inFlight++
      this.#sent++
      this.#sw.handle(m.input, m.line).catch(() => {}).finally(() => { this.#inFlight-- })
    }
  }
}
