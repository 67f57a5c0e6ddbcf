import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { compileTree, score, type TreeNodeSpec } from './engine.js';
import { dirichletAround, gamma, mulberry32 } from './random.js';
import { sensitivity } from './sensitivity.js';
import { checkTiers, DEFAULT_TIERS } from './stats.js';

const leaf = (code: string, weight: number, direction: 'benefit' | 'cost' = 'benefit'): TreeNodeSpec => ({ code, weight, direction, normalization: { method: 'minmax' } });
// Two first-level nodes: A (weight 3) with leaves a1 (1), a2 (1); B (weight 1) with one cost leaf b1.
const TREE: TreeNodeSpec[] = [
  { code: 'A', weight: 3, children: [leaf('a1', 1), leaf('a2', 1)] },
  { code: 'B', weight: 1, children: [leaf('b1', 1, 'cost')] },
];

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

describe('indicator tree', () => {
  it('compiles in pre-order with weights scaled within each parent', () => {
    const t = compileTree(TREE);
    expect(t.codes).toEqual(['', 'A', 'a1', 'a2', 'B', 'b1']);
    expect([...t.weight]).toEqual([1, 0.75, 0.5, 0.5, 0.25, 1]);
    expect(t.leaves.map((l) => l.code)).toEqual(['a1', 'a2', 'b1']);
    expect([...t.depth]).toEqual([0, 1, 2, 2, 1, 2]);
  });

  it('refuses duplicate codes, incomplete leaves, zero weights, contradictory targets', () => {
    expect(codeOf(() => compileTree([leaf('x', 1), leaf('x', 1)]))).toBe('evaluation.code_duplicate');
    expect(codeOf(() => compileTree([{ code: 'x', weight: 1 }]))).toBe('evaluation.leaf_incomplete');
    expect(codeOf(() => compileTree([leaf('x', 0), leaf('y', 0)]))).toBe('evaluation.node_weights_zero');
    expect(codeOf(() => compileTree([leaf('x', -1)]))).toBe('evaluation.node_weight_invalid');
    expect(codeOf(() => compileTree([]))).toBe('evaluation.tree_empty_node');
    expect(codeOf(() => compileTree([{ code: 'x', weight: 1, direction: 'cost', normalization: { method: 'target', threshold: 1, target: 2 } }]))).toBe('evaluation.target_direction');
    let deep: TreeNodeSpec = leaf('l', 1);
    for (let d = 0; d < 13; d++) deep = { code: `n${d}`, weight: 1, children: [deep] };
    expect(codeOf(() => compileTree([deep]))).toBe('evaluation.tree_too_deep');
  });
});

describe('scoring', () => {
  // Three entities; raw columns a1, a2, b1 (b1 is a cost).
  const values = Float64Array.from([0, 10, 5, /**/ 50, 20, 10, /**/ 100, 30, 15]);

  it('weighted linear sum of min-max scores, by hand', () => {
    const r = score({ tree: compileTree(TREE), values, entities: 3, missing: 'renormalize', aggregation: 'weighted_sum' });
    // Entity 1: a1 = 50, a2 = 50 → A = 50; b1 = 50 → B = 50; total = 50.
    // Entity 0: a1 = 0, a2 = 0 → A = 0; b1 cost 5 = best → 100; total = 0.75·0 + 0.25·100 = 25.
    expect([...r.total]).toEqual([25, 50, 75]);
    expect(r.nodeScores[0 * 6 + 4]).toBe(100);
    expect([...r.coverage]).toEqual([1, 1, 1]);
    expect(r.flags).toEqual([]);
  });

  it('renormalises among present siblings and flags the gap', () => {
    const v = Float64Array.from(values);
    v[1 * 3 + 1] = NaN; // entity 1 has no a2
    const r = score({ tree: compileTree(TREE), values: v, entities: 3, missing: 'renormalize', aggregation: 'weighted_sum' });
    // a2 min-max is now over {10, 30}: entity 1's A = a1 = 50 alone.
    expect(r.nodeScores[1 * 6 + 1]).toBe(50);
    expect(r.coverage[1]).toBeCloseTo(1 - 0.75 * 0.5, 12);
    expect(r.flags).toEqual([{ entity: 1, code: 'a2', handling: 'renormalized' }]);
    // A whole missing branch: the total rests on the other branch only.
    const w = Float64Array.from(values);
    w[0] = NaN;
    w[1] = NaN;
    const r2 = score({ tree: compileTree(TREE), values: w, entities: 3, missing: 'renormalize', aggregation: 'weighted_sum' });
    expect(r2.total[0]).toBe(100);
    expect(r2.coverage[0]).toBeCloseTo(0.25, 12);
  });

  it('imputes by class median, falling back to the overall median, and flags each', () => {
    const v = Float64Array.from([0, 10, 5, /**/ 40, 20, 10, /**/ NaN, 30, 15, /**/ NaN, 30, 15]);
    const r = score({ tree: compileTree(TREE), values: v, entities: 4, classes: ['x', 'x', 'x', 'y'], missing: 'impute_class_median', aggregation: 'weighted_sum' });
    expect(r.flags).toEqual([
      { entity: 2, code: 'a1', handling: 'imputed_class_median', value: 20 },
      { entity: 3, code: 'a1', handling: 'imputed_overall_median', value: 20 },
    ]);
    expect(r.leafScores[2 * 3]).toBe(50);
  });

  it('TOPSIS totals: the best on every leaf gets 100, the worst 0', () => {
    const r = score({ tree: compileTree(TREE), values: Float64Array.from([0, 10, 15, 50, 20, 10, 100, 30, 5]), entities: 3, missing: 'renormalize', aggregation: 'topsis' });
    expect(r.total[2]).toBeCloseTo(100, 12);
    expect(r.total[0]).toBeCloseTo(0, 12);
    expect(r.total[1]).toBeCloseTo(50, 12);
  });

  it('refuses a value array of the wrong size', () => {
    expect(codeOf(() => score({ tree: compileTree(TREE), values: new Float64Array(4), entities: 2, missing: 'renormalize', aggregation: 'weighted_sum' }))).toBe('evaluation.values_size');
  });
});

