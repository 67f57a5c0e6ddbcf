/**
 * Self-evaluation (平台自评): every month the platform scores its own districts and departments with an indicator
 * system whose leaves name platform metrics ("metric" leaves, `source: { kind: 'platform', metric }`) instead of
 * imported data. The job builds the month's data set from the indicators the platform computes — the performance
 * module's rates (结案率, 按期结案率, 按期处置率, 返工率; FORMULAS.md) and the work-order statistics' 满意率 — and runs the
 * system's latest published version on it, compared with the previous month's run.
 *
 * The system is the jurisdiction's `platform-self`, created from SELF_TEMPLATE (published) the first time; analysts
 * may publish a new version of it, and the next month uses that. Leaves of other sources get no value and are
 * renormalised away (flagged). Idempotent: a month's data set exists at most once per jurisdiction and entity kind
 * (unique index, 0021); a re-run only adds a missing run. The timer fires on the 1st at 02:00 China time for the
 * month just ended and schedules the next month.
 */
import type { AppContext, Db } from '../../app-context.js';
import { systemActor, type Actor } from '../../shared/actor.js';
import { badRequest } from '../../shared/errors.js';
import type { Principal } from '../identity/index.js';
import { ranking, type Rates } from '../performance/index.js';
import { workOrderStats } from '../work-orders/index.js';
import * as repo from './evaluation.repo.js';
import { createRun, createSystem, importDataset, publishDraft, type EvaluationContext } from './evaluation.service.js';
import type { EntityInput } from './run.js';
import type { PlatformMetric, SystemNode, SystemSettings } from './system.js';

export const SELF_SYSTEM_CODE = 'platform-self';
export const SELF_EVALUATION_TIMER = 'evaluation.self-evaluation';
export const SELF_ENTITY_KINDS = ['district', 'department'] as const;
export type SelfEntityKind = (typeof SELF_ENTITY_KINDS)[number];

const pct = { unit: '%' } as const;
const metric = (m: PlatformMetric) => ({ source: { kind: 'platform' as const, metric: m } });

/** The built-in self-evaluation system (editable like any other: publish a new version of `platform-self`). */
export const SELF_TEMPLATE: { nameZh: string; nameEn: string; nodes: SystemNode[]; settings: SystemSettings } = {
  nameZh: '平台自评（区县与部门，按月）',
  nameEn: 'Platform self-evaluation (districts and departments, monthly)',
  nodes: [
    { code: 'Q', parent: null, nameZh: '处置质效', nameEn: 'Handling performance', weight: 0.7 },
    { code: 'Q1', parent: 'Q', nameZh: '结案率', nameEn: 'Closure rate', weight: 0.25, ...pct, direction: 'benefit', normalization: { method: 'target', threshold: 50, target: 100 }, ...metric('work_orders.closure_rate') },
    { code: 'Q2', parent: 'Q', nameZh: '按期结案率', nameEn: 'On-time closure rate', weight: 0.3, ...pct, direction: 'benefit', normalization: { method: 'target', threshold: 50, target: 100 }, ...metric('work_orders.on_time_closure_rate') },
    { code: 'Q3', parent: 'Q', nameZh: '按期处置率', nameEn: 'On-time handling rate', weight: 0.25, ...pct, direction: 'benefit', normalization: { method: 'target', threshold: 50, target: 100 }, ...metric('work_orders.handled_on_time_rate') },
    { code: 'Q4', parent: 'Q', nameZh: '返工率', nameEn: 'Rework rate', weight: 0.2, ...pct, direction: 'cost', normalization: { method: 'target', threshold: 30, target: 0 }, ...metric('work_orders.rework_rate') },
    { code: 'S', parent: null, nameZh: '群众满意', nameEn: 'Public satisfaction', weight: 0.3 },
    { code: 'S1', parent: 'S', nameZh: '满意率', nameEn: 'Satisfaction rate', weight: 1, ...pct, direction: 'benefit', normalization: { method: 'target', threshold: 60, target: 100 }, ...metric('work_orders.satisfaction_rate') },
  ],
  settings: {
    aggregation: 'weighted_sum',
    missing: 'renormalize',
    tiers: [
      { code: 'A', minScore: 90, nameZh: '优秀（≥90）', nameEn: 'Excellent (≥ 90)' },
      { code: 'B', minScore: 75, nameZh: '良好（75–90）', nameEn: 'Good (75–90)' },
      { code: 'C', minScore: 60, nameZh: '合格（60–75）', nameEn: 'Adequate (60–75)' },
      { code: 'D', minScore: 0, nameZh: '待改进（<60）', nameEn: 'Needs improvement (< 60)' },
    ],
  },
};

