/** The only SQL for the work-order tables. */
import { sql, type RawBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Database } from '../../db/schema.js';
import { PREPARED } from '../../db/storage.js';
import { escapeLike } from '../identity/index.js';
import type { Db } from '../../app-context.js';
import { Batcher, batcherPer } from '../../shared/batcher.js';
import { rowSet, type Numbered } from '../../shared/row-set.js';
import { FINAL_STATUSES, FINISHED_STATUSES, OPEN_STATUSES, STATUSES, type Status } from './lifecycle.js';

export async function findTicketPrefix(db: Db, jurisdictionId: string): Promise<string | undefined> {
  const row = await db.selectFrom('work_order_settings').select('ticket_prefix').where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return row?.ticket_prefix ?? undefined;
}

export async function upsertTicketPrefix(tx: Db, jurisdictionId: string, prefix: string): Promise<void> {
  await tx
    .insertInto('work_order_settings')
    .values({ jurisdiction_id: jurisdictionId, ticket_prefix: prefix })
    .onConflict((oc) => oc.column('jurisdiction_id').doUpdateSet({ ticket_prefix: prefix, updated_at: sql<Date>`now()` }))
    .execute();
}

/** The next number of the day for this jurisdiction, or undefined when the day's 999,999 are used up. */
export async function nextDailySequence(tx: Db, jurisdictionId: string, day: string): Promise<number | undefined> {
  // The row lock the upsert takes is held until the caller's transaction ends (the create path takes its numbers in
  // readIntakes instead, for its statement only).
  const { rows } = await sql<{ last_seq: number }>`
    INSERT INTO work_order_code_counters (jurisdiction_id, day, last_seq) VALUES (${jurisdictionId}, ${day}, 1)
    ON CONFLICT (jurisdiction_id, day) DO UPDATE SET last_seq = work_order_code_counters.last_seq + 1
      WHERE work_order_code_counters.last_seq < 999999
    RETURNING last_seq`.execute(tx);
  return rows[0]?.last_seq;
}

/** What a create reads (and takes) before it writes; see readIntake. */
export interface IntakeRow extends Partial<Selectable<Database['work_order_settings']>> {
  /** False only when a point was given and the jurisdiction does not exist. */
  jurisdiction_found: boolean;
  /** The point lies outside the jurisdiction's boundary (false without a point, with a grid, or without a boundary). */
  outside: boolean;
  /** The district covering the point (null without a point, or when the grid decides). */
  district: string | null;
  category_active: boolean | null;
  /** The Idempotency-Key already has a live answer: nothing was taken. */
  retry: boolean;
  /** The day's number taken (null: not taken — see `retry` and the checks above — or the day is used up). */
  seq: number | null;
  /** The id reserved for the order's first timeline entry, with the number. */
  entry_id: string | number | null;
}

/** What one create asks readIntakes. */
export interface IntakeQuery {
  jurisdictionId: string;
  point: { lng: number; lat: number } | null;
  /** The in-memory locator found a grid for the point: it decides, PostGIS need not. */
  gridFound: boolean;
  categoryCode: string | null;
  day: string;
  /** The Idempotency-Key and the oldest creation time of a live answer. */
  retry: { scope: string; key: string; since: Date } | null;
}

/**
 * Everything a create needs to know before it writes, for any number of creates in one statement of fixed text
 * (prepared once per connection; concurrent creates share it — see intakeReader): whether the point is inside the
 * jurisdiction and its district (PostGIS; the caller's grid, from the in-memory locator, decides the district when
 * there is one), the jurisdiction's settings, whether the named category takes orders, and whether the
 * Idempotency-Key already has a live answer. Unless it has, and if the point and the category are acceptable, the
 * statement also takes the day's next ticket number — the creates of one jurisdiction and day in the statement take
 * consecutive numbers with one update of the counter row, which is locked for this statement only — and reserves the
 * id of the order's first timeline entry. A create that fails after this leaves its number unused (a gap).
 *
 * Run on its own (not inside a transaction), the statement commits without waiting for its WAL to reach the disk
 * (synchronous_commit off for this one transaction): that wait was half of a create's commit waits, and the counter
 * row stayed locked through it. Nothing durable depends on the allocation alone: the order that uses the number is
 * committed later, synchronously, and flushing its commit flushes all WAL before it, this allocation's included.
 * A crash before that may forget the allocation, and then the number is given again — to a different create,
 * since none stored it.
 */
