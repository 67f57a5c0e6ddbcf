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
  h: {
    jurisdictionId: string;
    componentId: string;
    action: 'create' | 'status';
    fromStatus: ComponentStatus | null;
    toStatus: ComponentStatus;
    actorName: string | null;
    note: string | null;
    workOrder?: { id: string; code: string } | null;
  },
): Promise<void> {
  await tx
    .insertInto('component_history')
    .values({
      jurisdiction_id: h.jurisdictionId,
      component_id: h.componentId,
      action: h.action,
      from_status: h.fromStatus,
      to_status: h.toStatus,
      actor_name: h.actorName,
      note: h.note,
      work_order_id: h.workOrder?.id ?? null,
      work_order_code: h.workOrder?.code ?? null,
    })
    .execute();
}

export async function listHistory(db: Db, componentId: string, limit = 200) {
  return db
    .selectFrom('component_history')
    .select(['at', 'action', 'from_status', 'to_status', 'actor_name', 'note', 'work_order_id', 'work_order_code'])
    .where('component_id', '=', componentId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function departmentActive(db: Db, jurisdictionId: string, id: string): Promise<boolean> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM departments WHERE jurisdiction_id = ${jurisdictionId} AND active AND id::text = ${id}`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** Active departments of a jurisdiction by code and by id (for an import's owner column). */
export async function departmentKeys(db: Db, jurisdictionId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('departments').select(['id', 'code']).where('jurisdiction_id', '=', jurisdictionId).where('active', '=', true).execute();
  const out = new Map<string, string>();
  for (const r of rows) {
    out.set(r.id, r.id);
    if (r.code) out.set(r.code, r.id);
  }
  return out;
}

export async function existingCodes(db: Db, jurisdictionId: string, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const r = await sql<{ code: string }>`SELECT code FROM components WHERE jurisdiction_id = ${jurisdictionId} AND code = ANY(${codes}::text[])`.execute(db);
  return new Set(r.rows.map((x) => x.code));
}

/** Of the given points, those with a component of the same subclass within `meters` (an import's "already there"). */
export async function pointsAlreadyThere(db: Db, jurisdictionId: string, points: { idx: number; classCode: string; lng: number; lat: number }[], meters: number): Promise<Set<number>> {
  if (points.length === 0) return new Set();
  const r = await sql<{ idx: number }>`
    SELECT p.idx FROM unnest(${points.map((p) => p.idx)}::int[], ${points.map((p) => p.classCode)}::text[], ${points.map((p) => p.lng)}::float8[], ${points.map((p) => p.lat)}::float8[]) AS p(idx, class_code, lng, lat)
    WHERE EXISTS (
      SELECT 1 FROM components c
      WHERE c.jurisdiction_id = ${jurisdictionId} AND c.class_code = p.class_code
        AND ST_DWithin(c.location, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326), ${meters / 111_000})
        AND ST_DWithin(c.location::geography, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)::geography, ${meters}))`.execute(db);
  return new Set(r.rows.map((x) => Number(x.idx)));
}

export interface NewComponent {
  code: string;
  county: string;
  classCode: string;
  name: string | null;
  lng: number;
  lat: number;
  gridCode: string | null;
  ownerDepartmentId: string | null;
  status: ComponentStatus;
}

/** Inserts many components and their 'create' history entries in one statement each. */
export async function insertComponents(tx: Db, jurisdictionId: string, rows: NewComponent[], actorName: string | null, note: string | null): Promise<void> {
  if (rows.length === 0) return;
  const col = <K extends keyof NewComponent>(k: K) => rows.map((r) => r[k]);
  await sql`
    WITH inserted AS (
      INSERT INTO components (jurisdiction_id, code, county_code, class_code, name, location, grid_code, owner_department_id, status)
      SELECT ${jurisdictionId}, code, county, class_code, name, ST_SetSRID(ST_MakePoint(lng, lat), 4326), grid_code, owner::uuid, status
      FROM unnest(${col('code')}::text[], ${col('county')}::text[], ${col('classCode')}::text[], ${col('name')}::text[], ${col('lng')}::float8[], ${col('lat')}::float8[],
                  ${col('gridCode')}::text[], ${col('ownerDepartmentId')}::text[], ${col('status')}::text[])
        AS n(code, county, class_code, name, lng, lat, grid_code, owner, status)
      RETURNING id, status)
    INSERT INTO component_history (jurisdiction_id, component_id, action, from_status, to_status, actor_name, note)
    SELECT ${jurisdictionId}, id, 'create', NULL, status, ${actorName}, ${note} FROM inserted`.execute(tx);
}

export async function countComponents(db: Db, jurisdictionId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM components WHERE jurisdiction_id = ${jurisdictionId}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function linkDistance(db: Db, jurisdictionId: string, fallback: number): Promise<number> {
  const r = await db.selectFrom('component_settings').select('link_distance_m').where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return r?.link_distance_m ?? fallback;
}

export async function setLinkDistance(tx: Db, jurisdictionId: string, meters: number): Promise<void> {
  await tx
    .insertInto('component_settings')
    .values({ jurisdiction_id: jurisdictionId, link_distance_m: meters })
    .onConflict((oc) => oc.column('jurisdiction_id').doUpdateSet({ link_distance_m: meters, updated_at: new Date() }))
    .execute();
}

/** The nearest component of a subclass within `meters` of a point (geodesic distance), locked. */
export async function nearestOfClass(tx: Db, jurisdictionId: string, classCode: string, lng: number, lat: number, meters: number): Promise<(ComponentRow & { distance_m: number }) | undefined> {
  const point = sql`ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)`;
  const r = await sql<ComponentRow & { distance_m: number }>`
    SELECT ${columns}, ST_Distance(location::geography, ${point}::geography) AS distance_m FROM components
     WHERE jurisdiction_id = ${jurisdictionId} AND class_code = ${classCode}
       AND ST_DWithin(location, ${point}, ${meters / 100_000}) AND ST_DWithin(location::geography, ${point}::geography, ${meters})
     ORDER BY distance_m, code LIMIT 1 FOR UPDATE`.execute(tx);
  return r.rows[0];
}

export async function findById(db: Db, id: string, lock = false): Promise<ComponentRow | undefined> {
  const r = await sql<ComponentRow>`SELECT ${columns} FROM components WHERE id = ${id}${lock ? sql` FOR UPDATE` : sql``}`.execute(db);
  return r.rows[0];
}

export interface LinkRow {
  component_id: string;
  jurisdiction_id: string;
  work_order_id: string;
  order_code: string;
  problem: 'damaged' | 'missing';
  order_status: string;
  how: 'nearest' | 'recorded';
  distance_m: number | null;
  photos: string[];
  linked_at: Date;
}

export async function findLink(db: Db, workOrderId: string): Promise<LinkRow | undefined> {
  return db.selectFrom('component_orders').selectAll().where('work_order_id', '=', workOrderId).executeTakeFirst() as Promise<LinkRow | undefined>;
}

export async function insertLink(tx: Db, l: { componentId: string; workOrderId: string; jurisdictionId: string; orderCode: string; problem: 'damaged' | 'missing'; orderStatus: string; how: 'nearest' | 'recorded'; distanceM: number | null; photos: string[] }): Promise<void> {
  await tx
    .insertInto('component_orders')
    .values({ component_id: l.componentId, work_order_id: l.workOrderId, jurisdiction_id: l.jurisdictionId, order_code: l.orderCode, problem: l.problem, order_status: l.orderStatus, how: l.how, distance_m: l.distanceM, photos: l.photos })
    .execute();
}

export async function setLinkStatus(tx: Db, workOrderId: string, orderStatus: string): Promise<void> {
  await tx.updateTable('component_orders').set({ order_status: orderStatus, updated_at: new Date() }).where('work_order_id', '=', workOrderId).execute();
}

export async function linksOf(db: Db, componentId: string): Promise<LinkRow[]> {
  return db.selectFrom('component_orders').selectAll().where('component_id', '=', componentId).orderBy('linked_at', 'desc').execute() as Promise<LinkRow[]>;
}

/** Compact points for the map layer (at most `limit`). */
export async function mapPoints(db: Db, scope: RawBuilder<SqlBool>, filter: { classCode?: string; status?: ComponentStatus }, limit: number) {
  const conditions: RawBuilder<unknown>[] = [scope];
  if (filter.classCode) conditions.push(sql`class_code LIKE ${`${filter.classCode}%`}`);
  if (filter.status) conditions.push(sql`status = ${filter.status}`);
  const r = await sql<{ code: string; class_code: string; status: ComponentStatus; lng: number; lat: number }>`
    SELECT code, class_code, status, ST_X(location) AS lng, ST_Y(location) AS lat FROM components WHERE ${sql.join(conditions, sql` AND `)} ORDER BY code LIMIT ${limit}`.execute(db);
  return r.rows;
}
