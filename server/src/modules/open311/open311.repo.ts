/**
 * The only SQL of the Open311 module: its own tables (open311_*), and read-only queries over work orders, their
 * timeline, categories, departments and jurisdictions. Orders are served through Open311 only when they are about
 * a public place or came in through Open311 (VISIBLE): hotline conversations (enquiries, complaints about a
 * person's own affairs) are never listed.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../app-context.js';
import type { AttributeDefinition, RequestFilters } from './mappers.js';

export const VISIBLE = sql`(w.channel = 'open311' OR w.request_type IN ('component', 'event'))`;

export interface JurisdictionRow {
  id: string;
  name_zh: string;
  name_en: string;
}

export async function listJurisdictions(db: Db): Promise<JurisdictionRow[]> {
  return db.selectFrom('jurisdictions').select(['id', 'name_zh', 'name_en']).orderBy('id').limit(1000).execute();
}

export async function findJurisdiction(db: Db, id: string): Promise<JurisdictionRow | undefined> {
  return db.selectFrom('jurisdictions').select(['id', 'name_zh', 'name_en']).where('id', '=', id).executeTakeFirst();
}

export interface ServiceRow {
  code: string;
  kind: 'component' | 'event' | 'hotline';
  name_zh: string;
  name_en: string | null;
  top_name_zh: string;
  top_name_en: string | null;
  type: 'realtime' | 'batch' | null;
  description: string | null;
  keywords: string | null;
  service_notice: string | null;
  attribute_count: number;
}

/** Active categories without active children (the leaves), each with its top-level category and its configuration. */
export async function listServices(db: Db, jurisdictionId: string, code?: string): Promise<ServiceRow[]> {
  const one = code === undefined ? sql`` : sql`AND c.code = ${code}`;
  const r = await sql<ServiceRow>`
    SELECT c.code, c.kind, c.name_zh, c.name_en, t.name_zh AS top_name_zh, t.name_en AS top_name_en,
           s.type, s.description, s.keywords, s.service_notice,
           (SELECT count(*)::int FROM open311_attributes a WHERE a.jurisdiction_id = c.jurisdiction_id AND a.category_code = c.code) AS attribute_count
    FROM work_order_categories c
    JOIN work_order_categories t ON t.jurisdiction_id = c.jurisdiction_id AND t.code = split_part(c.code, '.', 1)
    LEFT JOIN open311_services s ON s.jurisdiction_id = c.jurisdiction_id AND s.category_code = c.code
    WHERE c.jurisdiction_id = ${jurisdictionId} AND c.active ${one}
      AND NOT EXISTS (SELECT 1 FROM work_order_categories k WHERE k.jurisdiction_id = c.jurisdiction_id AND k.parent_code = c.code AND k.active)
    ORDER BY t.sort_order, c.code`.execute(db);
  return r.rows;
}

export interface CategoryConfigRow {
  code: string;
  parent_code: string | null;
  kind: 'component' | 'event' | 'hotline';
  name_zh: string;
  name_en: string | null;
  active: boolean;
  /** Whether it has active children (then it is a group, not a service). */
  has_children: boolean;
  type: 'realtime' | 'batch' | null;
  attribute_count: number;
}

/** Every category of the jurisdiction with what makes it a service or not, and its configuration (administrators). */
export async function listCategoryConfigs(db: Db, jurisdictionId: string): Promise<CategoryConfigRow[]> {
  const r = await sql<CategoryConfigRow>`
    SELECT c.code, c.parent_code, c.kind, c.name_zh, c.name_en, c.active,
           EXISTS (SELECT 1 FROM work_order_categories k WHERE k.jurisdiction_id = c.jurisdiction_id AND k.parent_code = c.code AND k.active) AS has_children,
           s.type,
           (SELECT count(*)::int FROM open311_attributes a WHERE a.jurisdiction_id = c.jurisdiction_id AND a.category_code = c.code) AS attribute_count
    FROM work_order_categories c
    LEFT JOIN open311_services s ON s.jurisdiction_id = c.jurisdiction_id AND s.category_code = c.code
    WHERE c.jurisdiction_id = ${jurisdictionId}
    ORDER BY c.code
    LIMIT 10000`.execute(db);
  return r.rows;
}

