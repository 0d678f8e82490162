/**
 * @module cli/cluster
 * `nlets-sim cluster up|down|status`: several hubs as one switch on this
 * machine, as plain processes (src/cluster/topology.ts): nats-server with
 * JetStream, state servers, N hub replicas, HAProxy in front.
 */
import { NsimError } from '../errors.js'
import { clusterDown, clusterRestart, clusterUp, readCluster } from '../cluster/topology.js'
import { intFlag, type Io, parseFlags } from './io.js'

const USAGE = `usage: nlets-sim cluster up [--replicas N] [--nats-nodes 1|3] [--port P] [--states IL,WA,NY,TX] [--dir DIR] [--policies DIR]
       nlets-sim cluster down [--dir DIR]
       nlets-sim cluster status [--dir DIR]
       nlets-sim cluster restart NAME [--dir DIR]

Run several hubs as one switch on this machine: nats-server (JetStream) for the
shared queue, inboxes, counters, destination settings and policy bundles; a
simulated state server per --states; N hub replicas; HAProxy in front,
round-robin with health checks. Needs nats-server and haproxy (Debian:
apt-get install -y nats-server haproxy). The processes outlive the command;
\`cluster down\` stops them (hubs first, each draining on SIGTERM).
\`cluster restart hub-2\` restarts one replica (or state server) with the same
settings: it drains on SIGTERM while HAProxy takes it out and retries its
requests on the others, then starts again and HAProxy takes it back; restart
the replicas one after another for a rolling upgrade with no failed request.

  --replicas N     hub replicas (default 3, at most 16)
  --nats-nodes N   1 (default) or 3: a three-node JetStream cluster, every
                   stream and bucket kept on all three (NSIM_NATS_REPLICAS=3), so
                   the switch survives the loss of one node (nodes on 4222-4224,
                   monitoring 8222-8224, routes 6222-6224 for --port 8080)
  --port P         the switch's port, HAProxy (default 8080; hubs on P+1..P+N,
                   NATS on P-3858 = 4222, HAProxy stats on P+324 = 8404,
                   states on 9100 + their index); 0 picks free ports
  --states LIST    states served by state servers over HTTP (default IL,WA,NY,TX;
                   '' for none); the others are simulated inside each hub
  --dir DIR        logs, NATS data, audit files (audit-hub-N.ndjson), cluster.json
                   (default var/cluster)
  --policies DIR   the policy folder the hubs start with (default policies)

Environment passed to the hubs: NSIM_ADMIN_TOKEN, NSIM_DRAIN_MS and the other NSIM_* settings.`

export async function clusterCommand (argv: string[], io: Io): Promise<number> {
  const [sub, ...rest] = argv
  if (sub === undefined || sub === '--help' || sub === '-h') { io.out(USAGE); return sub === undefined ? 2 : 0 }
  const { values, positionals } = parseFlags(rest, {
    replicas: { type: 'string' }, 'nats-nodes': { type: 'string' }, port: { type: 'string' }, states: { type: 'string' }, dir: { type: 'string' },
    policies: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  }, sub === 'restart')
  if (values.help) { io.out(USAGE); return 0 }
  const dir = values.dir ?? 'var/cluster'
  if (sub === 'up') {
    const replicas = intFlag('replicas', values.replicas, 3)
    const port = intFlag('port', values.port, 8080)
    if (port > 65535 || (port !== 0 && port < 3859)) throw new NsimError('NSIM_CLI_USAGE', `--port must be 0 or 3859 to 65535 (NATS goes on port - 3858), got ${port}`)
    const states = (values.states ?? 'IL,WA,NY,TX').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean)
    const natsNodes = intFlag('nats-nodes', values['nats-nodes'], 1)
    const info = await clusterUp({ dir, replicas, natsNodes, port, states, ...(values.policies ? { policiesDir: values.policies } : {}) })
    io.out(`nlets-sim cluster: ${replicas} hub replica${replicas === 1 ? '' : 's'} behind HAProxy, shared state in NATS JetStream${natsNodes > 1 ? ` (${natsNodes} nodes, ${natsNodes} copies of everything)` : ''}`)
    io.out(`  switch (HAProxy)  ${info.url}`)
    io.out(`  HAProxy stats     ${info.statsUrl}   (Prometheus: ${info.statsUrl}metrics)`)
    io.out(`  NATS              ${info.natsUrl}`)
    for (const p of info.processes) io.out(`  ${p.name.padEnd(17)} pid ${String(p.pid).padEnd(8)} port ${p.port}   log ${p.log}`)
    io.out(`try: curl -s -H 'Authorization: Bearer demo-TX' -H 'Content-Type: text/plain' -H 'Accept: text/plain' --data 'DQ.TX0020100.IL.TXTOLN/D1234567' ${info.url}/v1/messages`)
    io.out(`stop: nlets-sim cluster down${values.dir ? ` --dir ${dir}` : ''}`)
    return 0
  }
  if (sub === 'down') {
    const n = await clusterDown(dir)
    io.out(n === 0 ? `no cluster runs from ${dir}` : `stopped ${n} processes`)
    return 0
  }
  if (sub === 'status') {
    const info = readCluster(dir)
    if (info === undefined) { io.out(`no cluster runs from ${dir}`); return 1 }
    let down = 0
    for (const p of info.processes) {
      let state = 'running'
      try { process.kill(p.pid, 0) } catch { state = 'stopped'; down++ }
      io.out(`${p.name.padEnd(17)} pid ${String(p.pid).padEnd(8)} port ${String(p.port).padEnd(6)} ${state}`)
    }
    io.out(`switch ${info.url}`)
    return down === 0 ? 0 : 1
  }
  if (sub === 'restart') {
    const name = positionals[0]
    if (name === undefined || positionals.length > 1) throw new NsimError('NSIM_CLI_USAGE', 'cluster restart: name one part, e.g. `cluster restart hub-2` (`cluster status` lists them)')
    const p = await clusterRestart(dir, name)
    io.out(`${p.name} restarted: pid ${p.pid}, port ${p.port}, log ${p.log}`)
    return 0
  }
  throw new NsimError('NSIM_CLI_USAGE', `cluster: unknown sub-command \`${sub}\` (up, down, status or restart)`)
}
