import { describe, expect, it } from 'vitest';
import { addChild, localProblems, nearestSaaty, removeNode, renameCode, saatyLabel, sensitivityRows, setJudgement, setWeighting } from './model';
import type { EvalNode, EvalResult } from '@civicgrid/contracts/evaluation';

const leaf = (code: string, parent: string): EvalNode => ({ code, parent, nameZh: code, nameEn: code, weight: 1, direction: 'benefit', normalization: { method: 'minmax' } });
const base: EvalNode[] = [
  { code: 'A', parent: null, nameZh: 'A', nameEn: 'A', weight: 0.5, pairwise: [[1, 3], [1 / 3, 1]] },
  leaf('A1', 'A'),
  leaf('A2', 'A'),
  { code: 'B', parent: null, nameZh: 'B', nameEn: 'B', weight: 0.5 },
  leaf('B1', 'B'),
];

describe('draft tree edits', () => {
  it('adds a child with a free code and grows the parent matrix by equal judgements', () => {
    const { nodes, code } = addChild(base, 'A', { nameZh: '新', nameEn: 'New' });
    expect(code).toBe('A3');
    expect(nodes.find((n) => n.code === 'A3')).toMatchObject({ parent: 'A', direction: 'benefit', normalization: { method: 'minmax' } });
    expect(nodes.find((n) => n.code === 'A')!.pairwise).toEqual([
      [1, 3, 1],
      [1 / 3, 1, 1],
      [1, 1, 1],
    ]);
  });

  it('turns a leaf into a group when it gets a child, and back when its last child goes', () => {
    const { nodes } = addChild(base, 'B1', { nameZh: 'x', nameEn: 'x' });
    const b1 = nodes.find((n) => n.code === 'B1')!;
    expect(b1.direction).toBeUndefined();
    expect(b1.normalization).toBeUndefined();
    const back = removeNode(nodes, 'B11');
    expect(back.find((n) => n.code === 'B1')).toMatchObject({ direction: 'benefit', normalization: { method: 'minmax' } });
  });

  it('removes a whole subtree and the row and column of the matrix', () => {
    const noA = removeNode(base, 'A');
    expect(noA.map((n) => n.code)).toEqual(['B', 'B1']);
    const noA1 = removeNode(base, 'A1');
    expect(noA1.find((n) => n.code === 'A')!.pairwise).toEqual([[1]]);
    const three = addChild(base, 'A', { nameZh: 'x', nameEn: 'x' }).nodes;
    const withJudgement = three.map((n) => (n.code === 'A' ? { ...n, pairwise: setJudgement(n.pairwise!, 1, 2, 5) } : n));
    expect(removeNode(withJudgement, 'A1').find((n) => n.code === 'A')!.pairwise).toEqual([
      [1, 5],
      [1 / 5, 1],
    ]);
  });

  it('renames a code together with its children', () => {
    const renamed = renameCode(base, 'A', 'X');
    expect(renamed.filter((n) => n.parent === 'X').map((n) => n.code)).toEqual(['A1', 'A2']);
    expect(renamed.some((n) => n.code === 'A')).toBe(false);
  });

  it('switches weighting between direct and AHP', () => {
    const ahp = setWeighting(base, 'B', 'ahp');
    expect(ahp.find((n) => n.code === 'B')!.pairwise).toEqual([[1]]);
    expect(setWeighting(base, 'A', 'direct').find((n) => n.code === 'A')!.pairwise).toBeUndefined();
  });

  it('keeps judgements reciprocal and on the Saaty scale', () => {
    const m = setJudgement([[1, 1], [1, 1]], 0, 1, 1 / 7);
    expect(m[1]![0]).toBe(7);
    expect(saatyLabel(m[0]![1]!)).toBe('1/7');
    expect(nearestSaaty(2.9)).toBe(3);
    expect(nearestSaaty(0.34)).toBe(1 / 3);
  });

  it('finds bad codes, duplicates, weights and targets before saving', () => {
    const bad = [...base, leaf('A1', 'A'), { ...leaf('bad code', 'B'), weight: -1 }, { ...leaf('T', 'B'), normalization: { method: 'target' as const, threshold: 5, target: 5 } }];
    expect(localProblems(bad)).toEqual([
      { code: 'A1', problem: 'duplicate' },
      { code: 'bad code', problem: 'code' },
      { code: 'bad code', problem: 'weight' },
      { code: 'T', problem: 'target' },
    ]);
    expect(localProblems(base)).toEqual([]);
  });
});

describe('sensitivity rows', () => {
  it('takes the interval from each result and orders by rank, skipping results without one', () => {
    const r = (code: string, rank: number, sensitivity: object | null): EvalResult => ({ code, name: code, class: null, province: null, region: null, total: 50, rank, tier: 'B', coverage: 1, nodeScores: {}, values: {}, flags: { sensitivity } });
    const rows = sensitivityRows([r('x', 2, { rankP05: 1, rankMedian: 2, rankP95: 4, tierStability: 0.7 }), r('y', 1, { rankP05: 1, rankMedian: 1, rankP95: 2, tierStability: 1 }), r('z', 3, null)]);
    expect(rows.map((x) => [x.code, x.rankP05, x.rankP95, x.tierStability])).toEqual([
      ['y', 1, 2, 1],
      ['x', 1, 4, 0.7],
    ]);
  });
});