export async function listAttributes(db: Db, jurisdictionId: string, categoryCode: string): Promise<AttributeDefinition[]> {
  const rows = await db
    .selectFrom('open311_attributes')
    .select(['code', 'variable', 'datatype', 'required', 'datatype_description', 'sort_order', 'description', 'values'])
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('category_code', '=', categoryCode)
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
  return rows.map((r) => ({
    code: r.code,
    variable: r.variable,
    datatype: r.datatype,
    required: r.required,
    datatypeDescription: r.datatype_description,
    order: r.sort_order,
    description: r.description,
    values: r.values,
  }));
}

export interface ServiceConfig {
  type: 'realtime' | 'batch';
  description: string | null;
  keywords: string | null;
  serviceNotice: string | null;
  attributes: AttributeDefinition[];
}

/** Replaces a service's configuration (row lock on the service row serialises concurrent edits). */
export async function saveService(tx: Db, jurisdictionId: string, categoryCode: string, c: ServiceConfig, now: Date): Promise<void> {
  await tx
    .insertInto('open311_services')
    .values({ jurisdiction_id: jurisdictionId, category_code: categoryCode, type: c.type, description: c.description, keywords: c.keywords, service_notice: c.serviceNotice, updated_at: now })
    .onConflict((oc) => oc.columns(['jurisdiction_id', 'category_code']).doUpdateSet({ type: c.type, description: c.description, keywords: c.keywords, service_notice: c.serviceNotice, updated_at: now }))
    .execute();
  await tx.deleteFrom('open311_attributes').where('jurisdiction_id', '=', jurisdictionId).where('category_code', '=', categoryCode).execute();
  if (c.attributes.length > 0) {
    await tx
      .insertInto('open311_attributes')
      .values(
        c.attributes.map((a) => ({
          jurisdiction_id: jurisdictionId,
          category_code: categoryCode,
          code: a.code,
          variable: a.variable,
          datatype: a.datatype,
          required: a.required,
          datatype_description: a.datatypeDescription,
          sort_order: a.order,
          description: a.description,
          values: JSON.stringify(a.values),
        })),
      )
      .execute();
  }
}

export async function insertRequestMeta(
  tx: Db,
  m: {
    workOrderId: string;
    jurisdictionId: string;
    apiKeyId: string;
    serviceCode: string;
    attributes: Record<string, string | string[]>;
    mediaUrls: string[];
    addressId: string | null;
    zipcode: string | null;
    deviceId: string | null;
    accountId: string | null;
    reporterEmailEnc: string | null;
    token: string | null;
    createdAt: Date;
  },
): Promise<void> {
  await tx
    .insertInto('open311_requests')
    .values({
      work_order_id: m.workOrderId,
      jurisdiction_id: m.jurisdictionId,
      api_key_id: m.apiKeyId,
      service_code: m.serviceCode,
      attributes: JSON.stringify(m.attributes),
      media_urls: JSON.stringify(m.mediaUrls),
      address_id: m.addressId,
      zipcode: m.zipcode,
      device_id: m.deviceId,
      account_id: m.accountId,
      reporter_email_enc: m.reporterEmailEnc,
      token: m.token,
      created_at: m.createdAt,
    })
    .execute();
}

/** The batch token an order was answered with (null for a realtime service). */
export async function tokenOfOrder(db: Db, workOrderId: string): Promise<string | null> {
  const row = await db.selectFrom('open311_requests').select('token').where('work_order_id', '=', workOrderId).executeTakeFirst();
  return row?.token ?? null;
}

export async function findToken(db: Db, token: string): Promise<{ jurisdiction_id: string; code: string; status: string } | undefined> {
  const r = await sql<{ jurisdiction_id: string; code: string; status: string }>`
    SELECT r.jurisdiction_id, w.code, w.status FROM open311_requests r JOIN work_orders w ON w.id = r.work_order_id WHERE r.token = ${token}`.execute(db);
  return r.rows[0];
}

