/**
 * The list of modules the server runs. Each module is created from the AppContext and exposes its routes
 * (and, where it has them, event handlers and timers) through its index.ts.
 */
import type { AppContext } from '../app-context.js';
import type { ApiModule } from '../http/app.js';
import { createAuditModule } from './audit/index.js';
import { createEvaluationModule } from './evaluation/index.js';
import { createFederationModule } from './federation/index.js';
import { createIdentityModule } from './identity/index.js';
import { createInspectorModule } from './inspector/index.js';
import { createKnowledgeModule } from './knowledge/index.js';
import { createMessagesModule } from './messages/index.js';
import { createGridModule } from './grid/index.js';
import { createOrgModule } from './org/index.js';
import { createOpen311Module } from './open311/index.js';
import { createPerformanceModule } from './performance/index.js';
import { createWebModule } from './web/index.js';
import { createWorkOrdersModule } from './work-orders/index.js';

export function createModules(ctx: AppContext): ApiModule[] {
  return [
    // Identity first: its onRequest hook resolves the principal for every module registered after it.
    createIdentityModule(ctx),
    createOrgModule(ctx),
    createGridModule(ctx),
    createAuditModule(ctx),
    createEvaluationModule(ctx),
    createMessagesModule(ctx),
    createWorkOrdersModule(ctx),
    createKnowledgeModule(ctx),
    // Open311 GeoReport v2 at /open311/… (a root route, so before the web module).
    createOpen311Module(ctx),
    // Cross-jurisdiction transfer over Open311 (peers, transfer jobs, polling).
    createFederationModule(ctx),
    createPerformanceModule(ctx),
    createInspectorModule(ctx),
    // Last: serves the built web app at / and /console/ (root routes, after every API route).
    createWebModule(ctx),
  ];
}
