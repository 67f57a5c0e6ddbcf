/**
 * Scoring many entities on an indicator tree. Pure: arrays in, arrays out.
 *
 * 1. Missing data (NaN in the raw matrix) follows one documented policy, and every affected cell is flagged:
 *    - 'renormalize': a node's score is the weighted mean over the children that have a score,
 *      Σ_available w_c·s_c / Σ_available w_c — the missing indicator's weight is shared among its present siblings.
 *      An entity keeps a `coverage` (the share of the total effective weight that had data) so readers see how
 *      much of its score rests on data. A node with no child scored has no score (NaN).
 *    - 'impute_class_median': a missing raw value is replaced by the median of that indicator among the entities
 *      of the same class (直辖市/地级市/…); when the class has no value, by the median of all entities; when no
 *      entity has a value, the indicator is left missing and renormalised as above.
 * 2. Each leaf column is normalised to 0–100 (normalize.ts).
 * 3. Weighted linear sum up the tree (weights within each parent are scaled to sum to 1): every node gets a score on
 *    0–100, the root's is the total. Or, with aggregation 'topsis', the total is 100 × TOPSIS closeness computed on
 *    the normalised leaf scores with the effective leaf weights (product of weights along the path); node scores
 *    below the root stay weighted sums, so a drill-down still explains each part.
 */
import type { Aggregation, MissingPolicy } from '@civicgrid/contracts/evaluation';
import { badRequest } from '../../../shared/errors.js';
import { checkNormalization, normalizeColumn, type Direction, type Normalization } from './normalize.js';

export interface TreeNodeSpec {
  code: string;
  /** Weight within the parent (any non-negative scale; scaled to sum 1 among siblings). */
  weight: number;
  children?: readonly TreeNodeSpec[];
  /** Leaves only. */
  direction?: Direction;
  normalization?: Normalization;
}

export type { Aggregation, MissingPolicy };

/** The tree flattened in pre-order: index 0 is the (virtual) root; a parent comes before its children. */
export interface CompiledTree {
  size: number;
  codes: string[];
  parent: Int32Array;
  depth: Int32Array;
  /** Weight within the parent, scaled so siblings sum to 1 (root: 1). */
  weight: Float64Array;
  /** Leaf column index, −1 for internal nodes. */
  leaf: Int32Array;
  childStart: Int32Array;
  childCount: Int32Array;
  /** Node indexes of children, grouped by parent (childStart/childCount index into it). */
  children: Int32Array;
  leaves: { code: string; node: number; direction: Direction; normalization: Normalization }[];
}

export const MAX_TREE_NODES = 5000;
export const MAX_TREE_DEPTH = 12;

