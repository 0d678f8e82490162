/**
 * @module cli/traffic
 * `nlets-sim traffic export`: the calibrated traffic model's messages for
 * other load tools (simulator/load/export), deterministic for a seed.
 */
import { writeFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { NsimError } from '../errors.js'
import { type Io, parseFlags } from './io.js'
import { scenarioFileOf as scenarioFile } from './replay.js'
import { loadScenario } from '../../simulator/scenarios/load.js'
import { buildMessages } from '../../simulator/load/messages.js'
import { EXPORT_FORMATS, type ExportFormat, k6Script, toNdjson, toText } from '../../simulator/load/export.js'
import { parsePositive, parseShare, readTokens } from '../../simulator/load/flags.js'

const USAGE = `usage: nlets-sim traffic export --scenario NAME|FILE --count N --format ndjson|text|k6 [options]

Write the calibrated traffic model's messages (the ones \`nlets-sim load\` sends)
for another load tool: every k-th query of the scenario's first days, so every
sender, destination and key in proportion. The same seed gives the same
messages.

  --scenario NAME|FILE  a scenario of simulator/scenarios/ by name, or a file (default nov-2025)
  --count N             how many messages (at most 10,000,000)
  --format F            ndjson: one { line, token, contentType, body } a line
                        text: one legacy text message a line (no JSON forms)
                        k6: a runnable k6 script (--out FILE) and its data file FILE's
                            name with .data.ndjson
  --out FILE            write to FILE (default: stdout; k6 needs --out)
  --seed N              the traffic's seed (default: the scenario's)
  --json-share F        share of JSON forms in ndjson and k6 (default 0.2)
  --invalid F           share of malformed messages (e.g. 0.01 or 1%)
  --spoof F             share of unknown or spoofed senders
  --tokens FILE         line tokens, { "lines": { "IL": "<token>" } } (default demo-<LINE>)

Exit codes: 0 written, 2 usage error.`

export async function trafficCommand (argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') { io.out(USAGE); return sub === undefined ? 2 : 0 }
  if (sub !== 'export') throw new NsimError('NSIM_CLI_UNKNOWN_COMMAND', `traffic ${sub}`, 'expected `traffic export`')
  if (rest.includes('--help') || rest.includes('-h')) { io.out(USAGE); return 0 }
  const { values: v } = parseFlags(rest, {
    scenario: { type: 'string' }, count: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' },
    'json-share': { type: 'string' }, invalid: { type: 'string' }, spoof: { type: 'string' }, tokens: { type: 'string' },
  }, false)
  const usage = (m: string): NsimError => new NsimError('NSIM_CLI_USAGE', m)
  if (v.count === undefined) throw usage('traffic export needs --count N')
  const count = parsePositive('count', v.count)
  if (count > 10_000_000) throw usage(`--count must be at most 10000000, got \`${v.count}\``)
  if (v.format === undefined) throw usage(`traffic export needs --format (${EXPORT_FORMATS.join(', ')})`)
  if (!(EXPORT_FORMATS as readonly string[]).includes(v.format)) throw usage(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got \`${v.format}\``)
  const format = v.format as ExportFormat
  if (format === 'k6' && v.out === undefined) throw usage('--format k6 writes a script and its data file: give --out FILE (e.g. --out nlets.k6.js)')
  const invalid = parseShare('invalid', v.invalid, 0)
  const spoof = parseShare('spoof', v.spoof, 0)
  if (invalid + spoof > 1) throw usage('--invalid and --spoof add up to more than 1')
  const jsonShare = format === 'text' ? 0 : parseShare('json-share', v['json-share'], 0.2)
  if (format === 'text' && v['json-share'] !== undefined) throw usage('--json-share does not go with --format text (legacy text only)')
  const scenarioArg = v.scenario ?? 'nov-2025'
  const scenario = await loadScenario(await scenarioFile(scenarioArg, io))
  const set = await buildMessages(scenario, {
    count, jsonShare, invalid, spoof, ...(v.seed !== undefined ? { seed: v.seed } : {}),
    ...(v.tokens !== undefined ? { tokens: await readTokens(resolve(io.cwd, v.tokens)) } : {}),
  })
  const about = `nlets-sim traffic export --scenario ${scenarioArg} --count ${count} --seed ${set.seed}: ${set.messages.length} messages`
  if (format === 'k6') {
    const script = resolve(io.cwd, v.out!)
    const data = script.replace(/\.[cm]?js$/, '') + '.data.ndjson'
    await write(data, toNdjson(set.messages))
    await write(script, k6Script(basename(data), about))
    io.err(`k6 script written to ${v.out} and its data (${set.messages.length} messages) to ${basename(data)}; run: k6 run -e TARGET=http://127.0.0.1:8080 -e RATE=500 -e DURATION=60s ${v.out}`)
    return 0
  }
  const text = format === 'ndjson' ? toNdjson(set.messages) : toText(set.messages)
  if (v.out === undefined) io.out(text.replace(/\n$/, ''))
  else {
    await write(resolve(io.cwd, v.out), text)
    io.err(`${set.messages.length} messages written to ${v.out}`)
  }
  return 0
}

async function write (file: string, text: string): Promise<void> {
  try { await writeFile(file, text) } catch (err) { throw new NsimError('NSIM_CLI_USAGE', `cannot write \`${file}\`: ${(err as Error).message}`) }
}
