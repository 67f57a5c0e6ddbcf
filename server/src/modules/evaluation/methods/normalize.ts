/**
 * Turning one indicator's raw values into scores on 0–100 (higher is better), per entity. Missing values (NaN)
 * stay NaN and are ignored when computing the column's statistics. Each method is stated with its direction:
 * benefit (more is better) or cost (less is better).
 *
 * - min-max:   benefit 100·(x − min)/(max − min); cost 100·(max − x)/(max − min).
 *              A constant column (max = min) scores 100 for everyone: all reach the best observed value. It adds
 *              the same to every entity, so ranks do not move.
 * - z-score:   z = (x − mean)/sd (population sd), mapped to 0–100 by the standard normal CDF: 100·Φ(z) for benefit,
 *              100·Φ(−z) for cost. Φ keeps the mapping bounded and monotone (a linear map such as 50 + 10z would
 *              need clamping, which hides outliers' order); the mean scores 50. A constant column scores 50.
 * - target:    a threshold (worst acceptable, scores 0) and a target (scores 100), linear between and clamped
 *              outside: 100·clamp((x − threshold)/(target − threshold), 0, 1). For a benefit indicator the target
 *              is above the threshold, for a cost indicator below it; the opposite is refused as contradictory.
 *              Scores do not depend on the other entities, so they are comparable across runs.
 */
import { badRequest } from '../../../shared/errors.js';

import type { Direction, Normalization } from '@civicgrid/contracts/evaluation';

export type { Direction, Normalization };

export function checkNormalization(code: string, direction: Direction, n: Normalization): void {
  if (n.method !== 'target') return;
  if (!Number.isFinite(n.threshold) || !Number.isFinite(n.target) || n.threshold === n.target) {
    throw badRequest('evaluation.target_invalid', { code });
  }
  if ((direction === 'benefit') !== n.target > n.threshold) throw badRequest('evaluation.target_direction', { code, direction }, { code, direction });
}

/** Scores `values` (NaN = missing) in place into `out`; returns whether the column was constant. */
export function normalizeColumn(values: ArrayLike<number>, direction: Direction, n: Normalization, out: Float64Array | number[]): { constant: boolean } {
  const len = values.length;
  if (n.method === 'target') {
    const span = n.target - n.threshold;
    for (let i = 0; i < len; i++) {
      const x = values[i]!;
      out[i] = Number.isNaN(x) ? NaN : 100 * clamp01((x - n.threshold) / span);
    }
    return { constant: false };
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < len; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
    count++;
  }
  const constant = count === 0 || max === min;
  if (n.method === 'minmax') {
    const span = max - min;
    for (let i = 0; i < len; i++) {
      const x = values[i]!;
      if (Number.isNaN(x)) out[i] = NaN;
      else if (constant) out[i] = 100;
      else out[i] = direction === 'benefit' ? (100 * (x - min)) / span : (100 * (max - x)) / span;
    }
    return { constant };
  }
  const mean = sum / Math.max(count, 1);
  let ss = 0;
  for (let i = 0; i < len; i++) {
    const x = values[i]!;
    if (!Number.isNaN(x)) ss += (x - mean) * (x - mean);
  }
  const sd = Math.sqrt(ss / Math.max(count, 1));
  for (let i = 0; i < len; i++) {
    const x = values[i]!;
    if (Number.isNaN(x)) out[i] = NaN;
    else if (constant || sd === 0) out[i] = 50;
    else {
      const z = (x - mean) / sd;
      out[i] = 100 * normalCdf(direction === 'benefit' ? z : -z);
    }
  }
  return { constant };
}

function clamp01(v: number): number {
  return v <= 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * Φ(z) via the complementary error function (W. J. Cody's rational Chebyshev approximation as given in Numerical
 * Recipes `erfc`, fractional error < 1.2e-7 everywhere) — ample for scores shown to one decimal.
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
