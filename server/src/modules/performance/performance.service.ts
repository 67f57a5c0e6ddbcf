/**
 * Use cases of the performance evaluation: rankings for a dimension, the orders behind any count, trends, hotspots,
 * XLSX export of a ranking, and scoring schemes (versioned). Reads are bounded by the viewer's data scope for
 * `performance.read`; writes (schemes) and exports are one transaction each with their audit entry (and, for a
 * scheme, its event).
 */
import ExcelJS from 'exceljs';
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { effectiveScope, type Principal } from '../identity/index.js';
import { noRequest, type Actor, type RequestMeta } from '../../shared/actor.js';
import { badRequest, notFound } from '../../shared/errors.js';
import { translate, type Locale } from '../../shared/i18n.js';
import {
  COUNT_KEYS,
  JINNIU_SCHEME,
  RATE_KEYS,
  addCounts,
  emptyCounts,
  orderCounts,
  rates,
  schemeProblem,
  scoreOf,
  type CountKey,
  type Counts,
  type Rates,
  type SchemeDefinition,
  type TermScore,
} from './formulas.js';
import * as repo from './performance.repo.js';
import type { Dimension, Filters, HotspotLevel, Period } from './performance.repo.js';

export type PerformanceContext = Pick<AppContext, 'db' | 'outbox'>;
export interface Caller {
  principal: Principal;
  actor: Actor;
  request?: RequestMeta;
}

export const MAX_PERIOD_DAYS = 366;
const DAY = 86_400_000;
export const BUILT_IN_SCHEME = 'jinniu';

export interface PeriodInput {
  from: Date;
  to: Date;
  /** Evaluation instant; default min(to, now). */
  asOf?: Date;
}

export function resolvePeriod(input: PeriodInput, now = new Date()): Period {
  if (!(input.from < input.to)) throw badRequest('performance.period_invalid');
  if (input.to.getTime() - input.from.getTime() > MAX_PERIOD_DAYS * DAY) throw badRequest('performance.period_too_long', { max: MAX_PERIOD_DAYS });
  const asOf = input.asOf ?? new Date(Math.min(input.to.getTime(), now.getTime()));
  if (asOf > now) throw badRequest('performance.as_of_future');
  if (asOf < input.from) throw badRequest('performance.as_of_before_period');
  return { from: input.from, to: input.to, asOf };
}

// ---------------------------------------------------------------------------------------------------------------
// Schemes

export interface SchemeView {
  key: string;
  version: number;
  nameZh: string;
  nameEn: string;
  definition: SchemeDefinition;
  isDefault: boolean;
  builtIn: boolean;
  createdAt: string | null;
}

function builtIn(isDefault: boolean): SchemeView {
  return { key: BUILT_IN_SCHEME, version: 1, nameZh: '成都市金牛区百分制考评', nameEn: 'Chengdu Jinniu 100-point scheme', definition: JINNIU_SCHEME, isDefault, builtIn: true, createdAt: null };
}

function present(row: repo.SchemeRow): SchemeView {
  const definition = (typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition) as SchemeDefinition;
  return { key: row.key, version: row.version, nameZh: row.name_zh, nameEn: row.name_en, definition, isDefault: row.is_default, builtIn: false, createdAt: new Date(row.created_at).toISOString() };
}

export async function listSchemes(ctx: PerformanceContext, principal: Principal): Promise<SchemeView[]> {
  const rows = await repo.listSchemes(ctx.db, principal.jurisdictionId);
  return [builtIn(!rows.some((r) => r.is_default)), ...rows.map(present)];
}

/** `jinniu`, `key` (its latest version) or `key@version`; none → the jurisdiction's default (built-in if none). */
export async function resolveScheme(ctx: PerformanceContext, jurisdictionId: string, ref?: string): Promise<SchemeView> {
  if (!ref) {
    const row = await repo.findDefaultScheme(ctx.db, jurisdictionId);
    return row ? present(row) : builtIn(true);
  }
  const m = /^([a-z0-9][a-z0-9_-]{0,39})(?:@([1-9][0-9]{0,5}))?$/.exec(ref);
  if (!m) throw badRequest('performance.scheme_ref_invalid', { ref });
  if (m[1] === BUILT_IN_SCHEME) {
    if (m[2] && m[2] !== '1') throw notFound('performance.scheme_not_found', { ref });
    return builtIn(!(await repo.findDefaultScheme(ctx.db, jurisdictionId)));
  }
  const row = await repo.findScheme(ctx.db, jurisdictionId, m[1]!, m[2] ? Number(m[2]) : null);
  if (!row) throw notFound('performance.scheme_not_found', { ref });
  return present(row);
}

