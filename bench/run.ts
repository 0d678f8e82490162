/**
 * @module bench/run
 * `npm run bench [-- <suite>...] [--quick] [--smoke]`: runs the suites, writes
 * bench/results/<suite>.json and prints a markdown table per suite.
 */
import { machine, type SuiteOptions, type SuiteResult, table, writeResult } from './lib.js'

const SUITES: Record<string, () => Promise<{ run: (o: SuiteOptions) => Promise<SuiteResult> }>> = {
  decide: async () => await import('./suites/decide.js'),
  replay: async () => await import('./suites/replay.js'),
  http: async () => await import('./suites/http.js'),
  reload: async () => await import('./suites/reload.js'),
  'policy-change': async () => await import('./suites/policy-change.js'),
  store: async () => await import('./suites/store.js'),
  generator: async () => await import('./suites/generator.js'),
  'policy-diff': async () => await import('./suites/policy-diff.js'),
  'audit-replay': async () => await import('./suites/audit-replay.js'),
  cluster: async () => await import('./suites/cluster.js'),
}

export async function runBench (argv: string[], out: (s: string) => void = console.log): Promise<number> {
  const quick = argv.includes('--quick')
  const smoke = argv.includes('--smoke')
  const names = argv.filter((a) => !a.startsWith('--'))
  const unknown = names.filter((n) => !(n in SUITES))
  if (unknown.length > 0 || argv.includes('--help')) {
    out(`usage: npm run bench [-- <suite>...] [--quick] [--smoke]\nsuites: ${Object.keys(SUITES).join(', ')}`)
    return unknown.length > 0 ? 2 : 0
  }
  out(`# nlets-sim benchmarks (${quick ? 'quick' : smoke ? 'smoke' : 'full'})\n\n${JSON.stringify(machine())}\n`)
  for (const name of names.length ? names : Object.keys(SUITES)) {
    const t0 = performance.now()
    const r = await (await SUITES[name]!()).run({ quick, smoke, out })
    const file = writeResult(r)
    out(`\n## ${name}\n\n${table(r.rows)}\n${(r.notes ?? []).map((n) => `\n_${n}_`).join('')}\n\n(${file}; the suite took ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`)
  }
  return 0
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runBench(process.argv.slice(2))
}
