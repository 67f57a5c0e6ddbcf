/**
 * Inspectors on patrol (监督员/网格员): my grids, my 核实/核查 tasks derived from work orders and grid responsibility
 * with deadlines from the performance scheme's limits, on-site results (photos, position) through the work-order
 * lifecycle, problems reported from patrol (立案 at once), each idempotent under the device's key.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { inspectorRoutes } from './inspector.routes.js';

export { completeTask, listTasks, myGrids, reportProblem, titleFrom, type TaskView } from './inspector.service.js';
export { OUTCOMES, TASK_KINDS, taskDue, taskKindOf, type Outcome, type TaskKind } from './tasks.js';
export { ensureDemoInspectorTasks } from './demo-tasks.js';
export { inspectorPolicy } from './inspector.policy.js';

export function createInspectorModule(ctx: AppContext): ApiModule {
  return { routes: (app) => inspectorRoutes(app, ctx) };
}
