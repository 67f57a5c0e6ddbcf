/**
 * Governance evaluation (城市治理现代化评估): indicator systems, AHP / entropy / TOPSIS, scoring runs with tiers,
 * statistics and sensitivity. Other modules and the CLI use only what is exported here.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { evaluationRoutes } from './evaluation.routes.js';

export { mcdmAhp, mcdmEntropy, mcdmTopsis } from './mcdm-cli.js';
export { evaluateFiles } from './evaluate-cli.js';
export {
  createRun,
  createSystem,
  getRun,
  getSystem,
  importDataset,
  listRunResults,
  publishDraft,
  saveDraft,
  type EvaluationContext,
} from './evaluation.service.js';
export { computeRun, type EntityInput, type RunOutput } from './run.js';
export { datasetToCsv } from './dataset.js';
export { compileTree, score } from './methods/engine.js';
export { buildSystem } from './system.js';
export { DEFAULT_TEMPLATE } from './default-template.js';
export { demoCities } from './demo-data.js';
export { DEMO_DATASET_NAME, DEMO_SYSTEM_CODE, ensureDemoEvaluation } from './demo-seed.js';
export { exportRun, getEntityResult } from './evaluation.service.js';
export { SELF_EVALUATION_TIMER, SELF_SYSTEM_CODE, SELF_TEMPLATE, monthBounds, nextSelfEvaluationAt, previousMonth, scheduleSelfEvaluation, scheduleSelfEvaluations, selfEvaluate } from './self-evaluation.js';
export { evaluationPolicy } from './evaluation.policy.js';

export function createEvaluationModule(ctx: AppContext): ApiModule {
  return { routes: (app) => evaluationRoutes(app, ctx) };
}
