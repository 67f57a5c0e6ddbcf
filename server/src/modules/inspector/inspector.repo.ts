/**
 * SQL of the inspector module. Its own tables are `inspector_task_results` and `inspector_reports` (0033). Tasks are
 * read, never written, from the work-order module's `work_orders` and `work_order_timeline`, and the inspector's
 * grids from the grid module's `grids` and `grid_inspectors` (grid responsibility) — as performance/ reads the
 * loop's tables and grid/ reads `users` (ARCHITECTURE.md).
 */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';
import type { Outcome, TaskKind } from './tasks.js';

/** At most this many grids per inspector are drawn (a patrol beat is a handful). */
export const MAX_GRIDS = 200;
/** At most this many open tasks are listed (the oldest deadlines first). */
export const MAX_OPEN_TASKS = 300;

export interface GridRow {
  code: string;
  name: string;
  geojson: string;
}

export async function myGrids(db: Db, jurisdictionId: string, userId: string): Promise<GridRow[]> {
  const { rows } = await sql<GridRow>`
    SELECT g.code, g.name, ST_AsGeoJSON(g.geom, 6) AS geojson
      FROM grid_inspectors gi JOIN grids g ON g.id = gi.grid_id
     WHERE gi.user_id = ${userId}::uuid AND gi.jurisdiction_id = ${jurisdictionId}
     ORDER BY g.code
     LIMIT ${MAX_GRIDS}`.execute(db);
  return rows;
}

export interface TaskOrderRow {
  id: string;
  code: string;
  title: string;
  description: string;
  request_type: string;
  category_code: string | null;
  category_zh: string | null;
  category_en: string | null;
  channel: string;
  urgency: string;
  address: string | null;
  grid_code: string;
  status: string;
  version: number;
  created_at: Date | string;
  lng: number | null;
  lat: number | null;
  /** The latest handling report (核查 starts there). */
  reported_at: Date | string | null;
  /** Photos of the order (reporter's and handler's), attachment ids in timeline order. */
  photos: string[] | string | null;
}

/** Orders waiting for an inspector in the grids this user is responsible for: 核实 (received) and 核查 (reported). */
export async function openTaskOrders(db: Db, jurisdictionId: string, userId: string): Promise<TaskOrderRow[]> {
  const { rows } = await sql<TaskOrderRow>`
    SELECT w.id, w.code, w.title, w.description, w.request_type, w.category_code, c.name_zh AS category_zh, c.name_en AS category_en,
           w.channel, w.urgency, w.address, w.grid_code, w.status, w.version, w.created_at,
           ST_X(w.location) AS lng, ST_Y(w.location) AS lat,
           (SELECT max(t.at) FROM work_order_timeline t WHERE t.work_order_id = w.id AND t.action = 'report') AS reported_at,
           (SELECT COALESCE(jsonb_agg(p.value ORDER BY t.id), '[]'::jsonb)
              FROM work_order_timeline t, jsonb_array_elements_text(t.photos) p
             WHERE t.work_order_id = w.id) AS photos
      FROM grid_inspectors gi
      JOIN grids g ON g.id = gi.grid_id
      JOIN work_orders w ON w.jurisdiction_id = g.jurisdiction_id AND w.grid_code = g.code
      LEFT JOIN work_order_categories c ON c.jurisdiction_id = w.jurisdiction_id AND c.code = w.category_code
     WHERE gi.user_id = ${userId}::uuid AND gi.jurisdiction_id = ${jurisdictionId}
       AND (w.status = 'reported' OR (w.status = 'received' AND w.request_type <> 'enquiry'))
     ORDER BY w.created_at, w.id
     LIMIT ${MAX_OPEN_TASKS}`.execute(db);
  return rows;
}

export interface ResultRow {
  id: string;
  work_order_id: string;
  code: string;
  title: string;
  status: string;
  version: number;
  kind: TaskKind;
  outcome: Outcome;
  task_since: Date | string;
  due_at: Date | string;
  done_at: Date | string;
  acted_at: Date | string;
  lng: number | null;
  lat: number | null;
  accuracy_m: number | null;
  distance_m: number | null;
  request_hash: string;
}

const RESULT_COLUMNS = sql`r.id, r.work_order_id, w.code, w.title, w.status, w.version, r.kind, r.outcome, r.task_since, r.due_at, r.done_at, r.acted_at,
  ST_X(r.position) AS lng, ST_Y(r.position) AS lat, r.accuracy_m, r.distance_m, r.request_hash`;