describe('random draws', () => {
  it('is reproducible from the seed and uniform on [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it('draws Gamma with the right mean and Dirichlet around the weights', () => {
    const r = mulberry32(7);
    for (const shape of [0.5, 2, 30]) {
      let sum = 0;
      for (let k = 0; k < 20_000; k++) sum += gamma(r, shape);
      expect(sum / 20_000).toBeCloseTo(shape, shape < 1 ? 1 : 0);
    }
    const w = [0.6, 0.3, 0.1, 0];
    const out = new Float64Array(4);
    const mean = [0, 0, 0, 0];
    for (let k = 0; k < 5000; k++) {
      dirichletAround(r, w, 100, out);
      expect(out.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      out.forEach((x, i) => (mean[i]! += x / 5000));
    }
    mean.forEach((m, i) => expect(m).toBeCloseTo(w[i]!, 2));
    expect(mean[3]).toBe(0);
  });
});

describe('sensitivity', () => {
  const tree = compileTree(TREE);
  const values = Float64Array.from([0, 10, 5, 50, 20, 10, 100, 30, 15, 56, 19, 10]);
  const base = score({ tree, values, entities: 4, missing: 'renormalize', aggregation: 'weighted_sum' });
  const tiers = checkTiers(DEFAULT_TIERS);
  const opts = { draws: 300, seed: 1, concentration: 50 };

  it('is reproducible and bounds ranks; a dominant entity stays first', () => {
    const a = sensitivity(tree, base.leafScores, 4, base.total, tiers, 'weighted_sum', opts);
    const b = sensitivity(tree, base.leafScores, 4, base.total, tiers, 'weighted_sum', opts);
    expect(a).toEqual(b);
    expect(a.entities[2]).toMatchObject({ rankP05: 1, rankMedian: 1, rankP95: 1 });
    // Its 75 is near the 70 boundary: some draws push it into the second tier.
    expect(a.entities[2]!.tierStability).toBeLessThan(1);
    expect(a.entities[2]!.tierStability).toBeGreaterThan(0.5);
    for (const e of a.entities) {
      expect(e.rankP05).toBeLessThanOrEqual(e.rankMedian);
      expect(e.rankMedian).toBeLessThanOrEqual(e.rankP95);
      expect(e.tierStability).toBeGreaterThanOrEqual(0);
      expect(e.tierStability).toBeLessThanOrEqual(1);
    }
    // Entities 1 and 3 are nearly tied (50 vs 50.375): under perturbation they swap places some of the time.
    expect(a.entities[1]!.rankP95).toBeGreaterThan(a.entities[1]!.rankP05);
    expect(a.influence.map((x) => x.code).sort()).toEqual(['a1', 'a2', 'b1']);
    expect(a.influence[0]!.influence).toBeGreaterThanOrEqual(a.influence[2]!.influence);
  });

  it('with a huge concentration the weights barely move: everyone keeps rank and tier', () => {
    const r = sensitivity(tree, base.leafScores, 4, base.total, tiers, 'weighted_sum', { draws: 50, seed: 3, concentration: 1e9 });
    expect(r.entities.map((e) => e.rankMedian)).toEqual([4, 3, 1, 2]);
    expect(r.entities.every((e) => e.tierStability === 1)).toBe(true);
  });

  it('refuses out-of-bound draw counts and concentrations', () => {
    expect(codeOf(() => sensitivity(tree, base.leafScores, 4, base.total, tiers, 'weighted_sum', { ...opts, draws: 0 }))).toBe('evaluation.draws_invalid');
    expect(codeOf(() => sensitivity(tree, base.leafScores, 4, base.total, tiers, 'weighted_sum', { ...opts, concentration: 0 }))).toBe('evaluation.concentration_invalid');
  });
});
