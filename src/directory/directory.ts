/**
 * @module directory/directory
 * An immutable, indexed agency directory: ORI -> agency in one hash lookup, and
 * the built-in groups policies use (`component:HSI`, `type:FE`, `line:TC`,
 * `state:VT`, `federal`) resolved to member indexes once, on first use.
 */
import { createHash } from 'node:crypto'
import {
  type Agency, COMPONENTS, FEDERAL_LINES, isAgencyType, isComponent, isJurisdiction, isLine,
} from './model.js'

/** Built-in group kinds: `kind:value`, plus the bare group `federal`. */
export const GROUP_KINDS = ['component', 'type', 'line', 'state'] as const

/** Why a group name is not valid, or undefined when it is. */
export function checkGroupName (name: string): string | undefined {
  if (name === 'federal') return undefined
  const i = name.indexOf(':')
  if (i < 0) return 'built-in groups are `federal` or `kind:value` with kind component, type, line or state'
  const kind = name.slice(0, i)
  const value = name.slice(i + 1)
  switch (kind) {
    case 'component': return isComponent(value) ? undefined : `components are ${COMPONENTS.join(', ')}`
    case 'type': return isAgencyType(value) ? undefined : 'agency types are the ORION codes PD, SO, SA, LE, FE, JA, JC, JG, JJ, JF, CJ, NJ'
    case 'line': return isLine(value) ? undefined : 'lines are jurisdiction codes or federal line codes'
    case 'state': return isJurisdiction(value) ? undefined : 'states are jurisdiction codes such as IL or NB'
    default: return `unknown group kind \`${kind}\`: expected component, type, line or state`
  }
}

/** True when the agency belongs to the (valid) built-in group. */
export function inGroup (a: Agency, name: string): boolean {
  if (name === 'federal') return isFederal(a)
  const i = name.indexOf(':')
  const kind = name.slice(0, i)
  const value = name.slice(i + 1)
  switch (kind) {
    case 'component': return a.component === value
    case 'type': return a.type === value
    case 'line': return a.line === value
    case 'state': return a.state === value
    default: return false
  }
}

/** Federal: a federal component, a federal line, or ORION type FE/JF. */
export function isFederal (a: Agency): boolean {
  return a.component !== '' || (Object.hasOwn(FEDERAL_LINES, a.line) && a.line !== 'NL') ||
    a.type === 'FE' || a.type === 'JF'
}

export class Directory {
  readonly agencies: readonly Agency[]
  /** Content hash (12 hex) of the rows, part of every policy version. */
  readonly version: string
  readonly #byOri: Map<string, number>
  readonly #groups = new Map<string, readonly number[]>()

  constructor (agencies: readonly Agency[]) {
    this.agencies = Object.freeze(agencies.slice())
    this.#byOri = new Map()
    const h = createHash('sha256')
    for (let i = 0; i < agencies.length; i++) {
      const a = agencies[i]!
      this.#byOri.set(a.ori, i)
      h.update(`${a.ori}|${a.line}|${a.state}|${a.type}|${a.component}|${a.active ? 1 : 0}|${a.access}\n`)
    }
    this.version = h.digest('hex').slice(0, 12)
  }

  get size (): number { return this.agencies.length }

  get (ori: string): Agency | undefined {
    const i = this.#byOri.get(ori)
    return i === undefined ? undefined : this.agencies[i]
  }

  /** Index of the ORI in `agencies`, or -1. */
  indexOf (ori: string): number {
    return this.#byOri.get(ori) ?? -1
  }

  /** Member indexes of a built-in group (memoised); empty for unknown names. */
  members (group: string): readonly number[] {
    let m = this.#groups.get(group)
    if (m === undefined) {
      const out: number[] = []
      if (checkGroupName(group) === undefined) {
        for (let i = 0; i < this.agencies.length; i++) if (inGroup(this.agencies[i]!, group)) out.push(i)
      }
      m = Object.freeze(out)
      this.#groups.set(group, m)
    }
    return m
  }
}
