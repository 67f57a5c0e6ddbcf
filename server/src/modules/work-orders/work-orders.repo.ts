/** The only SQL for the work-order tables. */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';

export async function findTicketPrefix(db: Db, jurisdictionId: string): Promise<string | undefined> {
  const row = await db.selectFrom('work_order_settings').select('ticket_prefix').where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return row?.ticket_prefix;
}

export async function upsertTicketPrefix(tx: Db, jurisdictionId: string, prefix: string): Promise<void> {
  await tx
    .insertInto('work_order_settings')
    .values({ jurisdiction_id: jurisdictionId, ticket_prefix: prefix })
    .onConflict((oc) => oc.column('jurisdiction_id').doUpdateSet({ ticket_prefix: prefix, updated_at: sql<Date>`now()` }))
    .execute();
}

/**
 * The next number of the day for this jurisdiction, or undefined when the day's 999,999 are used up. The row lock
 * taken by the upsert is held until the caller's transaction ends, so callers must allocate inside the transaction
 * that stores the order: two creates never see the same number, and a rollback returns it.
 */
export async function nextDailySequence(tx: Db, jurisdictionId: string, day: string): Promise<number | undefined> {
  const row = await tx
    .insertInto('work_order_code_counters')
    .values({ jurisdiction_id: jurisdictionId, day, last_seq: 1 })
    .onConflict((oc) =>
      oc
        .columns(['jurisdiction_id', 'day'])
        .doUpdateSet({ last_seq: sql<number>`work_order_code_counters.last_seq + 1` })
        .where('work_order_code_counters.last_seq', '<', 999_999),
    )
    .returning('last_seq')
    .executeTakeFirst();
  return row?.last_seq;
}

