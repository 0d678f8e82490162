/**
 * @module simulator/scenarios/materialize
 * Write a scenario's policy set out as an ordinary policy folder (its base
 * folder with the added rules written in front of each state's rules), so a hub,
 * `policy check` or an editor can use it like any other.
 */
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isSeq, parseDocument } from 'yaml'
import type { Scenario } from './load.js'
import { ScenarioError } from './load.js'

export async function materializePolicies (s: Scenario, outDir: string): Promise<string> {
  await cp(s.policies, outDir, { recursive: true })
  for (const [i, a] of s.add.entries()) {
    for (const state of a.states) {
      const file = join(outDir, 'states', `${state}.yaml`)
      const doc = parseDocument(await readFile(file, 'utf8'))
      const rules = doc.get('rules', true)
      if (!isSeq(rules)) throw new ScenarioError(s.file, `add[${i}]: ${file} has no rules list`)
      const node = doc.createNode(a.rule)
      node.commentBefore = ` added by scenario ${s.name}`
      rules.flow = false
      rules.items.unshift(node)
      await writeFile(file, doc.toString())
    }
  }
  return outDir
}
