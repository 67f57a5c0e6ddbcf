/** Descriptive statistics, ranks and tiers for scores. NaN values (no score) are skipped everywhere. */
import type { EvalTier, Summary } from '@civicgrid/contracts/evaluation';
import { badRequest } from '../../../shared/errors.js';

export type { Summary };

export function quantile(sorted: ArrayLike<number>, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function summarize(values: Iterable<number>): Summary {
  const xs = [...values].filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (xs.length === 0) return { count: 0, mean: null, median: null, sd: null, min: null, max: null, iqr: null };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
  return { count: xs.length, mean, median: quantile(xs, 0.5), sd, min: xs[0]!, max: xs[xs.length - 1]!, iqr: quantile(xs, 0.75) - quantile(xs, 0.25) };
}

/**
 * Competition ranks ("1224"): higher score = better rank 1; ties share the best rank; NaN gets rank 0 (unranked).
 * A rank is 1 + the number of scores strictly above, found by binary search in the scores sorted with the native
 * typed-array sort (no comparator closure: this runs once per sensitivity draw). `scratch` (≥ scores.length) avoids
 * an allocation per call.
 */
export function rankDescending(scores: ArrayLike<number>, out: Int32Array = new Int32Array(scores.length), scratch?: Float64Array): Int32Array {
  const m = scores.length;
  const buffer = scratch && scratch.length >= m ? scratch : new Float64Array(m);
  let n = 0;
  for (let i = 0; i < m; i++) {
    const s = scores[i]!;
    if (s === s) buffer[n++] = s;
  }
  const sorted = buffer.subarray(0, n).sort();
  for (let i = 0; i < m; i++) {
    const s = scores[i]!;
    if (s !== s) {
      out[i] = 0;
      continue;
    }
    // First position whose value is > s; everything from there up is strictly greater.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! > s) hi = mid;
      else lo = mid + 1;
    }
    out[i] = n - lo + 1;
  }
  return out;
}

/** A tier as the API shows it (EvalTier). */
export type Tier = EvalTier;

/** The seeds' tiers: ≥ 70 leading, 60–70 developing, < 60 lagging. Configurable per run. */
export const DEFAULT_TIERS: readonly Tier[] = [
  { code: 'A', minScore: 70, nameZh: '第一梯队（≥70）', nameEn: 'Tier 1 (≥ 70)' },
  { code: 'B', minScore: 60, nameZh: '第二梯队（60–70）', nameEn: 'Tier 2 (60–70)' },
  { code: 'C', minScore: 0, nameZh: '第三梯队（<60）', nameEn: 'Tier 3 (< 60)' },
];

/** Tiers sorted by descending minimum, codes unique, the last catching everything (minScore −∞ or ≤ 0). */
export function checkTiers(tiers: readonly Tier[]): Tier[] {
  if (tiers.length === 0) throw badRequest('evaluation.tiers_invalid');
  const sorted = [...tiers].sort((a, b) => b.minScore - a.minScore);
  const codes = new Set(sorted.map((t) => t.code));
  if (codes.size !== sorted.length) throw badRequest('evaluation.tiers_invalid');
  if (sorted[sorted.length - 1]!.minScore > 0) throw badRequest('evaluation.tiers_invalid');
  return sorted;
}

/** Index into `sorted` (from checkTiers) of the tier a score falls in; -1 for NaN. */
export function tierIndex(sorted: readonly Tier[], score: number): number {
  if (Number.isNaN(score)) return -1;
  for (let k = 0; k < sorted.length; k++) if (score >= sorted[k]!.minScore) return k;
  return sorted.length - 1;
}
