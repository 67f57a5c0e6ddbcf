import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { checkNormalization, normalCdf, normalizeColumn } from './normalize.js';
import { checkTiers, DEFAULT_TIERS, rankDescending, summarize, tierIndex } from './stats.js';

const run = (values: number[], direction: 'benefit' | 'cost', n: Parameters<typeof normalizeColumn>[2]) => {
  const out = new Array<number>(values.length);
  const info = normalizeColumn(values, direction, n, out);
  return { out, ...info };
};

describe('normalisation to 0–100', () => {
  it('min-max for benefit and cost, missing stays missing', () => {
    expect(run([10, 20, NaN, 30], 'benefit', { method: 'minmax' }).out).toEqual([0, 50, NaN, 100]);
    expect(run([10, 20, 30], 'cost', { method: 'minmax' }).out).toEqual([100, 50, 0]);
    expect(run([7, 7], 'cost', { method: 'minmax' })).toEqual({ out: [100, 100], constant: true });
  });

  it('z-score through the normal CDF: mean at 50, symmetric, bounded', () => {
    const r = run([1, 2, 3], 'benefit', { method: 'zscore' }).out;
    expect(r[1]).toBeCloseTo(50, 4);
    expect(r[0]! + r[2]!).toBeCloseTo(100, 6);
    // z = ±1.2247 (population sd of 1,2,3 is √(2/3)) → Φ = 0.8897.
    expect(r[2]).toBeCloseTo(88.97, 1);
    const cost = run([1, 2, 3], 'cost', { method: 'zscore' }).out;
    expect(cost[0]).toBeCloseTo(r[2]!, 9);
    expect(run([4, 4], 'benefit', { method: 'zscore' }).out).toEqual([50, 50]);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-8)).toBeGreaterThanOrEqual(0);
  });

  it('target/threshold: 0 at the threshold, 100 at the target, clamped, both directions', () => {
    expect(run([50, 60, 80, 100, 120], 'benefit', { method: 'target', threshold: 60, target: 100 }).out).toEqual([0, 0, 50, 100, 100]);
    expect(run([2, 5, 8], 'cost', { method: 'target', threshold: 8, target: 2 }).out).toEqual([100, 50, 0]);
  });

  it('refuses a target on the wrong side of the threshold', () => {
    const c = (fn: () => void) => {
      try {
        fn();
        return 'no error';
      } catch (e) {
        return (e as AppError).code;
      }
    };
    expect(c(() => checkNormalization('x', 'benefit', { method: 'target', threshold: 10, target: 5 }))).toBe('evaluation.target_direction');
    expect(c(() => checkNormalization('x', 'cost', { method: 'target', threshold: 5, target: 10 }))).toBe('evaluation.target_direction');
    expect(c(() => checkNormalization('x', 'cost', { method: 'target', threshold: 5, target: 5 }))).toBe('evaluation.target_invalid');
    // The message names the direction in words (shared/i18n.test.ts); the details keep its code.
    expect(() => checkNormalization('x', 'cost', { method: 'target', threshold: 5, target: 10 })).toThrow(expect.objectContaining({ details: { code: 'x', direction: 'cost' } }));
  });
});

describe('statistics, ranks and tiers', () => {
  it('summarises, skipping NaN', () => {
    expect(summarize([1, 2, 3, 4, NaN])).toEqual({ count: 4, mean: 2.5, median: 2.5, sd: Math.sqrt(1.25), min: 1, max: 4, iqr: 1.5 });
    expect(summarize([]).mean).toBeNull();
  });
  it('ranks with ties sharing the best rank, NaN unranked', () => {
    expect([...rankDescending([50, 70, 70, NaN, 10])]).toEqual([3, 1, 1, 0, 4]);
  });
  it('places scores in the default tiers ≥70 / 60–70 / <60 and checks custom ones', () => {
    const tiers = checkTiers(DEFAULT_TIERS);
    expect([70, 69.99, 60, 59.9, 0, NaN].map((s) => tiers[tierIndex(tiers, s)]?.code ?? null)).toEqual(['A', 'B', 'B', 'C', 'C', null]);
    expect(() => checkTiers([{ code: 'A', minScore: 50, nameZh: 'a', nameEn: 'a' }])).toThrow(AppError);
    expect(() => checkTiers([])).toThrow(AppError);
    expect(() => checkTiers([{ code: 'A', minScore: 0, nameZh: 'a', nameEn: 'a' }, { code: 'A', minScore: 10, nameZh: 'a', nameEn: 'a' }])).toThrow(AppError);
  });
});