export function compileTree(top: readonly TreeNodeSpec[]): CompiledTree {
  const flat: { spec: TreeNodeSpec | null; parent: number; depth: number }[] = [{ spec: null, parent: -1, depth: 0 }];
  const kids: number[][] = [[]];
  const seen = new Set<string>();
  const visit = (nodes: readonly TreeNodeSpec[], parent: number, depth: number) => {
    if (depth > MAX_TREE_DEPTH) throw badRequest('evaluation.tree_too_deep', { max: MAX_TREE_DEPTH });
    if (nodes.length === 0) throw badRequest('evaluation.tree_empty_node', { code: flat[parent]!.spec?.code ?? '(root)' });
    let sum = 0;
    for (const n of nodes) {
      if (!Number.isFinite(n.weight) || n.weight < 0) throw badRequest('evaluation.node_weight_invalid', { code: n.code });
      sum += n.weight;
    }
    if (!(sum > 0)) throw badRequest('evaluation.node_weights_zero', { code: flat[parent]!.spec?.code ?? '(root)' });
    for (const n of nodes) {
      if (seen.has(n.code)) throw badRequest('evaluation.code_duplicate', { code: n.code });
      seen.add(n.code);
      if (flat.length >= MAX_TREE_NODES) throw badRequest('evaluation.tree_too_large', { max: MAX_TREE_NODES });
      const index = flat.length;
      flat.push({ spec: n, parent, depth });
      kids.push([]);
      kids[parent]!.push(index);
      if (n.children && n.children.length > 0) visit(n.children, index, depth + 1);
      else {
        if (!n.direction || !n.normalization) throw badRequest('evaluation.leaf_incomplete', { code: n.code });
        checkNormalization(n.code, n.direction, n.normalization);
      }
    }
  };
  visit(top, 0, 1);
  const size = flat.length;
  const tree: CompiledTree = {
    size,
    codes: flat.map((f) => f.spec?.code ?? ''),
    parent: Int32Array.from(flat.map((f) => f.parent)),
    depth: Int32Array.from(flat.map((f) => f.depth)),
    weight: new Float64Array(size),
    leaf: new Int32Array(size).fill(-1),
    childStart: new Int32Array(size),
    childCount: new Int32Array(size),
    children: new Int32Array(size - 1),
    leaves: [],
  };
  let at = 0;
  tree.weight[0] = 1;
  for (let i = 0; i < size; i++) {
    const c = kids[i]!;
    tree.childStart[i] = at;
    tree.childCount[i] = c.length;
    const sum = c.reduce((a, k) => a + flat[k]!.spec!.weight, 0);
    for (const k of c) {
      tree.children[at++] = k;
      tree.weight[k] = flat[k]!.spec!.weight / sum;
    }
    const spec = flat[i]!.spec;
    if (i > 0 && c.length === 0 && spec) {
      tree.leaf[i] = tree.leaves.length;
      tree.leaves.push({ code: spec.code, node: i, direction: spec.direction!, normalization: spec.normalization! });
    }
  }
  return tree;
}

/** Effective weight of every node in the total: the product of weights along its path. */
export function effectiveWeights(tree: CompiledTree, weights: Float64Array = tree.weight, out = new Float64Array(tree.size)): Float64Array {
  out[0] = 1;
  for (let i = 1; i < tree.size; i++) out[i] = out[tree.parent[i]!]! * weights[i]!;
  return out;
}

export interface MissingFlag {
  entity: number;
  code: string;
  handling: 'renormalized' | 'imputed_class_median' | 'imputed_overall_median';
  /** The imputed raw value. */
  value?: number;
}

export interface ScoreInput {
  tree: CompiledTree;
  /** m × L raw values, entity-major (row i = entity i, column = tree.leaves order); NaN = missing. */
  values: Float64Array;
  entities: number;
  /** Class of each entity (for median imputation). */
  classes?: readonly string[];
  missing: MissingPolicy;
  aggregation: Aggregation;
}

export interface ScoreOutput {
  /** m × L normalised leaf scores (0–100, NaN where missing after the policy). */
  leafScores: Float64Array;
  /** m × N node scores, entity-major; column 0 is the total. */
  nodeScores: Float64Array;
  total: Float64Array;
  /** Share of the total effective weight with data, per entity (1 = complete). */
  coverage: Float64Array;
  flags: MissingFlag[];
  constantLeaves: string[];
}

