/**
 * @module hub/destinations
 * The switch's view of each destination state: its endpoint (in-process or
 * HTTP), the keys it serves (from the catalog, minus keys an operator turned
 * off: SM .01), whether it is on remove status (SM .04), and the last fault
 * set through the hub; what an operator set is kept by the settings port.
 */
import { stateCatalog, type StateConfig } from '../../simulator/states/catalog.js'
import type { StateEndpoint, StateFault } from './ports/endpoint.js'
import type { DestinationSettings } from './ports/state.js'

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
    return this.endpoint.status ?? (this.reachable ? 'up' : 'down')
  }

  /** The fault in force: the endpoint's own when it reports one, else the last one set through the hub. */
  get currentFault (): StateFault | null {
    return this.endpoint.fault ?? this.fault
  }

  /** What an operator set, as the settings store keeps it. */
  get settings (): DestinationSettings {
    return { status: this.status, disabledKeys: [...this.disabledKeys], fault: this.fault }
  }

  /** Take saved settings back (at start); the fault is applied again to an endpoint that lost it (in process). */
  async restore (s: DestinationSettings): Promise<void> {
    this.status = s.status
    this.disabledKeys.clear()
    for (const k of s.disabledKeys) this.disabledKeys.add(k)
    this.fault = s.fault
    if (s.fault !== null && this.endpoint.fault !== undefined) await this.endpoint.setFault?.(s.fault)
    if (s.fault?.mode === 'down') this.reachable = false
  }

  /**
   * Take settings another hub replica saved (a watch on the shared store):
   * like `restore`, and a fault lifted there is lifted here.
   */
  async apply (s: DestinationSettings): Promise<void> {
    const wasFault = this.fault
    await this.restore(s)
    if (s.fault === null && wasFault !== null) {
      if (this.endpoint.fault !== undefined) await this.endpoint.setFault?.({ mode: 'up' })
      this.reachable = true
    }
  }

  serves (key: string): boolean {
    return (this.config.keys as readonly string[]).includes(key) && !this.disabledKeys.has(key)
  }

  /** The ORI that answers this key for the state (licence bureau or registration agency). */
  answeringOri (key: string): string {
    return key[0] === 'D' || key[0] === 'K' ? this.config.driverOri : this.config.vehicleOri
  }
}
