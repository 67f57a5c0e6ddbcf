/** SQL for jurisdictions, divisions and departments. */
import { sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import type { DepartmentsTable, DivisionsTable, JurisdictionsTable } from '../../db/schema.js';

export type DepartmentRow = Selectable<DepartmentsTable>;
export type JurisdictionRow = Selectable<JurisdictionsTable>;
export type DivisionRow = Omit<Selectable<DivisionsTable>, 'boundary'> & { boundary_geojson?: string | null };

const TREE_LOCK = 7243010;

/** Serialises structural changes of one jurisdiction's tree (create, move), so two moves cannot form a cycle. */
export async function lockTree(tx: Db, jurisdictionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${TREE_LOCK}, hashtext(${jurisdictionId}))`.execute(tx);
}

export async function findJurisdiction(db: Db, id: string): Promise<JurisdictionRow | undefined> {
  return db.selectFrom('jurisdictions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listJurisdictions(db: Db): Promise<JurisdictionRow[]> {
  return db.selectFrom('jurisdictions').selectAll().orderBy('id').execute();
}

export async function insertJurisdiction(
  tx: Db,
  j: { id: string; nameZh: string; nameEn: string; divisionCode: string; timezone?: string },
): Promise<void> {
  await tx
    .insertInto('jurisdictions')
    .values({ id: j.id, name_zh: j.nameZh, name_en: j.nameEn, division_code: j.divisionCode, ...(j.timezone ? { timezone: j.timezone } : {}) })
    .execute();
}

export interface DivisionInsert {
  code: string;
  parentCode: string | null;
  level: DivisionsTable['level'];
  nameZh: string;
  nameEn: string | null;
  /** GeoJSON geometry (Polygon or MultiPolygon), stored as MultiPolygon in EPSG:4326. */
  boundary: unknown | null;
}

export async function insertDivision(tx: Db, jurisdictionId: string, d: DivisionInsert): Promise<void> {
  const boundary = d.boundary
    ? // Display outlines often carry self-touching rings; keep the polygonal part of a valid version.
      sql<string>`ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(d.boundary)}), 4326)), 3))`
    : null;
  await tx
    .insertInto('divisions')
    .values({ jurisdiction_id: jurisdictionId, code: d.code, parent_code: d.parentCode, level: d.level, name_zh: d.nameZh, name_en: d.nameEn, boundary })
    .execute();
}

/** Sets a division's boundary to the union of its children's (a city from its districts). */
export async function deriveBoundaryFromChildren(tx: Db, jurisdictionId: string, code: string): Promise<void> {
  await sql`
    UPDATE divisions SET boundary = (
      SELECT ST_Multi(ST_CollectionExtract(ST_Union(boundary), 3)) FROM divisions
      WHERE jurisdiction_id = ${jurisdictionId} AND parent_code = ${code} AND boundary IS NOT NULL)
    WHERE jurisdiction_id = ${jurisdictionId} AND code = ${code}`.execute(tx);
}

export async function listDivisions(
  db: Db,
  jurisdictionId: string,
  filter: { level?: DivisionsTable['level']; parentCode?: string; withBoundary?: boolean },
): Promise<DivisionRow[]> {
  let q = db
    .selectFrom('divisions')
    .select(['jurisdiction_id', 'code', 'parent_code', 'level', 'name_zh', 'name_en'])
    .where('jurisdiction_id', '=', jurisdictionId);
  if (filter.level) q = q.where('level', '=', filter.level);
  if (filter.parentCode) q = q.where('parent_code', '=', filter.parentCode);
  if (filter.withBoundary) q = q.select(sql<string | null>`ST_AsGeoJSON(boundary, 6)`.as('boundary_geojson'));
  return q.orderBy('code').execute();
}

export async function divisionExists(db: Db, jurisdictionId: string, code: string): Promise<boolean> {
  return !!(await db.selectFrom('divisions').select('code').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst());
}

export async function listDepartments(db: Db, scope: RawBuilder<SqlBool>, includeInactive: boolean): Promise<DepartmentRow[]> {
  let q = db.selectFrom('departments').selectAll().where(scope);
  if (!includeInactive) q = q.where('active', '=', true);
  return q.orderBy('path').execute();
}

export async function findDepartment(db: Db, id: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findDepartmentByCode(db: Db, jurisdictionId: string, code: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').selectAll().where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
}

export async function insertDepartment(
  tx: Db,
  d: { id: string; jurisdictionId: string; parentId: string | null; path: string; code: string; kind: DepartmentsTable['kind']; nameZh: string; nameEn: string; divisionCode: string | null },
): Promise<void> {
  await tx
    .insertInto('departments')
    .values({ id: d.id, jurisdiction_id: d.jurisdictionId, parent_id: d.parentId, path: d.path, code: d.code, kind: d.kind, name_zh: d.nameZh, name_en: d.nameEn, division_code: d.divisionCode })
    .execute();
}

export async function updateDepartment(tx: Db, id: string, values: Partial<{ name_zh: string; name_en: string; active: boolean }>): Promise<void> {
  await tx.updateTable('departments').set({ ...values, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Re-parents one department and rewrites the path prefix of its whole subtree in one statement. */
export async function moveSubtree(tx: Db, jurisdictionId: string, id: string, newParentId: string | null, from: string, to: string): Promise<number> {
  await tx.updateTable('departments').set({ parent_id: newParentId, updated_at: new Date() }).where('id', '=', id).execute();
  const result = await tx
    .updateTable('departments')
    .set({ path: sql<string>`${to} || substr(path, ${from.length + 1})` })
    .where('jurisdiction_id', '=', jurisdictionId)
    .where(sql<SqlBool>`left(path, ${from.length}) = ${from}`)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function countActiveChildren(db: Db, id: string): Promise<number> {
  const row = await db
    .selectFrom('departments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_id', '=', id)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