export function score(input: ScoreInput): ScoreOutput {
  const { tree, entities: m } = input;
  const L = tree.leaves.length;
  if (input.values.length !== m * L) throw badRequest('evaluation.values_size', { expected: m * L, actual: input.values.length });
  const flags: MissingFlag[] = [];
  const raw = input.missing === 'impute_class_median' ? imputeByClassMedian(input, flags) : input.values;
  const leafScores = new Float64Array(m * L);
  const column = new Float64Array(m);
  const scored = new Float64Array(m);
  const constantLeaves: string[] = [];
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < m; i++) column[i] = raw[i * L + l]!;
    const leaf = tree.leaves[l]!;
    if (normalizeColumn(column, leaf.direction, leaf.normalization, scored).constant) constantLeaves.push(leaf.code);
    for (let i = 0; i < m; i++) {
      leafScores[i * L + l] = scored[i]!;
      if (Number.isNaN(scored[i]!) && input.missing === 'renormalize') flags.push({ entity: i, code: leaf.code, handling: 'renormalized' });
    }
  }
  // An imputation that found no value at all falls back to renormalising; flag those too.
  if (input.missing === 'impute_class_median') {
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < L; l++) if (Number.isNaN(leafScores[i * L + l]!)) flags.push({ entity: i, code: tree.leaves[l]!.code, handling: 'renormalized' });
    }
  }
  const nodeScores = new Float64Array(m * tree.size);
  aggregate(tree, tree.weight, leafScores, m, nodeScores);
  const total = new Float64Array(m);
  for (let i = 0; i < m; i++) total[i] = nodeScores[i * tree.size]!;
  if (input.aggregation === 'topsis') topsisTotals(tree, effectiveWeights(tree), leafScores, m, total);
  const coverage = new Float64Array(m);
  const eff = effectiveWeights(tree);
  for (let i = 0; i < m; i++) {
    let c = 0;
    for (let l = 0; l < L; l++) if (!Number.isNaN(leafScores[i * L + l]!)) c += eff[tree.leaves[l]!.node]!;
    coverage[i] = c;
  }
  return { leafScores, nodeScores, total, coverage, flags, constantLeaves };
}

/**
 * Weighted sums from the leaves up (reverse pre-order visits children before parents). `weights` are within-parent
 * weights per node (tree.weight, or a perturbed copy). Writes m × N into `out`.
 */
export function aggregate(tree: CompiledTree, weights: Float64Array, leafScores: Float64Array, m: number, out: Float64Array): void {
  const N = tree.size;
  const L = tree.leaves.length;
  const { leaf, childStart, childCount, children } = tree;
  for (let i = 0; i < m; i++) {
    const base = i * N;
    for (let node = N - 1; node >= 0; node--) {
      const l = leaf[node]!;
      if (l >= 0) {
        out[base + node] = leafScores[i * L + l]!;
        continue;
      }
      let sum = 0;
      let wsum = 0;
      const start = childStart[node]!;
      const end = start + childCount[node]!;
      for (let k = start; k < end; k++) {
        const c = children[k]!;
        const s = out[base + c]!;
        if (s === s) {
          const w = weights[c]!;
          sum += w * s;
          wsum += w;
        }
      }
      out[base + node] = wsum > 0 ? sum / wsum : NaN;
    }
  }
}

/**
 * The totals of `aggregate` for many weightings of the same leaf scores (the sensitivity draws): the leaf columns are
 * transposed once, then each call walks only the internal nodes, node-major over Float64Array columns, adding the
 * children in the same order as `aggregate` — so every total is bit-for-bit the one `aggregate` gives. A column
 * without missing values skips the per-cell check, and a node whose children are all complete divides by one
 * weight sum.
 */
export function totalsAggregator(tree: CompiledTree, leafScores: Float64Array, m: number): (weights: Float64Array, out: Float64Array) => void {
  const N = tree.size;
  const L = tree.leaves.length;
  const { leaf, childStart, childCount, children } = tree;
  const columns: Float64Array[] = new Array<Float64Array>(N);
  const complete = new Uint8Array(N);
  for (let node = 0; node < N; node++) {
    const l = leaf[node]!;
    if (l < 0) continue;
    const col = new Float64Array(m);
    let full = 1;
    for (let i = 0; i < m; i++) {
      const s = leafScores[i * L + l]!;
      col[i] = s;
      if (s !== s) full = 0;
    }
    columns[node] = col;
    complete[node] = full;
  }
  const internal: number[] = [];
  for (let node = N - 1; node >= 0; node--) if (leaf[node]! < 0) internal.push(node);
  for (const node of internal) if (node > 0) columns[node] = new Float64Array(m);
  const wsum = new Float64Array(m);
  return (weights, out) => {
    for (const node of internal) {
      const target = node === 0 ? out : columns[node]!;
      const start = childStart[node]!;
      const end = start + childCount[node]!;
      let allComplete = true;
      for (let k = start; k < end; k++) if (!complete[children[k]!]) allComplete = false;
      target.fill(0);
      if (allComplete) {
        let w0 = 0;
        for (let k = start; k < end; k++) {
          const c = children[k]!;
          const w = weights[c]!;
          const col = columns[c]!;
          for (let i = 0; i < m; i++) target[i]! += w * col[i]!;
          w0 += w;
        }
        if (w0 > 0) for (let i = 0; i < m; i++) target[i] = target[i]! / w0;
        else target.fill(NaN);
        complete[node] = w0 > 0 ? 1 : 0;
        continue;
      }
      wsum.fill(0);
      for (let k = start; k < end; k++) {
        const c = children[k]!;
        const w = weights[c]!;
        const col = columns[c]!;
        if (complete[c]) {
          for (let i = 0; i < m; i++) {
            target[i]! += w * col[i]!;
            wsum[i]! += w;
          }
        } else {
          for (let i = 0; i < m; i++) {
            const s = col[i]!;
            if (s === s) {
              target[i]! += w * s;
              wsum[i]! += w;
            }
          }
        }
      }
      let full = 1;
      for (let i = 0; i < m; i++) {
        const ws = wsum[i]!;
        if (ws > 0) target[i] = target[i]! / ws;
        else {
          target[i] = NaN;
          full = 0;
        }
      }
      complete[node] = full;
    }
  };
}