export async function recentResults(db: Db, userId: string, since: Date, limit: number): Promise<ResultRow[]> {
  const { rows } = await sql<ResultRow>`
    SELECT ${RESULT_COLUMNS} FROM inspector_task_results r JOIN work_orders w ON w.id = r.work_order_id
     WHERE r.inspector_id = ${userId}::uuid AND r.done_at >= ${since}
     ORDER BY r.done_at DESC, r.id LIMIT ${limit}`.execute(db);
  return rows;
}

export async function findResult(db: Db, userId: string, key: string): Promise<ResultRow | undefined> {
  const { rows } = await sql<ResultRow>`
    SELECT ${RESULT_COLUMNS} FROM inspector_task_results r JOIN work_orders w ON w.id = r.work_order_id
     WHERE r.inspector_id = ${userId}::uuid AND r.idempotency_key = ${key}`.execute(db);
  return rows[0];
}

export interface NewResult {
  jurisdictionId: string;
  workOrderId: string;
  inspectorId: string;
  kind: TaskKind;
  outcome: Outcome;
  timelineEntryId: number;
  taskSince: Date;
  dueAt: Date;
  doneAt: Date;
  actedAt: Date;
  position: { lng: number; lat: number; accuracyM: number | null } | null;
  key: string;
  requestHash: string;
}

/** The distance to the order's point is PostGIS's (geodesic metres), null when either point is missing. */
export async function insertResult(tx: Db, r: NewResult): Promise<void> {
  const point = r.position ? sql`ST_SetSRID(ST_MakePoint(${r.position.lng}::float8, ${r.position.lat}::float8), 4326)` : sql`NULL::geometry`;
  await sql`
    INSERT INTO inspector_task_results (jurisdiction_id, work_order_id, inspector_id, kind, outcome, timeline_entry_id, task_since, due_at, done_at,
                                        acted_at, position, accuracy_m, distance_m, idempotency_key, request_hash)
    SELECT ${r.jurisdictionId}, ${r.workOrderId}::uuid, ${r.inspectorId}::uuid, ${r.kind}, ${r.outcome}, ${r.timelineEntryId}, ${r.taskSince}, ${r.dueAt},
           ${r.doneAt}, ${r.actedAt}, p.g, ${r.position?.accuracyM ?? null}::float8,
           ST_Distance(p.g::geography, (SELECT w.location FROM work_orders w WHERE w.id = ${r.workOrderId}::uuid)::geography),
           ${r.key}, ${r.requestHash}
      FROM (SELECT ${point} AS g) p`.execute(tx);
}

export interface ReportRow {
  work_order_id: string;
  request_hash: string;
}

export async function findReport(db: Db, userId: string, key: string): Promise<ReportRow | undefined> {
  return db
    .selectFrom('inspector_reports')
    .select(['work_order_id', 'request_hash'])
    .where('inspector_id', '=', userId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export async function insertReport(tx: Db, r: { inspectorId: string; key: string; jurisdictionId: string; workOrderId: string; requestHash: string; actedAt: Date }): Promise<void> {
  await tx
    .insertInto('inspector_reports')
    .values({ inspector_id: r.inspectorId, idempotency_key: r.key, jurisdiction_id: r.jurisdictionId, work_order_id: r.workOrderId, request_hash: r.requestHash, acted_at: r.actedAt })
    .execute();
}

/** The order's state as the task needs it (kind, start of the task clock, version). */
export async function orderForTask(db: Db, jurisdictionId: string, id: string) {
  const { rows } = await sql<{ id: string; code: string; status: string; request_type: string; grid_code: string | null; version: number; created_at: Date | string; reported_at: Date | string | null }>`
    SELECT w.id, w.code, w.status, w.request_type, w.grid_code, w.version, w.created_at,
           (SELECT max(t.at) FROM work_order_timeline t WHERE t.work_order_id = w.id AND t.action = 'report') AS reported_at
      FROM work_orders w WHERE w.jurisdiction_id = ${jurisdictionId} AND w.id = ${id}::uuid`.execute(db);
  return rows[0];
}

export async function orderState(db: Db, id: string) {
  return db.selectFrom('work_orders').select(['id', 'code', 'status', 'version', 'grid_code', 'jurisdiction_id']).where('id', '=', id).executeTakeFirst();
}
