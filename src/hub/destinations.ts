/**
 * @module hub/destinations
 * The switch's view of each destination state: its endpoint (in-process or
 * HTTP), the keys it serves (from the catalog, minus keys an operator turned
 * off: SM .01), and whether it is on remove status (SM .04).
 */
import { stateCatalog, type StateConfig } from '../../simulator/states/catalog.js'
import type { StateEndpoint, StateFault } from '../../simulator/states/types.js'

export class Destination {
  readonly state: string
  readonly endpoint: StateEndpoint
  readonly config: StateConfig
  /** How the endpoint is reached, for status pages. */
  readonly transport: 'in-process' | 'http'
  /** Operator status: `removed` = not stored, not forwarded (SM .04). */
  status: 'up' | 'removed' = 'up'
  readonly disabledKeys = new Set<string>()
  /** Last fault set through the hub (HTTP endpoints do not report theirs). */
  fault: StateFault | null = null
  /** False after a delivery found the endpoint out of service, true after one succeeded. */
  reachable = true

  constructor (endpoint: StateEndpoint, transport: 'in-process' | 'http') {
    this.state = endpoint.state
    this.endpoint = endpoint
    this.config = stateCatalog(endpoint.state)
    this.transport = transport
  }

  /** `removed` (operator), else the endpoint's own `up`/`down` when it reports one. */
  get health (): string {
    if (this.status === 'removed') return 'removed'
    return (this.endpoint as { status?: string }).status ?? (this.reachable ? 'up' : 'down')
  }

  serves (key: string): boolean {
    return (this.config.keys as readonly string[]).includes(key) && !this.disabledKeys.has(key)
  }

  /** The ORI that answers this key for the state (licence bureau or registration agency). */
  answeringOri (key: string): string {
    return key[0] === 'D' || key[0] === 'K' ? this.config.driverOri : this.config.vehicleOri
  }
}
