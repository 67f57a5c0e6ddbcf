/**
 * The only SQL for responsibility_rules. Reads departments (names, active) and divisions (is a district code one of
 * the jurisdiction's; which district covers a point) read-only.
 */
import { sql, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import type { OrderFacts } from './responsibility-rules.js';

export interface RuleRow {
  id: string;
  jurisdiction_id: string;
  category_prefix: string | null;
  district_code: string | null;
  grid_prefix: string | null;
  component_class_prefix: string | null;
  department_id: string;
  priority: number;
  fallback: boolean;
  active: boolean;
  note: string | null;
  created_at: Date;
  updated_at: Date;
  department_code: string;
  department_name_zh: string;
  department_name_en: string;
  department_active: boolean;
}

function selectRules(db: Db) {
  return db
    .selectFrom('responsibility_rules as r')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .select([
      'r.id',
      'r.jurisdiction_id',
      'r.category_prefix',
      'r.district_code',
      'r.grid_prefix',
      'r.component_class_prefix',
      'r.department_id',
      'r.priority',
      'r.fallback',
      'r.active',
      'r.note',
      'r.created_at',
      'r.updated_at',
      'd.code as department_code',
      'd.name_zh as department_name_zh',
      'd.name_en as department_name_en',
      'd.active as department_active',
    ]);
}

export async function listRules(db: Db, jurisdictionId: string, filter: { departmentId?: string; categoryPrefix?: string; districtCode?: string; active?: boolean } = {}): Promise<RuleRow[]> {
  let q = selectRules(db).where('r.jurisdiction_id', '=', jurisdictionId);
  if (filter.departmentId) q = q.where('r.department_id', '=', filter.departmentId);
  if (filter.categoryPrefix) {
    const prefix = filter.categoryPrefix;
    q = q.where((eb) => eb.or([eb('r.category_prefix', '=', prefix), eb('r.category_prefix', 'like', `${prefix}.%`)]));
  }
  if (filter.districtCode) q = q.where('r.district_code', '=', filter.districtCode);
  if (filter.active !== undefined) q = q.where('r.active', '=', filter.active);
  return q
    .orderBy(sql`r.category_prefix NULLS FIRST`)
    .orderBy(sql`r.district_code NULLS FIRST`)
    .orderBy(sql`r.grid_prefix NULLS FIRST`)
    .orderBy(sql`r.component_class_prefix NULLS FIRST`)
    .orderBy('r.fallback')
    .orderBy('r.priority', 'desc')
    .orderBy('r.id')
    .execute();
}

export async function findRule(db: Db, jurisdictionId: string, id: string): Promise<RuleRow | undefined> {
  return selectRules(db).where('r.jurisdiction_id', '=', jurisdictionId).where('r.id', '=', id).executeTakeFirst();
}

export async function lockRule(tx: Db, jurisdictionId: string, id: string): Promise<boolean> {
  return !!(await tx.selectFrom('responsibility_rules').select('id').where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).forUpdate().executeTakeFirst());
}

/**
 * The active rules of active departments that can match these facts, in one query on the jurisdiction's partial
 * index (the matcher ranks them and checks the conditions again).
 */
export async function candidateRules(db: Db, jurisdictionId: string, facts: OrderFacts): Promise<RuleRow[]> {
  const cond = (column: string, value: string | null, match: (c: ReturnType<typeof sql.ref>) => ReturnType<typeof sql<SqlBool>>) =>
    value === null ? sql<SqlBool>`${sql.ref(column)} IS NULL` : sql<SqlBool>`(${sql.ref(column)} IS NULL OR ${match(sql.ref(column))})`;
  const { categoryCode: cat, districtCode: district, gridCode: grid, componentSubclass: sub } = facts;
  return selectRules(db)
    .where('r.jurisdiction_id', '=', jurisdictionId)
    .where('r.active', '=', true)
    .where('d.active', '=', true)
    .where(cond('r.category_prefix', cat, (c) => sql<SqlBool>`(${c} = ${cat} OR ${cat} LIKE ${c} || '.%')`))
    .where(cond('r.district_code', district, (c) => sql<SqlBool>`${c} = ${district}`))
    .where(cond('r.grid_prefix', grid, (c) => sql<SqlBool>`left(${grid}, length(${c})) = ${c}`))
    .where(cond('r.component_class_prefix', sub, (c) => sql<SqlBool>`left(${sub}, length(${c})) = ${c}`))
    .execute();
}

