/**
 * @module simulator/states/simulated-state
 * One simulated state DMV endpoint in process: answers queries from the
 * deterministic record generator, after its latency, and can be put into a
 * fault (down, slow, flapping) at run time.
 */
import { JURISDICTIONS } from '../../src/directory/model.js'
import { codedRangeError } from '../../src/errors.js'
import { Random } from '../random.js'
import { type StateConfig, stateCatalog } from './catalog.js'
import { answerQuery, type RecordOptions } from './records.js'
import {
  type StateAnswer, type StateEndpoint, type StateFault, type StateKey, type StateQuery, StateQueryError,
  StateUnavailableError,
} from '../../src/hub/ports/endpoint.js'

export const DEFAULT_STATE_SEED = 2025

export interface SimulatedStateOptions {
  /** Record seed (default 2025): same seed, same answers. */
  readonly seed?: number | string
  /**
   * `off` (default) answers with no timer at all, for tests, benchmarks and
   * in-process runs; `real` waits the catalog's log-normal latency.
   * A `slow` fault adds its delay in both modes.
   */
  readonly latency?: 'off' | 'real'
  /** Clock for flapping periods (default Date.now). */
  readonly now?: () => number
  /** No-hit share per key, overriding the defaults of records.ts. */
  readonly noHit?: Partial<Record<StateKey, number>>
}

export interface StateStats {
  /** Queries received, whatever became of them. */
  readonly received: number
  /** Answered with records (hit) or NO RECORD / NOT ON FILE (noHit). */
  readonly hits: number
  readonly noHits: number
  /** Rejected because the state was down (fault down or flapping). */
  readonly unavailable: number
  /** Refused as malformed, unsupported or misaddressed (StateQueryError). */
  readonly refused: number
  readonly aborted: number
}

/** Validate a fault, throwing a RangeError that says what is wrong. */
export function checkFault (f: StateFault): StateFault {
  switch (f?.mode) {
    case 'up': case 'down': return { mode: f.mode }
    case 'slow':
      if (!(Number.isFinite(f.latencyMs) && f.latencyMs >= 0)) throw codedRangeError('NSIM_STATE_SETTING', 'slow fault needs latencyMs >= 0')
      return { mode: 'slow', latencyMs: f.latencyMs }
    case 'flapping':
      if (!(Number.isFinite(f.periodMs) && f.periodMs > 0)) throw codedRangeError('NSIM_STATE_SETTING', 'flapping fault needs periodMs > 0')
      return { mode: 'flapping', periodMs: f.periodMs }
    default: throw codedRangeError('NSIM_STATE_SETTING', `unknown fault mode \`${String((f as { mode?: unknown })?.mode)}\`: expected up, down, slow or flapping`)
  }
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts. */
function sleep (ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export class SimulatedState implements StateEndpoint {
  readonly state: string
  readonly config: StateConfig
  readonly seed: number | string
  readonly latency: 'off' | 'real'
  #fault: StateFault = { mode: 'up' }
  #faultSince = 0
  readonly #now: () => number
  /** The record generator's options, the same for every query. */
  readonly #recordOptions: RecordOptions
  readonly #rng: Random
  #stats = { received: 0, hits: 0, noHits: 0, unavailable: 0, refused: 0, aborted: 0 }

  /** `state` is a jurisdiction code (NE and GU accepted); throws a RangeError for an unknown one. */
  constructor (state: string, opts: SimulatedStateOptions = {}) {
    this.config = stateCatalog(state)
    this.state = this.config.code
    this.seed = opts.seed ?? DEFAULT_STATE_SEED
    this.latency = opts.latency ?? 'off'
    if (this.latency !== 'off' && this.latency !== 'real') throw codedRangeError('NSIM_STATE_SETTING', `latency must be off or real, got \`${String(this.latency)}\``)
    this.#now = opts.now ?? Date.now
    this.#recordOptions = { seed: this.seed, ...(opts.noHit === undefined ? {} : { noHit: opts.noHit }) }
    this.#rng = new Random(`${this.seed}/${this.state}/latency`)
  }

  get fault (): StateFault {
    return this.#fault
  }

  /** Put the state into a fault (or back `up`); flapping periods count from now. */
  setFault (f: StateFault): void {
    this.#fault = checkFault(f)
    this.#faultSince = this.#now()
  }

  /**
   * True when a query is answered at once (latency off, no fault): the hub then
   * skips arming a timeout for it, which costs more than the answer itself.
   */
  get instant (): boolean {
    return this.latency === 'off' && this.#fault.mode === 'up'
  }

  /** Whether the state takes messages at this moment (flapping: down first, then up, alternating). */
  get status (): 'up' | 'down' {
    const f = this.#fault
    if (f.mode === 'down') return 'down'
    if (f.mode !== 'flapping') return 'up'
    const phase = Math.floor(Math.max(0, this.#now() - this.#faultSince) / f.periodMs)
    return phase % 2 === 0 ? 'down' : 'up'
  }

  get stats (): StateStats {
    return { ...this.#stats }
  }

  /** Delay before answering: the latency draw when `real`, plus a slow fault's delay. */
  #delay (): number {
    let ms = 0
    if (this.latency === 'real') {
      const { medianMs, sigma, maxMs } = this.config.latency
      const z = Math.sqrt(-2 * Math.log(1 - this.#rng.next())) * Math.cos(2 * Math.PI * this.#rng.next())
      ms = Math.min(maxMs, medianMs * Math.exp(sigma * z))
    }
    if (this.#fault.mode === 'slow') ms += this.#fault.latencyMs
    return ms
  }

  #isDown (): boolean {
    return this.status === 'down'
  }

  #unavailable (): never {
    this.#stats.unavailable++
    throw new StateUnavailableError(this.state, this.#fault.mode === 'flapping' ? 'flapping (down phase)' : 'down')
  }

  async query (q: StateQuery, signal?: AbortSignal): Promise<StateAnswer> {
    this.#stats.received++
    if (signal?.aborted === true) {
      this.#stats.aborted++
      throw signal.reason
    }
    if (this.#isDown()) this.#unavailable()
    let answer: StateAnswer
    try {
      answer = answerQuery(q, this.config, this.#recordOptions)
    } catch (err) {
      if (err instanceof StateQueryError) this.#stats.refused++
      throw err
    }
    const ms = this.#delay()
    if (ms > 0) {
      try {
        await sleep(ms, signal)
      } catch (err) {
        this.#stats.aborted++
        throw err
      }
      // A state that went down while the query waited drops it.
      if (this.#isDown()) this.#unavailable()
    }
    if (answer.status === 'hit') this.#stats.hits++
    else this.#stats.noHits++
    return answer
  }
}

/** One SimulatedState for each of the 54 jurisdictions, keyed by code, sharing `opts`. */
export function createSimulatedStates (opts: SimulatedStateOptions = {}): Map<string, SimulatedState> {
  return new Map(JURISDICTIONS.map((code) => [code, new SimulatedState(code, opts)]))
}
