/** SQL of the historical import: runs and their checkpoints, and the bulk insert of a batch of orders. */
import { sql } from 'kysely';
import type { Db } from '../../../app-context.js';
import type { NewWorkOrder } from '../work-orders.repo.js';

export interface ImportRunRow {
  id: string;
  rows_done: number;
  imported: number;
  duplicates: number;
  rejected: number;
}

/** The latest unfinished run of this file with this mapping in the jurisdiction, if any. */
export async function findUnfinishedRun(db: Db, jurisdictionId: string, fileHash: string, mappingHash: string): Promise<ImportRunRow | undefined> {
  return db
    .selectFrom('work_order_imports')
    .select(['id', 'rows_done', 'imported', 'duplicates', 'rejected'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('file_hash', '=', fileHash)
    .where('mapping_hash', '=', mappingHash)
    .where('status', '=', 'running')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertRun(
  db: Db,
  run: { jurisdictionId: string; source: string; format: string; fileName: string; fileHash: string; mappingHash: string; fileBytes: number },
): Promise<ImportRunRow> {
  return db
    .insertInto('work_order_imports')
    .values({
      jurisdiction_id: run.jurisdictionId,
      source: run.source,
      format: run.format,
      file_name: run.fileName,
      file_hash: run.fileHash,
      mapping_hash: run.mappingHash,
      file_bytes: run.fileBytes,
    })
    .returning(['id', 'rows_done', 'imported', 'duplicates', 'rejected'])
    .executeTakeFirstOrThrow();
}

/** The checkpoint: written in the transaction of the batch it counts. */
export async function advanceRun(tx: Db, id: string, rowsDone: number, add: { imported: number; duplicates: number; rejected: number }, done: boolean): Promise<void> {
  await tx
    .updateTable('work_order_imports')
    .set({
      rows_done: rowsDone,
      imported: sql<number>`imported + ${add.imported}`,
      duplicates: sql<number>`duplicates + ${add.duplicates}`,
      rejected: sql<number>`rejected + ${add.rejected}`,
      updated_at: sql<Date>`now()`,
      ...(done ? { status: 'completed' as const, finished_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Which of these original ids the jurisdiction already has from this source. */
export async function existingExternalIds(db: Db, jurisdictionId: string, source: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('work_orders')
    .select('external_id')
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('import_source', '=', source)
    .where('external_id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.external_id!));
}

/**
 * Reserves `count` ticket numbers of each day in one statement (the counter rows stay locked until the batch
 * commits, as for live creates); returns each day's first number. Undefined for a day past 999,999.
 */
export async function reserveDailySequences(tx: Db, jurisdictionId: string, counts: ReadonlyMap<string, number>): Promise<Map<string, number | undefined>> {
  const days = [...counts.keys()].sort();
  if (days.length === 0) return new Map();
  const { rows } = await sql<{ day: string; last_seq: number }>`
    INSERT INTO work_order_code_counters (jurisdiction_id, day, last_seq)
    VALUES ${sql.join(days.map((d) => sql`(${jurisdictionId}, ${d}::date, ${counts.get(d)!}::int)`))}
    ON CONFLICT (jurisdiction_id, day) DO UPDATE SET last_seq = work_order_code_counters.last_seq + excluded.last_seq
    RETURNING day::text AS day, last_seq`.execute(tx);
  const first = new Map<string, number | undefined>();
  for (const r of rows) {
    const n = counts.get(r.day)!;
    first.set(r.day, r.last_seq > 999_999 ? undefined : r.last_seq - n + 1);
  }
  return first;
}

/**
 * An imported order: the columns a live create writes, minus what an import leaves out (deadlines, owner, component,
 * suggestion), plus its origin and the state it reached there. The district comes from the grid when the point is in
 * one; otherwise (null here) PostGIS finds the district covering the point, if any.
 */
export type ImportedOrder = Pick<
  NewWorkOrder,
  | 'code' | 'jurisdictionId' | 'requestType' | 'categoryCode' | 'title' | 'description' | 'location' | 'address' | 'gridCode'
  | 'districtCode' | 'reporterNameEnc' | 'reporterPhoneEnc' | 'reporterPhoneLast4' | 'reporterPhoneHmac' | 'searchText' | 'createdAt'
> & { source: string; externalId: string; status: string; departmentId: string | null; closedAt: Date | null };

/**
 * Inserts a batch in one statement; rows whose (jurisdiction, source, id) exists already are skipped (a concurrent
 * run of the same file). No deadlines: an imported order starts no SLA clock. Returns the ids of the new rows.
 */
export async function insertImportedOrders(tx: Db, orders: readonly ImportedOrder[], updatedAt: Date): Promise<Array<{ id: string; external_id: string }>> {
  const out: Array<{ id: string; external_id: string }> = [];
  // 22 parameters a row: 1,000 rows stay well under the protocol's 65,535.
  for (let i = 0; i < orders.length; i += 1000) out.push(...(await insertChunk(tx, orders.slice(i, i + 1000), updatedAt)));
  return out;
}

/** Times travel as ISO text (both drivers then agree on the instant). */
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

async function insertChunk(tx: Db, orders: readonly ImportedOrder[], updatedAt: Date): Promise<Array<{ id: string; external_id: string }>> {
  const values = orders.map(
    (o) => sql`(${o.jurisdictionId}::text, ${o.code}::text, ${o.source}::text, ${o.externalId}::text, ${o.requestType}::text,
      ${o.categoryCode}::text, ${o.title}::text, ${o.description}::text, ${o.location?.lng ?? null}::float8, ${o.location?.lat ?? null}::float8,
      ${o.address}::text, ${o.gridCode}::text, ${o.districtCode}::text, ${o.reporterNameEnc}::text, ${o.reporterPhoneEnc}::text,
      ${o.reporterPhoneLast4}::text, ${o.reporterPhoneHmac}::text, ${o.status}::text, ${o.departmentId}::uuid, ${iso(o.closedAt)}::timestamptz,
      ${o.searchText}::text, ${iso(o.createdAt)}::timestamptz)`,
  );
  const { rows } = await sql<{ id: string; external_id: string }>`
    INSERT INTO work_orders (jurisdiction_id, code, channel, import_source, external_id, request_type, category_code, title, description,
      location, address, grid_code, district_code, reporter_name_enc, reporter_phone_enc, reporter_phone_last4, reporter_phone_hmac,
      anonymous, urgency, status, department_id, closed_at, search_text, sla_started_at, created_at, updated_at)
    SELECT v.j, v.code, 'import', v.source, v.ext, v.rtype, v.cat, v.title, v.descr, p.pt, v.addr, v.grid,
           COALESCE(v.district, (SELECT d.code FROM divisions d
                                  WHERE d.jurisdiction_id = v.j AND d.level = 'district' AND p.pt IS NOT NULL AND ST_Covers(d.boundary, p.pt)
                                  ORDER BY d.code LIMIT 1)),
           v.name_enc, v.phone_enc, v.last4, v.hmac, false, 'normal', v.status, v.dept, v.closed, v.search, v.created, v.created, ${iso(updatedAt)}::timestamptz
      FROM (VALUES ${sql.join(values)}) AS v(j, code, source, ext, rtype, cat, title, descr, lng, lat, addr, grid, district, name_enc, phone_enc,
           last4, hmac, status, dept, closed, search, created)
      CROSS JOIN LATERAL (SELECT CASE WHEN v.lng IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(v.lng, v.lat), 4326) END AS pt) p
    ON CONFLICT (jurisdiction_id, import_source, external_id) WHERE external_id IS NOT NULL DO NOTHING
    RETURNING id, external_id`.execute(tx);
  return rows;
}

export interface ImportedEntry {
  jurisdictionId: string;
  workOrderId: string;
  at: Date;
  action: string;
  from: string | null;
  to: string;
  note: string | null;
  data: Record<string, string | number>;
}

export async function insertImportedEntries(tx: Db, entries: readonly ImportedEntry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 1000) {
    await tx
      .insertInto('work_order_timeline')
      .values(
        entries.slice(i, i + 1000).map((e) => ({
          jurisdiction_id: e.jurisdictionId,
          work_order_id: e.workOrderId,
          at: e.at,
          action: e.action,
          from_status: e.from,
          to_status: e.to,
          actor_id: null,
          actor_role: 'import',
          note: e.note,
          photos: '[]',
          data: JSON.stringify(e.data),
        })),
      )
      .execute();
  }
}

/** Category codes of the jurisdiction (active or not: history may use a retired one). */
export async function categoryCodes(db: Db, jurisdictionId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('work_order_categories').select('code').where('jurisdiction_id', '=', jurisdictionId).execute();
  return new Set(rows.map((r) => r.code));
}

/** Department code → id for the codes given (inactive departments included: they handled old cases). */
export async function departmentIds(db: Db, jurisdictionId: string, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.selectFrom('departments').select(['id', 'code']).where('jurisdiction_id', '=', jurisdictionId).where('code', 'in', [...codes]).execute();
  return new Map(rows.map((r) => [r.code, r.id]));
}

export async function jurisdictionExists(db: Db, id: string): Promise<boolean> {
  return !!(await db.selectFrom('jurisdictions').select('id').where('id', '=', id).executeTakeFirst());
}

/** The jurisdiction's id when there is exactly one. */
export async function onlyJurisdiction(db: Db): Promise<string | null> {
  const rows = await db.selectFrom('jurisdictions').select('id').limit(2).execute();
  return rows.length === 1 ? rows[0]!.id : null;
}
