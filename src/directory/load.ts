/**
 * @module directory/load
 * Directory file format (CSV, one agency a row) and its strict reader: every bad
 * row is reported with file and line, and the good rows still load.
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'csv-parse/sync'
import { type Diagnostic, diag } from '../diagnostics.js'
import { Directory } from './directory.js'
import { ACCESS_CATEGORIES, type Agency, isAgencyType, isComponent, isJurisdiction, isLine, isOri } from './model.js'

export const DIRECTORY_COLUMNS = ['ori', 'name', 'line', 'state', 'type', 'component', 'active', 'access'] as const
export const DIRECTORY_HEADER = DIRECTORY_COLUMNS.join(',')

export interface DirectoryLoad { directory: Directory, diagnostics: Diagnostic[] }

const ACCESS_RE = new RegExp(`^[${ACCESS_CATEGORIES.join('')}]*$`)

/** Parse directory CSV text. Rows with errors are skipped and reported. */
export function parseDirectory (text: string, file = 'directory.csv'): DirectoryLoad {
  const diagnostics: Diagnostic[] = []
  let rows: string[][]
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][]
  } catch (err) {
    const e = err as { message: string, lines?: number }
    diagnostics.push(diag('error', 'NSIM_DIR_CSV', { file, line: e.lines ?? 0, column: 0 }, [e.message]))
    return { directory: new Directory([]), diagnostics }
  }
  // csv-parse with skip_empty_lines loses physical line numbers; recover them.
  const lineOf = physicalLines(text)
  const header = (rows[0] ?? []).join(',')
  if (header !== DIRECTORY_HEADER) {
    diagnostics.push(diag('error', 'NSIM_DIR_HEADER', { file, line: 1, column: 1 }, [DIRECTORY_HEADER, header]))
    return { directory: new Directory([]), diagnostics }
  }
  const agencies: Agency[] = []
  const seen = new Map<string, number>()
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!
    const line = lineOf[r] ?? r + 1
    const at = { file, line, column: 1 }
    const bad = (field: string, value: string, why: string): void => {
      diagnostics.push(diag('error', 'NSIM_DIR_FIELD', at, [field, value, why]))
    }
    if (row.length !== DIRECTORY_COLUMNS.length) {
      bad('row', row.join(','), `expected ${DIRECTORY_COLUMNS.length} columns, found ${row.length}`)
      continue
    }
    const [ori, name, lineCode, state, type, component, active, access] = row as [string, string, string, string, string, string, string, string]
    const before = diagnostics.length
    if (!isOri(ori)) bad('ori', ori, 'an ORI is two letters then seven letters or digits')
    if (name === '') bad('name', name, 'name must not be empty')
    if (!isLine(lineCode)) bad('line', lineCode, 'not a jurisdiction or federal line code')
    if (!isJurisdiction(state)) bad('state', state, 'not a jurisdiction code')
    if (!isAgencyType(type)) bad('type', type, 'not an ORION agency type')
    if (component !== '' && !isComponent(component)) bad('component', component, 'not a known federal component')
    if (active !== 'Y' && active !== 'N') bad('active', active, 'expected Y or N')
    if (!ACCESS_RE.test(access)) bad('access', access, 'letters from A, C, D, Z')
    if (diagnostics.length !== before) continue
    const first = seen.get(ori)
    if (first !== undefined) {
      diagnostics.push(diag('error', 'NSIM_DIR_DUPLICATE', at, [ori, first]))
      continue
    }
    seen.set(ori, line)
    agencies.push(Object.freeze({
      ori, name, line: lineCode, state, type: type as Agency['type'], component, active: active === 'Y', access,
    }))
  }
  return { directory: new Directory(agencies), diagnostics }
}

/** Physical line number of each non-empty record (records never span lines in this format). */
function physicalLines (text: string): number[] {
  const out: number[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) if (lines[i]!.trim() !== '') out.push(i + 1)
  return out
}

export async function loadDirectory (path: string): Promise<DirectoryLoad> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    return {
      directory: new Directory([]),
      diagnostics: [diag('error', 'NSIM_DIR_READ', { file: path, line: 0, column: 0 }, [(err as Error).message])],
    }
  }
  return parseDirectory(text, path)
}

/** Serialise agencies as directory CSV (the generator and tests use it). */
export function formatDirectory (agencies: readonly Agency[]): string {
  const out = [DIRECTORY_HEADER]
  for (const a of agencies) {
    out.push([a.ori, a.name, a.line, a.state, a.type, a.component, a.active ? 'Y' : 'N', a.access].join(','))
  }
  return out.join('\n') + '\n'
}
