/** SQL for the component class table, the component inventory and its history. */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import type { ComponentStatus } from './component-codes.js';

const SERIAL_LOCK = 7243041;

export interface ClassRow {
  code: string;
  parent_code: string | null;
  name_zh: string;
  name_en: string | null;
  source: 'standard' | 'local';
}

export async function listClasses(db: Db, jurisdictionId: string): Promise<ClassRow[]> {
  return db.selectFrom('component_classes').select(['code', 'parent_code', 'name_zh', 'name_en', 'source']).where('jurisdiction_id', '=', jurisdictionId).orderBy('code').execute();
}

export async function findClass(db: Db, jurisdictionId: string, code: string): Promise<ClassRow | undefined> {
  return db
    .selectFrom('component_classes')
    .select(['code', 'parent_code', 'name_zh', 'name_en', 'source'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('code', '=', code)
    .executeTakeFirst();
}

/** Inserts classes that are not there yet (parents first); returns how many were new. */
export async function insertClasses(tx: Db, jurisdictionId: string, rows: { code: string; parentCode: string | null; nameZh: string; nameEn: string | null; source: 'standard' | 'local' }[]): Promise<number> {
  if (rows.length === 0) return 0;
  const sorted = [...rows].sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code));
  const r = await tx
    .insertInto('component_classes')
    .values(sorted.map((c) => ({ jurisdiction_id: jurisdictionId, code: c.code, parent_code: c.parentCode, name_zh: c.nameZh, name_en: c.nameEn, source: c.source })))
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'code']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0);
}

/** Serialises serial allocation for one county + subclass, so two creations cannot take the same serial. */
export async function lockSerial(tx: Db, jurisdictionId: string, prefix: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${SERIAL_LOCK}, hashtext(${`${jurisdictionId}/${prefix}`}))`.execute(tx);
}

export async function highestSerial(tx: Db, jurisdictionId: string, county: string, classCode: string): Promise<number | null> {
  const r = await sql<{ s: string | null }>`
    SELECT max(right(code, 6)) AS s FROM components WHERE jurisdiction_id = ${jurisdictionId} AND county_code = ${county} AND class_code = ${classCode}`.execute(tx);
  const s = r.rows[0]?.s;
  return s ? Number(s) : null;
}

export interface ComponentRow {
  id: string;
  code: string;
  county_code: string;
  class_code: string;
  name: string | null;
  lng: number;
  lat: number;
  grid_code: string | null;
  owner_department_id: string | null;
  status: ComponentStatus;
  created_at: Date;
  updated_at: Date;
}

const columns = sql`id, code, county_code, class_code, name, ST_X(location) AS lng, ST_Y(location) AS lat, grid_code, owner_department_id, status, created_at, updated_at`;

export async function insertComponent(
  tx: Db,
  c: { jurisdictionId: string; code: string; county: string; classCode: string; name: string | null; lng: number; lat: number; gridCode: string | null; ownerDepartmentId: string | null },
): Promise<ComponentRow> {
  const r = await sql<ComponentRow>`
    INSERT INTO components (jurisdiction_id, code, county_code, class_code, name, location, grid_code, owner_department_id)
    VALUES (${c.jurisdictionId}, ${c.code}, ${c.county}, ${c.classCode}, ${c.name}, ST_SetSRID(ST_MakePoint(${c.lng}, ${c.lat}), 4326), ${c.gridCode}, ${c.ownerDepartmentId}::uuid)
    RETURNING ${columns}`.execute(tx);
  return r.rows[0]!;
}

export async function findByCode(db: Db, jurisdictionId: string, code: string): Promise<ComponentRow | undefined> {
  const r = await sql<ComponentRow>`SELECT ${columns} FROM components WHERE jurisdiction_id = ${jurisdictionId} AND code = ${code}`.execute(db);
  return r.rows[0];
}

export async function codeTaken(db: Db, jurisdictionId: string, code: string): Promise<boolean> {
  return !!(await db.selectFrom('components').select('id').where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst());
}

export async function listPage(
  db: Db,
  scope: RawBuilder<SqlBool>,
  filter: { classCode?: string; gridPrefix?: string; status?: ComponentStatus; after?: string; limit: number },
): Promise<ComponentRow[]> {
  const conditions: RawBuilder<unknown>[] = [scope];
  if (filter.classCode) conditions.push(sql`class_code LIKE ${`${filter.classCode}%`}`);
  if (filter.gridPrefix) conditions.push(sql`grid_code LIKE ${`${filter.gridPrefix}%`}`);
  if (filter.status) conditions.push(sql`status = ${filter.status}`);
  if (filter.after) conditions.push(sql`code > ${filter.after}`);
  const r = await sql<ComponentRow>`SELECT ${columns} FROM components WHERE ${sql.join(conditions, sql` AND `)} ORDER BY code LIMIT ${filter.limit}`.execute(db);
  return r.rows;
}

export async function updateStatus(tx: Db, id: string, status: ComponentStatus): Promise<void> {
  await tx.updateTable('components').set({ status, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function addHistory(
  tx: Db,
  h: { jurisdictionId: string; componentId: string; action: 'create' | 'status'; fromStatus: ComponentStatus | null; toStatus: ComponentStatus; actorName: string | null; note: string | null },
): Promise<void> {
  await tx
    .insertInto('component_history')
    .values({ jurisdiction_id: h.jurisdictionId, component_id: h.componentId, action: h.action, from_status: h.fromStatus, to_status: h.toStatus, actor_name: h.actorName, note: h.note })
    .execute();
}

export async function listHistory(db: Db, componentId: string, limit = 200) {
  return db
    .selectFrom('component_history')
    .select(['at', 'action', 'from_status', 'to_status', 'actor_name', 'note'])
    .where('component_id', '=', componentId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function departmentActive(db: Db, jurisdictionId: string, id: string): Promise<boolean> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM departments WHERE jurisdiction_id = ${jurisdictionId} AND active AND id::text = ${id}`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}
