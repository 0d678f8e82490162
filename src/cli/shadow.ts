/**
 * @module cli/shadow
 * `nlets-sim shadow report`: what the shadow set would have done differently,
 * from the audit trail. Every decision a hub made while a shadow set ran
 * carries the shadow decision; the report counts disagreements (another
 * effect, or other redacted fields) and rule-only differences, by destination
 * state, requester component and key, with the effects on each side.
 */
import { resolve } from 'node:path'
import { loadDirectory } from '../directory/load.js'
import { NsimError } from '../errors.js'
import { searchAudit, shadowDisagrees } from '../hub/audit-search.js'
import { auditFiles, readOrFail, reportMalformed } from './audit.js'
import { type Io, parseFlags } from './io.js'
import { defaultFolder, givenFolder } from './paths.js'

const USAGE = `usage: nlets-sim shadow report [--file FILE]... [--policies DIR] [--json]

What the shadow set (serve --shadow DIR, or reload --shadow DIR) would have done
differently, from the audit trail: disagreements (another effect, or other
redacted fields) and rule-only differences, by destination state, requester
component and key, and which effect turned into which.

  --file FILE     audit file(s), as for \`audit search\` (default var/audit.ndjson)
  --policies DIR  folder whose directory.csv names the requesters' components
                  (default: ./policies, else the package's)
  --json          the report as JSON

Exit status: 0 done, 1 the audit cannot be read, 2 bad options.`

interface Counts { decisions: number, disagree: number, ruleOnly: number }

function bump (o: Record<string, Counts>, k: string, what: 'agree' | 'disagree' | 'ruleOnly'): void {
  const c = o[k] ??= { decisions: 0, disagree: 0, ruleOnly: 0 }
  c.decisions++
  if (what !== 'agree') c[what]++
}

export async function shadowCommand (argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') { io.out(USAGE); return sub === undefined ? 2 : 0 }
  if (sub !== 'report') throw new NsimError('NSIM_CLI_UNKNOWN_COMMAND', `shadow ${sub}`, 'expected report')
  const { values } = parseFlags(rest, { file: { type: 'string', multiple: true }, policies: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, false)
  if (values.help === true) { io.out(USAGE); return 0 }
  const policies = values.policies === undefined ? defaultFolder(io.cwd, 'policies', 'policy folder', 'directory.csv') : givenFolder(io.cwd, values.policies, 'policy folder', 'directory.csv')
  const { directory } = await loadDirectory(resolve(policies, 'directory.csv'))
  const { files, label } = auditFiles(values, io.cwd)
  const byState: Record<string, Counts> = {}
  const byComponent: Record<string, Counts> = {}
  const byKey: Record<string, Counts> = {}
  const transitions: Record<string, number> = {}
  const versions = new Set<string>()
  let decisions = 0
  let disagree = 0
  let ruleOnly = 0
  const r = await readOrFail(label, io, async () => await searchAudit(files, {}, {
    limit: 0,
    onMatch: (rec) => {
      if (rec.kind === 'refusal' || rec.shadow === undefined) return
      decisions++
      if (rec.shadow.policyVersion !== undefined) versions.add(`${rec.policyVersion} -> ${rec.shadow.policyVersion}`)
      const what = shadowDisagrees(rec) ? 'disagree' : rec.shadow.rule !== rec.rule ? 'ruleOnly' : 'agree'
      if (what === 'disagree') {
        disagree++
        const t = `${rec.effect}${rec.redact?.length ? `(${rec.redact.join(',')})` : ''} -> ${rec.shadow.effect}${rec.shadow.redact?.length ? `(${rec.shadow.redact.join(',')})` : ''}`
        transitions[t] = (transitions[t] ?? 0) + 1
      } else if (what === 'ruleOnly') ruleOnly++
      const agency = directory.get(rec.ori)
      bump(byState, rec.destination, what)
      bump(byComponent, agency === undefined ? '(not in the directory)' : agency.component || `local (${agency.type})`, what)
      bump(byKey, rec.key, what)
    },
  }))
  if (r === undefined) return 1
  reportMalformed(r, label, io)
  const report = { file: label, records: r.records, decisions, disagree, ruleOnly, versions: [...versions], transitions, byState, byComponent, byKey }
  if (values.json === true) { io.out(JSON.stringify(report, null, 2)); return 0 }
  if (decisions === 0) {
    io.out(`${label}: ${r.records} records, none with a shadow decision (run the hub with --shadow DIR, or nlets-sim reload --shadow DIR)`)
    return 0
  }
  const pct = (n: number): string => `${(n / decisions * 100).toFixed(2)}%`
  const table = (title: string, o: Record<string, Counts>): string[] => {
    const rows = Object.entries(o).filter(([, c]) => c.disagree + c.ruleOnly > 0).sort((a, b) => b[1].disagree - a[1].disagree || b[1].ruleOnly - a[1].ruleOnly || a[0].localeCompare(b[0]))
    const w = Math.max(title.length, ...rows.map(([k]) => k.length))
    return [`${title.padEnd(w)}  decisions  disagree  rule only`, ...rows.map(([k, c]) => `${k.padEnd(w)}  ${String(c.decisions).padStart(9)}  ${String(c.disagree).padStart(8)}  ${String(c.ruleOnly).padStart(9)}`)]
  }
  io.out([
    `${label}: ${decisions} decisions with a shadow decision (${[...versions].join(', ') || 'versions not recorded'})`,
    `disagreements: ${disagree} (${pct(disagree)}); rule only: ${ruleOnly} (${pct(ruleOnly)})`,
    ...(disagree ? ['effects, live -> shadow:', ...Object.entries(transitions).sort((a, b) => b[1] - a[1]).map(([t, n]) => `  ${t}: ${n}`)] : []),
    '', ...table('state', byState), '', ...table('component', byComponent), '', ...table('key', byKey),
  ].join('\n'))
  return 0
}