/**
 * Totals as 100 × TOPSIS closeness on the normalised leaf scores (already "more is better", so ideal = column max,
 * anti-ideal = column min, vector-free since scores share the 0–100 scale). Missing cells are left out of both
 * distances of that entity — the TOPSIS counterpart of renormalising.
 */
export function topsisTotals(tree: CompiledTree, effective: Float64Array, leafScores: Float64Array, m: number, out: Float64Array): void {
  const L = tree.leaves.length;
  const hi = new Float64Array(L).fill(-Infinity);
  const lo = new Float64Array(L).fill(Infinity);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < L; l++) {
      const s = leafScores[i * L + l]!;
      if (s === s) {
        if (s > hi[l]!) hi[l] = s;
        if (s < lo[l]!) lo[l] = s;
      }
    }
  }
  for (let i = 0; i < m; i++) {
    let p = 0;
    let q = 0;
    let any = false;
    for (let l = 0; l < L; l++) {
      const s = leafScores[i * L + l]!;
      if (s !== s) continue;
      any = true;
      const w = effective[tree.leaves[l]!.node]!;
      p += (w * (hi[l]! - s)) ** 2;
      q += (w * (s - lo[l]!)) ** 2;
    }
    const dp = Math.sqrt(p);
    const dm = Math.sqrt(q);
    out[i] = !any ? NaN : dp + dm === 0 ? 50 : (100 * dm) / (dp + dm);
  }
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const h = xs.length >> 1;
  return xs.length % 2 ? xs[h]! : (xs[h - 1]! + xs[h]!) / 2;
}

function imputeByClassMedian(input: ScoreInput, flags: MissingFlag[]): Float64Array {
  const { tree, entities: m, values } = input;
  const L = tree.leaves.length;
  const classes = input.classes ?? [];
  const out = Float64Array.from(values);
  for (let l = 0; l < L; l++) {
    const byClass = new Map<string, number[]>();
    const all: number[] = [];
    let missing = false;
    for (let i = 0; i < m; i++) {
      const x = values[i * L + l]!;
      if (Number.isNaN(x)) {
        missing = true;
        continue;
      }
      const k = classes[i] ?? '';
      let list = byClass.get(k);
      if (!list) byClass.set(k, (list = []));
      list.push(x);
      all.push(x);
    }
    if (!missing || all.length === 0) continue;
    const medians = new Map([...byClass].map(([k, xs]) => [k, median(xs)]));
    const overall = median(all);
    for (let i = 0; i < m; i++) {
      if (!Number.isNaN(values[i * L + l]!)) continue;
      const own = medians.get(classes[i] ?? '');
      out[i * L + l] = own ?? overall;
      flags.push({ entity: i, code: tree.leaves[l]!.code, handling: own === undefined ? 'imputed_overall_median' : 'imputed_class_median', value: own ?? overall });
    }
  }
  return out;
}
