/** Shapes of the evaluation API (server/src/modules/evaluation/evaluation.schema.ts) that the console reads. */
export interface EvalVersionHead {
  id: string;
  version: number;
  status: 'draft' | 'published';
  createdAt: string;
  publishedAt: string | null;
}
export interface EvalSystem {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  versions: EvalVersionHead[];
}
export interface EvalNode {
  code: string;
  parent: string | null;
  nameZh: string;
  nameEn: string;
  weight: number;
  unit?: string;
  direction?: 'benefit' | 'cost';
  normalization?: { method: string; threshold?: number; target?: number };
  source?: { kind: 'import' } | { kind: 'platform'; metric: string };
  /** AHP pairwise-comparison matrix over the children, in list order. */
  pairwise?: number[][];
}
export interface AhpCheck {
  node: string;
  weights: number[];
  CR: number;
  consistent: boolean;
  mostInconsistent: { a: string; b: string; judgement: number; implied: number } | null;
}
export interface EvalTier {
  code: string;
  minScore: number;
  nameZh: string;
  nameEn: string;
}
export interface EvalVersion extends EvalVersionHead {
  systemId: string;
  definition: { nodes: EvalNode[]; settings: { aggregation: string; missing: string; tiers: EvalTier[] } };
  ahp: AhpCheck[];
}
export interface Summary {
  count: number;
  mean: number | null;
  median: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
  iqr: number | null;
}
export interface EvalRun {
  id: string;
  systemVersionId: string;
  datasetId: string;
  previousRunId: string | null;
  createdAt: string;
  summary: {
    entities: number;
    overall: Summary;
    byClass: Record<string, Summary>;
    byRegion: Record<string, Summary>;
    tierCounts: Record<string, number>;
    missingCells: number;
  };
  /** Monte-Carlo sensitivity of the run (null when it was run without). */
  sensitivity: { draws: number; seed: number; concentration: number; influence: { code: string; influence: number }[] } | null;
}
/** GET /evaluation/runs items. */
export interface EvalRunListItem {
  id: string;
  createdAt: string;
  system: { id: string; code: string; nameZh: string; nameEn: string };
  systemVersionId: string;
  version: number;
  dataset: { id: string; name: string; synthetic: boolean };
  previousRunId: string | null;
  entities: number;
  draws: number | null;
}
/** GET /evaluation/datasets items. */
export interface EvalDatasetListItem {
  id: string;
  name: string;
  synthetic: boolean;
  rowCount: number;
  indicatorCount: number;
  rejectedCount: number;
  createdAt: string;
}
/** GET /evaluation/runs/:id/results/:entity nodes: value → normalised score → weight → contribution. */
export interface DrillNode {
  code: string;
  parent: string | null;
  nameZh: string;
  nameEn: string;
  leaf: boolean;
  unit: string | null;
  direction: 'benefit' | 'cost' | null;
  value: number | null;
  missing: { code: string; handling: string; value?: number } | null;
  score: number | null;
  weight: number;
  usedWeight: number;
  effectiveWeight: number;
  contribution: number | null;
}
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
  nodeScores: Record<string, number | null>;
  flags: unknown;
}

/** Tier colours by position (best first): dark text on light fill, contrast ≥ 7:1. */
const TIER_STYLES = [
  { background: '#d9f7be', color: '#135200', borderColor: '#95de64' },
  { background: '#fff1b8', color: '#614700', borderColor: '#ffd666' },
  { background: '#ffd8bf', color: '#7a2e0e', borderColor: '#ffbb96' },
  { background: '#ffccc7', color: '#820014', borderColor: '#ff7875' },
];
export function tierStyle(tiers: EvalTier[], code: string | null) {
  const sorted = [...tiers].sort((a, b) => b.minScore - a.minScore);
  const i = sorted.findIndex((t) => t.code === code);
  if (i < 0) return { background: '#f0f0f0', color: '#262626', borderColor: '#d9d9d9' };
  // The worst tier is always red, the best always green.
  const idx = i === sorted.length - 1 && sorted.length > 1 ? TIER_STYLES.length - 1 : Math.min(i, TIER_STYLES.length - 2);
  return TIER_STYLES[idx]!;
}

export const fmt = (v: number | null | undefined, digits = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));
