/**
 * Input checks shared by the pure methods. They throw AppError (bad_request) with stable codes, so the same
 * message reaches an analyst at the CLI (exit 2) and an API client (400).
 */
import { badRequest } from '../../../shared/errors.js';

export type Matrix = readonly (readonly number[])[];

/** Rows × columns, every row the same length, every cell a finite number; at least `minRows` × 1. */
export function checkMatrix(matrix: Matrix, minRows = 1): { rows: number; cols: number } {
  const rows = matrix.length;
  if (rows < minRows) throw badRequest('evaluation.matrix_too_small', { rows, min: minRows });
  const cols = matrix[0]?.length ?? 0;
  if (cols === 0) throw badRequest('evaluation.matrix_too_small', { rows, min: minRows });
  for (let i = 0; i < rows; i++) {
    const row = matrix[i]!;
    if (row.length !== cols) throw badRequest('evaluation.matrix_ragged', { row: i + 1, expected: cols, actual: row.length });
    for (let j = 0; j < cols; j++) {
      if (typeof row[j] !== 'number' || !Number.isFinite(row[j])) throw badRequest('evaluation.cell_not_number', { row: i + 1, col: j + 1 });
    }
  }
  return { rows, cols };
}

/** Non-negative weights with a positive sum, scaled to sum to 1. */
export function normalizeWeights(weights: readonly number[]): number[] {
  let sum = 0;
  for (let j = 0; j < weights.length; j++) {
    const w = weights[j]!;
    if (!Number.isFinite(w) || w < 0) throw badRequest('evaluation.weight_invalid', { index: j + 1 });
    sum += w;
  }
  if (!(sum > 0)) throw badRequest('evaluation.weights_zero');
  return weights.map((w) => w / sum);
}
