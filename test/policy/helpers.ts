/**
 * Shared helpers for policy tests: a fresh copy of the shipped policies/, and
 * an IL rule (with an optional list file beside IL.yaml) added in front.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/** A fresh copy of the shipped policies/ under a temp dir, removed at teardown. */
export function copyPolicies (t: { teardown: (fn: () => void) => void }, prefix = 'nsim-policies-'): string {
  const base = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => { rmSync(base, { recursive: true, force: true }) })
  const dir = join(base, 'policies')
  cpSync(resolve('policies'), dir, { recursive: true })
  return dir
}

/** IL.yaml with a rule `il-list-test` (deny) in front: `requesters` and `except` as YAML lines. */
export function addIlRule (dir: string, requesters: string, except = ''): void {
  const file = join(dir, 'states', 'IL.yaml')
  const text = readFileSync(file, 'utf8')
  const rule = ['  - id: il-list-test', '    effect: deny', '    description: list file test', '    requesters:', `      ${requesters}`,
    ...(except === '' ? [] : ['    except:', `      ${except}`]), ''].join('\n')
  writeFileSync(file, text.replace(/^rules:\n/m, `rules:\n${rule}`))
}

/** A copy whose IL rule names `states/il-deny.txt`, written with `list`; returns the folder and the list's path. */
export function withIlList (t: { teardown: (fn: () => void) => void }, list: string): { dir: string, list: string } {
  const dir = copyPolicies(t, 'nsim-list-file-')
  const path = join(dir, 'states', 'il-deny.txt')
  writeFileSync(path, list)
  addIlRule(dir, 'oris_file: il-deny.txt')
  return { dir, list: path }
}
