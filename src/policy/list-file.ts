/**
 * @module policy/list-file
 * ORI list files: a rule's `requesters.oris_file` or `except.oris_file` names a
 * plain text file beside the policy (one ORI a line; blank lines and `#`
 * comments skipped; case folded as in YAML). A long list read this way costs a
 * split and a regular expression per line, where the same list in YAML costs
 * the YAML parser's node per item: a whole load of 1,000,000 ORIs took 1.2 s
 * against 10 s (bench/RESULTS.md). The policy's hash takes in every list it
 * reads, so a changed list is a new policy version.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { isOri } from '../directory/model.js'
import { type Diagnostic, diag } from '../diagnostics.js'
import { isEmptySelector } from './parse.js'
import type { Rule, Selector, StatePolicy } from './types.js'

/** The ORIs of a list file's text, with a finding for every line that is not an ORI. */
export function parseOriList (text: string, file: string, extra: { state?: string, rule?: string } = {}): { oris: string[], diagnostics: Diagnostic[] } {
  const oris: string[] = []
  const diagnostics: Diagnostic[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i]!.indexOf('#')
    const v = (hash < 0 ? lines[i]! : lines[i]!.slice(0, hash)).trim().toUpperCase()
    if (v === '') continue
    if (isOri(v)) oris.push(v)
    else diagnostics.push(diag('error', 'NSIM_POLICY_ORI', { file, line: i + 1, column: 1 }, [v], extra))
  }
  return { oris, diagnostics }
}

/**
 * Read the list files `policy` names (paths relative to `file`, the policy's
 * own file) into its selectors. Undefined policy when a list cannot be read or
 * holds anything but ORIs: the state then fails closed like any broken policy.
 */
export async function readListFiles (policy: StatePolicy, file: string): Promise<{ policy: StatePolicy | undefined, diagnostics: Diagnostic[], hash: string }> {
  if (!policy.rules.some((r) => r.requesters.orisFile !== undefined || r.except.orisFile !== undefined)) return { policy, diagnostics: [], hash: policy.hash }
  const diagnostics: Diagnostic[] = []
  const hash = createHash('sha256').update(policy.hash)
  const read = async (rule: Rule, sel: Selector): Promise<Selector> => {
    if (sel.orisFile === undefined) return sel
    const path = resolve(dirname(file), sel.orisFile.path)
    const extra = { state: policy.state, rule: rule.id }
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (err) {
      diagnostics.push(diag('error', 'NSIM_POLICY_READ', sel.orisFile.at, [`oris_file \`${sel.orisFile.path}\`: ${(err as Error).message}`], extra))
      hash.update(`|${sel.orisFile.path}!unreadable`)
      return sel
    }
    hash.update(`|${sel.orisFile.path}:`).update(text)
    const list = parseOriList(text, path, extra)
    diagnostics.push(...list.diagnostics)
    return Object.freeze({ ...sel, oris: Object.freeze([...sel.oris, ...list.oris]), orisFile: Object.freeze({ ...sel.orisFile, firstIndex: sel.oris.length }) })
  }
  const rules: Rule[] = []
  for (const rule of policy.rules) {
    const requesters = await read(rule, rule.requesters)
    const except = await read(rule, rule.except)
    // An empty `requesters` means every agency: an emptied list must not turn a rule on everyone.
    if (rule.requesters.orisFile !== undefined && requesters !== rule.requesters && isEmptySelector(requesters)) {
      diagnostics.push(diag('error', 'NSIM_POLICY_VALUE', rule.requesters.orisFile.at,
        ['requesters.oris_file', rule.requesters.orisFile.path, 'lists no ORIs, and a rule with no requesters applies to every agency: add ORIs, or remove the rule'],
        { state: policy.state, rule: rule.id }))
    }
    rules.push(requesters === rule.requesters && except === rule.except ? rule : Object.freeze({ ...rule, requesters, except }))
  }
  // The hash covers every list as read, broken or not: two different broken versions are two versions.
  const digest = hash.digest('hex').slice(0, 12)
  if (diagnostics.length > 0) return { policy: undefined, diagnostics, hash: digest }
  return { policy: Object.freeze({ ...policy, rules: Object.freeze(rules), hash: digest }), diagnostics, hash: digest }
}
