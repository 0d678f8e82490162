/**
 * @module diagnostics
 * Located findings (errors and warnings) as every checker in nlets-sim reports
 * them: collected, never thrown one at a time, sorted by place, printable as
 * `file:line:col severity CODE message`.
 */
import { type ErrorCode, format } from './errors.js'

export type Severity = 'error' | 'warning'

export interface Diagnostic {
  readonly code: ErrorCode
  readonly severity: Severity
  readonly message: string
  readonly file: string
  /** 1-based; 0 when the finding concerns the whole file. */
  readonly line: number
  /** 1-based; 0 when unknown. */
  readonly column: number
  /** Jurisdiction the finding concerns, when there is one. */
  readonly state?: string
  /** Rule id the finding concerns, when there is one. */
  readonly rule?: string
}

export interface Place { file: string, line: number, column: number }

export function diag (severity: Severity, code: ErrorCode, at: Place, args: Array<string | number>,
  extra?: { state?: string, rule?: string }): Diagnostic {
  return { code, severity, message: format(code, ...args), file: at.file, line: at.line, column: at.column, ...extra }
}

export function sortDiagnostics (list: Diagnostic[]): Diagnostic[] {
  return list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column ||
    a.code.localeCompare(b.code))
}

export function formatDiagnostic (d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file
  return `${where} ${d.severity} ${d.code} ${d.message}`
}

export function hasErrors (list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error')
}
