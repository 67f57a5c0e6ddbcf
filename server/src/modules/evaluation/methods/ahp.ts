/**
 * Analytic Hierarchy Process (Saaty) for one node: from a pairwise-comparison matrix A (a_ij = how much more
 * important i is than j, on the 1–9 scale; a_ji = 1/a_ij; a_ii = 1) to the weights of the node's children.
 *
 *   w       principal right eigenvector of A, scaled to Σw = 1, by power iteration:
 *           w⁽ᵏ⁺¹⁾ = A·w⁽ᵏ⁾ / Σ(A·w⁽ᵏ⁾), from w⁽⁰⁾ = 1/n, until max_i |w⁽ᵏ⁺¹⁾_i − w⁽ᵏ⁾_i| < tolerance (default 1e-12).
 *           A positive reciprocal matrix has a simple dominant eigenvalue (Perron), so the iteration converges.
 *   λmax    = (1/n) Σ_i (A·w)_i / w_i
 *   CI      = (λmax − n) / (n − 1)                       (0 for n ≤ 2: such matrices are always consistent)
 *   CR      = CI / RI(n)                                 (0 when RI(n) = 0, i.e. n ≤ 2)
 *
 * RI is Saaty's random index. For n = 1…10 we use the values of Saaty's original table (1980), the same table the
 * published test vector states (../../../../../shared/data/vectors/published.json, "RI_table_saaty"), and the one
 * Chinese textbooks and GB-style evaluation reports quote: 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49.
 * For n = 11…15 we continue with Saaty's extended values 1.51, 1.48, 1.56, 1.57, 1.59. Nodes with more than 15
 * children are refused: Saaty advises at most 7 ± 2 comparisons per node, and no RI is tabulated beyond 15.
 *
 * CR ≥ 0.1 means the judgements are not acceptably consistent. To say which one to revisit we name the pair (i, j),
 * i < j, whose judgement a_ij deviates most from the ratio the weights imply, measured as |ln(a_ij · w_j / w_i)|
 * (log scale, so a judgement twice too high and one twice too low count the same, and (i, j) ≡ (j, i)).
 */
import { badRequest } from '../../../shared/errors.js';
import { checkMatrix, type Matrix } from './errors.js';

export const SAATY_RI: readonly number[] = [0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59];
export const AHP_MAX_SIZE = SAATY_RI.length;
export const CR_LIMIT = 0.1;
/** How far a_ij·a_ji may be from 1: judgements typed as 0.333 for 1/3 are accepted (0.999), 0.3 for 1/3 is not. */
export const RECIPROCAL_TOLERANCE = 0.01;

export interface AhpJudgement {
  /** 0-based indexes of the pair, i < j. */
  i: number;
  j: number;
  /** What the analyst said (a_ij). */
  judgement: number;
  /** What the weights imply (w_i / w_j). */
  implied: number;
}

export interface AhpResult {
  weights: number[];
  lambdaMax: number;
  CI: number;
  CR: number;
  RI: number;
  /** CR < 0.1. */
  consistent: boolean;
  /** The judgement deviating most from the weights (null for n ≤ 1). Worth revisiting first when CR ≥ 0.1. */
  mostInconsistent: AhpJudgement | null;
  iterations: number;
}

/** Refuses anything that is not a positive reciprocal square matrix of size 1…15. */
export function validatePairwise(matrix: Matrix): number {
  const { rows, cols } = checkMatrix(matrix);
  if (rows !== cols) throw badRequest('evaluation.ahp_not_square', { rows, cols });
  if (rows > AHP_MAX_SIZE) throw badRequest('evaluation.ahp_too_large', { n: rows, max: AHP_MAX_SIZE });
  for (let i = 0; i < rows; i++) {
    if (Math.abs(matrix[i]![i]! - 1) > 1e-9) throw badRequest('evaluation.ahp_diagonal', { i: i + 1 });
    for (let j = 0; j < rows; j++) {
      const a = matrix[i]![j]!;
      if (!(a > 0)) throw badRequest('evaluation.ahp_not_positive', { i: i + 1, j: j + 1 });
      if (j > i && Math.abs(a * matrix[j]![i]! - 1) > RECIPROCAL_TOLERANCE) {
        throw badRequest('evaluation.ahp_not_reciprocal', { i: i + 1, j: j + 1, aij: a, aji: matrix[j]![i]! });
      }
    }
  }
  return rows;
}

export function ahp(matrix: Matrix, options: { tolerance?: number; maxIterations?: number } = {}): AhpResult {
  const n = validatePairwise(matrix);
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 10_000;
  let w = new Array<number>(n).fill(1 / n);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const next = multiply(matrix, w);
    const sum = next.reduce((a, b) => a + b, 0);
    let delta = 0;
    for (let i = 0; i < n; i++) {
      next[i] = next[i]! / sum;
      delta = Math.max(delta, Math.abs(next[i]! - w[i]!));
    }
    w = next;
    if (delta < tolerance) {
      iterations++;
      break;
    }
  }
  const aw = multiply(matrix, w);
  let lambdaMax = 0;
  for (let i = 0; i < n; i++) lambdaMax += aw[i]! / w[i]!;
  lambdaMax /= n;
  // n ≤ 2 is consistent by construction; rounding must not turn that into a tiny non-zero CI.
  const CI = n <= 2 ? 0 : (lambdaMax - n) / (n - 1);
  const RI = SAATY_RI[n - 1]!;
  const CR = RI === 0 ? 0 : CI / RI;
  return { weights: w, lambdaMax, CI, CR, RI, consistent: CR < CR_LIMIT, mostInconsistent: worstJudgement(matrix, w), iterations };
}

function multiply(matrix: Matrix, w: readonly number[]): number[] {
  return matrix.map((row) => row.reduce((acc, a, j) => acc + a * w[j]!, 0));
}

function worstJudgement(matrix: Matrix, w: readonly number[]): AhpJudgement | null {
  let best: AhpJudgement | null = null;
  let worst = -1;
  for (let i = 0; i < w.length; i++) {
    for (let j = i + 1; j < w.length; j++) {
      const implied = w[i]! / w[j]!;
      const deviation = Math.abs(Math.log(matrix[i]![j]! / implied));
      if (deviation > worst) {
        worst = deviation;
        best = { i, j, judgement: matrix[i]![j]!, implied };
      }
    }
  }
  return best;
}
