/**
 * Federation: cross-jurisdiction transfer over Open311. Administrators register peers (a neighbouring
 * jurisdiction's GeoReport v2 endpoint and key); a dispatcher's `transfer` action sends an order there as a durable
 * job; a recurring job per peer polls for progress and mirrors it into the order's timeline (and so the resident's
 * tracking page). open311-client.ts is the tolerant client (XML and JSON, real-world variants).
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { federationRoutes } from './federation.routes.js';
import { registerTransfers } from './transfer.js';

export function createFederationModule(ctx: AppContext): ApiModule {
  registerTransfers(ctx);
  return {
    routes(app) {
      federationRoutes(app, ctx);
    },
  };
}

export { federationPolicy } from './federation.policy.js';
export { POLL_INTERVAL_MS, POLL_TIMER, SEND_TIMER, mapServiceCode, pollPeer, restartPolls, schedulePoll } from './transfer.js';
export {
  Open311Client,
  Open311ClientError,
  parseDiscovery,
  parseDocument,
  parseErrors,
  parseRequests,
  parseServiceDefinition,
  parseServices,
  parseUpdates,
} from './open311-client.js';
