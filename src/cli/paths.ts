/**
 * @module cli/paths
 * Default folders (the shipped `policies/`, `simulator/scenarios/`) found from
 * the working directory first, then from the package itself, so every command
 * works from any directory; when neither exists, the error says exactly where
 * it looked.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NsimError } from '../errors.js'

/** The package root: this file is dist/src/cli/paths.js (or src/cli/paths.ts). */
export const PACKAGE_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), existsSync(fileURLToPath(new URL('../../../package.json', import.meta.url))) ? '../../..' : '../..')

/**
 * A default folder: `<cwd>/<rel>` when it exists, else `<package>/<rel>`;
 * `mustHave` (e.g. `states`) must exist inside it. Throws a usage error naming
 * both places otherwise.
 */
export function defaultFolder (cwd: string, rel: string, what: string, mustHave = ''): string {
  const tried = [...new Set([resolve(cwd, rel), resolve(PACKAGE_ROOT, rel)])]
  for (const dir of tried) if (existsSync(resolve(dir, mustHave))) return dir
  throw new NsimError('NSIM_CLI_USAGE', `no ${what} given and none found: looked for ${tried.map((d) => resolve(d, mustHave)).join(' and ')}; name one`)
}

/** A folder the user named: resolved from the working directory, and it must hold `mustHave`. */
export function givenFolder (cwd: string, arg: string, what: string, mustHave = ''): string {
  const dir = resolve(cwd, arg)
  if (!existsSync(resolve(dir, mustHave))) throw new NsimError('NSIM_CLI_USAGE', `${what} \`${arg}\` not found: no ${resolve(dir, mustHave)}`)
  return dir
}
