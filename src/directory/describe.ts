/**
 * @module directory/describe
 * Agencies in words, for explanations and reports.
 */
import { FEDERAL_LINES, type Agency } from './model.js'

const TYPE_WORDS: Readonly<Record<string, string>> = {
  PD: 'city police', SO: 'county sheriff', SA: 'state-wide agency', LE: 'law-enforcement agency', FE: 'federal agency',
  JA: 'prosecutor', JC: 'corrections', JG: 'probation', JJ: 'court', JF: 'federal non-law-enforcement criminal-justice agency',
  CJ: 'criminal-justice agency', NJ: 'non-criminal-justice agency',
}

export function describeAgency (a: Agency): string {
  const kind = a.component !== '' ? a.component : TYPE_WORDS[a.type] ?? a.type
  const line = Object.hasOwn(FEDERAL_LINES, a.line) ? `federal line ${a.line}` : `line ${a.line}`
  return `${a.ori} (${a.name}; ${kind}; office in ${a.state}; ${line}${a.active ? '' : '; INACTIVE'})`
}
