/**
 * SQL of the performance evaluation. Its own table is `performance_schemes`; the facts are read (never written)
 * from the work-order module's `work_orders` and `work_order_timeline`, and display names from `departments`,
 * `divisions`, `grid_units`, `grids`, `users` and `work_order_categories` — an evaluation reads what the loop
 * recorded, as grid/ reads `divisions` and `users` (ARCHITECTURE.md).
 *
 * `loadFacts` turns each order created in the period into the `OrderFacts` the pure core counts (formulas.ts): one
 * row per order, its status and milestones taken from the timeline up to the evaluation instant.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import { scopeCondition, type EffectiveScope } from '../identity/index.js';
import { FINISHING_ACTIONS } from '../work-orders/index.js';
import type { OrderFacts } from './formulas.js';

export const DIMENSIONS = ['department', 'district', 'street', 'grid', 'inspector', 'dispatcher', 'agent'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const PERSON_DIMENSIONS: readonly Dimension[] = ['inspector', 'dispatcher', 'agent'];

/** Narrowing of the orders counted, on top of the viewer's data scope. */
export interface Filters {
  /** The department and its subtree (the order's current department). */
  departmentId?: string;
  district?: string;
  /** Street code (9 digits): orders whose grid code starts with it. */
  street?: string;
  /** Grid code or any prefix of one (community, street). */
  grid?: string;
  /** Category code and its subtree (`event` = every event category). */
  category?: string;
  /** Orders this person acted on in the given role. */
  person?: { userId: string; role: 'inspector' | 'dispatcher' | 'agent' };
}

export interface Period {
  from: Date;
  to: Date;
  /** Evaluation instant: timeline entries after it are ignored, deadlines after it are not yet due. */
  asOf: Date;
}

export interface FactRow extends OrderFacts {
  id: string;
  code: string;
  title: string;
  /** The keys this order is counted under for the requested dimension (empty: none, e.g. no department). */
  keys: string[];
}

const SCOPE_COLUMNS = { jurisdiction: 'w.jurisdiction_id', departmentPath: 'd.path', gridCode: 'w.grid_code' };

