import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { DEFAULT_TEMPLATE } from './default-template.js';
import { demoCities } from './demo-data.js';
import { computeRun } from './run.js';
import { buildSystem, type SystemNode } from './system.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
  return 'no error';
};

describe('default template', () => {
  it('has 4 / 11 / 27 nodes, the named indicators, and builds', () => {
    const depthOf = (n: SystemNode): number => (n.parent === null ? 1 : 1 + depthOf(DEFAULT_TEMPLATE.nodes.find((p) => p.code === n.parent)!));
    const counts = [1, 2, 3].map((d) => DEFAULT_TEMPLATE.nodes.filter((n) => depthOf(n) === d).length);
    expect(counts).toEqual([4, 11, 27]);
    const names = DEFAULT_TEMPLATE.nodes.map((n) => n.nameZh);
    for (const named of ['发展质效', '精准治理', '人本服务', '多元协同', '一站式办理能力', '公共信息资源社会开放率', '信息资源部门间共享率', '人本服务指数']) {
      expect(names).toContain(named);
    }
    expect(buildSystem(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings).tree.leaves).toHaveLength(27);
    expect(DEFAULT_TEMPLATE.nameEn).toContain('editable');
  });
});

describe('system validation', () => {
  const leaf = (code: string, parent: string | null): SystemNode => ({ code, parent, nameZh: code, nameEn: code, weight: 1, direction: 'benefit', normalization: { method: 'minmax' } });
  const settings = DEFAULT_TEMPLATE.settings;
  it('refuses unknown parents, cycles, empty systems and bad AHP sizes', () => {
    expect(codeOf(() => buildSystem([leaf('a', 'zz')], settings))).toBe('evaluation.parent_unknown');
    expect(codeOf(() => buildSystem([leaf('r', null), { ...leaf('a', 'b') }, { ...leaf('b', 'a') }], settings))).toBe('evaluation.parent_cycle');
    expect(codeOf(() => buildSystem([], settings))).toBe('evaluation.system_empty');
    expect(codeOf(() => buildSystem([{ ...leaf('g', null), pairwise: [[1]] }, leaf('a', 'g'), leaf('b', 'g')], settings))).toBe('evaluation.pairwise_size');
  });
  it('takes weights from a node’s AHP matrix and reports its consistency', () => {
    const built = buildSystem([{ ...leaf('g', null), pairwise: [[1, 3], [1 / 3, 1]] }, leaf('a', 'g'), leaf('b', 'g')], settings);
    expect(built.tree.weight[2]).toBeCloseTo(0.75, 9);
    expect(built.ahp).toMatchObject([{ node: 'g', CR: 0, consistent: true, mostInconsistent: { a: 'a', b: 'b' } }]);
  });
});

