/**
 * @module hub/regions
 * Region codes -> member jurisdictions, loaded from data (`policies/regions.yaml`)
 * because the real Nlets table is not public. Validated on load: every code is
 * two characters that are not a jurisdiction, and every member is a jurisdiction.
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { isJurisdiction, isLine } from '../directory/model.js'
import { NsimError } from '../errors.js'

export type RegionTable = ReadonlyMap<string, readonly string[]>

export function parseRegions (text: string, file: string): RegionTable {
  let doc: unknown
  try { doc = parse(text) } catch (err) {
    throw new NsimError('NSIM_HUB_CONFIG', file, `invalid YAML: ${(err as Error).message.split('\n')[0]}`)
  }
  const regions = (doc as { regions?: unknown } | null)?.regions
  if (regions === null || typeof regions !== 'object' || Array.isArray(regions)) {
    throw new NsimError('NSIM_HUB_CONFIG', file, 'expected `regions:` mapping region codes to lists of jurisdictions')
  }
  const out = new Map<string, readonly string[]>()
  for (const [code, members] of Object.entries(regions as Record<string, unknown>)) {
    if (!/^[A-Z0-9]{2}$/.test(code) || isLine(code) || code === 'NL') {
      throw new NsimError('NSIM_HUB_CONFIG', file, `region code \`${code}\` must be two characters that are not a jurisdiction, line or NL`)
    }
    if (!Array.isArray(members) || members.length === 0 || !members.every((m) => typeof m === 'string' && isJurisdiction(m))) {
      throw new NsimError('NSIM_HUB_CONFIG', file, `region \`${code}\` must list jurisdiction codes`)
    }
    out.set(code, Object.freeze([...new Set(members as string[])]))
  }
  return out
}

export async function loadRegions (file: string): Promise<RegionTable> {
  const text = await readFile(file, 'utf8').catch((err: Error) => {
    throw new NsimError('NSIM_HUB_CONFIG', file, err.message)
  })
  return parseRegions(text, file)
}
