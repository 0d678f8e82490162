/**
 * @module cli/state-server
 * `nlets-sim state-server`: run one simulated state DMV as an HTTP server
 * until SIGINT or SIGTERM.
 */
import { JURISDICTIONS, toJurisdiction } from '../directory/model.js'
import { NsimError } from '../errors.js'
import { buildStateServer } from '../../simulator/states/server.js'
import { DEFAULT_STATE_SEED, SimulatedState } from '../../simulator/states/simulated-state.js'
import { type Io, intFlag, parseFlags } from './io.js'

/** Default port of a state: 9100 + its index in JURISDICTIONS (AL 9100 ... GM 9153). */
export const BASE_PORT = 9100

const USAGE = `usage: nlets-sim state-server --state XX [--port N] [--host H] [--latency off|real] [--seed N]

Run one simulated state DMV endpoint over HTTP (POST /query, GET /health,
PUT /admin/fault) until SIGINT or SIGTERM.

  --state XX        jurisdiction code (50 states, DC, PR, VI, GM; NE and GU accepted)
  --port N          TCP port, 0 for any free one (default ${BASE_PORT} + the state's index: AL ${BASE_PORT} ... GM ${BASE_PORT + JURISDICTIONS.length - 1})
  --host H          address to listen on (default 127.0.0.1)
  --latency MODE    off: answer at once (default); real: the state's log-normal latency
  --seed N          record seed (default ${DEFAULT_STATE_SEED}); same seed, same answers

Environment: NSIM_ADMIN_TOKEN, when set, is the Bearer token PUT /admin/fault
requires; when unset the admin route is open (a warning is printed).`

export async function stateServerCommand (argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, {
    state: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, latency: { type: 'string' },
    seed: { type: 'string' }, help: { type: 'boolean', short: 'h' },
  }, false)
  if (values.help === true) { io.out(USAGE); return 0 }
  if (values.state === undefined) throw new NsimError('NSIM_CLI_USAGE', 'state-server needs --state XX')
  const state = toJurisdiction(values.state)
  if (state === undefined) throw new NsimError('NSIM_CLI_USAGE', `--state \`${values.state}\`: not a jurisdiction code`)
  const port = intFlag('port', values.port, BASE_PORT + JURISDICTIONS.indexOf(state))
  if (port > 65535) throw new NsimError('NSIM_CLI_USAGE', `--port must be from 0 to 65535, got \`${port}\``)
  const latency = values.latency ?? 'off'
  if (latency !== 'off' && latency !== 'real') throw new NsimError('NSIM_CLI_USAGE', `--latency must be off or real, got \`${latency}\``)
  const seed = intFlag('seed', values.seed, DEFAULT_STATE_SEED)
  const host = values.host ?? '127.0.0.1'
  const adminToken = process.env.NSIM_ADMIN_TOKEN
  if (process.env.NODE_ENV === 'production') {
    // Anyone who can connect could otherwise put the state down.
    if (adminToken === undefined || adminToken === '') throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_ADMIN_TOKEN', 'required in production: without it the fault route is open to anyone')
    if (adminToken.startsWith('demo-')) throw new NsimError('NSIM_HUB_CONFIG', 'NSIM_ADMIN_TOKEN', 'a demo token is refused in production: choose a secret of your own')
  }

  const app = buildStateServer(new SimulatedState(state, { seed, latency }), adminToken === undefined ? {} : { adminToken })
  const closed = new Promise<void>((resolve) => { app.server.once('close', () => resolve()) })
  try {
    await app.listen({ port, host })
  } catch (err) {
    io.err(`nlets-sim: state server ${state} cannot listen on ${host}:${port}: ${(err as Error).message}`)
    return 1
  }
  const stop = (): void => { void app.close() }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const addr = app.server.address()
  const actual = typeof addr === 'object' && addr !== null ? addr.port : port
  const shownHost = host.includes(':') ? `[${host}]` : host
  if (adminToken === undefined || adminToken === '') io.err('nlets-sim: NSIM_ADMIN_TOKEN is not set: PUT /admin/fault is open to anyone who can connect')
  io.out(`state server ${state} listening on http://${shownHost}:${actual}`)
  await closed
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  return 0
}
