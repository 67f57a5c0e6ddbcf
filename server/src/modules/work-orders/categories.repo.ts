/** The only SQL for work_order_categories. */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';
import type { CategoryKind } from './standard-categories.js';

export interface CategoryRow {
  jurisdiction_id: string;
  code: string;
  parent_code: string | null;
  kind: CategoryKind;
  name_zh: string;
  name_en: string | null;
  component_subclass: string | null;
  sort_order: number;
  active: boolean;
  source: 'standard' | 'local';
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = ['jurisdiction_id', 'code', 'parent_code', 'kind', 'name_zh', 'name_en', 'component_subclass', 'sort_order', 'active', 'source', 'created_at', 'updated_at'] as const;

export async function listCategories(db: Db, jurisdictionId: string, opts: { activeOnly?: boolean } = {}): Promise<CategoryRow[]> {
  let q = db.selectFrom('work_order_categories').select(COLUMNS).where('jurisdiction_id', '=', jurisdictionId);
  if (opts.activeOnly) q = q.where('active', '=', true);
  return q.orderBy('code').execute();
}

export async function findCategory(db: Db, jurisdictionId: string, code: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('work_order_categories').select(COLUMNS).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
}

/** Takes the row lock, so concurrent edits of one category (and children added under it) run one after the other. */
export async function lockCategory(tx: Db, jurisdictionId: string, code: string): Promise<CategoryRow | undefined> {
  return tx.selectFrom('work_order_categories').select(COLUMNS).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).forUpdate().executeTakeFirst();
}

export interface CategoryInsert {
  code: string;
  parentCode: string | null;
  kind: CategoryKind;
  nameZh: string;
  nameEn: string | null;
  componentSubclass: string | null;
  sortOrder: number;
  source: 'standard' | 'local';
}

const SEED_LOCK = 7243045;

/** Serialises seeding the standard tree of one jurisdiction (two starts of the demo, two admins). */
export async function lockStandardSeed(tx: Db, jurisdictionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SEED_LOCK}, hashtext(${jurisdictionId}))`.execute(tx);
}

/** Inserts categories that are not there yet (parents must come first); returns the codes that were new. */
export async function insertCategories(tx: Db, jurisdictionId: string, rows: CategoryInsert[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await tx
    .insertInto('work_order_categories')
    .values(
      rows.map((c) => ({
        jurisdiction_id: jurisdictionId,
        code: c.code,
        parent_code: c.parentCode,
        kind: c.kind,
        name_zh: c.nameZh,
        name_en: c.nameEn,
        component_subclass: c.componentSubclass,
        sort_order: c.sortOrder,
        source: c.source,
      })),
    )
    // Any unique key as arbiter: with only (jurisdiction_id, code) named, a concurrent insert of the same code could
    // still fail on the (jurisdiction_id, code, kind) key the parent link refers to.
    .onConflict((oc) => oc.doNothing())
    .returning('code')
    .execute();
  return inserted.map((r) => r.code);
}

export async function updateCategory(
  tx: Db,
  jurisdictionId: string,
  code: string,
  set: { name_zh?: string; name_en?: string | null; sort_order?: number; active?: boolean },
): Promise<void> {
  await tx.updateTable('work_order_categories').set({ ...set, updated_at: sql<Date>`now()` }).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
}

/** Sets `active` on a category and everything below it; returns the codes that changed. */
export async function setSubtreeActive(tx: Db, jurisdictionId: string, code: string, active: boolean): Promise<string[]> {
  const rows = await tx
    .updateTable('work_order_categories')
    .set({ active, updated_at: sql<Date>`now()` })
    .where('jurisdiction_id', '=', jurisdictionId)
    .where((eb) => eb.or([eb('code', '=', code), eb('code', 'like', `${code}.%`)]))
    .where('active', '<>', active)
    .returning('code')
    .execute();
  return rows.map((r) => r.code).sort();
}

export async function childCodes(db: Db, jurisdictionId: string, code: string, opts: { activeOnly?: boolean } = {}): Promise<string[]> {
  let q = db.selectFrom('work_order_categories').select('code').where('jurisdiction_id', '=', jurisdictionId).where('parent_code', '=', code);
  if (opts.activeOnly) q = q.where('active', '=', true);
  return (await q.orderBy('code').execute()).map((r) => r.code);
}

/** How many work orders and responsibility rules name this category (or, for rules, any category below it). */
export async function usage(db: Db, jurisdictionId: string, code: string): Promise<{ orders: number; rules: number }> {
  const below = `${code}.%`;
  const r = await sql<{ orders: number; rules: number }>`
    SELECT (SELECT count(*)::int FROM work_orders WHERE jurisdiction_id = ${jurisdictionId} AND (category_code = ${code} OR category_code LIKE ${below})) AS orders,
           (SELECT count(*)::int FROM responsibility_rules WHERE jurisdiction_id = ${jurisdictionId} AND (category_prefix = ${code} OR category_prefix LIKE ${below})) AS rules`.execute(db);
  return { orders: Number(r.rows[0]?.orders ?? 0), rules: Number(r.rows[0]?.rules ?? 0) };
}

export async function deleteCategory(tx: Db, jurisdictionId: string, code: string): Promise<void> {
  await tx.deleteFrom('work_order_categories').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).execute();
}

export async function countCategories(db: Db, jurisdictionId: string): Promise<number> {
  const r = await db.selectFrom('work_order_categories').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function jurisdictionExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('jurisdictions').select('id').where('id', '=', id).executeTakeFirst());
}

/** The jurisdictions this server hosts (for a public read that names none). */
export async function someJurisdictionIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('jurisdictions').select('id').orderBy('id').limit(2).execute()).map((r) => r.id);
}