describe('a full run on the synthetic 680 cities', () => {
  const cities = demoCities();
  it('generates the same labelled synthetic data from the seed', () => {
    expect(cities).toHaveLength(680);
    expect(demoCities()).toEqual(cities);
    expect(cities[0]!.name).toMatch(/^合成城市/);
    expect(new Set(cities.map((c) => c.class)).size).toBe(3);
    expect(new Set(cities.map((c) => c.region)).size).toBe(7);
  });

  it('ranks, tiers, groups and flags; change against a previous run', () => {
    const run = computeRun(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings, cities);
    const { results, summary } = run;
    expect(summary.entities).toBe(680);
    expect(Object.values(summary.tierCounts).reduce((a, b) => a + b, 0)).toBe(680);
    expect(Object.keys(summary.byRegion)).toHaveLength(7);
    expect(summary.byClass['直辖市/计划单列市/省会']!.mean!).toBeGreaterThan(summary.byClass['县级市']!.mean!);
    const sorted = [...results].sort((a, b) => a.rank - b.rank);
    expect(sorted[0]!.rank).toBe(1);
    for (let k = 1; k < sorted.length; k++) expect(sorted[k]!.total!).toBeLessThanOrEqual(sorted[k - 1]!.total!);
    for (const r of results) {
      expect(r.tier).toBe(r.total! >= 70 ? 'A' : r.total! >= 60 ? 'B' : 'C');
      expect(Object.keys(r.nodeScores)).toHaveLength(42);
      expect(r.flags.length > 0).toBe(r.coverage < 1);
    }
    expect(summary.missingCells).toBeGreaterThan(0);
    // Drill-down: a first-level score is the weighted mean of its present children.
    const first = results.find((r) => r.flags.length === 0)!;
    const d = ['D1', 'D2', 'D3'].map((c) => first.nodeScores[c]!);
    expect(first.nodeScores.D!).toBeCloseTo((d[0]! + d[1]! + d[2]!) / 3, 3);

    const previous = new Map(results.map((r) => [r.code, { total: r.total! - 1, rank: r.rank + 1, tier: 'C' }]));
    const again = computeRun(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings, cities, { previous });
    expect(again.results[0]!.change).toEqual({ total: 1, rank: 1, tierFrom: 'C' });
  });

  it('runs a 1,000-draw sensitivity analysis, reproducibly', () => {
    const opts = { sensitivity: { draws: 1000, seed: 9, concentration: 100 } };
    const a = computeRun(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings, cities, opts);
    expect(a.sensitivity!.influence).toHaveLength(27);
    for (const r of a.results) {
      expect(r.sensitivity!.rankP05).toBeLessThanOrEqual(r.sensitivity!.rankP95);
      expect(r.sensitivity!.tierStability).toBeGreaterThanOrEqual(0);
    }
    // The leader is far ahead: it stays near the top; most cities keep their tier under ±10 % weight noise.
    const leader = a.results.find((r) => r.rank === 1)!;
    expect(leader.sensitivity!.rankP95).toBeLessThanOrEqual(10);
    const meanStability = a.results.reduce((s, r) => s + r.sensitivity!.tierStability, 0) / a.results.length;
    expect(meanStability).toBeGreaterThan(0.7);
    expect(meanStability).toBeLessThan(1);
    const b = computeRun(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings, cities.slice(0, 50), { sensitivity: { draws: 100, seed: 9, concentration: 100 } });
    const c = computeRun(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings, cities.slice(0, 50), { sensitivity: { draws: 100, seed: 9, concentration: 100 } });
    expect(b).toEqual(c);
  });

  it('refuses an empty entity list', () => {
    expect(codeOf(() => computeRun(DEFAULT_TEMPLATE.nodes, DEFAULT_TEMPLATE.settings, []))).toBe('evaluation.no_entities');
  });
});

describe('columnar node scores', () => {
  it('keeps one Float64Array per node; each result reads its scores from them, also in JSON', () => {
    const cities = demoCities(8, 30);
    cities[2]!.values.D11 = null;
    const out = computeRun(DEFAULT_TEMPLATE.nodes, { ...DEFAULT_TEMPLATE.settings, missing: 'renormalize' }, cities);
    expect(out.columns.codes).toHaveLength(42);
    expect(out.columns.scores.every((c) => c instanceof Float64Array && c.length === 30)).toBe(true);
    const g = out.columns.codes.indexOf('G');
    const d11 = out.columns.codes.indexOf('D11');
    out.results.forEach((r, i) => expect(r.nodeScores.G).toBe(out.columns.scores[g]![i]));
    expect(Number.isNaN(out.columns.scores[d11]![2]!)).toBe(true);
    expect(out.results[2]!.nodeScores.D11).toBeNull();
    const json = JSON.parse(JSON.stringify(out.results[2])) as { code: string; nodeScores: Record<string, number | null>; total: number };
    expect(json.code).toBe(cities[2]!.code);
    expect(json.nodeScores).toEqual(out.results[2]!.nodeScores);
    expect(Object.keys(json.nodeScores)).toHaveLength(42);
    expect(json.total).toBe(out.results[2]!.total);
  });
});
