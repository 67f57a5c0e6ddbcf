/**
 * Open311 GeoReport v2 server: discovery, services (every active leaf work-order category) with definitions
 * configured per category, POST requests as work orders (channel 'open311'), tokens, GET requests with the spec's
 * filters and the common extensions, and the mySociety servicerequestupdates extension — at the root
 * (`/open311/…`, both formats), plus the administrators' configuration under /api/v1/open311/services/:code.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { open311ConfigRoutes, open311Routes } from './open311.routes.js';

export function createOpen311Module(ctx: AppContext): ApiModule {
  return {
    routes(app) {
      open311ConfigRoutes(app, ctx);
    },
    root(app) {
      open311Routes(app, ctx);
    },
  };
}

export {
  EXTENDED_STATUSES,
  INCOMING_STATUS,
  extendedStatus,
  openOrClosed,
  type AttributeDefinition,
  type ExtendedStatus,
} from './mappers.js';
export { configureService, getServiceConfig, submitRequest, Open311Failure, type ServiceConfigInput, type ServiceConfigView } from './open311.service.js';
export { DEMO_SERVICES, seedDemoOpen311 } from './demo-open311.js';
export { open311Policy } from './open311.policy.js';
