/**
 * @module hub/context
 * What the routes share: the switch, the policy stores, the destinations, the
 * credentials and settings. Built once by app.ts.
 */
import type { PolicyStore } from '../policy/store.js'
import type { Audit } from './audit.js'
import type { PolicyBundles } from './cluster/bundles.js'
import type { AuditTap } from './audit-tap.js'
import type { Destination } from './destinations.js'
import type { Credentials } from './lines.js'
import type { HubMetrics } from './metrics.js'
import type { HubOptions } from './options.js'
import type { LineBuckets } from './rate.js'
import type { Switch } from './switch.js'

export interface HubContext {
  readonly options: HubOptions
  readonly sw: Switch
  /** Per-line rate limit (token buckets). */
  readonly rate: LineBuckets
  readonly store: PolicyStore
  readonly destinations: ReadonlyMap<string, Destination>
  readonly credentials: Credentials
  readonly adminToken: string
  readonly metrics: HubMetrics
  readonly audit: Audit
  /** The same audit, with listeners (the console's live view and message traces). */
  readonly auditTap: AuditTap
  readonly startedAt: number
  /** This hub's name among replicas (NSIM_REPLICA_ID, or the host name and port it was started with). */
  readonly replica: string
  /** Policy bundles shared with other replicas (with NATS only). */
  readonly bundles?: PolicyBundles | undefined
}
