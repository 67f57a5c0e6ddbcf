import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { ahp, validatePairwise } from './ahp.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

/** A perfectly consistent matrix a_ij = w_i / w_j. */
const consistent = (w: number[]) => w.map((wi) => w.map((wj) => wi / wj));

describe('AHP', () => {
  it('recovers the weights of a consistent matrix exactly, with λmax = n and CI = CR = 0', () => {
    const w = [0.5, 0.25, 0.15, 0.1];
    const r = ahp(consistent(w));
    r.weights.forEach((x, i) => expect(x).toBeCloseTo(w[i]!, 12));
    expect(r.lambdaMax).toBeCloseTo(4, 12);
    expect(r.CI).toBeCloseTo(0, 12);
    expect(r.CR).toBeCloseTo(0, 12);
    expect(r.RI).toBe(0.9);
    expect(r.consistent).toBe(true);
  });

  it('handles n = 1 and n = 2 (always consistent, RI = 0, CR defined as 0)', () => {
    expect(ahp([[1]])).toMatchObject({ weights: [1], lambdaMax: 1, CI: 0, CR: 0, mostInconsistent: null });
    const two = ahp([
      [1, 3],
      [1 / 3, 1],
    ]);
    expect(two.weights[0]).toBeCloseTo(0.75, 12);
    expect(two.CR).toBe(0);
    expect(two.mostInconsistent).toMatchObject({ i: 0, j: 1 });
  });

  it('flags CR ≥ 0.1 and points at the judgement that contradicts the others', () => {
    // 1 ≻ 2 (3), 2 ≻ 3 (3), so 1 ≻ 3 should be about 9 — the analyst wrote 1/5.
    const r = ahp([
      [1, 3, 1 / 5],
      [1 / 3, 1, 3],
      [5, 1 / 3, 1],
    ]);
    expect(r.CR).toBeGreaterThanOrEqual(0.1);
    expect(r.consistent).toBe(false);
    expect(r.mostInconsistent).toMatchObject({ i: 0, j: 2, judgement: 1 / 5 });
    expect(r.mostInconsistent!.implied).toBeGreaterThan(1 / 5);
  });

  it('states the power iteration converged (tolerance reached within the bound)', () => {
    const r = ahp(consistent([0.4, 0.3, 0.2, 0.1]), { tolerance: 1e-14 });
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.iterations).toBeLessThan(10_000);
  });

  it('refuses matrices that are not positive reciprocal squares of size 1…15', () => {
    expect(code(() => validatePairwise([[1, 2]]))).toBe('evaluation.ahp_not_square');
    expect(code(() => validatePairwise([[2]]))).toBe('evaluation.ahp_diagonal');
    expect(code(() => validatePairwise([[1, 2], [0.4, 1]]))).toBe('evaluation.ahp_not_reciprocal');
    expect(code(() => validatePairwise([[1, -2], [-0.5, 1]]))).toBe('evaluation.ahp_not_positive');
    expect(code(() => validatePairwise([[1, 2], [0.5]]))).toBe('evaluation.matrix_ragged');
    expect(code(() => validatePairwise([[1, Number.NaN], [1, 1]]))).toBe('evaluation.cell_not_number');
    expect(code(() => validatePairwise([]))).toBe('evaluation.matrix_too_small');
    expect(code(() => validatePairwise(consistent(new Array(16).fill(1))))).toBe('evaluation.ahp_too_large');
    // 0.333 typed for 1/3 is accepted (within the documented 1 % reciprocal tolerance).
    expect(validatePairwise([[1, 3], [0.333, 1]])).toBe(2);
  });
});