export async function readIntakes(db: Db, queries: readonly IntakeQuery[]): Promise<IntakeRow[]> {
  const rows = queries.map((q, i) => ({
    i, jurisdiction_id: q.jurisdictionId, lng: q.point?.lng ?? null, lat: q.point?.lat ?? null, grid_found: q.gridFound,
    category_code: q.categoryCode, day: q.day, scope: q.retry?.scope ?? null, key: q.retry?.key ?? null, since: q.retry?.since ?? null,
  }));
  // Inside a caller's transaction the setting would apply to that transaction's commit: then it is left alone.
  const commit = db.isTransaction ? sql`SELECT 1` : sql`SELECT set_config('synchronous_commit', 'off', true)`;
  const { rows: found } = await sql<IntakeRow>`${sql.raw(PREPARED)}
    WITH q AS MATERIALIZED (
      SELECT * FROM ${rowSet(rows, 'i int, jurisdiction_id text, lng float8, lat float8, grid_found boolean, category_code text, day date, scope text, key text, since timestamptz', 'q')}),
    chk AS MATERIALIZED (
      SELECT q.i, q.jurisdiction_id, q.day, q.category_code, pl.outside, pl.district,
             (SELECT c.active FROM work_order_categories c WHERE c.jurisdiction_id = q.jurisdiction_id AND c.code = coalesce(q.category_code, '')) AS category_active,
             q.key IS NOT NULL AND EXISTS (SELECT 1 FROM idempotency_keys k WHERE k.scope = q.scope AND k.key = q.key AND k.created_at >= q.since) AS retry
        FROM q
        LEFT JOIN LATERAL (
          -- No point: nothing to check. A point in a grid: the jurisdiction must exist. Otherwise PostGIS decides.
          SELECT false AS outside, NULL::text AS district WHERE q.lng IS NULL
          UNION ALL
          SELECT false, NULL FROM jurisdictions j WHERE q.lng IS NOT NULL AND q.grid_found AND j.id = q.jurisdiction_id
          UNION ALL
          SELECT d.boundary IS NOT NULL AND NOT ST_Covers(d.boundary, pt.g),
                 (SELECT code FROM divisions WHERE jurisdiction_id = q.jurisdiction_id AND level = 'district' AND ST_Covers(boundary, pt.g) ORDER BY code LIMIT 1)
            FROM jurisdictions j
            LEFT JOIN divisions d ON d.jurisdiction_id = j.id AND d.code = j.division_code
            CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(q.lng, q.lat), 4326) AS g) pt
           WHERE q.lng IS NOT NULL AND NOT q.grid_found AND j.id = q.jurisdiction_id
        ) pl ON true),
    take AS MATERIALIZED (
      SELECT i, jurisdiction_id, day,
             row_number() OVER (PARTITION BY jurisdiction_id, day ORDER BY i) AS rank,
             count(*) OVER (PARTITION BY jurisdiction_id, day) AS n
        FROM chk
       WHERE NOT retry AND outside IS NOT NULL AND NOT outside AND (category_code IS NULL OR category_active IS TRUE)),
    n AS (
      INSERT INTO work_order_code_counters (jurisdiction_id, day, last_seq)
      SELECT jurisdiction_id, day, max(n) FROM take GROUP BY jurisdiction_id, day
      ON CONFLICT (jurisdiction_id, day) DO UPDATE SET last_seq = work_order_code_counters.last_seq + EXCLUDED.last_seq
        WHERE work_order_code_counters.last_seq + EXCLUDED.last_seq <= 999999
      RETURNING jurisdiction_id, day, last_seq)
    SELECT s.*, chk.outside IS NOT NULL AS jurisdiction_found, coalesce(chk.outside, false) AS outside, chk.district,
           chk.category_active, chk.retry,
           CASE WHEN n.last_seq IS NOT NULL THEN (n.last_seq - t.n + t.rank)::int END AS seq,
           CASE WHEN n.last_seq IS NOT NULL THEN nextval('work_order_timeline_id_seq') END AS entry_id
      FROM (${commit}) one
      CROSS JOIN chk
      LEFT JOIN take t ON t.i = chk.i
      LEFT JOIN n ON n.jurisdiction_id = t.jurisdiction_id AND n.day = t.day
      LEFT JOIN work_order_settings s ON s.jurisdiction_id = chk.jurisdiction_id
     ORDER BY chk.i`.execute(db);
  return found;
}

/**
 * Concurrent creates' reads share one statement (group commit, shared/batcher.ts): at 500 creates a second the read's
 * fixed cost — a round trip, a transaction and its commit — is paid once for several creates.
 */
export const intakeReader = batcherPer((db: Db) => new Batcher((queries: IntakeQuery[]) => readIntakes(db, queries), { maxBatch: 64 }));

/** The read of one create: shared with concurrent creates, or alone inside a caller's transaction. */
export async function readIntake(db: Db, query: IntakeQuery): Promise<IntakeRow> {
  if (db.isTransaction) return (await readIntakes(db, [query]))[0]!;
  return intakeReader(db).submit(query);
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
  /** 默认满意: rated by the system when nobody rated within the rating period. */
  rating_default: boolean;
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
  reporter_user_id: string | null;
  component_code: string | null;
  sla_pauses: Array<{ from: string; to: string | null }>;
  warned: boolean;
  overdue: boolean;
  sign_due_at: Date | null;
  sign_overdue: boolean;
  dispatched_at: Date | null;
  closed_at: Date | null;
  suggested_category: string | null;
  suggested_confidence: number | null;
  /** The language the resident reported in (their texts are sent in it); null: staff registered the order. */
  reporter_locale: 'zh-CN' | 'en' | null;
}

/** A row with its department's name and path (for presenters and data scopes). */
export interface WorkOrderListRow extends WorkOrderRow {
  department_name_zh: string | null;
  department_name_en: string | null;
  department_path: string | null;
}

const COLUMN_NAMES = [
  'id', 'jurisdiction_id', 'code', 'channel', 'request_type', 'category_code', 'title', 'description', 'address', 'grid_code',
  'district_code', 'reporter_name_enc', 'reporter_phone_enc', 'reporter_phone_last4', 'anonymous', 'urgency', 'status',
  'department_id', 'suspended_from', 'supervised', 'extension', 'rating', 'rating_default', 'rework_count', 'return_count', 'reopen_count',
  'parent_id', 'sla_started_at', 'warn_at', 'due_at', 'version', 'created_at', 'updated_at', 'reporter_user_id',
  'component_code', 'sla_pauses', 'warned', 'overdue', 'sign_due_at', 'sign_overdue', 'dispatched_at', 'closed_at',
  'suggested_category', 'suggested_confidence', 'reporter_locale',
];
const columnsOf = (alias: string) =>
  `${COLUMN_NAMES.map((c) => `${alias}${c}`).join(', ')}, ST_X(${alias}location) AS lng, ST_Y(${alias}location) AS lat`;
