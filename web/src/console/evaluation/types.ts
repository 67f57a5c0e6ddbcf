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

/** Runs this browser created or opened (the API has no list of runs). */
const KEY = 'cg.evaluation.runs';
export interface RememberedRun {
  id: string;
  systemVersionId: string;
  createdAt: string;
}
export function rememberedRuns(): RememberedRun[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as RememberedRun[]).filter((r) => typeof r?.id === 'string') : [];
  } catch {
    return [];
  }
}
export function rememberRun(run: Pick<EvalRun, 'id' | 'systemVersionId' | 'createdAt'>): void {
  const list = [{ id: run.id, systemVersionId: run.systemVersionId, createdAt: run.createdAt }, ...rememberedRuns().filter((r) => r.id !== run.id)].slice(0, 20);
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* storage full or disabled: the run is still open */
  }
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