/** Each platform metric in percent, from the performance rates (0–1) and the satisfaction rate (0–1). */
const METRIC_VALUE: Record<PlatformMetric, (r: Rates | undefined, satisfaction: number | null | undefined) => number | null | undefined> = {
  'work_orders.closure_rate': (r) => r?.closeRate,
  'work_orders.on_time_closure_rate': (r) => r?.closedOnTimeRate,
  'work_orders.handled_on_time_rate': (r) => r?.handledOnTimeRate,
  'work_orders.rework_rate': (r) => r?.reworkRate,
  'work_orders.satisfaction_rate': (_, s) => s,
};

const CLASS_LABEL: Record<SelfEntityKind, string> = { district: '区县', department: '部门' };
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The month's bounds in China time (UTC+8, no daylight saving). */
export function monthBounds(month: string): { from: Date; to: Date } {
  const m = MONTH.exec(month);
  if (!m) throw badRequest('evaluation.month_invalid', { month });
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: new Date(Date.UTC(y, mo - 1, 1) - CHINA_OFFSET_MS), to: new Date(Date.UTC(y, mo, 1) - CHINA_OFFSET_MS) };
}

const monthOf = (d: Date) => new Date(d.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
export const previousMonth = (month: string) => monthOf(new Date(monthBounds(month).from.getTime() - 1));

/** Reads the platform's own indicators with the jurisdiction's whole scope, as the system (no user behind it). */
function platformPrincipal(jurisdictionId: string): Principal {
  return { kind: 'api_key', keyId: 'self-evaluation', name: 'self-evaluation', prefix: '', jurisdictionId, scopes: ['performance.read', 'work_order.stats'] };
}

/** The entities of one kind with the month's value of each platform metric the leaves name. */
export async function platformEntities(ctx: Pick<AppContext, 'db' | 'outbox'>, jurisdictionId: string, kind: SelfEntityKind, month: string, metrics: readonly PlatformMetric[], now = new Date()): Promise<EntityInput[]> {
  const { from, to } = monthBounds(month);
  if (from.getTime() >= now.getTime()) return [];
  const principal = platformPrincipal(jurisdictionId);
  const perf = await ranking(ctx, principal, { from, to, dimension: kind, filters: {} }, now);
  const stats = await workOrderStats(ctx.db, principal, { from, to, groupBy: [kind] });
  const satisfaction = new Map((stats.groups[kind] ?? []).map((g) => [g.key, g.satisfactionRate]));
  const out: EntityInput[] = [];
  for (const row of perf.rows) {
    const values: Record<string, number | null> = {};
    let any = false;
    for (const m of metrics) {
      const v = METRIC_VALUE[m](row.rates, satisfaction.get(row.key));
      values[m] = typeof v === 'number' ? Math.round(v * 10_000) / 100 : null;
      any ||= typeof v === 'number';
    }
    if (any) out.push({ code: row.key, name: row.label.zh, class: CLASS_LABEL[kind], values });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

async function ensureSelfSystem(ctx: EvaluationContext, jurisdictionId: string, actor: Actor): Promise<repo.VersionRow> {
  let system = await repo.findSystemByCode(ctx.db, jurisdictionId, SELF_SYSTEM_CODE);
  if (!system) {
    await createSystem(ctx, { jurisdictionId, code: SELF_SYSTEM_CODE, nameZh: SELF_TEMPLATE.nameZh, nameEn: SELF_TEMPLATE.nameEn, definition: { nodes: SELF_TEMPLATE.nodes, settings: SELF_TEMPLATE.settings } }, actor);
    system = (await repo.findSystemByCode(ctx.db, jurisdictionId, SELF_SYSTEM_CODE))!;
  }
  let version = await repo.latestPublished(ctx.db, system.id);
  if (!version) {
    await publishDraft(ctx, system.id, actor);
    version = (await repo.latestPublished(ctx.db, system.id))!;
  }
  return version;
}

export interface SelfEvaluationResult {
  kind: SelfEntityKind;
  month: string;
  runId: string | null;
  entities: number;
  created: boolean;
}

/** Scores the jurisdiction's districts and departments for `month` (YYYY-MM, China time). */
export async function selfEvaluate(ctx: EvaluationContext, jurisdictionId: string, month: string, now = new Date(), actor: Actor = systemActor('self-evaluation', jurisdictionId)): Promise<SelfEvaluationResult[]> {
  monthBounds(month);
  const version = await ensureSelfSystem(ctx, jurisdictionId, actor);
  const nodes = version.tree as SystemNode[];
  // Each metric once, from the leaves that name one (a leaf wants the value under its own code).
  const metricLeaves = nodes.filter((n) => n.direction && n.source?.kind === 'platform') as (SystemNode & { source: { kind: 'platform'; metric: PlatformMetric } })[];
  const metrics = [...new Set(metricLeaves.map((n) => n.source.metric))];
  const out: SelfEvaluationResult[] = [];
  for (const kind of SELF_ENTITY_KINDS) {
    let dataset = await repo.findSelfDataset(ctx.db, jurisdictionId, kind, month);
    let created = false;
    if (!dataset) {
      const raw = await platformEntities(ctx, jurisdictionId, kind, month, metrics, now);
      if (raw.length === 0) {
        out.push({ kind, month, runId: null, entities: 0, created: false });
        continue;
      }
      const entities = raw.map((e) => ({ ...e, values: Object.fromEntries(metricLeaves.map((n) => [n.code, e.values[n.source.metric] ?? null])) }));
      const name = `平台自评 ${month} ${CLASS_LABEL[kind]} Self-evaluation ${month} ${kind}s`;
      await importDataset(ctx, { jurisdictionId, name, entities, indicatorCodes: metricLeaves.map((n) => n.code), platform: { kind, period: month } }, actor);
      dataset = (await repo.findSelfDataset(ctx.db, jurisdictionId, kind, month))!;
      created = true;
    }
    const existing = await repo.findRunOf(ctx.db, version.id, dataset.id);
    if (existing) {
      out.push({ kind, month, runId: existing.id, entities: dataset.row_count, created });
      continue;
    }
    const before = await repo.findSelfDataset(ctx.db, jurisdictionId, kind, previousMonth(month));
    const previousRun = before ? await repo.latestRunOfDataset(ctx.db, before.id) : undefined;
    const run = await createRun(ctx, { jurisdictionId, systemVersionId: version.id, datasetId: dataset.id, ...(previousRun ? { previousRunId: previousRun.id } : {}) }, actor);
    out.push({ kind, month, runId: run.id, entities: dataset.row_count, created: true });
  }
  return out;
}

// ---- the monthly timer ----

/** The 1st of the month after `now`'s month, 02:00 China time (18:00 UTC the day before). */
export function nextSelfEvaluationAt(now: Date): Date {
  const month = monthOf(now);
  const next = monthBounds(month).to;
  return new Date(next.getTime() + 2 * 3_600_000);
}

export async function scheduleSelfEvaluation(ctx: Pick<AppContext, 'outbox'>, tx: Db, jurisdictionId: string, now = new Date()): Promise<Date> {
  const runAt = nextSelfEvaluationAt(now);
  const month = previousMonth(monthOf(runAt));
  await ctx.outbox.schedule(tx, { handler: SELF_EVALUATION_TIMER, key: `${jurisdictionId}@${month}`, runAt, jurisdictionId, payload: { jurisdictionId, month }, maxAttempts: 5 });
  return runAt;
}

/** Registers the monthly handler (once per registry). It runs detached: the run opens its own transactions. */
export function registerSelfEvaluationTimer(ctx: Pick<AppContext, 'db' | 'outbox' | 'handlers'> & Partial<Pick<AppContext, 'log'>>): void {
  if (ctx.handlers.hasTimer(SELF_EVALUATION_TIMER)) return;
  ctx.handlers.onDetachedTimer(
    SELF_EVALUATION_TIMER,
    async (payload, job) => {
      const jurisdictionId = typeof payload.jurisdictionId === 'string' ? payload.jurisdictionId : job.jurisdictionId;
      const month = typeof payload.month === 'string' ? payload.month : null;
      if (!jurisdictionId || !month) return;
      const results = await selfEvaluate(ctx, jurisdictionId, month);
      ctx.log?.info({ jurisdictionId, month, results }, 'self-evaluation done');
      await ctx.db.transaction().execute((tx) => scheduleSelfEvaluation(ctx, tx, jurisdictionId));
    },
    { leaseMs: 10 * 60_000 },
  );
}

/** Keeps the monthly self-evaluation scheduled for every jurisdiction with work orders (at start; idempotent). */
export async function scheduleSelfEvaluations(ctx: Pick<AppContext, 'db' | 'outbox' | 'handlers'>, now = new Date()): Promise<number> {
  registerSelfEvaluationTimer(ctx);
  const ids = await repo.jurisdictionsWithOrders(ctx.db);
  if (ids.length === 0) return 0;
  await ctx.db.transaction().execute(async (tx) => {
    for (const id of ids) await scheduleSelfEvaluation(ctx, tx, id, now);
  });
  return ids.length;
}