export interface RuleValues {
  category_prefix: string | null;
  district_code: string | null;
  grid_prefix: string | null;
  component_class_prefix: string | null;
  department_id: string;
  priority: number;
  fallback: boolean;
  active: boolean;
  note: string | null;
}

export async function insertRule(tx: Db, jurisdictionId: string, v: RuleValues): Promise<string> {
  const row = await tx.insertInto('responsibility_rules').values({ jurisdiction_id: jurisdictionId, ...v }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateRule(tx: Db, id: string, v: Partial<RuleValues>): Promise<void> {
  await tx.updateTable('responsibility_rules').set({ ...v, updated_at: sql<Date>`now()` }).where('id', '=', id).execute();
}

export async function deleteRule(tx: Db, id: string): Promise<void> {
  await tx.deleteFrom('responsibility_rules').where('id', '=', id).execute();
}

/** Another rule with exactly these conditions, department and fallback flag (the unique index's key). */
export async function sameRule(db: Db, jurisdictionId: string, v: RuleValues, exceptId: string | null): Promise<string | undefined> {
  const eq = (column: string, value: string | null) => (value === null ? sql<SqlBool>`${sql.ref(column)} IS NULL` : sql<SqlBool>`${sql.ref(column)} = ${value}`);
  let q = db
    .selectFrom('responsibility_rules')
    .select('id')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where(eq('category_prefix', v.category_prefix))
    .where(eq('district_code', v.district_code))
    .where(eq('grid_prefix', v.grid_prefix))
    .where(eq('component_class_prefix', v.component_class_prefix))
    .where('department_id', '=', v.department_id)
    .where('fallback', '=', v.fallback);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return (await q.executeTakeFirst())?.id;
}

export async function countRules(db: Db, jurisdictionId: string): Promise<number> {
  const r = await db.selectFrom('responsibility_rules').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function findDepartment(db: Db, jurisdictionId: string, ref: { id?: string; code?: string }): Promise<{ id: string; active: boolean } | undefined> {
  let q = db.selectFrom('departments').select(['id', 'active']).where('jurisdiction_id', '=', jurisdictionId);
  if (ref.id !== undefined) q = q.where('id', '=', ref.id);
  if (ref.code !== undefined) q = q.where('code', '=', ref.code);
  return q.executeTakeFirst();
}

export async function districtExists(db: Db, jurisdictionId: string, code: string): Promise<boolean> {
  return !!(await db.selectFrom('divisions').select('code').where('jurisdiction_id', '=', jurisdictionId).where('level', '=', 'district').where('code', '=', code).executeTakeFirst());
}

/** The district whose boundary covers the point (for a point outside every grid), or null. */
export async function districtAt(db: Db, jurisdictionId: string, lng: number, lat: number): Promise<string | null> {
  const r = await sql<{ code: string }>`
    SELECT code FROM divisions
    WHERE jurisdiction_id = ${jurisdictionId} AND level = 'district' AND boundary IS NOT NULL
      AND ST_Covers(boundary, ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326))
    ORDER BY code LIMIT 1`.execute(db);
  return r.rows[0]?.code ?? null;
}

/** The component subclass a category stands for, when it has one. */
export async function categorySubclass(db: Db, jurisdictionId: string, code: string): Promise<{ exists: boolean; subclass: string | null }> {
  const row = await db.selectFrom('work_order_categories').select('component_subclass').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
  return { exists: !!row, subclass: row?.component_subclass ?? null };
}