export interface CreateSchemeInput {
  key: string;
  nameZh: string;
  nameEn: string;
  definition: SchemeDefinition;
  isDefault: boolean;
}

export async function createScheme(ctx: PerformanceContext, caller: Caller, input: CreateSchemeInput): Promise<SchemeView> {
  if (input.key === BUILT_IN_SCHEME) throw badRequest('performance.scheme_key_reserved', { key: input.key });
  const problem = schemeProblem(input.definition);
  if (problem) throw badRequest(problem.code, problem.params);
  const jurisdictionId = caller.principal.jurisdictionId;
  return ctx.db.transaction().execute(async (tx) => {
    const row = await repo.insertScheme(tx, { jurisdictionId, key: input.key, nameZh: input.nameZh, nameEn: input.nameEn, definition: input.definition, isDefault: input.isDefault, createdBy: caller.principal.kind === 'user' ? caller.principal.userId : null });
    const details = { key: row.key, version: row.version, isDefault: row.is_default };
    await recordAudit(tx, { actor: caller.actor, request: caller.request ?? noRequest, action: 'performance_scheme.create', jurisdictionId, objectType: 'performance_scheme', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'performance.scheme_created', jurisdictionId, payload: { schemeId: row.id, ...details } });
    return present(row);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

export interface Evaluated {
  counts: Counts;
  rates: Rates;
  score: number | null;
  grade: string | null;
  terms: TermScore[];
}

export interface RankingRow extends Evaluated {
  key: string;
  label: repo.Label;
  /** Competition rank by score (1, 2, 2, 4 …); null when the row has no score. */
  rank: number | null;
}

export interface RankingInput extends PeriodInput {
  dimension: Dimension;
  filters: Filters;
  scheme?: string;
}

export interface Ranking {
  period: { from: string; to: string; asOf: string };
  scheme: SchemeView;
  dimension: Dimension;
  overall: Evaluated;
  rows: RankingRow[];
}

function evaluate(counts: Counts, scheme: SchemeDefinition): Evaluated {
  const r = rates(counts);
  const s = scoreOf(r, scheme);
  return { counts, rates: r, score: s.score, grade: s.grade, terms: s.terms };
}

const iso = (p: Period) => ({ from: p.from.toISOString(), to: p.to.toISOString(), asOf: p.asOf.toISOString() });

async function checkFilters(ctx: PerformanceContext, jurisdictionId: string, filters: Filters): Promise<void> {
  if (filters.departmentId) {
    const d = await ctx.db.selectFrom('departments').select('id').where('id', '=', filters.departmentId).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
    if (!d) throw notFound('performance.department_not_found');
  }
}

export async function ranking(ctx: PerformanceContext, principal: Principal, input: RankingInput, now = new Date()): Promise<Ranking> {
  const period = resolvePeriod(input, now);
  const scheme = await resolveScheme(ctx, principal.jurisdictionId, input.scheme);
  await checkFilters(ctx, principal.jurisdictionId, input.filters);
  const scope = effectiveScope(principal, 'performance.read');
  const facts = await repo.loadFacts(ctx.db, scope, period, input.filters, input.dimension);
  const overall = emptyCounts();
  const byKey = new Map<string, Counts>();
  for (const f of facts) {
    const flags = orderCounts(f, period.asOf, scheme.definition.limits);
    addCounts(overall, flags);
    for (const k of f.keys) {
      let c = byKey.get(k);
      if (!c) byKey.set(k, (c = emptyCounts()));
      addCounts(c, flags);
    }
  }
  const labels = await repo.labelsFor(ctx.db, principal.jurisdictionId, input.dimension, [...byKey.keys()]);
  const rows = [...byKey.entries()].map(([key, counts]) => ({ key, label: labels.get(key) ?? { zh: key, en: key }, rank: null as number | null, ...evaluate(counts, scheme.definition) }));
  rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || b.counts.reported - a.counts.reported || a.key.localeCompare(b.key));
  rows.forEach((row, i) => {
    if (row.score === null) return;
    const prev = rows[i - 1];
    row.rank = prev && prev.score === row.score ? prev.rank : i + 1;
  });
  return { period: iso(period), scheme, dimension: input.dimension, overall: evaluate(overall, scheme.definition), rows };
}

export interface OrdersBehindInput extends PeriodInput {
  count: CountKey;
  /** With a dimension and key: the orders behind that row's number; without: behind the overall number. */
  dimension?: Dimension;
  key?: string;
  filters: Filters;
  scheme?: string;
  /** Orders in the denominator but not the numerator: e.g. count=handled, within=toHandle → not yet handled. */
  within?: CountKey;
  limit: number;
}

export interface OrderBehind {
  id: string;
  code: string;
  title: string;
  status: string;
  createdAt: string;
  dueAt: string | null;
}

export async function ordersBehind(ctx: PerformanceContext, principal: Principal, input: OrdersBehindInput, now = new Date()): Promise<{ count: CountKey; total: number; items: OrderBehind[]; period: Ranking['period'] }> {
  if ((input.dimension === undefined) !== (input.key === undefined)) throw badRequest('performance.dimension_key_together');
  const period = resolvePeriod(input, now);
  const scheme = await resolveScheme(ctx, principal.jurisdictionId, input.scheme);
  await checkFilters(ctx, principal.jurisdictionId, input.filters);
  const facts = await repo.loadFacts(ctx.db, effectiveScope(principal, 'performance.read'), period, input.filters, input.dimension ?? null);
  const matching = facts.filter((f) => {
    if (input.key !== undefined && !f.keys.includes(input.key)) return false;
    const flags = orderCounts(f, period.asOf, scheme.definition.limits);
    return input.within ? flags[input.within] && !flags[input.count] : flags[input.count];
  });
  return {
    count: input.count,
    total: matching.length,
    period: iso(period),
    items: matching.slice(0, input.limit).map((f) => ({ id: f.id, code: f.code, title: f.title, status: f.status, createdAt: f.createdAt.toISOString(), dueAt: f.dueAt?.toISOString() ?? null })),
  };
}

export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
const SHANGHAI = 8 * 3_600_000;

/** The start (UTC instant) of the Asia/Shanghai day, ISO week (Monday) or month that contains `at`. */
export function bucketStart(at: Date, interval: Interval): Date {
  const local = new Date(at.getTime() + SHANGHAI);
  local.setUTCHours(0, 0, 0, 0);
  if (interval === 'week') local.setUTCDate(local.getUTCDate() - ((local.getUTCDay() + 6) % 7));
  if (interval === 'month') local.setUTCDate(1);
  return new Date(local.getTime() - SHANGHAI);
}

function nextBucket(start: Date, interval: Interval): Date {
  const local = new Date(start.getTime() + SHANGHAI);
  if (interval === 'day') local.setUTCDate(local.getUTCDate() + 1);
  else if (interval === 'week') local.setUTCDate(local.getUTCDate() + 7);
  else local.setUTCMonth(local.getUTCMonth() + 1);
  return new Date(local.getTime() - SHANGHAI);
}

export interface TrendPoint extends Evaluated {
  /** Orders created in [from, to) (the period's bounds cut the first and last bucket). */
  from: string;
  to: string;
  label: string;
}

export async function trend(ctx: PerformanceContext, principal: Principal, input: PeriodInput & { interval: Interval; filters: Filters; scheme?: string }, now = new Date()): Promise<{ period: Ranking['period']; scheme: SchemeView; interval: Interval; points: TrendPoint[] }> {
  const period = resolvePeriod(input, now);
  const scheme = await resolveScheme(ctx, principal.jurisdictionId, input.scheme);
  await checkFilters(ctx, principal.jurisdictionId, input.filters);
  const facts = await repo.loadFacts(ctx.db, effectiveScope(principal, 'performance.read'), period, input.filters, null);
  const points: TrendPoint[] = [];
  const end = new Date(Math.min(period.to.getTime(), period.asOf.getTime() + 1));
  const buckets: Array<{ from: Date; to: Date; counts: Counts }> = [];
  for (let start = bucketStart(period.from, input.interval); start < end; start = nextBucket(start, input.interval)) {
    buckets.push({ from: new Date(Math.max(start.getTime(), period.from.getTime())), to: new Date(Math.min(nextBucket(start, input.interval).getTime(), period.to.getTime())), counts: emptyCounts() });
    if (buckets.length > 400) throw badRequest('performance.too_many_buckets');
  }
  let b = 0;
  for (const f of facts) {
    while (b < buckets.length - 1 && f.createdAt >= buckets[b]!.to) b++;
    addCounts(buckets[b]!.counts, orderCounts(f, period.asOf, scheme.definition.limits));
  }
  for (const x of buckets) {
    const local = new Date(x.from.getTime() + SHANGHAI).toISOString();
    points.push({ from: x.from.toISOString(), to: x.to.toISOString(), label: input.interval === 'month' ? local.slice(0, 7) : local.slice(0, 10), ...evaluate(x.counts, scheme.definition) });
  }
  return { period: iso(period), scheme, interval: input.interval, points };
}

// ---------------------------------------------------------------------------------------------------------------
// Hotspots

export interface HotspotItem {
  key: string;
  label: repo.Label;
  count: number;
  previous: number;
  /** count − previous. */
  change: number;
  /** (count − previous) / previous, 4 decimals; null when there were none before. */
  changeRate: number | null;
  topCategory: { code: string; label: repo.Label; count: number } | null;
}

export interface Hotspots {
  period: { from: string; to: string };
  previous: { from: string; to: string };
  level: HotspotLevel;
  total: number;
  previousTotal: number;
  top: HotspotItem[];
  /** One point per grid with orders in the period (inside the grid), for the heat map. */
  points: Array<{ code: string; name: string; lng: number; lat: number; count: number }>;
  categories: Array<{ code: string; label: repo.Label; count: number; previous: number; change: number }>;
}

const changeRate = (count: number, previous: number) => (previous === 0 ? null : Math.round(((count - previous) / previous) * 10_000) / 10_000);

export async function hotspots(ctx: PerformanceContext, principal: Principal, input: { from: Date; to: Date; level: HotspotLevel; filters: Filters; limit: number }): Promise<Hotspots> {
  if (!(input.from < input.to)) throw badRequest('performance.period_invalid');
  if (input.to.getTime() - input.from.getTime() > MAX_PERIOD_DAYS * DAY) throw badRequest('performance.period_too_long', { max: MAX_PERIOD_DAYS });
  await checkFilters(ctx, principal.jurisdictionId, input.filters);
  const scope = effectiveScope(principal, 'performance.read');
  const previousFrom = new Date(input.from.getTime() - (input.to.getTime() - input.from.getTime()));
  const current = { from: input.from, to: input.to };
  const j = principal.jurisdictionId;
  const areas = await repo.hotspotCounts(ctx.db, scope, input.level, current, previousFrom, input.filters);
  const top = areas.filter((a) => a.count > 0).sort((a, b) => b.count - a.count || b.count - b.previous - (a.count - a.previous) || a.key.localeCompare(b.key)).slice(0, input.limit);
  const topKeys = top.map((a) => a.key);
  // One query at a time: the embedded database has a single connection.
  const labels = await repo.labelsFor(ctx.db, j, input.level, topKeys);
  const topCats = await repo.topCategoryPerArea(ctx.db, scope, input.level, topKeys, current, input.filters);
  const cats = await repo.categoryCounts(ctx.db, scope, current, previousFrom, input.filters);
  const gridCounts = (input.level === 'grid' ? areas : await repo.hotspotCounts(ctx.db, scope, 'grid', current, previousFrom, input.filters)).filter((g) => g.count > 0);
  const where = await repo.gridPoints(ctx.db, j, gridCounts.map((g) => g.key));
  const catLabels = await repo.categoryLabels(ctx.db, j, [...new Set([...cats.map((c) => c.key), ...[...topCats.values()].map((c) => c.code)])]);
  const label = (m: Map<string, repo.Label>, k: string) => m.get(k) ?? { zh: k, en: k };
  return {
    period: { from: input.from.toISOString(), to: input.to.toISOString() },
    previous: { from: previousFrom.toISOString(), to: input.from.toISOString() },
    level: input.level,
    total: areas.reduce((s, a) => s + a.count, 0),
    previousTotal: areas.reduce((s, a) => s + a.previous, 0),
    top: top.map((a) => {
      const c = topCats.get(a.key);
      return { key: a.key, label: label(labels, a.key), count: a.count, previous: a.previous, change: a.count - a.previous, changeRate: changeRate(a.count, a.previous), topCategory: c ? { code: c.code, label: label(catLabels, c.code), count: c.count } : null };
    }),
    points: gridCounts.flatMap((g) => {
      const p = where.get(g.key);
      return p ? [{ code: g.key, name: p.name, lng: p.lng, lat: p.lat, count: g.count }] : [];
    }),
    categories: cats
      .filter((c) => c.count > 0 || c.previous > 0)
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
      .slice(0, 20)
      .map((c) => ({ code: c.key, label: label(catLabels, c.key), count: c.count, previous: c.previous, change: c.count - c.previous })),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Export

export async function exportRanking(ctx: PerformanceContext, caller: Caller, input: RankingInput, locale: Locale, now = new Date()): Promise<{ body: Buffer; filename: string; rows: number }> {
  const r = await ranking(ctx, caller.principal, input, now);
  const t = (k: string, p?: Record<string, string | number>) => translate(locale, k, p);
  const book = new ExcelJS.Workbook();
  book.creator = 'CivicGrid';
  book.created = now;
  const sheet = book.addWorksheet(t(`performance.dimension.${input.dimension}`), { views: [{ state: 'frozen', ySplit: 2 }] });
  const local = (s: string) => new Date(new Date(s).getTime() + SHANGHAI).toISOString().slice(0, 16).replace('T', ' ');
  sheet.addRow([t('performance.export.title', { from: local(r.period.from), to: local(r.period.to), asOf: local(r.period.asOf), scheme: `${locale === 'en' ? r.scheme.nameEn : r.scheme.nameZh} (${r.scheme.key}@${r.scheme.version})` })]);
  const header = [t('performance.export.rank'), t('performance.export.key'), t('performance.export.name'), t('performance.export.score'), t('performance.export.grade'), ...RATE_KEYS.map((k) => t(`performance.rate.${k}`)), ...COUNT_KEYS.map((k) => t(`performance.count.${k}`))];
  sheet.addRow(header).font = { bold: true };
  const line = (rank: number | string, key: string, name: string, e: Evaluated) => [rank, key, name, e.score ?? '', e.grade ?? '', ...RATE_KEYS.map((k) => e.rates[k] ?? ''), ...COUNT_KEYS.map((k) => e.counts[k])];
  for (const row of r.rows) sheet.addRow(line(row.rank ?? '', row.key, locale === 'en' ? row.label.en : row.label.zh, row));
  sheet.addRow(line('', '', t('performance.export.overall'), r.overall)).font = { bold: true };
  // Rates as percentages, 2 decimals: the cell holds the exact rate used in the score.
  RATE_KEYS.forEach((_, i) => (sheet.getColumn(6 + i).numFmt = '0.00%'));
  sheet.columns.forEach((col, i) => (col.width = i === 2 ? 24 : i === 1 ? 16 : 10));
  const body = Buffer.from(await book.xlsx.writeBuffer());
  await ctx.db.transaction().execute(async (tx) => {
    await recordAudit(tx, {
      actor: caller.actor,
      request: caller.request ?? noRequest,
      action: 'performance.export',
      jurisdictionId: caller.principal.jurisdictionId,
      objectType: 'performance_ranking',
      objectId: null,
      details: JSON.parse(JSON.stringify({ dimension: input.dimension, period: r.period, scheme: `${r.scheme.key}@${r.scheme.version}`, filters: input.filters, rows: r.rows.length })),
    });
  });
  const stamp = local(now.toISOString()).replace(/[-: ]/g, '').slice(0, 12);
  return { body, filename: `performance-${input.dimension}-${stamp}.xlsx`, rows: r.rows.length };
}

/** The overall counts and rates of a period for a principal's scope (e.g. the evaluation module's platform metrics). */
export async function performanceIndicators(ctx: PerformanceContext, principal: Principal, input: PeriodInput & { filters?: Filters; scheme?: string }, now = new Date()): Promise<Evaluated & { period: Ranking['period'] }> {
  const period = resolvePeriod(input, now);
  const scheme = await resolveScheme(ctx, principal.jurisdictionId, input.scheme);
  const facts = await repo.loadFacts(ctx.db, effectiveScope(principal, 'performance.read'), period, input.filters ?? {}, null);
  const counts = emptyCounts();
  for (const f of facts) addCounts(counts, orderCounts(f, period.asOf, scheme.definition.limits));
  return { period: iso(period), ...evaluate(counts, scheme.definition) };
}
