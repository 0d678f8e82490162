/**
 * @module policy/load
 * Read a policy directory (directory.csv, groups.yaml, states/XX.yaml), parse
 * every file, and compile what loaded. A state whose file is missing or broken
 * fails closed on its own; the others load. Every finding is returned, sorted.
 */
import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Directory } from '../directory/directory.js'
import { loadDirectory } from '../directory/load.js'
import { JURISDICTIONS, toJurisdiction } from '../directory/model.js'
import { type Diagnostic, diag, sortDiagnostics } from '../diagnostics.js'
import { type CompiledPolicySet, compilePolicySet, compilePolicySetYielding, type CompileOptions } from './compile.js'
import { readListFiles } from './list-file.js'
import { contentHash, parseGroups, parseStatePolicy } from './parse.js'
import type { PolicySource } from './reference.js'
import type { NamedGroup, StatePolicy } from './types.js'

export interface LoadOptions extends CompileOptions {
  /** Directory CSV to use instead of `<dir>/directory.csv`. */
  readonly directoryPath?: string
}

export interface PolicyLoad {
  readonly set: CompiledPolicySet
  readonly diagnostics: Diagnostic[]
  /** Jurisdictions that fail closed because their policy did not load. */
  readonly failed: string[]
}

/**
 * A policy folder read and parsed, not yet compiled: everything is plain data
 * but the Directory, which `readPolicyDir`'s worker-thread caller rebuilds
 * from `directory.agencies` (see load-thread.ts).
 */
export interface ParsedPolicyDir {
  readonly directory: Directory
  readonly groups: readonly NamedGroup[]
  readonly groupsHash: string
  readonly policies: ReadonlyMap<string, StatePolicy | undefined>
  readonly diagnostics: Diagnostic[]
  /** Jurisdictions that fail closed because their policy did not load. */
  readonly failed: string[]
  /**
   * Per jurisdiction, the content hash of its file (and list files) as read,
   * loaded or not (`missing` when there was none), and under `directory.csv`
   * the hash of a directory file with bad rows: the policy version covers
   * every file as read, so two different broken versions differ.
   */
  readonly readHashes: ReadonlyMap<string, string>
}

export async function loadPolicySet (dir: string, opts: LoadOptions = {}): Promise<PolicyLoad> {
  return compileParsed(await readPolicyDir(dir, opts), opts)
}

/** Compile what `readPolicyDir` read. */
export function compileParsed (p: ParsedPolicyDir, opts: CompileOptions = {}): PolicyLoad {
  const source = makeSource(p.directory, p.groups, p.policies, p.groupsHash, p.readHashes)
  return { set: compilePolicySet(source, opts), diagnostics: p.diagnostics, failed: p.failed }
}

/** `compileParsed` giving the event loop a turn after each state (see compilePolicySetYielding). */
export async function compileParsedYielding (p: ParsedPolicyDir, opts: CompileOptions = {}): Promise<PolicyLoad> {
  const source = makeSource(p.directory, p.groups, p.policies, p.groupsHash, p.readHashes)
  return { set: await compilePolicySetYielding(source, opts), diagnostics: p.diagnostics, failed: p.failed }
}

