/**
 * Combining subjective (expert, AHP) and objective (entropy) weights for the same set of indicators.
 *
 * - linear:         w_j = α·s_j + (1 − α)·o_j, α ∈ [0, 1] the share given to the experts;
 * - multiplicative: w_j = s_j·o_j / Σ_k s_k·o_k (an indicator needs both experts and data to count).
 *
 * Both inputs are first scaled to sum to 1. The multiplicative rule is undefined when Σ s·o = 0 (the two
 * weightings share no indicator): refused rather than guessed.
 */
import { badRequest } from '../../../shared/errors.js';
import { normalizeWeights } from './errors.js';

export type CombineRule = { rule: 'linear'; alpha: number } | { rule: 'multiplicative' };

export function combineWeights(subjective: readonly number[], objective: readonly number[], how: CombineRule): number[] {
  if (subjective.length !== objective.length) {
    throw badRequest('evaluation.weights_length', { expected: subjective.length, actual: objective.length });
  }
  const s = normalizeWeights(subjective);
  const o = normalizeWeights(objective);
  if (how.rule === 'linear') {
    if (!(how.alpha >= 0 && how.alpha <= 1)) throw badRequest('evaluation.alpha_invalid');
    return s.map((x, j) => how.alpha * x + (1 - how.alpha) * o[j]!);
  }
  const product = s.map((x, j) => x * o[j]!);
  const sum = product.reduce((a, b) => a + b, 0);
  if (sum === 0) throw badRequest('evaluation.weights_disjoint');
  return product.map((x) => x / sum);
}