function filterCondition(filters: Filters, asOf: Date): RawBuilder<SqlBool> {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (filters.departmentId) {
    parts.push(sql`starts_with(d.path, (SELECT s.path FROM departments s WHERE s.id = ${filters.departmentId}::uuid AND s.jurisdiction_id = w.jurisdiction_id))`);
  }
  if (filters.district) parts.push(sql`w.district_code = ${filters.district}`);
  if (filters.street) parts.push(sql`left(w.grid_code, 9) = ${filters.street}`);
  if (filters.grid) parts.push(sql`starts_with(w.grid_code, ${filters.grid})`);
  if (filters.category) parts.push(sql`(w.category_code = ${filters.category} OR starts_with(w.category_code, ${`${filters.category}.`}))`);
  if (filters.person) {
    parts.push(sql`EXISTS (SELECT 1 FROM work_order_timeline p WHERE p.work_order_id = w.id AND p.actor_id = ${filters.person.userId}::uuid AND p.actor_role = ${filters.person.role} AND p.at <= ${asOf})`);
  }
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

function keysExpr(dimension: Dimension | null, asOf: Date): RawBuilder<string[]> {
  const one = (e: RawBuilder<unknown>) => sql<string[]>`CASE WHEN ${e} IS NULL THEN '{}'::text[] ELSE ARRAY[${e}::text] END`;
  switch (dimension) {
    case null:
      return sql<string[]>`'{}'::text[]`;
    case 'department':
      return one(sql`w.department_id`);
    case 'district':
      return one(sql`w.district_code`);
    case 'street':
      return one(sql`left(w.grid_code, 9)`);
    case 'grid':
      return one(sql`w.grid_code`);
    default:
      return sql<string[]>`ARRAY(SELECT DISTINCT p.actor_id::text FROM work_order_timeline p WHERE p.work_order_id = w.id AND p.actor_role = ${dimension} AND p.actor_id IS NOT NULL AND p.at <= ${asOf} ORDER BY 1)`;
  }
}

interface RawFact {
  id: string;
  code: string;
  title: string;
  created_at: Date | string;
  due_at: Date | string | null;
  status: string | null;
  intake_at: Date | string | null;
  accepted: boolean | null;
  answered: boolean | null;
  dispatched: boolean | null;
  returned: boolean | null;
  last_report_at: Date | string | null;
  last_verify_fail_at: Date | string | null;
  reworks: number | null;
  extended: boolean | null;
  last_close_at: Date | string | null;
  checks: Array<{ r: string; v: string | null }> | string | null;
  keys: string[];
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export async function loadFacts(db: Db, scope: EffectiveScope, period: Period, filters: Filters, dimension: Dimension | null): Promise<FactRow[]> {
  const { from, to, asOf } = period;
  const { rows } = await sql<RawFact>`
    SELECT w.id, w.code, w.title, w.created_at, w.due_at, ${keysExpr(dimension, asOf)} AS keys, t.*,
           (SELECT COALESCE(json_agg(json_build_object('r', r.at, 'v', (
                      SELECT min(v.at) FROM work_order_timeline v
                       WHERE v.work_order_id = w.id AND v.action IN ('verify_pass', 'verify_fail') AND v.at >= r.at AND v.at <= ${asOf}))
                    ORDER BY r.at), '[]'::json)
              FROM work_order_timeline r WHERE r.work_order_id = w.id AND r.action = 'report' AND r.at <= ${asOf}) AS checks
      FROM work_orders w
      LEFT JOIN departments d ON d.id = w.department_id
      LEFT JOIN LATERAL (
        SELECT (array_agg(x.to_status ORDER BY x.at DESC, x.id DESC))[1] AS status,
               min(x.at) FILTER (WHERE x.action IN ('accept', 'answer', 'reject', 'merge', 'cancel')) AS intake_at,
               -- 立案: accepted at intake, or — for an enquiry answered at intake — reopened by the review of a 不满意
               -- rating (a reopen sends the order back to the dispatcher as accepted: from then on it is a case).
               bool_or(x.action IN ('accept', 'reopen')) AS accepted,
               bool_or(x.action = 'answer') AS answered,
               bool_or(x.action = 'dispatch') AS dispatched,
               bool_or(x.action = 'return') AS returned,
               max(x.at) FILTER (WHERE x.action = 'report') AS last_report_at,
               max(x.at) FILTER (WHERE x.action = 'verify_fail') AS last_verify_fail_at,
               (count(*) FILTER (WHERE x.action = 'verify_fail'))::int AS reworks,
               bool_or(x.action = 'approve_extension') AS extended,
               max(x.at) FILTER (WHERE x.action IN (${sql.join([...FINISHING_ACTIONS])})) AS last_close_at
          FROM work_order_timeline x
         WHERE x.work_order_id = w.id AND x.at <= ${asOf}
      ) t ON true
     WHERE ${scopeCondition(scope, SCOPE_COLUMNS)}
       AND w.created_at >= ${from} AND w.created_at < ${to} AND w.created_at <= ${asOf}
       AND ${filterCondition(filters, asOf)}
     ORDER BY w.created_at, w.id`.execute(db);
  return rows.map((r) => {
    const checks = (typeof r.checks === 'string' ? JSON.parse(r.checks) : (r.checks ?? [])) as Array<{ r: string; v: string | null }>;
    return {
      id: r.id,
      code: r.code,
      title: r.title,
      keys: r.keys ?? [],
      createdAt: new Date(r.created_at),
      dueAt: date(r.due_at),
      status: r.status ?? 'received',
      intakeAt: date(r.intake_at),
      accepted: r.accepted === true,
      answered: r.answered === true,
      dispatched: r.dispatched === true,
      returned: r.returned === true,
      lastReportAt: date(r.last_report_at),
      lastVerifyFailAt: date(r.last_verify_fail_at),
      reworks: Number(r.reworks ?? 0),
      extended: r.extended === true,
      lastCloseAt: date(r.last_close_at),
      checks: checks.map((c) => ({ reportAt: new Date(c.r), verifiedAt: c.v === null ? null : new Date(c.v) })),
    };
  });
}

export interface Label {
  zh: string;
  en: string;
}

/** Display names of the keys of a dimension (a key without a name keeps its code). */
export async function labelsFor(db: Db, jurisdictionId: string, dimension: Dimension, keys: readonly string[]): Promise<Map<string, Label>> {
  const out = new Map<string, Label>();
  if (keys.length === 0) return out;
  const list = [...keys];
  let rows: Array<{ key: string; zh: string; en: string | null }> = [];
  switch (dimension) {
    case 'department':
      rows = await db.selectFrom('departments').select(['id as key', 'name_zh as zh', 'name_en as en']).where('jurisdiction_id', '=', jurisdictionId).where(sql<SqlBool>`id::text = ANY(${list})`).execute();
      break;
    case 'district':
      rows = await db.selectFrom('divisions').select(['code as key', 'name_zh as zh', 'name_en as en']).where('jurisdiction_id', '=', jurisdictionId).where('code', 'in', list).execute();
      break;
    case 'street':
      rows = await db.selectFrom('grid_units').select(['code as key', 'name as zh', 'name as en']).where('jurisdiction_id', '=', jurisdictionId).where('code', 'in', list).execute();
      break;
    case 'grid':
      rows = await db.selectFrom('grids').select(['code as key', 'name as zh', 'name as en']).where('jurisdiction_id', '=', jurisdictionId).where('code', 'in', list).execute();
      break;
    default:
      rows = await db.selectFrom('users').select(['id as key', 'display_name as zh', 'display_name as en']).where('jurisdiction_id', '=', jurisdictionId).where(sql<SqlBool>`id::text = ANY(${list})`).execute();
  }
  for (const r of rows) out.set(String(r.key), { zh: r.zh, en: r.en ?? r.zh });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Hotspots

export const HOTSPOT_LEVELS = ['grid', 'street', 'district'] as const;
export type HotspotLevel = (typeof HOTSPOT_LEVELS)[number];

export interface HotspotCount {
  key: string;
  count: number;
  previous: number;
}

const levelKey: Record<HotspotLevel, RawBuilder<string>> = {
  grid: sql<string>`w.grid_code`,
  street: sql<string>`left(w.grid_code, 9)`,
  district: sql<string>`w.district_code`,
};

/**
 * Orders (merged duplicates left out: one problem, one order) per area in [from, to) and in the period of the same
 * length before it.
 */
export async function hotspotCounts(db: Db, scope: EffectiveScope, level: HotspotLevel, current: { from: Date; to: Date }, previousFrom: Date, filters: Filters): Promise<HotspotCount[]> {
  const { rows } = await sql<{ key: string; count: number; previous: number }>`
    SELECT ${levelKey[level]} AS key,
           (count(*) FILTER (WHERE w.created_at >= ${current.from}))::int AS count,
           (count(*) FILTER (WHERE w.created_at < ${current.from}))::int AS previous
      FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE ${scopeCondition(scope, SCOPE_COLUMNS)} AND w.status <> 'merged' AND ${levelKey[level]} IS NOT NULL
       AND w.created_at >= ${previousFrom} AND w.created_at < ${current.to}
       AND ${filterCondition(filters, current.to)}
     GROUP BY 1`.execute(db);
  return rows.map((r) => ({ key: r.key, count: Number(r.count), previous: Number(r.previous) }));
}

/** The most frequent category code in each of the given areas, current period. */
export async function topCategoryPerArea(db: Db, scope: EffectiveScope, level: HotspotLevel, keys: readonly string[], current: { from: Date; to: Date }, filters: Filters): Promise<Map<string, { code: string; count: number }>> {
  if (keys.length === 0) return new Map();
  const { rows } = await sql<{ key: string; code: string; count: number }>`
    SELECT DISTINCT ON (key) key, code, count FROM (
      SELECT ${levelKey[level]} AS key, w.category_code AS code, count(*)::int AS count
        FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
       WHERE ${scopeCondition(scope, SCOPE_COLUMNS)} AND w.status <> 'merged' AND w.category_code IS NOT NULL
         AND ${levelKey[level]} = ANY(${[...keys]}) AND w.created_at >= ${current.from} AND w.created_at < ${current.to}
         AND ${filterCondition(filters, current.to)}
       GROUP BY 1, 2) c
     ORDER BY key, count DESC, code`.execute(db);
  return new Map(rows.map((r) => [r.key, { code: r.code, count: Number(r.count) }]));
}

/** Orders per category in the current and previous period. */
export async function categoryCounts(db: Db, scope: EffectiveScope, current: { from: Date; to: Date }, previousFrom: Date, filters: Filters): Promise<HotspotCount[]> {
  const { rows } = await sql<{ key: string; count: number; previous: number }>`
    SELECT w.category_code AS key,
           (count(*) FILTER (WHERE w.created_at >= ${current.from}))::int AS count,
           (count(*) FILTER (WHERE w.created_at < ${current.from}))::int AS previous
      FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE ${scopeCondition(scope, SCOPE_COLUMNS)} AND w.status <> 'merged' AND w.category_code IS NOT NULL
       AND w.created_at >= ${previousFrom} AND w.created_at < ${current.to}
       AND ${filterCondition(filters, current.to)}
     GROUP BY 1`.execute(db);
  return rows.map((r) => ({ key: r.key, count: Number(r.count), previous: Number(r.previous) }));
}

export async function categoryLabels(db: Db, jurisdictionId: string, codes: readonly string[]): Promise<Map<string, Label>> {
  if (codes.length === 0) return new Map();
  const rows = await db.selectFrom('work_order_categories').select(['code', 'name_zh', 'name_en']).where('jurisdiction_id', '=', jurisdictionId).where('code', 'in', [...codes]).execute();
  return new Map(rows.map((r) => [r.code, { zh: r.name_zh, en: r.name_en ?? r.name_zh }]));
}

/** A point inside each grid (for the heat map): the grid's own geometry, never a tile service. */
export async function gridPoints(db: Db, jurisdictionId: string, codes: readonly string[]): Promise<Map<string, { lng: number; lat: number; name: string }>> {
  if (codes.length === 0) return new Map();
  const { rows } = await sql<{ code: string; name: string; lng: number; lat: number }>`
    SELECT code, name, ST_X(p) AS lng, ST_Y(p) AS lat
      FROM (SELECT code, name, ST_PointOnSurface(geom) AS p FROM grids WHERE jurisdiction_id = ${jurisdictionId} AND code = ANY(${[...codes]})) g`.execute(db);
  return new Map(rows.map((r) => [r.code, { lng: Number(r.lng), lat: Number(r.lat), name: r.name }]));
}

// ---------------------------------------------------------------------------------------------------------------
// Schemes

export type SchemeRow = {
  id: string;
  jurisdiction_id: string;
  key: string;
  version: number;
  name_zh: string;
  name_en: string;
  definition: unknown;
  is_default: boolean;
  created_by: string | null;
  created_at: Date;
};

export async function listSchemes(db: Db, jurisdictionId: string): Promise<SchemeRow[]> {
  return db.selectFrom('performance_schemes').selectAll().where('jurisdiction_id', '=', jurisdictionId).orderBy('key').orderBy('version', 'desc').execute() as Promise<SchemeRow[]>;
}

export async function findScheme(db: Db, jurisdictionId: string, key: string, version: number | null): Promise<SchemeRow | undefined> {
  let q = db.selectFrom('performance_schemes').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('key', '=', key);
  q = version === null ? q.orderBy('version', 'desc') : q.where('version', '=', version);
  return (await q.limit(1).executeTakeFirst()) as SchemeRow | undefined;
}

export async function findDefaultScheme(db: Db, jurisdictionId: string): Promise<SchemeRow | undefined> {
  return (await db.selectFrom('performance_schemes').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('is_default', '=', true).executeTakeFirst()) as SchemeRow | undefined;
}

export async function insertScheme(
  tx: Db,
  row: { jurisdictionId: string; key: string; nameZh: string; nameEn: string; definition: unknown; isDefault: boolean; createdBy: string | null },
): Promise<SchemeRow> {
  // Serialise versions of one key: the unique constraint would refuse a racing duplicate anyway.
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`performance_scheme:${row.jurisdictionId}:${row.key}`}))`.execute(tx);
  const last = await tx.selectFrom('performance_schemes').select(sql<number>`max(version)`.as('v')).where('jurisdiction_id', '=', row.jurisdictionId).where('key', '=', row.key).executeTakeFirst();
  if (row.isDefault) await tx.updateTable('performance_schemes').set({ is_default: false }).where('jurisdiction_id', '=', row.jurisdictionId).where('is_default', '=', true).execute();
  return (await tx
    .insertInto('performance_schemes')
    .values({
      jurisdiction_id: row.jurisdictionId,
      key: row.key,
      version: Number(last?.v ?? 0) + 1,
      name_zh: row.nameZh,
      name_en: row.nameEn,
      definition: JSON.stringify(row.definition),
      is_default: row.isDefault,
      created_by: row.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as SchemeRow;
}