/** Read and parse a policy folder (directory, groups, states), collecting every finding; nothing is compiled. */
export async function readPolicyDir (dir: string, opts: Pick<LoadOptions, 'directoryPath'> = {}): Promise<ParsedPolicyDir> {
  const diagnostics: Diagnostic[] = []
  const directoryFile = opts.directoryPath ?? join(dir, 'directory.csv')
  const { directory, diagnostics: dirDiags } = await loadDirectory(directoryFile)
  diagnostics.push(...dirDiags)
  const readHashes = new Map<string, string>()
  // The directory's version hashes the rows it kept; with bad rows, hash the text as read too.
  if (dirDiags.length > 0) readHashes.set('directory.csv', contentHash(await readFile(directoryFile, 'utf8').catch(() => '!unreadable')))

  const groupsFile = join(dir, 'groups.yaml')
  let groups: NamedGroup[] = []
  let groupsHash = ''
  const brokenGroupNames = new Set<string>()
  const groupsText = await readFile(groupsFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') diagnostics.push(diag('error', 'NSIM_POLICY_READ', { file: groupsFile, line: 0, column: 0 }, [err.message]))
    return undefined
  })
  if (groupsText !== undefined) {
    groupsHash = createHash('sha256').update(groupsText).digest('hex')
    const g = parseGroups(groupsText, groupsFile)
    diagnostics.push(...g.diagnostics)
    if (g.value) groups = g.value
    else for (const m of groupsText.matchAll(/^ {2}([A-Za-z0-9._-]+):\s*$/gm)) brokenGroupNames.add(m[1]!)
  }
  const groupNames = new Set([...groups.map((g) => g.name), ...brokenGroupNames])

  const statesDir = join(dir, 'states')
  const names = await readdir(statesDir).catch((err: Error) => {
    diagnostics.push(diag('error', 'NSIM_POLICY_READ', { file: statesDir, line: 0, column: 0 }, [err.message]))
    return [] as string[]
  })
  const policies = new Map<string, StatePolicy | undefined>()
  for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const file = join(statesDir, name)
    const code = toJurisdiction(basename(name).replace(/\.ya?ml$/, ''))
    if (code === undefined) {
      diagnostics.push(diag('error', 'NSIM_POLICY_STATE', { file, line: 0, column: 0 }, [`file name \`${name}\` is not a jurisdiction code (expected e.g. IL.yaml)`]))
      continue
    }
    if (policies.has(code)) {
      diagnostics.push(diag('error', 'NSIM_POLICY_STATE', { file, line: 0, column: 0 }, [`a second policy file for \`${code}\``], { state: code }))
      policies.set(code, undefined)
      continue
    }
    const text = await readFile(file, 'utf8').catch((err: Error) => {
      diagnostics.push(diag('error', 'NSIM_POLICY_READ', { file, line: 0, column: 0 }, [err.message], { state: code }))
      return undefined
    })
    if (text === undefined) { policies.set(code, undefined); readHashes.set(code, '!unreadable'); continue }
    const r = parseStatePolicy(text, file, groupNames, code)
    diagnostics.push(...r.diagnostics)
    readHashes.set(code, contentHash(text))
    let policy = r.value
    if (policy !== undefined) {
      const lists = await readListFiles(policy, file)
      diagnostics.push(...lists.diagnostics)
      readHashes.set(code, lists.hash)
      policy = lists.policy
    }
    const usesBroken = policy?.rules.find((rule) => [...rule.requesters.groups, ...rule.except.groups].some((g) => brokenGroupNames.has(g)))
    if (policy && usesBroken) {
      diagnostics.push(diag('error', 'NSIM_POLICY_GROUP', { file, line: usesBroken.at.line, column: usesBroken.at.column },
        [usesBroken.requesters.groups.concat(usesBroken.except.groups).find((g) => brokenGroupNames.has(g))!, ': defined in a groups file that did not load'], { state: code, rule: usesBroken.id }))
      policy = undefined
    }
    policies.set(code, policy)
  }
  for (const j of JURISDICTIONS) {
    if (!policies.has(j)) {
      diagnostics.push(diag('error', 'NSIM_POLICY_MISSING_STATE', { file: join(statesDir, `${j}.yaml`), line: 0, column: 0 }, [j], { state: j }))
      policies.set(j, undefined)
    }
  }
  const failed = [...policies].filter(([, p]) => p === undefined).map(([s]) => s).sort()
  for (const s of failed) {
    diagnostics.push(diag('error', 'NSIM_EVAL_FAIL_CLOSED', { file: join(statesDir, `${s}.yaml`), line: 0, column: 0 }, [s], { state: s }))
  }
  return { directory, groups, groupsHash, policies, diagnostics: sortDiagnostics(diagnostics), failed, readHashes }
}

/** Assemble a PolicySource and its version (content hash of everything in it). */
export function makeSource (directory: PolicySource['directory'], groups: readonly NamedGroup[],
  policies: ReadonlyMap<string, StatePolicy | undefined>, groupsHash = '', readHashes: ReadonlyMap<string, string> = new Map()): PolicySource {
  const h = createHash('sha256').update(directory.version).update('|').update(groupsHash || JSON.stringify(groups.map((g) => [g.name, g.members])))
  const dirText = readHashes.get('directory.csv')
  if (dirText !== undefined) h.update(`|directory.csv:${dirText}`)
  for (const s of [...policies.keys()].sort()) {
    const p = policies.get(s)
    h.update(`|${s}:${p === undefined ? `FAILED:${readHashes.get(s) ?? 'missing'}` : p.hash}`)
  }
  return Object.freeze({ directory, groups, policies, version: h.digest('hex').slice(0, 12) })
}
