/**
 * Evaluation (评估, /evaluation): indicator systems and their versions, data sets, runs, results and the drill-down
 * of one entity's score. Built in server/src/modules/evaluation/evaluation.service.ts (the run itself in run.ts, the
 * drill-down in drilldown.ts), described by evaluation.schema.ts; the console's 评估 page reads them.
 */

/** A version is edited as the system's one draft, then published (and never changes again: runs name it). */
export const VERSION_STATUSES = ['draft', 'published'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** Whether more of an indicator is better (benefit) or worse (cost). */
export const DIRECTIONS = ['benefit', 'cost'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** How children's scores make their parent's: a weighted sum, or TOPSIS closeness. */
export const AGGREGATIONS = ['weighted_sum', 'topsis'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** What a missing value does: the siblings' weights are renormalised, or the class median stands in. */
export const MISSING_POLICIES = ['renormalize', 'impute_class_median'] as const;
export type MissingPolicy = (typeof MISSING_POLICIES)[number];

/** Metrics the platform computes itself; a leaf with this source reads the metric (imports may also supply it). */
export const PLATFORM_METRICS = [
  'work_orders.on_time_closure_rate',
  'work_orders.closure_rate',
  'work_orders.satisfaction_rate',
  'work_orders.handled_on_time_rate',
  'work_orders.rework_rate',
] as const;
export type PlatformMetric = (typeof PLATFORM_METRICS)[number];

export type Normalization = { method: 'minmax' } | { method: 'zscore' } | { method: 'target'; threshold: number; target: number };

export type DataSource = { kind: 'import' } | { kind: 'platform'; metric: PlatformMetric };

/** One node of an indicator system as stored and edited: a flat list, each node naming its parent. */
export interface EvalNode {
  code: string;
  parent: string | null;
  nameZh: string;
  nameEn: string;
  /** Weight within the parent (ignored when the parent has a pairwise matrix). */
  weight: number;
  unit?: string;
  direction?: Direction;
  normalization?: Normalization;
  source?: DataSource;
  /** AHP pairwise-comparison matrix over this node's children, in the order they are listed. */
  pairwise?: number[][];
}

export interface EvalTier {
  code: string;
  /** Scores ≥ minScore fall in this tier (the highest tier whose minimum they reach). */
  minScore: number;
  nameZh: string;
  nameEn: string;
}

export interface EvalSettings {
  aggregation: Aggregation;
  missing: MissingPolicy;
  tiers: EvalTier[];
}

/** A system's definition: what a draft saves (PUT /evaluation/systems/:id/draft) and a version holds. */
export interface EvalDefinition {
  nodes: EvalNode[];
  settings: EvalSettings;
}

/** The consistency check of a node's AHP matrix. */
export interface AhpCheck {
  node: string;
  weights: number[];
  CR: number;
  consistent: boolean;
  mostInconsistent: { a: string; b: string; judgement: number; implied: number } | null;
}

export interface EvalVersionHead {
  id: string;
  version: number;
  status: VersionStatus;
  createdAt: string;
  publishedAt: string | null;
}

/** GET /evaluation/systems items, GET /evaluation/systems/:id: a system with its versions, oldest first. */
export interface EvalSystem {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  versions: EvalVersionHead[];
}

/** GET /evaluation/systems/:id/versions/:version, and the answer to saving or publishing a draft. */
export interface EvalVersion extends EvalVersionHead {
  systemId: string;
  definition: EvalDefinition;
  ahp: AhpCheck[];
}

/** A data set as imported: the rows refused (with why) listed up to a limit. */
export interface EvalDataset {
  id: string;
  name: string;
  synthetic: boolean;
  rowCount: number;
  indicatorCodes: string[];
  rejects: Array<{ line: number; reasons: string[] }>;
  rejectsTruncated: boolean;
}

/** GET /evaluation/datasets items, newest first. */
export interface EvalDatasetListItem {
  id: string;
  name: string;
  synthetic: boolean;
  rowCount: number;
  indicatorCount: number;
  rejectedCount: number;
  createdAt: string;
}

export interface EvalDatasetPage {
  total: number;
  items: EvalDatasetListItem[];
}

/** Descriptive statistics of scores (no score skipped); null where there is none. */
export interface Summary {
  count: number;
  mean: number | null;
  median: number | null;
  /** Population standard deviation. */
  sd: number | null;
  min: number | null;
  max: number | null;
  /** Interquartile range (linear interpolation between order statistics, like R type 7 / numpy default). */
  iqr: number | null;
}

export interface RunSummary {
  entities: number;
  overall: Summary;
  byClass: Record<string, Summary>;
  byRegion: Record<string, Summary>;
  tierCounts: Record<string, number>;
  missingCells: number;
  constantLeaves: string[];
  ahp: AhpCheck[];
  /** Leaves whose codes no entity supplied. */
  absentIndicators: string[];
}

/** How a run's Monte-Carlo sensitivity was drawn (POST /evaluation/runs `sensitivity`). */
export interface SensitivityOptions {
  draws: number;
  seed: number;
  /** Dirichlet concentration κ: larger = weights stay closer to the chosen ones. */
  concentration: number;
}

/** A run's Monte-Carlo sensitivity: how it was drawn and each leaf's influence on the ranks. */
export interface RunSensitivity extends SensitivityOptions {
  influence: Array<{ code: string; influence: number }>;
}

/** GET /evaluation/runs/:id and the answer to POST /evaluation/runs. */
export interface EvalRun {
  id: string;
  systemVersionId: string;
  datasetId: string;
  previousRunId: string | null;
  createdAt: string;
  /** The version's settings the run used, and its sensitivity options (null when run without). */
  settings: unknown;
  summary: RunSummary;
  /** Monte-Carlo sensitivity of the run (null when it was run without). */
  sensitivity: RunSensitivity | null;
}

/** GET /evaluation/runs items, newest first. */
export interface EvalRunListItem {
  id: string;
  createdAt: string;
  system: { id: string; code: string; nameZh: string; nameEn: string };
  systemVersionId: string;
  version: number;
  dataset: { id: string; name: string; synthetic: boolean };
  previousRunId: string | null;
  entities: number;
  /** Monte-Carlo draws of the sensitivity analysis, null when the run has none. */
  draws: number | null;
}

export interface EvalRunPage {
  total: number;
  items: EvalRunListItem[];
}

/** How a missing indicator value was handled for an entity (the imputed value included). */
export interface MissingFlagView {
  code: string;
  handling: string;
  value?: number;
}

/** GET /evaluation/runs/:id/results items (rank order), and an entity's result. */
export interface EvalResult {
  code: string;
  name: string;
  class: string | null;
  province: string | null;
  region: string | null;
  total: number | null;
  rank: number;
  tier: string | null;
  coverage: number;
  /** Node code → score 0–100 (leaves: the normalised indicator score). */
  nodeScores: Record<string, number | null>;
  /** Indicator code → the value as imported (absent = missing). */
  values: Record<string, number>;
  /** As stored with the result: the missing values' handling, the change against the previous run, the rank interval. */
  flags: unknown;
}

export interface EvalResultPage {
  total: number;
  items: EvalResult[];
}

/** One node of an entity's drill-down: value → normalised score → weight → contribution. */
export interface DrillNode {
  code: string;
  parent: string | null;
  depth: number;
  nameZh: string;
  nameEn: string;
  leaf: boolean;
  unit: string | null;
  direction: Direction | null;
  normalization: Normalization | null;
  source: DataSource | null;
  /** Leaves: the value imported (null = missing). */
  value: number | null;
  /** Leaves: how a missing value was handled (imputed value included), or null. */
  missing: MissingFlagView | null;
  score: number | null;
  /** Nominal weight within the parent (siblings sum to 1). */
  weight: number;
  /** Weight within the parent renormalised among the siblings scored for this entity. */
  usedWeight: number;
  /** Product of the used weights from the root. */
  effectiveWeight: number;
  /** effectiveWeight × score; the leaves' sum to the total under weighted_sum. */
  contribution: number | null;
}

/** GET /evaluation/runs/:id/results/:entity: the result with the drill-down behind it. */
export interface EntityResultView {
  result: EvalResult;
  systemVersionId: string;
  version: number;
  aggregation: Aggregation;
  missingPolicy: MissingPolicy;
  nodes: DrillNode[];
}
