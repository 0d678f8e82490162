/**
 * @module test/errors
 * Guard test for the error catalogue (in the style of fastify's errors test):
 * the number of codes is pinned, every code is well formed and documented in
 * docs/errors.md, and src/ uses no code that is not in the catalogue.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import t from 'tap'
import { ERRORS, type ErrorCode, format, NsimError, PREFIX } from '../src/errors.js'
import { ENV_VARS } from '../src/hub/options.js'

const root = process.cwd()
const codes = Object.keys(ERRORS) as ErrorCode[]

/**
 * Pinned on purpose: adding or removing a code must be a conscious change here,
 * in src/errors.ts and in docs/errors.md.
 */
const EXPECTED_CODES = 52

t.test('the number of codes is pinned', async (t) => {
  t.equal(codes.length, EXPECTED_CODES, 'update EXPECTED_CODES and docs/errors.md when adding or removing a code')
  t.equal(new Set(codes).size, codes.length)
  t.ok(Object.isFrozen(ERRORS))
})

t.test('every code is well formed', async (t) => {
  t.equal(PREFIX, 'NSIM')
  for (const code of codes) {
    t.match(code, /^NSIM_[A-Z]+(_[A-Z]+)+$/, `${code}: name`)
    t.ok(code.startsWith(`${PREFIX}_`), `${code}: prefix`)
    const def = ERRORS[code]
    t.ok(Object.isFrozen(def), `${code}: frozen`)
    t.ok(Number.isInteger(def.status) && def.status >= 200 && def.status < 600, `${code}: status ${def.status}`)
    t.ok(def.message.length > 0, `${code}: has a message`)
    t.notMatch(def.message, /\.$/, `${code}: no final period`)
    t.equal(def.message.replace(/%s/g, 'x').slice(0, 1), def.message.replace(/%s/g, 'x').slice(0, 1).toLowerCase(), `${code}: starts lowercase`)
  }
})

t.test('NsimError carries its code', async (t) => {
  for (const code of codes) {
    const err = new NsimError(code)
    t.equal(err.code, code, `${code}: code`)
    t.equal(err.name, 'NsimError')
    t.equal(err.statusCode, ERRORS[code].status, `${code}: status`)
    t.ok(err instanceof Error)
    t.notMatch(err.message, /%s/, `${code}: no placeholder left in the message`)
  }
  const e = new NsimError('NSIM_CLI_UNKNOWN_COMMAND', 'frob', 'expected policy or directory')
  t.equal(e.message, 'unknown command `frob`: expected policy or directory')
  t.equal(e.statusCode, 400)
})

t.test('format fills %s placeholders', async (t) => {
  t.equal(format('NSIM_POLICY_ORI', 'X1'), 'malformed ORI `X1`: an ORI is two letters then seven letters or digits')
  t.equal(format('NSIM_DIR_HEADER', 'a,b', 'c'), 'directory header must be `a,b`, found `c`')
  t.equal(format('NSIM_POLICY_DUPLICATE_RULE', 'r1', 12), 'duplicate rule id `r1` (first on line 12)')
  t.equal(format('NSIM_POLICY_ORI'), 'malformed ORI ``: an ORI is two letters then seven letters or digits', 'missing arguments become empty')
  t.equal(format('NSIM_CLI_USAGE', 'a %s b', 'unused'), 'a %s b', 'arguments are not themselves formatted')
  for (const code of codes) {
    const n = (ERRORS[code].message.match(/%s/g) ?? []).length
    const args = Array.from({ length: n }, (_, i) => `<arg${i}>`)
    const out = format(code, ...args)
    t.notMatch(out, /%s/, `${code}: every placeholder filled`)
    for (const a of args) t.ok(out.includes(a), `${code}: ${a} appears`)
  }
})

t.test('format turns %% into a literal %', async (t) => {
  t.equal(format('NSIM_PTEST_COVERAGE', 50, 80), 'rule coverage 50% is below the minimum 80%')
})

/** Codes in the first column of the tables of docs/errors.md. */
function documentedCodes (): string[] {
  const text = readFileSync(resolve(root, 'docs/errors.md'), 'utf8')
  return [...text.matchAll(/^\|\s*`?(NSIM_[A-Z_]+)`?\s*\|/gm)].map((m) => m[1]!)
}

t.test('docs/errors.md documents exactly the catalogue', async (t) => {
  const documented = documentedCodes()
  t.same(documented.filter((c, i) => documented.indexOf(c) !== i), [], 'no code documented twice')
  for (const code of codes) t.ok(documented.includes(code), `${code} has a row in docs/errors.md`)
  for (const code of documented) t.ok(Object.hasOwn(ERRORS, code), `${code} in docs/errors.md is in ERRORS`)
  t.equal(documented.length, EXPECTED_CODES)

  // Rows sit under the heading of the section their code has in src/errors.ts.
  const sectionOf = new Map<string, string>()
  let section = ''
  for (const line of readFileSync(resolve(root, 'src/errors.ts'), 'utf8').split('\n')) {
    const s = /^\s*\/\*\s*([^*]+?)(?:\s*\(.*\))?\s*\*\/\s*$/.exec(line)
    if (s) section = s[1]!.trim()
    const c = /^\s*(NSIM_[A-Z_]+):/.exec(line)
    if (c) sectionOf.set(c[1]!, section)
  }
  t.equal(sectionOf.size, EXPECTED_CODES)
  let heading = ''
  for (const line of readFileSync(resolve(root, 'docs/errors.md'), 'utf8').split('\n')) {
    const h = /^##\s+(.+)$/.exec(line)
    if (h) heading = h[1]!.trim()
    const c = /^\|\s*`?(NSIM_[A-Z_]+)`?\s*\|/.exec(line)
    if (c) t.equal(heading, sectionOf.get(c[1]!), `${c[1]} is under "## ${sectionOf.get(c[1]!)}"`)
  }
})

function tsFiles (dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...tsFiles(p))
    else if (e.name.endsWith('.ts')) out.push(p)
  }
  return out
}

t.test('src/ uses only catalogued codes', async (t) => {
  const files = tsFiles(resolve(root, 'src'))
  t.ok(files.length > 10, `${files.length} source files scanned`)
  const used = new Set<string>()
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/'(NSIM_[A-Z_]+)'/g)) {
      const code = m[1]!
      if (ENV_VARS.includes(code)) continue
      used.add(code)
      const line = text.slice(0, m.index).split('\n').length
      t.ok(Object.hasOwn(ERRORS, code), `${file.slice(root.length + 1)}:${line} uses \`${code}\`, which is not in ERRORS`)
    }
  }
  t.ok(used.size > 20, `${used.size} distinct codes used in src/`)
})
