/**
 * Pure helpers of the evaluation console: edits of a draft indicator system (a flat node list where each node
 * names its parent and siblings keep list order, as the server stores it) with the AHP matrix of a parent kept in
 * step with its children, and the rows of the sensitivity view.
 */
import type { EvalNode, EvalResult } from '@civicgrid/contracts/evaluation';

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Saaty's 1–9 scale and its reciprocals, as offered in a pairwise judgement. */
export const SAATY = [1 / 9, 1 / 8, 1 / 7, 1 / 6, 1 / 5, 1 / 4, 1 / 3, 1 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9];
export const saatyLabel = (v: number) => (v >= 1 ? String(Math.round(v)) : `1/${Math.round(1 / v)}`);
/** The scale value nearest to v (judgements typed elsewhere are shown on the scale). */
export const nearestSaaty = (v: number) => SAATY.reduce((best, s) => (Math.abs(Math.log(s / v)) < Math.abs(Math.log(best / v)) ? s : best), 1);

export const childrenOf = (nodes: readonly EvalNode[], parent: string | null) => nodes.filter((n) => n.parent === parent);
export const isLeaf = (nodes: readonly EvalNode[], code: string) => !nodes.some((n) => n.parent === code);

const LEAF_DEFAULTS = { direction: 'benefit', normalization: { method: 'minmax' }, source: { kind: 'import' } } as const;

function withoutLeafFields(n: EvalNode): EvalNode {
  const { direction: _d, normalization: _n, unit: _u, source: _s, ...rest } = n;
  return rest;
}

export function identityMatrix(n: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: n }, () => 1));
}

/** Sets judgement (i, j) and its reciprocal (j, i). */
export function setJudgement(matrix: readonly number[][], i: number, j: number, value: number): number[][] {
  const m = matrix.map((row) => [...row]);
  m[i]![j] = value;
  m[j]![i] = 1 / value;
  return m;
}

/** A code not yet used: `${base}${k}` for the smallest k ≥ 1. */
export function freeCode(nodes: readonly EvalNode[], base: string): string {
  const used = new Set(nodes.map((n) => n.code));
  for (let k = 1; ; k++) if (!used.has(`${base}${k}`)) return `${base}${k}`;
}

/** Adds a new leaf under `parent` (null = a first-level indicator); a leaf parent becomes a group. */
export function addChild(nodes: readonly EvalNode[], parent: string | null, names: { nameZh: string; nameEn: string }): { nodes: EvalNode[]; code: string } {
  const code = freeCode(nodes, parent ?? 'N');
  const child: EvalNode = { code, parent, nameZh: names.nameZh, nameEn: names.nameEn, weight: 1, ...LEAF_DEFAULTS };
  const out = nodes.map((n) => {
    if (n.code !== parent) return n;
    const group = withoutLeafFields(n);
    // The matrix grows by one row and column of 1s (the new child judged equal to each sibling).
    if (n.pairwise) group.pairwise = [...n.pairwise.map((row) => [...row, 1]), Array.from({ length: n.pairwise.length + 1 }, () => 1)];
    return group;
  });
  return { nodes: [...out, child], code };
}

/** Removes a node and its whole subtree; its parent's matrix loses that row and column. */
export function removeNode(nodes: readonly EvalNode[], code: string): EvalNode[] {
  const target = nodes.find((n) => n.code === code);
  if (!target) return [...nodes];
  const gone = new Set([code]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of nodes) {
      if (n.parent === null || !gone.has(n.parent) || gone.has(n.code)) continue;
      gone.add(n.code);
      grew = true;
    }
  }
  const index = childrenOf(nodes, target.parent).findIndex((n) => n.code === code);
  const kept = nodes.filter((n) => !gone.has(n.code));
  return kept.map((n) => {
    if (n.code !== target.parent) return n;
    // A group left without children is a leaf again and needs a direction and a normalisation.
    if (!kept.some((k) => k.parent === n.code)) {
      const { pairwise: _p, ...rest } = n;
      return { ...rest, ...LEAF_DEFAULTS };
    }
    if (!n.pairwise) return n;
    return { ...n, pairwise: n.pairwise.filter((_, i) => i !== index).map((row) => row.filter((_, j) => j !== index)) };
  });
}

/** Changes a node's code, and its children's parent reference with it. */
export function renameCode(nodes: readonly EvalNode[], from: string, to: string): EvalNode[] {
  if (from === to) return [...nodes];
  return nodes.map((n) => ({ ...n, code: n.code === from ? to : n.code, parent: n.parent === from ? to : n.parent }));
}

export function updateNode(nodes: readonly EvalNode[], code: string, patch: Partial<EvalNode>): EvalNode[] {
  return nodes.map((n) => (n.code === code ? { ...n, ...patch } : n));
}

/** Switches a group between direct weights and an AHP matrix (starting from equal judgements). */
export function setWeighting(nodes: readonly EvalNode[], code: string, mode: 'direct' | 'ahp'): EvalNode[] {
  const size = childrenOf(nodes, code).length;
  return nodes.map((n) => {
    if (n.code !== code) return n;
    if (mode === 'ahp') return { ...n, pairwise: n.pairwise ?? identityMatrix(size) };
    const { pairwise: _p, ...rest } = n;
    return rest;
  });
}

/** Problems the editor can point at before the server is asked (the server checks everything again). */
export function localProblems(nodes: readonly EvalNode[]): { code: string; problem: 'code' | 'duplicate' | 'weight' | 'target' }[] {
  const seen = new Set<string>();
  const out: { code: string; problem: 'code' | 'duplicate' | 'weight' | 'target' }[] = [];
  for (const n of nodes) {
    if (!CODE_PATTERN.test(n.code)) out.push({ code: n.code, problem: 'code' });
    else if (seen.has(n.code)) out.push({ code: n.code, problem: 'duplicate' });
    seen.add(n.code);
    if (!(n.weight >= 0)) out.push({ code: n.code, problem: 'weight' });
    const norm = n.normalization;
    if (norm?.method === 'target' && (norm.threshold === undefined || norm.target === undefined || norm.threshold === norm.target)) out.push({ code: n.code, problem: 'target' });
  }
  return out;
}

export interface SensitivityRow {
  code: string;
  name: string;
  rank: number;
  tier: string | null;
  rankP05: number;
  rankMedian: number;
  rankP95: number;
  tierStability: number;
}

/** Entities with their rank interval, from results whose flags carry the run's sensitivity. */
export function sensitivityRows(results: readonly EvalResult[]): SensitivityRow[] {
  const rows: SensitivityRow[] = [];
  for (const r of results) {
    const s = (r.flags as { sensitivity?: { rankP05: number; rankMedian: number; rankP95: number; tierStability: number } | null } | null)?.sensitivity;
    if (!s) continue;
    rows.push({ code: r.code, name: r.name, rank: r.rank, tier: r.tier, ...s });
  }
  return rows.sort((a, b) => a.rank - b.rank);
}
