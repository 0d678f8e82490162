/**
 * @module bench/lib
 * Shared benchmark helpers: timing loops, machine facts, result files and
 * markdown tables. Only ratios measured in the same run mean anything on a
 * shared, noisy machine, so every suite measures its alternatives side by side.
 */
import { cpus } from 'node:os'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface SuiteOptions {
  /** Fewer, shorter rounds (a couple of minutes for everything). */
  readonly quick: boolean
  /** Seconds-long smoke mode for tests: proves the suite runs, measures little. */
  readonly smoke: boolean
  readonly out: (s: string) => void
}

export interface SuiteResult {
  readonly suite: string
  readonly rows: Array<Record<string, string | number | boolean>>
  readonly notes?: string[]
}

export function machine (): Record<string, string | number> {
  return { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, date: new Date().toISOString() }
}

/** Run `fn(i)` repeatedly for about `ms` milliseconds; returns operations per second. */
export function opsPerSecond (fn: (i: number) => void, ms: number, batch = 1000): { ops: number, seconds: number } {
  let n = 0
  const t0 = process.hrtime.bigint()
  const limit = t0 + BigInt(Math.round(ms * 1e6))
  let now = t0
  while (now < limit) {
    for (let i = 0; i < batch; i++) fn(n + i)
    n += batch
    now = process.hrtime.bigint()
  }
  const seconds = Number(now - t0) / 1e9
  return { ops: n / seconds, seconds }
}

export function writeResult (r: SuiteResult): string {
  const dir = join('bench', 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${r.suite}.json`)
  writeFileSync(file, JSON.stringify({ ...r, machine: machine() }, null, 2) + '\n')
  return file
}

export function table (rows: Array<Record<string, string | number | boolean>>): string {
  if (rows.length === 0) return ''
  // Every column any row has, in the order first seen (a suite may give rows of two kinds).
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  const fmt = (v: string | number | boolean | undefined): string => typeof v === 'number'
    ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 }))
    : String(v ?? '')
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => fmt(r[c])).join(' | ')} |`)].join('\n')
}