const columns = sql.raw(columnsOf(''));
/** The same columns read through the alias `w`, plus the department joined as `d`. */
const joinedColumns = sql.raw(
  `${columnsOf('w.')}, d.name_zh AS department_name_zh, d.name_en AS department_name_en, d.path AS department_path`,
);

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
  urgency: WorkOrderRow['urgency'];
  slaStartedAt: Date;
  warnAt: Date | null;
  dueAt: Date | null;
  reporterUserId: string | null;
  reporterPhoneHmac: string | null;
  componentCode: string | null;
  searchText: string;
  createdAt: Date;
  suggestedCategory?: string | null;
  /** Stored as `real`: a value with few significant digits (the classifier's are rounded to 4 decimals) reads back equal. */
  suggestedConfidence?: number | null;
  /** A resident's report: the language they reported in. */
  reporterLocale?: 'zh-CN' | 'en' | null;
}

/** An order a create is about to write: with the id it chose (so its answer and event can name it) and its first status. */
export interface CreatedOrder extends NewWorkOrder {
  id: string;
  status: string;
}

/** The first timeline entry of a new order (its `create`), with the id reserved for it (see readIntake). */
export interface NewOrderEntry {
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

/**
 * A new order as it is stored: every column of the row, so the create can answer without reading it back.
 * insertNewOrderIn writes exactly these values (no column is left to its default).
 */
export function newOrderRow(o: CreatedOrder): WorkOrderRow {
  return {
    id: o.id,
    jurisdiction_id: o.jurisdictionId,
    code: o.code,
    channel: o.channel,
    request_type: o.requestType,
    category_code: o.categoryCode,
    title: o.title,
    description: o.description,
    lng: o.location?.lng ?? null,
    lat: o.location?.lat ?? null,
    address: o.address,
    grid_code: o.gridCode,
    district_code: o.districtCode,
    reporter_name_enc: o.reporterNameEnc,
    reporter_phone_enc: o.reporterPhoneEnc,
    reporter_phone_last4: o.reporterPhoneLast4,
    anonymous: o.anonymous,
    urgency: o.urgency,
    status: o.status,
    department_id: null,
    suspended_from: null,
    supervised: false,
    extension: null,
    rating: null,
    rating_default: false,
    rework_count: 0,
    return_count: 0,
    reopen_count: 0,
    parent_id: null,
    sla_started_at: o.slaStartedAt,
    warn_at: o.warnAt,
    due_at: o.dueAt,
    version: 1,
    created_at: o.createdAt,
    updated_at: o.createdAt,
    reporter_user_id: o.reporterUserId,
    component_code: o.componentCode,
    sla_pauses: [],
    warned: false,
    overdue: false,
    sign_due_at: null,
    sign_overdue: false,
    dispatched_at: null,
    closed_at: null,
    suggested_category: o.suggestedCategory ?? null,
    suggested_confidence: o.suggestedConfidence ?? null,
    reporter_locale: o.reporterLocale ?? null,
  };
}

/** The columns a new order is written with (all of them: see newOrderRow), as json_to_recordset reads them. */
const NEW_ORDER_COLUMNS =
  'i int, id uuid, jurisdiction_id text, code text, channel text, request_type text, category_code text, title text, description text, ' +
  'lng float8, lat float8, address text, grid_code text, district_code text, reporter_name_enc text, reporter_phone_enc text, ' +
  'reporter_phone_last4 text, anonymous boolean, urgency text, status text, department_id uuid, suspended_from text, supervised boolean, ' +
  'extension json, rating text, rework_count int, return_count int, reopen_count int, parent_id uuid, sla_started_at timestamptz, ' +
  'warn_at timestamptz, due_at timestamptz, version int, created_at timestamptz, updated_at timestamptz, reporter_user_id uuid, ' +
  'reporter_phone_hmac text, component_code text, search_text text, sla_pauses json, warned boolean, overdue boolean, ' +
  'sign_due_at timestamptz, sign_overdue boolean, dispatched_at timestamptz, closed_at timestamptz, suggested_category text, suggested_confidence real, ' +
  'reporter_locale text';

/**
 * New orders (`row` from newOrderRow), any number in one INSERT of fixed text (see shared/row-set.ts); an order is
 * written only if `onlyIf` holds for its row `r` (its create claimed its Idempotency-Key).
 */
export function newOrdersSql(
  orders: ReadonlyArray<Numbered<{ row: WorkOrderRow; more: Pick<NewWorkOrder, 'reporterPhoneHmac' | 'searchText'> }>>,
  onlyIf: RawBuilder<SqlBool>,
): RawBuilder<unknown> {
  const rows = orders.map(({ i, row, more }) => ({ i, ...row, reporter_phone_hmac: more.reporterPhoneHmac, search_text: more.searchText }));
  return sql`
    INSERT INTO work_orders (id, jurisdiction_id, code, channel, request_type, category_code, title, description, location, address,
      grid_code, district_code, reporter_name_enc, reporter_phone_enc, reporter_phone_last4, anonymous, urgency, status,
      department_id, suspended_from, supervised, extension, rating, rework_count, return_count, reopen_count, parent_id,
      sla_started_at, warn_at, due_at, version, created_at, updated_at, reporter_user_id, reporter_phone_hmac, component_code,
      search_text, sla_pauses, warned, overdue, sign_due_at, sign_overdue, dispatched_at, closed_at, suggested_category,
      suggested_confidence, reporter_locale)
    SELECT id, jurisdiction_id, code, channel, request_type, category_code, title, description,
      CASE WHEN lng IS NULL OR lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lng, lat), 4326) END, address,
      grid_code, district_code, reporter_name_enc, reporter_phone_enc, reporter_phone_last4, anonymous, urgency, status,
      department_id, suspended_from, supervised, extension::jsonb, rating, rework_count, return_count, reopen_count, parent_id,
      sla_started_at, warn_at, due_at, version, created_at, updated_at, reporter_user_id, reporter_phone_hmac, component_code,
      search_text, sla_pauses::jsonb, warned, overdue, sign_due_at, sign_overdue, dispatched_at, closed_at, suggested_category,
      suggested_confidence, reporter_locale
      FROM ${rowSet(rows, NEW_ORDER_COLUMNS)}
     WHERE ${onlyIf}`;
}

/**
 * The first timeline entries of new orders (their `create`, with the ids reserved for them — see readIntake), any
 * number in one INSERT of fixed text; an entry is written only if `onlyIf` holds for its row `r`.
 */
export function firstEntriesSql(entries: ReadonlyArray<Numbered<{ jurisdictionId: string; workOrderId: string; entry: NewOrderEntry }>>, onlyIf: RawBuilder<SqlBool>): RawBuilder<unknown> {
  const rows = entries.map(({ i, jurisdictionId, workOrderId, entry: e }) => ({
    i, id: e.id, jurisdiction_id: jurisdictionId, work_order_id: workOrderId, at: e.at, action: e.action, from_status: e.from_status,
    to_status: e.to_status, actor_id: e.actor_id, actor_role: e.actor_role, note: e.note, photos: e.photos, data: e.data,
  }));
  return sql`
    INSERT INTO work_order_timeline (id, jurisdiction_id, work_order_id, at, action, from_status, to_status, actor_id, actor_role, note, photos, data)
    OVERRIDING SYSTEM VALUE
    SELECT id, jurisdiction_id, work_order_id, at, action, from_status, to_status, actor_id, actor_role, note, photos::jsonb, data::jsonb
      FROM ${rowSet(rows, 'i int, id bigint, jurisdiction_id text, work_order_id uuid, at timestamptz, action text, from_status text, to_status text, actor_id uuid, actor_role text, note text, photos json, data json')}
     WHERE ${onlyIf}`;
}

export async function findWorkOrderById(db: Db, jurisdictionId: string, id: string): Promise<WorkOrderListRow | undefined> {
  const { rows } = await sql<WorkOrderListRow>`
    SELECT ${joinedColumns} FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE w.jurisdiction_id = ${jurisdictionId} AND w.id = ${id}`.execute(db);
  return rows[0];
}

/**
 * A merge's two orders locked until the transaction ends, always in the same (id) order, and the target's status as
 * it is then: the target cannot be closed, cancelled or merged itself meanwhile — its close would miss the new child,
 * and two orders merged into each other at once would both end merged, with nobody handling either; taken in id
 * order, two such merges queue instead of waiting for each other, and the second finds its target merged.
 */
export async function lockForMerge(tx: Db, jurisdictionId: string, childId: string, parentId: string): Promise<{ code: string; status: string } | undefined> {
  const { rows } = await sql<{ id: string; code: string; status: string }>`
    SELECT id, code, status FROM work_orders
     WHERE jurisdiction_id = ${jurisdictionId} AND id IN (${childId}, ${parentId})
     ORDER BY id FOR UPDATE`.execute(tx);
  return rows.find((r) => r.id === parentId);
}

/** The same, locked for update (timer handlers and cascades that change an order outside a user's transition). */
export async function lockWorkOrder(tx: Db, id: string): Promise<WorkOrderRow | undefined> {
  const { rows } = await sql<WorkOrderRow>`SELECT ${columns} FROM work_orders WHERE id = ${id} FOR UPDATE`.execute(tx);
  return rows[0];
}

export async function findWorkOrderByCode(db: Db, jurisdictionId: string, code: string): Promise<WorkOrderListRow | undefined> {
  const { rows } = await sql<WorkOrderListRow>`
    SELECT ${joinedColumns} FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE w.jurisdiction_id = ${jurisdictionId} AND w.code = ${code}`.execute(db);
  return rows[0];
}

/** The orders merged into this one, locked for update in id order (they are about to follow it or be released). */
export async function lockChildren(tx: Db, parentId: string): Promise<WorkOrderRow[]> {
  const { rows } = await sql<WorkOrderRow>`SELECT ${columns} FROM work_orders WHERE parent_id = ${parentId} ORDER BY id FOR UPDATE`.execute(tx);
  return rows;
}

/** The status a merged order had when it was merged (its last merge entry's), to go back to if released. */
export async function statusBeforeMerge(db: Db, id: string): Promise<string | undefined> {
  const { rows } = await sql<{ from_status: string }>`
    SELECT from_status FROM work_order_timeline WHERE work_order_id = ${id} AND action = 'merge' ORDER BY id DESC LIMIT 1`.execute(db);
  return rows[0]?.from_status;
}

/** A merged order's new parent, or (parent null) its release to a status of its own; a new version either way. */
export async function setMergeState(tx: Db, id: string, status: string, parentId: string | null, now: Date): Promise<WorkOrderRow> {
  const { rows } = await sql<WorkOrderRow>`
    UPDATE work_orders SET status = ${status}, parent_id = ${parentId}, version = version + 1, updated_at = ${now}
     WHERE id = ${id} RETURNING ${columns}`.execute(tx);
  return rows[0]!;
}

export async function findChildren(db: Db, parentId: string): Promise<WorkOrderRow[]> {
  const { rows } = await sql<WorkOrderRow>`SELECT ${columns} FROM work_orders WHERE parent_id = ${parentId} ORDER BY created_at`.execute(db);
  return rows;
}

/** The SLA bookkeeping a transition or a timer may change beside the lifecycle fields. */
export interface SlaFields {
  warnAt: Date | null;
  dueAt: Date | null;
  slaPauses: WorkOrderRow['sla_pauses'];
  warned: boolean;
  overdue: boolean;
  signDueAt: Date | null;
  signOverdue: boolean;
  dispatchedAt: Date | null;
  closedAt: Date | null;
}

export function slaFieldsOf(row: WorkOrderRow): SlaFields {
  return {
    warnAt: row.warn_at,
    dueAt: row.due_at,
    slaPauses: row.sla_pauses,
    warned: row.warned,
    overdue: row.overdue,
    signDueAt: row.sign_due_at,
    signOverdue: row.sign_overdue,
    dispatchedAt: row.dispatched_at,
    closedAt: row.closed_at,
  };
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
export async function updateWorkOrderIfVersion(tx: Db, id: string, version: number, f: LifecycleFields, t: SlaFields, now: Date): Promise<WorkOrderRow | undefined> {
  const { rows } = await sql<WorkOrderRow>`
    UPDATE work_orders SET status = ${f.status}, department_id = ${f.departmentId}, suspended_from = ${f.suspendedFrom},
      supervised = ${f.supervised}, extension = ${f.extension === null ? null : JSON.stringify(f.extension)}::jsonb, rating = ${f.rating},
      rework_count = ${f.reworkCount}, return_count = ${f.returnCount}, reopen_count = ${f.reopenCount}, parent_id = ${f.parentId},
      warn_at = ${t.warnAt}, due_at = ${t.dueAt}, sla_pauses = ${JSON.stringify(t.slaPauses)}::jsonb, warned = ${t.warned},
      overdue = ${t.overdue}, sign_due_at = ${t.signDueAt}, sign_overdue = ${t.signOverdue}, dispatched_at = ${t.dispatchedAt},
      closed_at = ${t.closedAt}, version = version + 1, updated_at = ${now}
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
  /** The acting user's display name (listTimeline joins it; staff see it). */
  actor_name?: string | null;
  note: string | null;
  photos: string[];
  data: Record<string, string | number>;
}

export async function insertTimelineEntry(
  tx: Db,
  e: { jurisdictionId: string; workOrderId: string; at: Date; action: string; from: string | null; to: string; actorId: string | null; actorRole: string | null; note: string | null; photos: string[]; data: Record<string, string | number> },
): Promise<number> {
  const row = await tx
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
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * The latest note of each of `actions` on each of the orders `ids` (DISTINCT ON over the timeline's (work_order_id, id)
 * index), e.g. the reason of the last 核查不通过 and the last 督办 notice, for the rows of a list page.
 */
export async function latestNotes(db: Db, ids: readonly string[], actions: readonly string[]): Promise<Array<{ work_order_id: string; action: string; note: string | null }>> {
  if (ids.length === 0) return [];
  const { rows } = await sql<{ work_order_id: string; action: string; note: string | null }>`
    SELECT DISTINCT ON (work_order_id, action) work_order_id, action, note FROM work_order_timeline
     WHERE work_order_id IN (${sql.join(ids)}) AND action IN (${sql.join(actions)})
     ORDER BY work_order_id, action, id DESC`.execute(db);
  return rows;
}

export async function listTimeline(db: Db, workOrderId: string): Promise<TimelineRow[]> {
  return db
    .selectFrom('work_order_timeline as t')
    .leftJoin('users as u', 'u.id', 't.actor_id')
    .select(['t.id', 't.at', 't.action', 't.from_status', 't.to_status', 't.actor_id', 't.actor_role', 't.note', 't.photos', 't.data', 'u.display_name as actor_name'])
    .where('t.work_order_id', '=', workOrderId)
    .orderBy('t.id')
    .execute();
}

export interface ListFilters {
  statuses?: string[];
  channels?: string[];
  requestTypes?: string[];
  urgencies?: string[];
  categoryPrefix?: string;
  departmentId?: string;
  districtCode?: string;
  gridPrefix?: string;
  createdFrom?: Date;
  createdTo?: Date;
  overdue?: boolean;
  supervised?: boolean;
  /** The deadline's warning point (80 % of the working time) has passed (临期预警; overdue orders are warned too). */
  warned?: boolean;
  /** Finished (办结: 结案, or 首接办结 answered at intake; see FINISHED) in [closedFrom, closedTo). */
  closedFrom?: Date;
  closedTo?: Date;
  /** 在办 orders only (see OPEN: not final, not finished — so not under review either). */
  open?: boolean;
  /** Segmented words that must all occur (Chinese full-text search over title, description and address). */
  searchWords?: string[];
  code?: string;
  reporterUserId?: string;
  /** With reporterUserId: also the orders filed with this phone (its lookup HMAC), signed in or not. */
  reporterPhoneHmac?: string;
  parentId?: string;
  /** An extension request (延期申请) waiting for the dispatcher's decision. */
  extensionPending?: boolean;
  /** The reporter left a phone number (can be called back: 回访), or not. */
  contactable?: boolean;
}

export type ListSort = 'created' | 'due' | 'status' | 'closed';

/** Keyset position: the sort key of the last row seen and its id. */
export interface ListCursor {
  key: string;
  id: string;
}

/**
 * The columns a read scope (identity scopeCondition) is checked against in a query over `work_orders w LEFT JOIN
 * departments d`: the list, export, statistics and overview all read orders so.
 */
export const ORDER_SCOPE_COLUMNS = { jurisdiction: 'w.jurisdiction_id', departmentPath: 'd.path', gridCode: 'w.grid_code', owner: 'w.reporter_user_id' };

const FINAL = [...FINAL_STATUSES];
/**
 * 办结 (lifecycle FINISHED_STATUSES / isFinished), for the list's closed filters, the statistics and the overview
 * alike: answered at intake or closed after handling — also once rated or under review — at `w.closed_at`, the
 * instant it was finished. An imported rejected or cancelled record has a closed_at too, and is not finished.
 */
export const FINISHED = sql<SqlBool>`(w.closed_at IS NOT NULL AND w.status IN (${sql.join(FINISHED_STATUSES.map((s) => sql.lit(s)))}))`;
/**
 * 在办 (lifecycle OPEN_STATUSES), for the list's `open` filter, the statistics and the overview alike: neither final
 * nor finished — so never 办结 as well; an order under review after an unsatisfied rating is 办结, not 在办.
 */
export const OPEN = sql<SqlBool>`(w.status IN (${sql.join(OPEN_STATUSES.map((s) => sql.lit(s)))}))`;

function filterConditions(f: ListFilters): RawBuilder<unknown>[] {
  const c: RawBuilder<unknown>[] = [];
  const inList = (col: string, values: string[] | undefined) => {
    if (values && values.length > 0) c.push(sql`${sql.ref(col)} IN (${sql.join(values)})`);
  };
  inList('w.status', f.statuses);
  inList('w.channel', f.channels);
  inList('w.request_type', f.requestTypes);
  inList('w.urgency', f.urgencies);
  if (f.categoryPrefix) c.push(sql`(w.category_code = ${f.categoryPrefix} OR w.category_code LIKE ${`${escapeLike(f.categoryPrefix)}.%`})`);
  if (f.departmentId) c.push(sql`w.department_id = ${f.departmentId}`);
  if (f.districtCode) c.push(sql`w.district_code = ${f.districtCode}`);
  if (f.gridPrefix) c.push(sql`w.grid_code LIKE ${`${escapeLike(f.gridPrefix)}%`}`);
  if (f.createdFrom) c.push(sql`w.created_at >= ${f.createdFrom}`);
  if (f.createdTo) c.push(sql`w.created_at < ${f.createdTo}`);
  if (f.overdue !== undefined) c.push(sql`w.overdue = ${f.overdue}`);
  if (f.supervised !== undefined) c.push(sql`w.supervised = ${f.supervised}`);
  if (f.warned !== undefined) c.push(sql`w.warned = ${f.warned}`);
  if (f.closedFrom || f.closedTo) c.push(FINISHED);
  if (f.closedFrom) c.push(sql`w.closed_at >= ${f.closedFrom}`);
  if (f.closedTo) c.push(sql`w.closed_at < ${f.closedTo}`);
  if (f.open) c.push(OPEN);
  if (f.searchWords && f.searchWords.length > 0) {
    c.push(sql`to_tsvector('simple', w.search_text) @@ plainto_tsquery('simple', ${f.searchWords.join(' ')})`);
  }
  if (f.code) c.push(sql`w.code = ${f.code}`);
  if (f.reporterUserId && f.reporterPhoneHmac) c.push(sql`(w.reporter_user_id = ${f.reporterUserId} OR w.reporter_phone_hmac = ${f.reporterPhoneHmac})`);
  else if (f.reporterUserId) c.push(sql`w.reporter_user_id = ${f.reporterUserId}`);
  if (f.parentId) c.push(sql`w.parent_id = ${f.parentId}`);
  if (f.extensionPending !== undefined) c.push(sql`(COALESCE(w.extension->>'state', '') = 'requested') = ${f.extensionPending}`);
  if (f.contactable !== undefined) c.push(sql`(w.reporter_phone_hmac IS NOT NULL) = ${f.contactable}`);
  return c;
}

/**
 * One page of orders, newest first (`created`), soonest due first (`due`, orders without a deadline last), in
 * lifecycle order (`status`) or finished longest ago first (`closed`, the 回访 queue; unfinished last), keyset
 * paged on (sort key, id) so deep pages cost the same as the first. `scope` is the viewer's data scope as SQL.
 */
export async function listWorkOrders(
  db: Db,
  scope: RawBuilder<SqlBool>,
  f: ListFilters,
  sort: ListSort,
  limit: number,
  after: ListCursor | null,
): Promise<WorkOrderListRow[]> {
  const where = [sql`${scope}`, ...filterConditions(f)];
  let order: RawBuilder<unknown>;
  if (sort === 'created') {
    if (after) where.push(sql`(w.created_at, w.id) < (${new Date(after.key)}, ${after.id})`);
    order = sql`w.created_at DESC, w.id DESC`;
  } else if (sort === 'status') {
    // Lifecycle order (received … transferred), newest first within a status. Cursor key: "<status>~<created ISO>".
    const position = sql`array_position(ARRAY[${sql.join([...STATUSES])}]::text[], w.status)`;
    if (after) {
      const [status, created] = after.key.split('~');
      const p = STATUSES.indexOf(status as Status) + 1;
      where.push(sql`(${position} > ${p} OR (${position} = ${p} AND (w.created_at, w.id) < (${new Date(created!)}, ${after.id})))`);
    }
    order = sql`${position}, w.created_at DESC, w.id DESC`;
  } else {
    // Soonest deadline first (due), or finished longest ago first (closed: the 回访 queue); rows without one last.
    const key = sort === 'closed' ? sql`COALESCE(w.closed_at, 'infinity'::timestamptz)` : sql`COALESCE(w.due_at, 'infinity'::timestamptz)`;
    if (after) where.push(sql`(${key}, w.id) > (${after.key === 'infinity' ? sql`'infinity'::timestamptz` : new Date(after.key)}, ${after.id})`);
    order = sql`${key}, w.id`;
  }
  const { rows } = await sql<WorkOrderListRow>`
    SELECT ${joinedColumns} FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE ${sql.join(where, sql` AND `)}
     ORDER BY ${order}
     LIMIT ${limit}`.execute(db);
  return rows;
}

/**
 * How many orders in `scope` each named filter selects — with the list's own conditions, so a count and the list
 * of the same filters agree. One scan: one `count(*) FILTER` per name.
 */
export async function countWorkOrders<K extends string>(db: Db, scope: RawBuilder<SqlBool>, named: Record<K, ListFilters>): Promise<Record<K, number>> {
  const names = Object.keys(named) as K[];
  const counts = names.map((k, i) => {
    const c = filterConditions(named[k]);
    return sql`count(*) FILTER (WHERE ${c.length ? sql.join(c, sql` AND `) : sql`TRUE`})::int AS ${sql.ref(`c${i}`)}`;
  });
  const { rows } = await sql<Record<string, number>>`
    SELECT ${sql.join(counts)} FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id WHERE ${scope}`.execute(db);
  return Object.fromEntries(names.map((k, i) => [k, Number(rows[0]?.[`c${i}`] ?? 0)])) as Record<K, number>;
}

/** 在办 orders (OPEN) in `scope` by district (orders without one under null), with how many of them are overdue. */
export async function countOpenByDistrict(db: Db, scope: RawBuilder<SqlBool>): Promise<{ district_code: string | null; open: number; overdue: number }[]> {
  const { rows } = await sql<{ district_code: string | null; open: number; overdue: number }>`
    SELECT w.district_code, count(*)::int AS open, count(*) FILTER (WHERE w.overdue)::int AS overdue
      FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE ${scope} AND ${sql.join(filterConditions({ open: true }), sql` AND `)}
     GROUP BY w.district_code
     ORDER BY 2 DESC, 1`.execute(db);
  return rows.map((r) => ({ district_code: r.district_code, open: Number(r.open), overdue: Number(r.overdue) }));
}

/** `scope`, widened to the orders of the jurisdiction filed with this phone (HMAC lookup key; work_orders_phone_idx). */
export function scopeOrReportedWith(scope: RawBuilder<SqlBool>, jurisdictionId: string, phoneHmac: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${scope} OR (w.jurisdiction_id = ${jurisdictionId} AND w.reporter_phone_hmac = ${phoneHmac}))`;
}

/** Was this order filed with this phone (HMAC lookup key)? */
export async function isReportedWith(db: Db, jurisdictionId: string, id: string, phoneHmac: string): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM work_orders WHERE jurisdiction_id = ${jurisdictionId} AND id = ${id} AND reporter_phone_hmac = ${phoneHmac}`.execute(db);
  return rows.length > 0;
}

/** Orders with this caller's phone (HMAC lookup key), newest first. */
export async function listByPhone(db: Db, scope: RawBuilder<SqlBool>, phoneHmac: string, limit: number): Promise<WorkOrderListRow[]> {
  const { rows } = await sql<WorkOrderListRow>`
    SELECT ${joinedColumns} FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE ${scope} AND w.reporter_phone_hmac = ${phoneHmac}
     ORDER BY w.created_at DESC, w.id DESC LIMIT ${limit}`.execute(db);
  return rows;
}

/** Where an order's duplicate candidates are looked for: its category, its point, the start of its time window. */
export interface NearbyProbe {
  /** The order itself, left out of its own candidates (null: a point not yet an order). */
  id: string | null;
  categoryCode: string;
  lng: number;
  lat: number;
  since: Date;
}

/**
 * What makes an order in `w` a duplicate candidate of a probe (its values given as SQL: parameters, or the columns of
 * a page's probes): open, of the same category, created since the window's start, within `radiusM` of the point.
 * findNearbyOpen and countNearbyOpen both read it, so the board's count and the detail's list cannot disagree.
 */
function nearbyOpenConditions(jurisdictionId: string, p: { id: RawBuilder<unknown> | null; categoryCode: RawBuilder<unknown>; pt: RawBuilder<unknown>; since: RawBuilder<unknown> }, radiusM: number, scope: RawBuilder<SqlBool>): RawBuilder<SqlBool> {
  return sql<SqlBool>`w.jurisdiction_id = ${jurisdictionId}
       AND w.category_code = ${p.categoryCode}
       AND w.status NOT IN (${sql.join(FINAL)})
       AND w.created_at >= ${p.since}
       AND ${p.id === null ? sql`true` : sql`w.id <> ${p.id}`}
       AND w.location IS NOT NULL
       AND ST_DWithin(w.location::geography, ${p.pt}::geography, ${radiusM})
       AND ${scope}`;
}

/**
 * Open orders of the same category near a point within a time window (duplicate candidates) in `scope` (the viewer's
 * read scope as SQL, over ORDER_SCOPE_COLUMNS), nearest first.
 */
export async function findNearbyOpen(
  db: Db,
  scope: RawBuilder<SqlBool>,
  q: NearbyProbe & { jurisdictionId: string; radiusM: number; limit: number },
): Promise<Array<WorkOrderListRow & { distance_m: number }>> {
  const pt = sql`ST_SetSRID(ST_MakePoint(${q.lng}, ${q.lat}), 4326)`;
  const where = nearbyOpenConditions(q.jurisdictionId, { id: q.id === null ? null : sql`${q.id}`, categoryCode: sql`${q.categoryCode}`, pt, since: sql`${q.since}` }, q.radiusM, scope);
  const { rows } = await sql<WorkOrderListRow & { distance_m: number }>`
    SELECT ${joinedColumns}, ST_Distance(w.location::geography, ${pt}::geography) AS distance_m
      FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE ${where}
     ORDER BY distance_m, w.created_at
     LIMIT ${q.limit}`.execute(db);
  return rows;
}

/**
 * For each probe (the located orders of a page), how many candidates findNearbyOpen would return for it with the same
 * scope, window and limit — in one statement: the probes travel as arrays, each counted by a correlated subquery.
 * Probes with none are answered 0; ids are the probes' own (each must be an order's id).
 */
export async function countNearbyOpen(
  db: Db,
  scope: RawBuilder<SqlBool>,
  q: { jurisdictionId: string; probes: ReadonlyArray<NearbyProbe & { id: string }>; radiusM: number; limit: number },
): Promise<Map<string, number>> {
  if (q.probes.length === 0) return new Map();
  const col = <T>(f: (p: NearbyProbe & { id: string }) => T) => q.probes.map(f);
  const pt = sql`ST_SetSRID(ST_MakePoint(o.lng, o.lat), 4326)`;
  const where = nearbyOpenConditions(q.jurisdictionId, { id: sql`o.id`, categoryCode: sql`o.category_code`, pt, since: sql`o.since` }, q.radiusM, scope);
  // The window's start as the ISO text of the Date findNearbyOpen would be given (milliseconds, like the Date).
  const { rows } = await sql<{ id: string; n: number }>`
    SELECT o.id, (SELECT count(*)::int FROM (SELECT 1 FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id WHERE ${where} LIMIT ${q.limit}) c) AS n
      FROM unnest(${col((p) => p.id)}::uuid[], ${col((p) => p.categoryCode)}::text[], ${col((p) => p.lng)}::float8[], ${col((p) => p.lat)}::float8[],
                  ${col((p) => p.since.toISOString())}::timestamptz[]) AS o(id, category_code, lng, lat, since)`.execute(db);
  return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
}

/** A transfer's target: an active federation peer of the jurisdiction (federation's table, read here only to check). */
export async function findActivePeer(db: Db, jurisdictionId: string, id: string): Promise<{ id: string } | undefined> {
  return db.selectFrom('federation_peers').select('id').where('jurisdiction_id', '=', jurisdictionId).where('id', '=', id).where('active', '=', true).executeTakeFirst();
}

export async function findActiveDepartment(db: Db, jurisdictionId: string, id: string): Promise<{ id: string; name_zh: string; path: string } | undefined> {
  return db
    .selectFrom('departments')
    .select(['id', 'name_zh', 'path'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('id', '=', id)
    .where('active', '=', true)
    .executeTakeFirst();
}

/** 默认满意: the order's rating (just set to satisfied by the system transition default_rate) is the default one. */
export async function markRatingDefault(tx: Db, id: string): Promise<void> {
  await tx.updateTable('work_orders').set({ rating_default: true }).where('id', '=', id).execute();
}

/** Flags set by deadline timers; bumps the version so a transition prepared before it is re-checked. */
export async function setSlaFlags(tx: Db, id: string, patch: { warned?: boolean; overdue?: boolean; supervised?: boolean; signOverdue?: boolean }, now: Date): Promise<void> {
  await tx
    .updateTable('work_orders')
    .set({
      ...(patch.warned !== undefined ? { warned: patch.warned } : {}),
      ...(patch.overdue !== undefined ? { overdue: patch.overdue } : {}),
      ...(patch.supervised !== undefined ? { supervised: patch.supervised } : {}),
      ...(patch.signOverdue !== undefined ? { sign_overdue: patch.signOverdue } : {}),
      version: sql<number>`version + 1`,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Orders of a jurisdiction by id (any number; unknown ids are left out), for pages that work on a list's rows. */
export async function findWorkOrdersByIds(db: Db, jurisdictionId: string, ids: readonly string[]): Promise<WorkOrderListRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<WorkOrderListRow>`
    SELECT ${joinedColumns} FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE w.jurisdiction_id = ${jurisdictionId} AND w.id = ANY (${[...ids]}::uuid[])`.execute(db);
  return rows;
}