export interface RequestRow {
  id: string;
  code: string;
  status: string;
  request_type: string;
  channel: string;
  category_code: string | null;
  service_name_zh: string | null;
  service_name_en: string | null;
  description: string;
  address: string | null;
  lng: number | null;
  lat: number | null;
  grid_code: string | null;
  district_code: string | null;
  district_name_zh: string | null;
  district_name_en: string | null;
  department_name_zh: string | null;
  department_name_en: string | null;
  due_at: Date | null;
  created_at: Date;
  updated_at: Date;
  parent_code: string | null;
  service_notice: string | null;
  media_urls: string[] | null;
  address_id: string | null;
  zipcode: string | null;
  status_note: string | null;
}

/**
 * Visible orders matching the filters, newest first. `ids` overrides every other filter (the spec); the window,
 * status, service codes (a code also selects its subtree), update window, text, bounding box and paging otherwise.
 */
export async function listRequests(db: Db, jurisdictionId: string, f: RequestFilters & { searchWords: string[] }, publicNoteActions: readonly string[]): Promise<RequestRow[]> {
  const where: RawBuilder<unknown>[] = [sql`w.jurisdiction_id = ${jurisdictionId}`, VISIBLE];
  let limit = f.limit;
  let offset = f.offset;
  if (f.ids) {
    where.push(sql`w.code IN (${sql.join(f.ids.map((id) => sql`${id}`))})`);
    limit = Math.min(f.ids.length, 1000);
    offset = 0;
  } else {
    where.push(sql`w.created_at >= ${f.from}`, sql`w.created_at <= ${f.to}`);
    if (f.statuses) where.push(f.statuses.length === 0 ? sql`false` : sql`w.status IN (${sql.join(f.statuses.map((s) => sql`${s}`))})`);
    if (f.serviceCodes.length > 0) {
      where.push(sql`(${sql.join(f.serviceCodes.map((c) => sql`(w.category_code = ${c} OR w.category_code LIKE ${`${c.replace(/[\\%_]/g, '\\$&')}.%`})`), sql` OR `)})`);
    }
    if (f.updatedAfter) where.push(sql`w.updated_at > ${f.updatedAfter}`);
    if (f.updatedBefore) where.push(sql`w.updated_at < ${f.updatedBefore}`);
    if (f.q !== null) {
      if (f.searchWords.length === 0) where.push(sql`false`);
      else where.push(sql`to_tsvector('simple', w.search_text) @@ plainto_tsquery('simple', ${f.searchWords.join(' ')})`);
    }
    if (f.bbox) where.push(sql`w.location && ST_MakeEnvelope(${f.bbox.minLng}, ${f.bbox.minLat}, ${f.bbox.maxLng}, ${f.bbox.maxLat}, 4326)`);
  }
  const actions = publicNoteActions.length === 0 ? sql`false` : sql`t.action IN (${sql.join(publicNoteActions.map((a) => sql`${a}`))})`;
  const r = await sql<RequestRow>`
    SELECT w.id, w.code, w.status, w.request_type, w.channel, w.category_code, c.name_zh AS service_name_zh, c.name_en AS service_name_en,
           w.description, w.address, ST_X(w.location) AS lng, ST_Y(w.location) AS lat, w.grid_code, w.district_code,
           dv.name_zh AS district_name_zh, dv.name_en AS district_name_en,
           d.name_zh AS department_name_zh, d.name_en AS department_name_en, w.due_at, w.created_at, w.updated_at,
           p.code AS parent_code, s.service_notice, r.media_urls, r.address_id, r.zipcode,
           (SELECT t.note FROM work_order_timeline t WHERE t.work_order_id = w.id AND ${actions} AND t.note IS NOT NULL AND t.note <> ''
            ORDER BY t.id DESC LIMIT 1) AS status_note
    FROM work_orders w
    LEFT JOIN work_order_categories c ON c.jurisdiction_id = w.jurisdiction_id AND c.code = w.category_code
    LEFT JOIN departments d ON d.id = w.department_id
    LEFT JOIN divisions dv ON dv.jurisdiction_id = w.jurisdiction_id AND dv.code = w.district_code
    LEFT JOIN work_orders p ON p.id = w.parent_id
    LEFT JOIN open311_requests r ON r.work_order_id = w.id
    LEFT JOIN open311_services s ON s.jurisdiction_id = w.jurisdiction_id AND s.category_code = w.category_code
    WHERE ${sql.join(where, sql` AND `)}
    ORDER BY w.created_at DESC, w.id DESC
    LIMIT ${limit} OFFSET ${offset}`.execute(db);
  return r.rows;
}

