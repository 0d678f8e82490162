/**
 * @module cluster/haproxy
 * The HAProxy configuration in front of hub replicas: round-robin, health
 * checks on `/health` every half second (a replica draining on SIGTERM answers
 * 503 there and is taken out at the next check, before it stops), a retry on
 * another replica when a connection fails or a draining replica answers 503
 * (both mean the message was not handled), HAProxy's statistics and its
 * Prometheus exporter on a port of their own. One generator for the
 * repository's `haproxy.cfg` (docker-compose) and `nlets-sim cluster up`.
 */

export interface HaproxyServer {
  readonly name: string
  /** host:port */
  readonly address: string
}

export interface HaproxyOptions {
  /** Address the switch listens on, e.g. `*:8080` or `127.0.0.1:8080`. */
  readonly bind: string
  /** Address of the statistics page and `/metrics`. */
  readonly statsBind: string
  readonly servers: readonly HaproxyServer[]
  /** Header comment lines. */
  readonly comment?: readonly string[]
}

export function haproxyConfig (o: HaproxyOptions): string {
  const lines = [
    ...(o.comment ?? []).map((c) => `# ${c}`.trimEnd()),
    'global',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout http-request 10s',
    // The request is buffered so it can be sent again to another replica.
    '  option http-buffer-request',
    '  retries 2',
    '  option redispatch 1',
    '  retry-on conn-failure 503',
    '',
    'frontend switch',
    `  bind ${o.bind}`,
    '  default_backend hubs',
    '',
    'backend hubs',
    '  balance roundrobin',
    '  option httpchk GET /health',
    '  http-check expect status 200',
    // Resolve names when they exist (docker-compose), start without them otherwise.
    '  default-server check inter 500ms fastinter 250ms downinter 1s fall 1 rise 2 init-addr last,libc,none',
    ...o.servers.map((s) => `  server ${s.name} ${s.address}`),
    '',
    'listen stats',
    `  bind ${o.statsBind}`,
    '  stats enable',
    '  stats uri /',
    '  stats refresh 5s',
    '  http-request use-service prometheus-exporter if { path /metrics }',
    '',
  ]
  return lines.join('\n')
}
