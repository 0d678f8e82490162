/**
 * @module simulator/load/histogram
 * Latency percentiles from an HDR histogram (hdr-histogram-js, the one
 * autocannon uses): values recorded in integer microseconds with three
 * significant digits, so p99.9 of a million samples costs a few kilobytes and
 * no sort. A coarse log-scale bucket count rides along for the HTML page.
 */
import { build, type Histogram } from 'hdr-histogram-js'

/** Percentiles in milliseconds, as the JSON report names them. */
export interface Percentiles {
  readonly p50: number
  readonly p90: number
  readonly p99: number
  readonly p999: number
  readonly max: number
}

/** Bucket upper bounds (ms) of the page's histogram: 4 per doubling from 0.05 ms to about 100 s. */
export const BUCKET_BOUNDS_MS: readonly number[] = Array.from({ length: 85 }, (_, i) => 0.05 * 2 ** (i / 4))

export class Latency {
  readonly #h: Histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true })
  readonly buckets: number[] = Array.from({ length: BUCKET_BOUNDS_MS.length + 1 }, () => 0)

  record (ms: number): void {
    const us = Math.max(1, Math.round(ms * 1000))
    this.#h.recordValue(us)
    // log2(ms / 0.05) * 4, clamped: the bucket whose upper bound is the first >= ms.
    const b = ms <= 0.05 ? 0 : Math.ceil(Math.log2(ms / 0.05) * 4)
    this.buckets[Math.min(b, this.buckets.length - 1)]!++
  }

  get count (): number { return this.#h.totalCount }

  /** Milliseconds at percentile p (0-100); 0 when nothing was recorded. */
  at (p: number): number {
    return this.#h.totalCount === 0 ? 0 : round3(this.#h.getValueAtPercentile(p) / 1000)
  }

  percentiles (): Percentiles {
    return { p50: this.at(50), p90: this.at(90), p99: this.at(99), p999: this.at(99.9), max: this.#h.totalCount === 0 ? 0 : round3(this.#h.maxValue / 1000) }
  }

  reset (): void {
    this.#h.reset()
    this.buckets.fill(0)
  }
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000
