/**
 * The explanation of one entity's score, pure: for every node of the system, from the leaves' indicator values
 * (raw, or the imputed value) → normalised score (0–100) → weight → contribution to the total.
 *
 * Weights are shown three ways: `weight` is the node's nominal weight within its parent (scaled so siblings sum to
 * 1, AHP weights where the parent has a matrix), `usedWeight` is that weight renormalised among the siblings that
 * have a score for this entity (the 'renormalize' missing-data policy), and `effectiveWeight` is the product of the
 * used weights from the root down. A node's `contribution` = effectiveWeight × score; with weighted-sum aggregation
 * the leaves' contributions add up to the total (up to the 4-decimal rounding of stored scores). With TOPSIS the
 * total is a closeness, not a sum: contributions then show the weighted-sum decomposition, and `aggregation` says so.
 */
import type { DrillNode, MissingFlagView } from '@civicgrid/contracts/evaluation';
import { buildSystem, type SystemNode, type SystemSettings } from './system.js';

export type { DrillNode, MissingFlagView };

const round = (x: number, digits = 6) => Math.round(x * 10 ** digits) / 10 ** digits;

export function drillDown(
  nodes: readonly SystemNode[],
  settings: SystemSettings,
  entity: { nodeScores: Record<string, number | null>; values: Record<string, number>; missing: readonly MissingFlagView[] },
): DrillNode[] {
  const { tree } = buildSystem(nodes, settings);
  const byCode = new Map(nodes.map((n) => [n.code, n]));
  const missing = new Map(entity.missing.map((f) => [f.code, f]));
  const N = tree.size;
  const scoreOf = (k: number): number | null => {
    const s = entity.nodeScores[tree.codes[k]!];
    return typeof s === 'number' ? s : null;
  };
  // Sum of the nominal weights of the scored children of each node.
  const scoredWeight = new Float64Array(N);
  for (let k = 1; k < N; k++) if (scoreOf(k) !== null) scoredWeight[tree.parent[k]!]! += tree.weight[k]!;
  const effective = new Float64Array(N);
  effective[0] = 1;
  const out: DrillNode[] = [];
  for (let k = 1; k < N; k++) {
    const code = tree.codes[k]!;
    const def = byCode.get(code)!;
    const s = scoreOf(k);
    const p = tree.parent[k]!;
    const used = s !== null && scoredWeight[p]! > 0 ? tree.weight[k]! / scoredWeight[p]! : 0;
    effective[k] = effective[p]! * used;
    const leaf = tree.leaf[k]! >= 0;
    const raw = entity.values[code];
    out.push({
      code,
      parent: p === 0 ? null : tree.codes[p]!,
      depth: tree.depth[k]!,
      nameZh: def.nameZh,
      nameEn: def.nameEn,
      leaf,
      unit: def.unit ?? null,
      direction: leaf ? (def.direction ?? null) : null,
      normalization: leaf ? (def.normalization ?? null) : null,
      source: leaf ? (def.source ?? { kind: 'import' }) : null,
      value: leaf && typeof raw === 'number' ? raw : null,
      missing: leaf ? (missing.get(code) ?? null) : null,
      score: s,
      weight: round(tree.weight[k]!),
      usedWeight: round(used),
      effectiveWeight: round(effective[k]!),
      contribution: s === null ? null : round(effective[k]! * s, 4),
    });
  }
  return out;
}
