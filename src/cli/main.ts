/**
 * @module cli/main
 * The `nlets-sim` command: a dispatcher over thin sub-command modules. Every
 * command returns an exit code; nothing here calls process.exit.
 */
import { NsimError } from '../errors.js'
import { type Io, processIo } from './io.js'

type Command = (argv: string[], io: Io) => Promise<number>

const COMMANDS: Record<string, { summary: string, load: () => Promise<Command> }> = {
  policy: { summary: 'check, test and explain per-state policies', load: async () => (await import('./policy.js')).policyCommand },
  serve: { summary: 'run the hub (the switch) on PORT/HOST with the embedded defaults', load: async () => (await import('./serve.js')).serveCommand },
  'state-server': { summary: 'run one simulated state DMV endpoint over HTTP', load: async () => (await import('./state-server.js')).stateServerCommand },
  directory: { summary: 'generate or query the agency directory', load: async () => (await import('./directory.js')).directoryCommand },
  audit: { summary: 'search the audit trail (key, time, source, destination) or total it up', load: async () => (await import('./audit.js')).auditCommand },
  fault: { summary: 'put a state in a fault mode (down, slow, flapping) or back up, on a running hub', load: async () => (await import('./admin.js')).faultCommand },
  'state-status': { summary: 'remove a destination or turn keys off, on a running hub', load: async () => (await import('./admin.js')).stateStatusCommand },
  reload: { summary: 'reload the policies (or the shadow set: --shadow DIR) of a running hub', load: async () => (await import('./admin.js')).reloadCommand },
  shadow: { summary: 'report what the shadow set would have done differently, from the audit', load: async () => (await import('./shadow.js')).shadowCommand },
  states: { summary: 'list the destinations of a running hub: transport, status, fault, queue', load: async () => (await import('./admin.js')).statesCommand },
  load: { summary: 'load a running hub with the calibrated traffic: open or closed model, thresholds, reports', load: async () => (await import('./load.js')).loadCommand },
  traffic: { summary: 'export the calibrated traffic as messages for other load tools (ndjson, text, k6)', load: async () => (await import('./traffic.js')).trafficCommand },
  cluster: { summary: 'run several hub replicas behind HAProxy with shared state in NATS (up, down, status)', load: async () => (await import('./cluster.js')).clusterCommand },
  replay: { summary: 'replay a scenario\'s year of traffic through the policies and report', load: async () => (await import('./replay.js')).replayCommand },
}

export function usage (): string {
  const lines = ['usage: nlets-sim <command> [options]', '', 'commands:']
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`)
  lines.push('', 'Run `nlets-sim <command> --help` for the options of a command.')
  return lines.join('\n')
}

export async function main (argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage())
    return name === undefined ? 2 : 0
  }
  const cmd = COMMANDS[name]
  try {
    if (cmd === undefined) throw new NsimError('NSIM_CLI_UNKNOWN_COMMAND', name, `expected one of ${Object.keys(COMMANDS).join(', ')}`)
    return await (await cmd.load())(rest, io)
  } catch (err) {
    if (err instanceof NsimError) {
      io.err(`nlets-sim: ${err.code} ${err.message}`)
      return 2
    }
    throw err
  }
}
