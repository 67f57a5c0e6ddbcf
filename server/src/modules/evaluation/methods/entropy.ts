/**
 * Entropy weight method (objective weights from how much each indicator varies across the alternatives).
 * For an m × n matrix of non-negative values x_ij (m alternatives, n indicators), m ≥ 2:
 *
 *   p_ij = x_ij / Σ_i x_ij
 *   e_j  = −(1 / ln m) Σ_i p_ij ln p_ij        with 0 · ln 0 = 0
 *   d_j  = 1 − e_j                             (degree of diversification)
 *   w_j  = d_j / Σ_k d_k
 *
 * Values are used as given (no prior normalisation): this is the formula of the published vector. Negative values
 * are refused (p would not be a distribution); normalise cost indicators first if they should count reversed.
 *
 * Degenerate columns, documented because they are common in real imports:
 * - a constant column (every alternative equal) has p_ij = 1/m, e_j = 1, d_j = 0 → weight 0: it cannot tell
 *   alternatives apart, so it gets no objective weight;
 * - an all-zero column has no distribution at all; it is treated as constant (e_j = 1, weight 0);
 * - when every column is degenerate (Σ d = 0) there is no information to weigh by, so the weights are equal
 *   (1/n) and `degenerate` is true, for the caller to flag.
 */
import { badRequest } from '../../../shared/errors.js';
import { checkMatrix, type Matrix } from './errors.js';

export interface EntropyResult {
  weights: number[];
  entropy: number[];
  /** Indexes of columns that were constant or all zero (weight 0). */
  constantColumns: number[];
  /** Every column degenerate: equal weights returned. */
  degenerate: boolean;
}

export function entropyWeights(matrix: Matrix): EntropyResult {
  const { rows: m, cols: n } = checkMatrix(matrix, 2);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) if (matrix[i]![j]! < 0) throw badRequest('evaluation.entropy_negative', { row: i + 1, col: j + 1 });
  }
  const lnM = Math.log(m);
  const entropy: number[] = [];
  const constantColumns: number[] = [];
  for (let j = 0; j < n; j++) {
    let sum = 0;
    let constant = true;
    const first = matrix[0]![j]!;
    for (let i = 0; i < m; i++) {
      sum += matrix[i]![j]!;
      if (matrix[i]![j]! !== first) constant = false;
    }
    if (constant || sum === 0) {
      constantColumns.push(j);
      entropy.push(1);
      continue;
    }
    let h = 0;
    for (let i = 0; i < m; i++) {
      const p = matrix[i]![j]! / sum;
      if (p > 0) h -= p * Math.log(p);
    }
    entropy.push(h / lnM);
  }
  const d = entropy.map((e) => Math.max(0, 1 - e));
  const total = d.reduce((a, b) => a + b, 0);
  if (total === 0) return { weights: new Array<number>(n).fill(1 / n), entropy, constantColumns, degenerate: true };
  return { weights: d.map((x) => x / total), entropy, constantColumns, degenerate: false };
}