export interface NoteRow {
  work_order_id: string;
  at: Date;
  to_status: string;
  note: string;
}

export async function listPublicNotes(db: Db, orderIds: string[], publicNoteActions: readonly string[]): Promise<NoteRow[]> {
  if (orderIds.length === 0 || publicNoteActions.length === 0) return [];
  return db
    .selectFrom('work_order_timeline')
    .select(['work_order_id', 'at', 'to_status', 'note'])
    .where('work_order_id', 'in', orderIds)
    .where('action', 'in', [...publicNoteActions])
    .where('note', 'is not', null)
    .where('note', '<>', '')
    .orderBy('id')
    .execute() as Promise<NoteRow[]>;
}

export async function findVisibleOrder(db: Db, jurisdictionId: string, code: string): Promise<{ id: string; status: string } | undefined> {
  const r = await sql<{ id: string; status: string }>`SELECT w.id, w.status FROM work_orders w WHERE w.jurisdiction_id = ${jurisdictionId} AND w.code = ${code} AND ${VISIBLE}`.execute(db);
  return r.rows[0];
}

export interface UpdateRow {
  id: number;
  code: string;
  at: Date;
  to_status: string;
  note: string | null;
}

/**
 * Changes of visible orders in a window (mySociety servicerequestupdates): every timeline entry after the creation
 * that changed the status or carries a public note, oldest first. Notes of other actions are internal: not shown.
 */
export async function listUpdates(db: Db, jurisdictionId: string, from: Date, to: Date, limit: number, publicNoteActions: readonly string[]): Promise<UpdateRow[]> {
  const publicNote = publicNoteActions.length === 0 ? sql`false` : sql`t.action IN (${sql.join(publicNoteActions.map((a) => sql`${a}`))})`;
  const r = await sql<UpdateRow>`
    SELECT t.id, w.code, t.at, t.to_status, CASE WHEN ${publicNote} THEN t.note END AS note
    FROM work_order_timeline t JOIN work_orders w ON w.id = t.work_order_id
    WHERE t.jurisdiction_id = ${jurisdictionId} AND ${VISIBLE} AND t.at >= ${from} AND t.at <= ${to} AND t.action <> 'create'
      AND (t.from_status IS DISTINCT FROM t.to_status OR (${publicNote} AND t.note IS NOT NULL AND t.note <> ''))
    ORDER BY t.at, t.id
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

export async function findClientUpdate(db: Db, apiKeyId: string, clientUpdateId: string): Promise<{ id: number; work_order_id: string } | undefined> {
  return db.selectFrom('open311_updates').select(['id', 'work_order_id']).where('api_key_id', '=', apiKeyId).where('client_update_id', '=', clientUpdateId).executeTakeFirst();
}

export async function insertUpdate(
  tx: Db,
  u: {
    jurisdictionId: string;
    workOrderId: string;
    apiKeyId: string;
    clientUpdateId: string;
    status: string;
    mappedStatus: string | null;
    description: string;
    mediaUrl: string | null;
    updatedDatetime: Date;
    reporterNameEnc: string | null;
    reporterEmailEnc: string | null;
    createdAt: Date;
  },
): Promise<number | undefined> {
  const row = await tx
    .insertInto('open311_updates')
    .values({
      jurisdiction_id: u.jurisdictionId,
      work_order_id: u.workOrderId,
      api_key_id: u.apiKeyId,
      client_update_id: u.clientUpdateId,
      status: u.status,
      mapped_status: u.mappedStatus,
      description: u.description,
      media_url: u.mediaUrl,
      updated_datetime: u.updatedDatetime,
      reporter_name_enc: u.reporterNameEnc,
      reporter_email_enc: u.reporterEmailEnc,
      created_at: u.createdAt,
    })
    .onConflict((oc) => oc.columns(['api_key_id', 'client_update_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}
