/**
 * One evaluation run, pure: a system (nodes + settings) and entity data in, per-entity results (every node's score,
 * rank, tier, coverage, missing-data flags, change against a previous run), statistics by class and region, and
 * optionally the Monte-Carlo sensitivity out. The service stores it; the CLI writes it to a file; the benchmark
 * times it.
 */
import type { EvalResult, MissingFlagView, RunSensitivity, RunSummary } from '@civicgrid/contracts/evaluation';
import { badRequest } from '../../shared/errors.js';
import { score } from './methods/engine.js';
import { sensitivity, type SensitivityOptions } from './methods/sensitivity.js';
import { rankDescending, summarize, tierIndex } from './methods/stats.js';
import { buildSystem, type SystemNode, type SystemSettings } from './system.js';

export interface EntityInput {
  code: string;
  name: string;
  class?: string | null;
  province?: string | null;
  region?: string | null;
  /** Indicator code → value; null or absent = missing. */
  values: Record<string, number | null | undefined>;
}

export interface PreviousResult {
  total: number | null;
  rank: number;
  tier: string | null;
}

/** The API's EvalResult before it is stored: no imported values yet, the missing-value flags on their own. */
export interface EntityResult extends Omit<EvalResult, 'values' | 'flags'> {
  flags: MissingFlagView[];
  change: { total: number | null; rank: number | null; tierFrom: string | null } | null;
  sensitivity?: { rankP05: number; rankMedian: number; rankP95: number; tierStability: number };
}

export type { RunSummary };

/**
 * Node scores of a run, columnar: one Float64Array per node (tree pre-order, root excluded) with every entity's
 * score rounded to 4 decimals, NaN = no score. 100,000 entities × 250 nodes take 200 MB here, where one
 * `{ code: score }` object per entity took several GB; `EntityResult.nodeScores` is built from it when read.
 */
export interface NodeColumns {
  codes: string[];
  scores: Float64Array[];
}

export interface RunOutput {
  /** Per entity; `nodeScores` is computed from `columns` on access (and included by JSON.stringify). */
  results: EntityResult[];
  columns: NodeColumns;
  summary: RunSummary;
  sensitivity: RunSensitivity | null;
}

export const MAX_ENTITIES = 200_000;

