/** Display helpers of the evaluation console; the API's shapes come from @civicgrid/contracts/evaluation. */
import type { EvalTier } from '@civicgrid/contracts/evaluation';

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
