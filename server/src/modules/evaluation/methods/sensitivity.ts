/**
 * How much the ranking depends on the chosen weights (Monte-Carlo). Each draw replaces the weights of every group
 * of siblings by a Dirichlet(κ·w) draw around them (random.ts) — so each draw is a plausible alternative expert
 * weighting, with mean equal to the chosen one — then recomputes every entity's total, rank and tier from the
 * same normalised leaf scores. Seeded: the same seed reproduces the same result.
 *
 * Reported per entity: the 5th/50th/95th percentile of its rank over the draws (a rank interval) and the share of
 * draws in which it stays in its tier. Per leaf indicator, its influence: the mean over entities of
 * |Pearson r| between the indicator's effective weight and the entity's total across draws — how strongly scores
 * move when this weight moves. Leaves are returned most influential first.
 */
import type { SensitivityOptions } from '@civicgrid/contracts/evaluation';
import { badRequest } from '../../../shared/errors.js';
import { effectiveWeights, topsisTotals, totalsAggregator, type Aggregation, type CompiledTree } from './engine.js';
import { dirichletAround, mulberry32 } from './random.js';
import { quantile, rankDescending, tierIndex, type Tier } from './stats.js';

export type { SensitivityOptions };

export const MAX_DRAWS = 10_000;
/** draws × entities (rank store) and draws × entities × leaves (work) are bounded. */
export const MAX_RANK_CELLS = 20_000_000;

export interface SensitivityResult {
  draws: number;
  seed: number;
  concentration: number;
  entities: { rankP05: number; rankMedian: number; rankP95: number; tierStability: number }[];
  influence: { code: string; influence: number }[];
}

export function sensitivity(
  tree: CompiledTree,
  leafScores: Float64Array,
  m: number,
  baseTotals: Float64Array,
  tiers: readonly Tier[],
  aggregation: Aggregation,
  options: SensitivityOptions,
): SensitivityResult {
  const { draws, seed, concentration } = options;
  if (!Number.isInteger(draws) || draws < 1 || draws > MAX_DRAWS) throw badRequest('evaluation.draws_invalid', { max: MAX_DRAWS });
  if (!(concentration > 0) || !Number.isFinite(concentration)) throw badRequest('evaluation.concentration_invalid');
  if (draws * m > MAX_RANK_CELLS) throw badRequest('evaluation.sensitivity_too_large', { max: MAX_RANK_CELLS });
  const random = mulberry32(seed);
  const N = tree.size;
  const L = tree.leaves.length;
  const weights = new Float64Array(N);
  const siblings = new Float64Array(N);
  const eff = new Float64Array(N);
  const totalsFor = aggregation === 'topsis' ? null : totalsAggregator(tree, leafScores, m);
  const totals = new Float64Array(m);
  const ranks = new Int32Array(m);
  const rankScratch = new Float64Array(m);
  const tierMin = Float64Array.from(tiers, (t) => t.minScore);
  const rankStore = new Int32Array(draws * m);
  const baseTier = Int32Array.from(baseTotals, (t) => tierIndex(tiers, t));
  const stay = new Float64Array(m);
  // Running sums for Pearson r between effective leaf weight and entity total, per (leaf, entity).
  const sw = new Float64Array(L);
  const sww = new Float64Array(L);
  const ss = new Float64Array(m);
  const sss = new Float64Array(m);
  const sws = new Float64Array(L * m);
  for (let d = 0; d < draws; d++) {
    weights[0] = 1;
    for (let node = 0; node < N; node++) {
      const count = tree.childCount[node]!;
      if (count === 0) continue;
      const start = tree.childStart[node]!;
      for (let k = 0; k < count; k++) siblings[k] = tree.weight[tree.children[start + k]!]!;
      dirichletAround(random, siblings.subarray(0, count), concentration, siblings);
      for (let k = 0; k < count; k++) weights[tree.children[start + k]!] = siblings[k]!;
    }
    effectiveWeights(tree, weights, eff);
    if (aggregation === 'topsis') topsisTotals(tree, eff, leafScores, m, totals);
    else totalsFor!(weights, totals);
    rankDescending(totals, ranks, rankScratch);
    rankStore.set(ranks, d * m);
    for (let i = 0; i < m; i++) {
      const t = totals[i]!;
      if (tierOf(tierMin, t) === baseTier[i]) stay[i]!++;
      if (t === t) {
        ss[i]! += t;
        sss[i]! += t * t;
      }
    }
    for (let l = 0; l < L; l++) {
      const w = eff[tree.leaves[l]!.node]!;
      sw[l]! += w;
      sww[l]! += w * w;
      const row = l * m;
      for (let i = 0; i < m; i++) {
        const t = totals[i]!;
        if (t === t) sws[row + i]! += w * t;
      }
    }
  }
  const entities: SensitivityResult['entities'] = [];
  const column = new Int32Array(draws);
  for (let i = 0; i < m; i++) {
    for (let d = 0; d < draws; d++) column[d] = rankStore[d * m + i]!;
    column.sort();
    entities.push({ rankP05: quantile(column, 0.05), rankMedian: quantile(column, 0.5), rankP95: quantile(column, 0.95), tierStability: stay[i]! / draws });
  }
  const influence = tree.leaves.map((leaf, l) => {
    const varW = sww[l]! / draws - (sw[l]! / draws) ** 2;
    let total = 0;
    let counted = 0;
    for (let i = 0; i < m; i++) {
      const varS = sss[i]! / draws - (ss[i]! / draws) ** 2;
      if (!(varW > 1e-18 && varS > 1e-18)) continue;
      const cov = sws[l * m + i]! / draws - (sw[l]! / draws) * (ss[i]! / draws);
      total += Math.min(1, Math.abs(cov / Math.sqrt(varW * varS)));
      counted++;
    }
    return { code: leaf.code, influence: counted > 0 ? total / counted : 0 };
  });
  influence.sort((a, b) => b.influence - a.influence);
  return { draws, seed, concentration, entities, influence };
}

/** tierIndex on the tiers' minimum scores (sorted descending), without touching the tier objects. */
function tierOf(minScores: Float64Array, score: number): number {
  if (score !== score) return -1;
  const k = minScores.length;
  for (let j = 0; j < k; j++) if (score >= minScores[j]!) return j;
  return k - 1;
}