const round = (x: number, digits = 4) => (Number.isNaN(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);

const roundOrNaN = (x: number) => (Number.isNaN(x) ? NaN : Math.round(x * 1e4) / 1e4);

/** An entity's result whose node scores stay in the run's columns until read. */
class ColumnarResult implements EntityResult {
  code!: string;
  name!: string;
  class!: string | null;
  province!: string | null;
  region!: string | null;
  total!: number | null;
  rank!: number;
  tier!: string | null;
  coverage!: number;
  flags!: EntityResult['flags'];
  change!: EntityResult['change'];
  sensitivity?: EntityResult['sensitivity'];
  readonly #columns: NodeColumns;
  readonly #index: number;

  constructor(columns: NodeColumns, index: number, fields: Omit<EntityResult, 'nodeScores'>) {
    Object.assign(this, fields);
    this.#columns = columns;
    this.#index = index;
  }

  get nodeScores(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    const { codes, scores } = this.#columns;
    for (let k = 0; k < codes.length; k++) {
      const x = scores[k]![this.#index]!;
      out[codes[k]!] = Number.isNaN(x) ? null : x;
    }
    return out;
  }

  toJSON(): EntityResult {
    return { ...this, nodeScores: this.nodeScores };
  }
}

export function computeRun(
  nodes: readonly SystemNode[],
  settings: SystemSettings,
  entities: readonly EntityInput[],
  options: { previous?: ReadonlyMap<string, PreviousResult>; sensitivity?: SensitivityOptions } = {},
): RunOutput {
  if (entities.length === 0) throw badRequest('evaluation.no_entities');
  if (entities.length > MAX_ENTITIES) throw badRequest('evaluation.too_many_entities', { max: MAX_ENTITIES });
  const system = buildSystem(nodes, settings);
  const { tree, tiers } = system;
  const m = entities.length;
  const L = tree.leaves.length;
  const values = new Float64Array(m * L);
  const present = new Uint8Array(L);
  for (let i = 0; i < m; i++) {
    const v = entities[i]!.values;
    for (let l = 0; l < L; l++) {
      const x = v[tree.leaves[l]!.code];
      const ok = typeof x === 'number' && Number.isFinite(x);
      values[i * L + l] = ok ? x : NaN;
      if (ok) present[l] = 1;
    }
  }
  const scored = score({ tree, values, entities: m, classes: entities.map((e) => e.class ?? ''), missing: settings.missing, aggregation: settings.aggregation });
  const ranks = rankDescending(scored.total);
  const flagsOf = new Map<number, EntityResult['flags']>();
  for (const f of scored.flags) {
    const list = flagsOf.get(f.entity) ?? [];
    list.push({ code: f.code, handling: f.handling, ...(f.value !== undefined ? { value: f.value } : {}) });
    flagsOf.set(f.entity, list);
  }
  const sens = options.sensitivity
    ? sensitivity(tree, scored.leafScores, m, scored.total, tiers, settings.aggregation, options.sensitivity)
    : null;
  const N = tree.size;
  const columns: NodeColumns = { codes: tree.codes.slice(1), scores: [] };
  for (let k = 1; k < N; k++) {
    const col = new Float64Array(m);
    for (let i = 0; i < m; i++) col[i] = roundOrNaN(scored.nodeScores[i * N + k]!);
    columns.scores.push(col);
  }
  const results: EntityResult[] = entities.map((e, i) => {
    const total = round(scored.total[i]!);
    const t = tierIndex(tiers, scored.total[i]!);
    const tier = t >= 0 ? tiers[t]!.code : null;
    const prev = options.previous?.get(e.code);
    return new ColumnarResult(columns, i, {
      code: e.code,
      name: e.name,
      class: e.class ?? null,
      province: e.province ?? null,
      region: e.region ?? null,
      total,
      rank: ranks[i]!,
      tier,
      coverage: round(scored.coverage[i]!)!,
      flags: flagsOf.get(i) ?? [],
      change: prev
        ? { total: total !== null && prev.total !== null ? round(total - prev.total) : null, rank: prev.rank > 0 && ranks[i]! > 0 ? prev.rank - ranks[i]! : null, tierFrom: prev.tier }
        : null,
      ...(sens ? { sensitivity: sens.entities[i]! } : {}),
    });
  });
  const group = (key: (e: EntityInput) => string | null | undefined) => {
    const by = new Map<string, number[]>();
    entities.forEach((e, i) => {
      const k = key(e);
      if (!k) return;
      const list = by.get(k) ?? [];
      list.push(scored.total[i]!);
      by.set(k, list);
    });
    return Object.fromEntries([...by].sort(([a], [b]) => a.localeCompare(b)).map(([k, xs]) => [k, summarize(xs)]));
  };
  const tierCounts = Object.fromEntries(tiers.map((t) => [t.code, 0]));
  for (const r of results) if (r.tier) tierCounts[r.tier]!++;
  let missingCells = 0;
  for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k]!)) missingCells++;
  return {
    results,
    columns,
    summary: {
      entities: m,
      overall: summarize(scored.total),
      byClass: group((e) => e.class),
      byRegion: group((e) => e.region),
      tierCounts,
      missingCells,
      constantLeaves: scored.constantLeaves,
      ahp: system.ahp,
      absentIndicators: tree.leaves.filter((_, l) => !present[l]).map((l) => l.code),
    },
    sensitivity: sens ? { draws: sens.draws, seed: sens.seed, concentration: sens.concentration, influence: sens.influence } : null,
  };
}
