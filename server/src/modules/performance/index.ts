/**
 * Standard performance evaluation (综合评价) and hotspots: counts and rates of the work-order loop for any period and
 * scope, configurable (versioned) scoring schemes with the Chengdu Jinniu 100-point scheme built in, rankings, the
 * orders behind every number, trends, hotspots and XLSX export. Definitions: FORMULAS.md and formulas.ts.
 */
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import { performanceRoutes } from './performance.routes.js';

export {
  COUNT_KEYS,
  DEFAULT_LIMITS,
  JINNIU_SCHEME,
  RATE_DEFS,
  RATE_KEYS,
  addCounts,
  emptyCounts,
  gradeOf,
  orderCounts,
  rates,
  ratio,
  schemeProblem,
  scoreOf,
  sumCounts,
  type CountKey,
  type Counts,
  type Limits,
  type OrderFacts,
  type RateKey,
  type Rates,
  type SchemeDefinition,
  type Score,
} from './formulas.js';
export { DIMENSIONS, HOTSPOT_LEVELS, type Dimension, type Filters as PerformanceFilters, type HotspotLevel } from './performance.repo.js';
export {
  BUILT_IN_SCHEME,
  MAX_PERIOD_DAYS,
  bucketStart,
  createScheme,
  exportRanking,
  hotspots,
  listSchemes,
  ordersBehind,
  performanceIndicators,
  ranking,
  resolveScheme,
  trend,
  type Evaluated,
  type PerformanceContext,
  type Ranking,
} from './performance.service.js';
export { performancePolicy } from './performance.policy.js';

export function createPerformanceModule(ctx: AppContext): ApiModule {
  return { routes: (app) => performanceRoutes(app, ctx) };
}