export interface WorkOrderRow {
  id: string;
  jurisdiction_id: string;
  code: string;
  channel: string;
  request_type: string;
  category_code: string | null;
  title: string;
  description: string;
  lng: number | null;
  lat: number | null;
  address: string | null;
  grid_code: string | null;
  district_code: string | null;
  reporter_name_enc: string | null;
  reporter_phone_enc: string | null;
  reporter_phone_last4: string | null;
  anonymous: boolean;
  urgency: 'emergency' | 'urgent' | 'normal' | 'complex';
  status: string;
  department_id: string | null;
  suspended_from: string | null;
  supervised: boolean;
  extension: { state: 'requested' | 'approved' | 'denied'; days: number; reason: string } | null;
  rating: 'satisfied' | 'basically' | 'unsatisfied' | null;
  rework_count: number;
  return_count: number;
  reopen_count: number;
  parent_id: string | null;
  sla_started_at: Date;
  warn_at: Date | null;
  due_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const columns = sql`id, jurisdiction_id, code, channel, request_type, category_code, title, description,
  ST_X(location) AS lng, ST_Y(location) AS lat, address, grid_code, district_code, reporter_name_enc, reporter_phone_enc,
  reporter_phone_last4, anonymous, urgency, status, department_id, suspended_from, supervised, extension, rating,
  rework_count, return_count, reopen_count, parent_id, sla_started_at, warn_at, due_at, version, created_at, updated_at`;

export interface NewWorkOrder {
  jurisdictionId: string;
  code: string;
  channel: string;
  requestType: string;
  categoryCode: string | null;
  title: string;
  description: string;
  location: { lng: number; lat: number } | null;
  address: string | null;
  gridCode: string | null;
  districtCode: string | null;
  reporterNameEnc: string | null;
  reporterPhoneEnc: string | null;
  reporterPhoneLast4: string | null;
  anonymous: boolean;
  urgency: string;
  slaStartedAt: Date;
  warnAt: Date | null;
  dueAt: Date | null;
}

export async function insertWorkOrder(tx: Db, o: NewWorkOrder): Promise<WorkOrderRow> {
  const point = o.location ? sql`ST_SetSRID(ST_MakePoint(${o.location.lng}, ${o.location.lat}), 4326)` : sql`NULL`;
  const { rows } = await sql<WorkOrderRow>`
    INSERT INTO work_orders (jurisdiction_id, code, channel, request_type, category_code, title, description, location, address,
      grid_code, district_code, reporter_name_enc, reporter_phone_enc, reporter_phone_last4, anonymous, urgency,
      sla_started_at, warn_at, due_at)
    VALUES (${o.jurisdictionId}, ${o.code}, ${o.channel}, ${o.requestType}, ${o.categoryCode}, ${o.title}, ${o.description}, ${point},
      ${o.address}, ${o.gridCode}, ${o.districtCode}, ${o.reporterNameEnc}, ${o.reporterPhoneEnc}, ${o.reporterPhoneLast4},
      ${o.anonymous}, ${o.urgency}, ${o.slaStartedAt}, ${o.warnAt}, ${o.dueAt})
    RETURNING ${columns}`.execute(tx);
  return rows[0]!;
}

export async function findWorkOrderById(db: Db, jurisdictionId: string, id: string): Promise<WorkOrderRow | undefined> {
  const { rows } = await sql<WorkOrderRow>`SELECT ${columns} FROM work_orders WHERE jurisdiction_id = ${jurisdictionId} AND id = ${id}`.execute(db);
  return rows[0];
}

/** The lifecycle fields a transition may change. */
export interface LifecycleFields {
  status: string;
  departmentId: string | null;
  suspendedFrom: string | null;
  supervised: boolean;
  extension: WorkOrderRow['extension'];
  rating: WorkOrderRow['rating'];
  reworkCount: number;
  returnCount: number;
  reopenCount: number;
  parentId: string | null;
}

/**
 * Writes a transition only if nobody else changed the order since `version` was read; returns the new row, or
 * undefined when the version moved on (the caller answers 409). Under PostgreSQL the second of two concurrent
 * updates waits for the first to commit, then finds the version changed and updates nothing.
 */
export async function updateWorkOrderIfVersion(tx: Db, id: string, version: number, f: LifecycleFields, now: Date): Promise<WorkOrderRow | undefined> {
  const { rows } = await sql<WorkOrderRow>`
    UPDATE work_orders SET status = ${f.status}, department_id = ${f.departmentId}, suspended_from = ${f.suspendedFrom},
      supervised = ${f.supervised}, extension = ${f.extension === null ? null : JSON.stringify(f.extension)}::jsonb, rating = ${f.rating},
      rework_count = ${f.reworkCount}, return_count = ${f.returnCount}, reopen_count = ${f.reopenCount}, parent_id = ${f.parentId},
      version = version + 1, updated_at = ${now}
    WHERE id = ${id} AND version = ${version}
    RETURNING ${columns}`.execute(tx);
  return rows[0];
}

export interface TimelineRow {
  id: number;
  at: Date;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_id: string | null;
  actor_role: string | null;
  note: string | null;
  photos: string[];
  data: Record<string, string | number>;
}

export async function insertTimelineEntry(
  tx: Db,
  e: { jurisdictionId: string; workOrderId: string; at: Date; action: string; from: string | null; to: string; actorId: string | null; actorRole: string | null; note: string | null; photos: string[]; data: Record<string, string | number> },
): Promise<void> {
  await tx
    .insertInto('work_order_timeline')
    .values({
      jurisdiction_id: e.jurisdictionId,
      work_order_id: e.workOrderId,
      at: e.at,
      action: e.action,
      from_status: e.from,
      to_status: e.to,
      actor_id: e.actorId,
      actor_role: e.actorRole,
      note: e.note,
      photos: JSON.stringify(e.photos),
      data: JSON.stringify(e.data),
    })
    .execute();
}

export async function listTimeline(db: Db, workOrderId: string): Promise<TimelineRow[]> {
  return db
    .selectFrom('work_order_timeline')
    .select(['id', 'at', 'action', 'from_status', 'to_status', 'actor_id', 'actor_role', 'note', 'photos', 'data'])
    .where('work_order_id', '=', workOrderId)
    .orderBy('id')
    .execute();
}
