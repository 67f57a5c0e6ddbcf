import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { combineWeights } from './combine.js';
import { entropyWeights } from './entropy.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

describe('entropy weights', () => {
  it('computes e_j by hand for a small matrix, with 0·ln0 = 0', () => {
    // Column 0: p = (1, 0) → e = 0 (all mass on one alternative: maximal information).
    // Column 1: p = (1/2, 1/2) → e = 1 (constant: no information).
    // Column 2: p = (1/4, 3/4) → e = −(¼ln¼ + ¾ln¾)/ln2.
    const r = entropyWeights([
      [5, 2, 1],
      [0, 2, 3],
    ]);
    const e2 = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)) / Math.log(2);
    expect(r.entropy[0]).toBe(0);
    expect(r.entropy[1]).toBe(1);
    expect(r.entropy[2]).toBeCloseTo(e2, 12);
    const d = [1, 0, 1 - e2];
    r.weights.forEach((w, j) => expect(w).toBeCloseTo(d[j]! / (d[0]! + d[2]!), 12));
    expect(r.constantColumns).toEqual([1]);
  });

  it('gives all-zero columns weight 0 and equal weights when nothing varies', () => {
    const r = entropyWeights([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(r.degenerate).toBe(true);
    expect(r.weights).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(r.constantColumns).toEqual([0, 1, 2]);
  });

  it('refuses negatives, a single alternative and ragged rows', () => {
    expect(code(() => entropyWeights([[1, 2], [-1, 3]]))).toBe('evaluation.entropy_negative');
    expect(code(() => entropyWeights([[1, 2]]))).toBe('evaluation.matrix_too_small');
    expect(code(() => entropyWeights([[1, 2], [3]]))).toBe('evaluation.matrix_ragged');
  });
});

describe('combined weights', () => {
  it('mixes linearly with α for the experts', () => {
    const w = combineWeights([0.6, 0.4], [0.2, 0.8], { rule: 'linear', alpha: 0.5 });
    expect(w[0]).toBeCloseTo(0.4, 12);
    expect(w[1]).toBeCloseTo(0.6, 12);
    expect(combineWeights([3, 1], [1, 1], { rule: 'linear', alpha: 1 })).toEqual([0.75, 0.25]);
  });
  it('multiplies and rescales', () => {
    const w = combineWeights([0.5, 0.5], [0.2, 0.8], { rule: 'multiplicative' });
    expect(w[0]).toBeCloseTo(0.2, 12);
    expect(code(() => combineWeights([1, 0], [0, 1], { rule: 'multiplicative' }))).toBe('evaluation.weights_disjoint');
  });
  it('refuses mismatched lengths, bad α, negative or all-zero weights', () => {
    expect(code(() => combineWeights([1], [1, 2], { rule: 'multiplicative' }))).toBe('evaluation.weights_length');
    expect(code(() => combineWeights([1, 1], [1, 2], { rule: 'linear', alpha: 1.5 }))).toBe('evaluation.alpha_invalid');
    expect(code(() => combineWeights([1, -1], [1, 2], { rule: 'linear', alpha: 0.5 }))).toBe('evaluation.weight_invalid');
    expect(code(() => combineWeights([0, 0], [1, 2], { rule: 'linear', alpha: 0.5 }))).toBe('evaluation.weights_zero');
  });
});
