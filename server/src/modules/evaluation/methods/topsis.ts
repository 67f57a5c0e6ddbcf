/**
 * TOPSIS (Hwang & Yoon): rank alternatives by closeness to an ideal solution. For an m × n matrix x, weights w
 * (scaled to Σw = 1) and types t_j (1 benefit, −1 cost):
 *
 *   vector normalisation:   r_ij = x_ij / sqrt(Σ_i x_ij²); ideal v⁺_j = max_i v_ij for benefit, min for cost,
 *                           anti-ideal v⁻_j the opposite; v_ij = w_j·r_ij.
 *   min-max normalisation:  r_ij = (x_ij − min_j)/(max_j − min_j) for benefit, (max_j − x_ij)/(max_j − min_j) for
 *                           cost, so every column becomes "more is better" and v⁺_j = max_i v_ij, v⁻_j = min_i v_ij.
 *   D⁺_i = ‖v_i − v⁺‖₂, D⁻_i = ‖v_i − v⁻‖₂, closeness C_i = D⁻_i / (D⁺_i + D⁻_i) ∈ [0, 1].
 *
 * Degenerate cases: an all-zero column (vector) or a constant column (min-max) is the same for every alternative
 * and contributes 0 to both distances (r = 0). When every alternative coincides (D⁺ + D⁻ = 0) C = 0.5 for all:
 * none is closer to the ideal than another.
 */
import { badRequest } from '../../../shared/errors.js';
import { checkMatrix, normalizeWeights, type Matrix } from './errors.js';

export type TopsisNormalization = 'vector' | 'minmax';

export interface TopsisResult {
  closeness: number[];
  dPlus: number[];
  dMinus: number[];
}

export function topsis(matrix: Matrix, weights: readonly number[], types: readonly number[], normalization: TopsisNormalization): TopsisResult {
  const { rows: m, cols: n } = checkMatrix(matrix);
  if (weights.length !== n) throw badRequest('evaluation.weights_length', { expected: n, actual: weights.length });
  if (types.length !== n) throw badRequest('evaluation.types_length', { expected: n, actual: types.length });
  types.forEach((t, j) => {
    if (t !== 1 && t !== -1) throw badRequest('evaluation.type_invalid', { index: j + 1 });
  });
  const w = normalizeWeights(weights);
  const v: number[][] = Array.from({ length: m }, () => new Array<number>(n).fill(0));
  const ideal = new Array<number>(n);
  const anti = new Array<number>(n);
  for (let j = 0; j < n; j++) {
    let min = Infinity;
    let max = -Infinity;
    let sq = 0;
    for (let i = 0; i < m; i++) {
      const x = matrix[i]![j]!;
      min = Math.min(min, x);
      max = Math.max(max, x);
      sq += x * x;
    }
    const benefit = types[j] === 1 || normalization === 'minmax';
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = 0; i < m; i++) {
      const x = matrix[i]![j]!;
      let r: number;
      if (normalization === 'vector') r = sq === 0 ? 0 : x / Math.sqrt(sq);
      else if (max === min) r = 0;
      else r = types[j] === 1 ? (x - min) / (max - min) : (max - x) / (max - min);
      const value = w[j]! * r;
      v[i]![j] = value;
      hi = Math.max(hi, value);
      lo = Math.min(lo, value);
    }
    ideal[j] = benefit ? hi : lo;
    anti[j] = benefit ? lo : hi;
  }
  const dPlus: number[] = [];
  const dMinus: number[] = [];
  const closeness: number[] = [];
  for (let i = 0; i < m; i++) {
    let p = 0;
    let q = 0;
    for (let j = 0; j < n; j++) {
      p += (v[i]![j]! - ideal[j]!) ** 2;
      q += (v[i]![j]! - anti[j]!) ** 2;
    }
    const dp = Math.sqrt(p);
    const dm = Math.sqrt(q);
    dPlus.push(dp);
    dMinus.push(dm);
    closeness.push(dp + dm === 0 ? 0.5 : dm / (dp + dm));
  }
  return { closeness, dPlus, dMinus };
}
