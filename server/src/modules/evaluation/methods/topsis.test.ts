import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { topsis } from './topsis.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

describe('TOPSIS', () => {
  it('vector normalisation, computed by hand for two alternatives', () => {
    // Column norms: sqrt(3²+4²)=5 and sqrt(1²+1²)=√2 (cost). v = 0.5·r.
    const r = topsis([
      [3, 1],
      [4, 1],
    ], [1, 1], [1, -1], 'vector');
    // Column 2 is identical for both → no contribution. A2 is the ideal, A1 the anti-ideal.
    expect(r.closeness[0]).toBeCloseTo(0, 12);
    expect(r.closeness[1]).toBeCloseTo(1, 12);
    expect(r.dPlus[0]).toBeCloseTo(0.5 * (4 / 5 - 3 / 5), 12);
  });

  it('prefers the lower value of a cost criterion', () => {
    const r = topsis([[10], [20], [30]], [1], [-1], 'vector');
    expect(r.closeness[0]).toBeGreaterThan(r.closeness[1]!);
    expect(r.closeness[1]).toBeGreaterThan(r.closeness[2]!);
    expect(r.closeness[1]).toBeCloseTo(0.5, 12);
  });

  it('gives 0.5 to everyone when all alternatives coincide', () => {
    expect(topsis([[1, 2], [1, 2]], [1, 1], [1, 1], 'minmax').closeness).toEqual([0.5, 0.5]);
    expect(topsis([[0], [0]], [1], [1], 'vector').closeness).toEqual([0.5, 0.5]);
  });

  it('refuses wrong lengths and types', () => {
    expect(code(() => topsis([[1, 2]], [1], [1, 1], 'vector'))).toBe('evaluation.weights_length');
    expect(code(() => topsis([[1, 2]], [1, 1], [1], 'vector'))).toBe('evaluation.types_length');
    expect(code(() => topsis([[1, 2]], [1, 1], [1, 0], 'vector'))).toBe('evaluation.type_invalid');
  });
});
