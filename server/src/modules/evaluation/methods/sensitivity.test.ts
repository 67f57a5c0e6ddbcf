/**
 * The sensitivity draws' fast paths against the straightforward computations they replace: column-wise totals
 * (totalsAggregator) against the entity-wise tree walk (aggregate), and the binary-search ranks against ranks from a
 * comparator sort — on random trees, scores with missing cells, ties and random weights, compared bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { aggregate, compileTree, totalsAggregator, type TreeNodeSpec } from './engine.js';
import { mulberry32 } from './random.js';
import { rankDescending } from './stats.js';

function randomTree(random: () => number, depth: number, prefix: string): TreeNodeSpec[] {
  const count = 1 + Math.floor(random() * 4);
  return Array.from({ length: count }, (_, k) => {
    const code = `${prefix}${k}`;
    const weight = random() < 0.1 ? 0 : 0.1 + random();
    return depth > 0 && random() < 0.6
      ? { code, weight: weight || 1, children: randomTree(random, depth - 1, `${code}.`) }
      : { code, weight: weight || 1, direction: 'benefit' as const, normalization: { method: 'minmax' as const } };
  });
}

/** Ranks the way they were computed before: sort indexes by descending score, ties share the best rank. */
function naiveRanks(scores: Float64Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i]!)) idx.push(i);
  idx.sort((a, b) => scores[b]! - scores[a]!);
  const out = new Array<number>(scores.length).fill(0);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    out[i] = k > 0 && scores[idx[k - 1]!] === scores[i] ? out[idx[k - 1]!]! : k + 1;
  }
  return out;
}

describe('sensitivity fast paths', () => {
  it('column-wise totals equal the tree walk bit for bit, with missing cells and perturbed weights', () => {
    const random = mulberry32(42);
    for (let round = 0; round < 30; round++) {
      const tree = compileTree(randomTree(random, 3, 'n'));
      const m = 1 + Math.floor(random() * 60);
      const L = tree.leaves.length;
      const missingShare = round % 3 === 0 ? 0 : round % 3 === 1 ? 0.2 : 0.7;
      const leafScores = Float64Array.from({ length: m * L }, () => (random() < missingShare ? NaN : Math.round(random() * 100 * 4) / 4));
      const totals = totalsAggregator(tree, leafScores, m);
      for (let draw = 0; draw < 5; draw++) {
        const weights = Float64Array.from(tree.weight, (w, i) => (i === 0 ? 1 : draw === 0 ? w : random() < 0.05 ? 0 : w * (0.5 + random())));
        const nodeScores = new Float64Array(m * tree.size);
        aggregate(tree, weights, leafScores, m, nodeScores);
        const expected = Array.from({ length: m }, (_, i) => nodeScores[i * tree.size]!);
        const out = new Float64Array(m);
        totals(weights, out);
        expect([...out].map((x) => (Number.isNaN(x) ? 'NaN' : x.toString()))).toEqual(expected.map((x) => (Number.isNaN(x) ? 'NaN' : x.toString())));
      }
    }
  });

  it('binary-search ranks equal the sorted competition ranks (ties, NaN, reused scratch)', () => {
    const random = mulberry32(7);
    const scratch = new Float64Array(200);
    for (let round = 0; round < 50; round++) {
      const m = Math.floor(random() * 200);
      const scores = Float64Array.from({ length: m }, () => (random() < 0.1 ? NaN : Math.floor(random() * 20) * (random() < 0.5 ? 1 : 0.5)));
      expect([...rankDescending(scores, new Int32Array(m), scratch)]).toEqual(naiveRanks(scores));
      expect([...rankDescending(scores)]).toEqual(naiveRanks(scores));
    }
  });
});
