/**
 * Open311 use cases: discovery, services and their definitions, POST requests (as work orders through the
 * work-order service, channel 'open311', the API key as the caller), tokens, GET requests (records mapped from
 * orders, no personal data), the mySociety servicerequestupdates extension, and the administrators' configuration
 * of services. Problems are collected and thrown together as one Open311Failure (the routes render it).
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { apiKeyPrincipal, authorize, hasPermission, sealPersonal, type ApiKeyPrincipal, type Principal } from '../identity/index.js';
import { appendExternalEntry, createWorkOrder, photosOfOrders, publicAttachmentUrl, PUBLIC_NOTE_ACTIONS, type RequestType } from '../work-orders/index.js';
import type { Actor, RequestMeta } from '../../shared/actor.js';
import { searchWords } from '../../shared/chinese-text.js';
import { AppError, badRequest, notFound } from '../../shared/errors.js';
import type { Locale } from '../../shared/i18n.js';
import {
  EXTENDED_STATUSES,
  INCOMING_STATUS,
  MAX_DESCRIPTION,
  MAX_WINDOW_DAYS,
  checkAttributes,
  containsHtml,
  extendedStatus,
  isHttpUrl,
  normalisePhone,
  one,
  openOrClosed,
  parseDate,
  readPost,
  readRequestFilters,
  redactPersonal,
  reporterName,
  titleFor,
  w3c,
  worst,
  type AttributeDefinition,
  type ExtendedStatus,
  type Fields,
  type Open311Problem,
} from './mappers.js';
import * as repo from './open311.repo.js';
import type { Value } from './presenters.js';

export type Open311Context = Pick<AppContext, 'db' | 'outbox'> & { config: Pick<AppContext['config'], 'secretKey'> };

export class Open311Failure extends Error {
  constructor(
    readonly status: 400 | 403 | 404,
    readonly problems: Open311Problem[],
  ) {
    super(problems.map((p) => p.key).join(','));
    this.name = 'Open311Failure';
  }
}

function fail(problems: Open311Problem[]): never {
  const w = worst(problems);
  throw new Open311Failure(w.status, w.problems);
}

const PUBLIC_ACTIONS = [...PUBLIC_NOTE_ACTIONS];
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
export const SUPPORTED_EXTENSIONS = ['page', 'page_size', 'updated_after', 'updated_before', 'q', 'bbox', 'extensions', 'servicerequestupdates', 'locale'] as const;
const DEMO_JURISDICTION = 'chengdu.gov.cn';

/**
 * The jurisdiction a call is about: the one given (404 when unknown), or — when none is given — the only one this
 * server hosts (400 when it hosts several: then jurisdiction_id is required), or the API key's on a POST.
 */
export async function resolveJurisdiction(db: Open311Context['db'], given: string | undefined, key?: ApiKeyPrincipal): Promise<repo.JurisdictionRow> {
  if (given !== undefined) {
    const j = given.length <= 100 ? await repo.findJurisdiction(db, given.toLowerCase()) : undefined;
    if (!j) fail([{ status: 404, key: 'open311.jurisdiction_not_found', params: { id: given.slice(0, 100) } }]);
    if (key && key.jurisdictionId !== j.id) fail([{ status: 403, key: 'open311.api_key_jurisdiction' }]);
    return j;
  }
  if (key) return (await repo.findJurisdiction(db, key.jurisdictionId))!;
  const all = await repo.listJurisdictions(db);
  if (all.length === 1) return all[0]!;
  if (all.length === 0) fail([{ status: 404, key: 'open311.jurisdiction_not_found', params: { id: '' } }]);
  fail([{ status: 400, key: 'open311.jurisdiction_required' }]);
}

/** The API key of a POST: missing, unknown, revoked, expired or without the open311.submit scope → 403. */
export async function resolveKey(ctx: Open311Context, key: string | undefined): Promise<ApiKeyPrincipal> {
  if (key === undefined) fail([{ status: 403, key: 'open311.api_key_required' }]);
  const principal = key.length <= 200 ? await apiKeyPrincipal(ctx, key) : null;
  if (!principal) fail([{ status: 403, key: 'open311.api_key_invalid' }]);
  if (!hasPermission(principal, 'open311.submit')) fail([{ status: 403, key: 'open311.api_key_scope' }]);
  return principal;
}

const keyActor = (p: ApiKeyPrincipal): Actor => ({ kind: 'api_key', id: p.keyId, name: p.name, jurisdictionId: p.jurisdictionId });
const localName = (locale: Locale, zh: string | null, en: string | null) => (locale === 'en' ? (en ?? zh) : (zh ?? en));

// ---------------------------------------------------------------------------------------------------------------
// Discovery and services

export async function discovery(db: Open311Context['db'], baseUrl: string, locale: Locale): Promise<Value> {
  const jurisdictions = await repo.listJurisdictions(db);
  const demo = jurisdictions.some((j) => j.id === DEMO_JURISDICTION);
  const names = jurisdictions.map((j) => `${j.id} (${localName(locale, j.name_zh, j.name_en)})`).join(', ');
  const changeset = '2025-01-01T00:00:00Z';
  const contact =
    locale === 'en'
      ? `CivicGrid Open311 GeoReport v2 endpoint. jurisdiction_id: ${names || '—'}. Extensions: ${SUPPORTED_EXTENSIONS.join(', ')}.${demo ? ' This server runs the CivicGrid demo city (test data).' : ''}`
      : `CivicGrid Open311 GeoReport v2 接口。jurisdiction_id：${names || '—'}。扩展：${SUPPORTED_EXTENSIONS.join(', ')}。${demo ? '本服务器运行 CivicGrid 演示城市（测试数据）。' : ''}`;
  const keyService = locale === 'en' ? 'API keys (scope open311.submit) are issued by the city administrator: civicgrid api-keys create.' : 'API 密钥（权限 open311.submit）由城市管理员发放：civicgrid api-keys create。';
  return {
    changeset,
    contact,
    key_service: keyService,
    endpoints: [
      {
        specification: SPECIFICATION,
        url: `${baseUrl}/open311/v2`,
        changeset,
        type: demo ? 'test' : 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

function presentService(s: repo.ServiceRow, locale: Locale): Value {
  return {
    service_code: s.code,
    service_name: localName(locale, s.name_zh, s.name_en)!,
    description: s.description,
    metadata: s.attribute_count > 0,
    type: s.type ?? 'realtime',
    keywords: s.keywords,
    group: localName(locale, s.top_name_zh, s.top_name_en),
  };
}

export async function listServices(db: Open311Context['db'], jurisdictionId: string, locale: Locale): Promise<Value> {
  return (await repo.listServices(db, jurisdictionId)).map((s) => presentService(s, locale));
}

function presentAttribute(a: AttributeDefinition): Value {
  return {
    variable: a.variable,
    code: a.code,
    datatype: a.datatype,
    required: a.required,
    datatype_description: a.datatypeDescription,
    order: a.order,
    description: a.description,
    ...(a.values.length > 0 ? { values: a.values.map((v) => ({ key: v.key, name: v.name })) } : {}),
  };
}

export async function serviceDefinition(db: Open311Context['db'], jurisdictionId: string, code: string): Promise<Value> {
  const [service] = code.length <= 64 ? await repo.listServices(db, jurisdictionId, code) : [];
  if (!service) fail([{ status: 404, key: 'open311.service_not_found', params: { code: code.slice(0, 64) } }]);
  const attributes = await repo.listAttributes(db, jurisdictionId, code);
  return { service_code: service.code, attributes: attributes.map(presentAttribute) };
}

// ---------------------------------------------------------------------------------------------------------------
// POST requests

const REQUEST_TYPE: Record<repo.ServiceRow['kind'], RequestType> = { component: 'component', event: 'event', hotline: 'report' };

/** What a client gets back: the request id (realtime) or a token (batch), and the service's notice. */
export interface Submitted {
  serviceRequestId: string | null;
  token: string | null;
  serviceNotice: string | null;
  accountId: string | null;
}

/**
 * With `idempotencyKey` (the Idempotency-Key header; CivicGrid peers send one per transfer), a retried POST with the
 * same key and fields answers the first request's id instead of creating a second order (work-orders' key store,
 * scoped to the API key).
 */
export async function submitRequest(ctx: Open311Context, fields: Fields, request: RequestMeta, locale: Locale, now = new Date(), idempotencyKey?: string): Promise<Submitted> {
  const { input, problems } = readPost(fields);
  if (idempotencyKey !== undefined && !/^[A-Za-z0-9._:-]{8,200}$/.test(idempotencyKey)) problems.push({ status: 400, key: 'open311.idempotency_key_invalid' });
  const key = await resolveKey(ctx, input.apiKey);
  const jurisdiction = await resolveJurisdiction(ctx.db, input.jurisdictionId, key);
  let service: repo.ServiceRow | undefined;
  let kept: Record<string, string | string[]> = {};
  if (input.serviceCode !== undefined) {
    [service] = input.serviceCode.length <= 64 ? await repo.listServices(ctx.db, jurisdiction.id, input.serviceCode) : [];
    if (!service) problems.push({ status: 404, key: 'open311.service_not_found', params: { code: input.serviceCode.slice(0, 64) } });
    else {
      const checked = checkAttributes(await repo.listAttributes(ctx.db, jurisdiction.id, service.code), input.attributes);
      problems.push(...checked.problems);
      kept = checked.kept;
    }
  }
  if (problems.length > 0 || !service) fail(problems);

  const serviceName = localName(locale, service.name_zh, service.name_en)!;
  const location = input.lat !== undefined && input.long !== undefined ? { lat: input.lat, lng: input.long } : null;
  const address = input.addressString ?? (input.addressId !== undefined ? `address_id ${input.addressId}` : null);
  // The order and the Open311 part of the request (attributes, media, e-mail, token, audit, event) in one transaction.
  const token = service.type === 'batch' ? randomBytes(18).toString('base64url') : null;
  let code: string;
  // A replayed request answers what the first one did: its id, or its token while that is pending review.
  let replayed: { token: string | null } | null = null;
  try {
    const idempotency = idempotencyKey === undefined ? undefined : { scope: `open311:${key.keyId}`, key: idempotencyKey, body: Object.fromEntries([...fields].filter(([k]) => k !== 'api_key')) };
    const created = await createWorkOrder(
      ctx,
      {
        jurisdictionId: jurisdiction.id,
        channel: 'open311',
        requestType: REQUEST_TYPE[service.kind],
        categoryCode: service.code,
        title: titleFor(input.description, serviceName),
        description: input.description,
        location,
        address,
        reporter: { name: reporterName(input.firstName, input.lastName), phone: normalisePhone(input.phone) },
        urgency: 'normal',
      },
      { principal: key, audit: keyActor(key), request },
      {
        now,
        ...(idempotency ? { idempotency } : {}),
        within: async (tx, created) => {
          await repo.insertRequestMeta(tx, {
            workOrderId: created.id,
            jurisdictionId: jurisdiction.id,
            apiKeyId: key.keyId,
            serviceCode: service.code,
            attributes: kept,
            mediaUrls: input.mediaUrls,
            addressId: input.addressId ?? null,
            zipcode: input.zipcode ?? null,
            deviceId: input.deviceId ?? null,
            accountId: input.accountId ?? null,
            reporterEmailEnc: input.email === undefined ? null : sealPersonal(ctx.config.secretKey, input.email),
            token,
            createdAt: now,
          });
          // The client's photo links are shown on the order (staff open them; the server never fetches them).
          if (input.mediaUrls.length > 0) {
            const data = Object.fromEntries(input.mediaUrls.map((u, i) => [`url${i + 1}`, u]));
            await appendExternalEntry(tx, { jurisdictionId: jurisdiction.id, workOrderId: created.id, at: now, action: 'media_links', note: null, data });
          }
          const details = { code: created.code, serviceCode: service.code, type: token ? 'batch' : 'realtime', attributes: Object.keys(kept).length, media: input.mediaUrls.length };
          await recordAudit(tx, { actor: keyActor(key), request, action: 'open311.request', jurisdictionId: jurisdiction.id, objectType: 'work_order', objectId: created.id, details });
          await ctx.outbox.publish(tx, { name: 'open311.request_received', jurisdictionId: jurisdiction.id, payload: { workOrderId: created.id, ...details } });
        },
      },
    );
    code = created.order.code;
    if (created.replayed) replayed = { token: await repo.tokenOfOrder(ctx.db, created.order.id) };
  } catch (e) {
    if (e instanceof AppError) {
      const status = e.kind === 'forbidden' || e.kind === 'unauthenticated' ? 403 : e.kind === 'not_found' ? 404 : 400;
      fail([{ status, key: e.code, params: e.params }]);
    }
    throw e;
  }
  if (replayed) return { serviceRequestId: replayed.token ? null : code, token: replayed.token, serviceNotice: service.service_notice, accountId: input.accountId ?? null };
  return { serviceRequestId: token ? null : code, token, serviceNotice: service.service_notice, accountId: input.accountId ?? null };
}

export function presentSubmitted(s: Submitted): Value {
  return [
    {
      ...(s.token ? { token: s.token } : { service_request_id: s.serviceRequestId }),
      service_notice: s.serviceNotice ?? '',
      ...(s.accountId ? { account_id: s.accountId } : {}),
    },
  ];
}

/** A batch token resolves to the request id once a person has reviewed the order (it left 'received'). */
export async function tokenStatus(db: Open311Context['db'], jurisdictionId: string, token: string): Promise<Value> {
  const row = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await repo.findToken(db, token) : undefined;
  if (!row || row.jurisdiction_id !== jurisdictionId) fail([{ status: 404, key: 'open311.token_not_found' }]);
  return [{ ...(row.status === 'received' ? {} : { service_request_id: row.code }), token }];
}

// ---------------------------------------------------------------------------------------------------------------
// GET requests

/** How a list of records is rendered: the locale, the extensions flag and the public links of the orders' photos. */
interface RecordView {
  locale: Locale;
  extensions: boolean;
  /** Public photo URLs per order id (signed links to our attachments), oldest first. */
  photos: Map<string, string[]>;
}

/** Signed public links to the photos of these (visible) orders: `${baseUrl}/api/v1/public/attachments/<id>?sig=…`. */
async function photoUrls(ctx: Open311Context, baseUrl: string, orderIds: string[]): Promise<Map<string, string[]>> {
  const ids = await photosOfOrders(ctx.db, orderIds);
  return new Map([...ids].map(([order, list]) => [order, list.map((id) => publicAttachmentUrl(ctx.config.secretKey, baseUrl, id))]));
}

function presentRequest(r: repo.RequestRow, view: RecordView, notes: repo.NoteRow[]): Value {
  const { locale, extensions } = view;
  // media_url: the order's first photo (a public signed link), else the first link the client sent.
  const media = [...(view.photos.get(r.id) ?? []), ...(r.media_urls ?? [])];
  const base: Record<string, Value> = {
    service_request_id: r.code,
    status: openOrClosed(r.status),
    status_notes: r.status_note,
    service_name: localName(locale, r.service_name_zh, r.service_name_en),
    service_code: r.category_code ?? '',
    description: redactPersonal(r.description).slice(0, MAX_DESCRIPTION),
    agency_responsible: localName(locale, r.department_name_zh, r.department_name_en),
    service_notice: r.service_notice,
    requested_datetime: w3c(r.created_at),
    updated_datetime: w3c(r.updated_at),
    expected_datetime: w3c(r.due_at),
    address: r.address === null ? null : redactPersonal(r.address),
    address_id: r.address_id,
    zipcode: r.zipcode,
    lat: r.lat,
    long: r.lng,
    media_url: media[0] ?? null,
  };
  if (!extensions) return base;
  return {
    ...base,
    extended_attributes: {
      status: extendedStatus(r.status),
      channel: r.channel,
      duplicate: r.status === 'merged',
      parent_service_request_id: r.parent_code,
      grid_code: r.grid_code,
      district: r.district_code === null ? null : { code: r.district_code, name: localName(locale, r.district_name_zh, r.district_name_en) },
      department: localName(locale, r.department_name_zh, r.department_name_en),
      media_urls: media,
    },
    notes: notes.map((n) => ({ datetime: w3c(n.at), status: extendedStatus(n.to_status), description: n.note })),
  };
}

export async function listRequests(ctx: Open311Context, baseUrl: string, jurisdictionId: string, fields: Fields, locale: Locale, now = new Date()): Promise<Value> {
  const { filters, problems } = readRequestFilters(fields, now);
  if (problems.length > 0) fail(problems);
  const rows = await repo.listRequests(ctx.db, jurisdictionId, { ...filters, searchWords: filters.q ? searchWords(filters.q) : [] }, PUBLIC_ACTIONS);
  const ids = rows.map((r) => r.id);
  const notes = filters.extensions ? await repo.listPublicNotes(ctx.db, ids, PUBLIC_ACTIONS) : [];
  const view = { locale, extensions: filters.extensions, photos: await photoUrls(ctx, baseUrl, ids) };
  return rows.map((r) => presentRequest(r, view, notes.filter((n) => n.work_order_id === r.id)));
}

export async function getRequest(ctx: Open311Context, baseUrl: string, jurisdictionId: string, id: string, fields: Fields, locale: Locale): Promise<Value> {
  const extensions = ['true', '1'].includes(one(fields, 'extensions') ?? '');
  const rows = id.length <= 40 ? await repo.listRequests(ctx.db, jurisdictionId, { ...readRequestFilters(new Map(), new Date()).filters, ids: [id], searchWords: [] }, PUBLIC_ACTIONS) : [];
  const row = rows[0];
  if (!row) fail([{ status: 404, key: 'open311.request_not_found', params: { id: id.slice(0, 40) } }]);
  const notes = extensions ? await repo.listPublicNotes(ctx.db, [row.id], PUBLIC_ACTIONS) : [];
  return [presentRequest(row, { locale, extensions, photos: await photoUrls(ctx, baseUrl, [row.id]) }, notes)];
}

// ---------------------------------------------------------------------------------------------------------------
// mySociety servicerequestupdates

export async function listUpdates(db: Open311Context['db'], jurisdictionId: string, fields: Fields, now = new Date()): Promise<Value> {
  const { filters, problems } = readRequestFilters(new Map([...fields].filter(([k]) => k === 'start_date' || k === 'end_date')), now);
  if (problems.length > 0) fail(problems);
  const rows = await repo.listUpdates(db, jurisdictionId, filters.from, filters.to, 1000, PUBLIC_ACTIONS);
  return rows.map((u) => ({
    update_id: String(u.id),
    service_request_id: u.code,
    status: extendedStatus(u.to_status),
    updated_datetime: w3c(u.at),
    description: u.note ?? '',
    media_url: '',
  }));
}

export async function postUpdate(ctx: Open311Context, fields: Fields, request: RequestMeta, now = new Date()): Promise<Value> {
  const key = await resolveKey(ctx, one(fields, 'api_key'));
  const jurisdiction = await resolveJurisdiction(ctx.db, one(fields, 'jurisdiction_id'), key);
  const problems: Open311Problem[] = [];
  const requestId = one(fields, 'service_request_id');
  const clientId = one(fields, 'update_id');
  const rawStatus = one(fields, 'status')?.toLowerCase();
  const rawDate = one(fields, 'updated_datetime');
  const description = (fields.get('description')?.at(-1) ?? '').trim();
  const mediaUrl = one(fields, 'media_url');
  const email = one(fields, 'email');
  if (requestId === undefined) problems.push({ status: 400, key: 'open311.field_required', params: { field: 'service_request_id' } });
  if (clientId === undefined) problems.push({ status: 400, key: 'open311.field_required', params: { field: 'update_id' } });
  else if (clientId.length > 100) problems.push({ status: 400, key: 'open311.too_long', params: { field: 'update_id', max: 100 } });
  if (rawStatus === undefined) problems.push({ status: 400, key: 'open311.field_required', params: { field: 'status' } });
  else if (!(EXTENDED_STATUSES as readonly string[]).includes(rawStatus)) problems.push({ status: 400, key: 'open311.update_status_invalid', params: { status: rawStatus.slice(0, 40) } });
  const updatedAt = rawDate === undefined ? undefined : parseDate(rawDate);
  if (rawDate === undefined) problems.push({ status: 400, key: 'open311.field_required', params: { field: 'updated_datetime' } });
  else if (!updatedAt) problems.push({ status: 400, key: 'open311.date_invalid', params: { field: 'updated_datetime' } });
  if (description.length > MAX_DESCRIPTION) problems.push({ status: 400, key: 'open311.description_too_long', params: { max: MAX_DESCRIPTION } });
  if (containsHtml(description)) problems.push({ status: 400, key: 'open311.description_html' });
  if (mediaUrl !== undefined && !isHttpUrl(mediaUrl)) problems.push({ status: 400, key: 'open311.media_url_invalid', params: { url: mediaUrl.slice(0, 100) } });
  if (email !== undefined && (email.length > 200 || !/^[^\s@]+@[^\s@]+$/.test(email))) problems.push({ status: 400, key: 'open311.email_invalid' });
  const order = requestId !== undefined && requestId.length <= 40 ? await repo.findVisibleOrder(ctx.db, jurisdiction.id, requestId) : undefined;
  if (requestId !== undefined && !order) problems.push({ status: 404, key: 'open311.request_not_found', params: { id: requestId.slice(0, 40) } });
  if (problems.length > 0 || !order || clientId === undefined || !updatedAt) fail(problems);

  const status = rawStatus as ExtendedStatus;
  const seal = (v: string | null) => (v === null ? null : sealPersonal(ctx.config.secretKey, v));
  const id = await ctx.db.transaction().execute(async (tx) => {
    const inserted = await repo.insertUpdate(tx, {
      jurisdictionId: jurisdiction.id,
      workOrderId: order.id,
      apiKeyId: key.keyId,
      clientUpdateId: clientId,
      status,
      mappedStatus: INCOMING_STATUS[status],
      description,
      mediaUrl: mediaUrl ?? null,
      updatedDatetime: updatedAt,
      reporterNameEnc: seal(reporterName(one(fields, 'first_name'), one(fields, 'last_name'))),
      reporterEmailEnc: seal(email ?? null),
      createdAt: now,
    });
    // The same update posted again (a retry) answers with the id it got the first time.
    if (inserted === undefined) return null;
    const details = { code: requestId!, clientUpdateId: clientId, status, mappedStatus: INCOMING_STATUS[status] };
    await recordAudit(tx, { actor: keyActor(key), request, action: 'open311.update', jurisdictionId: jurisdiction.id, objectType: 'work_order', objectId: order.id, details });
    await ctx.outbox.publish(tx, { name: 'open311.update_received', jurisdictionId: jurisdiction.id, payload: { workOrderId: order.id, updateId: inserted, ...details } });
    return inserted;
  });
  const existing = id ?? (await repo.findClientUpdate(ctx.db, key.keyId, clientId))!.id;
  return [{ update_id: String(existing) }];
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration (administrators, /api/v1/open311/services/:code)

export interface ServiceConfigInput {
  type: 'realtime' | 'batch';
  description?: string | null;
  keywords?: string | null;
  serviceNotice?: string | null;
  attributes: AttributeDefinition[];
}

export interface ServiceConfigView extends ServiceConfigInput {
  code: string;
  name: string;
}

export async function getServiceConfig(ctx: Open311Context, principal: Principal, code: string): Promise<ServiceConfigView> {
  authorize(principal, 'open311.configure', { jurisdictionId: principal.jurisdictionId }, 'open311.service_not_found');
  const [service] = await repo.listServices(ctx.db, principal.jurisdictionId, code);
  if (!service) throw notFound('open311.service_not_found', { code });
  return {
    code: service.code,
    name: service.name_zh,
    type: service.type ?? 'realtime',
    description: service.description,
    keywords: service.keywords,
    serviceNotice: service.service_notice,
    attributes: await repo.listAttributes(ctx.db, principal.jurisdictionId, code),
  };
}

export interface CategoryConfigView {
  code: string;
  parentCode: string | null;
  kind: repo.CategoryConfigRow['kind'];
  nameZh: string;
  nameEn: string | null;
  /** Served as an Open311 service (an active category without active children). */
  exposed: boolean;
  /** Why not: 'inactive' or 'group' (it has active children, which are the services). */
  reason: 'inactive' | 'group' | null;
  type: 'realtime' | 'batch';
  attributeCount: number;
}

/** Every category and whether it is served as an Open311 service, with its type and attribute count. */
export async function listServiceConfigs(ctx: Open311Context, principal: Principal): Promise<CategoryConfigView[]> {
  authorize(principal, 'open311.configure', { jurisdictionId: principal.jurisdictionId }, 'open311.service_not_found');
  return (await repo.listCategoryConfigs(ctx.db, principal.jurisdictionId)).map((c) => ({
    code: c.code,
    parentCode: c.parent_code,
    kind: c.kind,
    nameZh: c.name_zh,
    nameEn: c.name_en,
    exposed: c.active && !c.has_children,
    reason: !c.active ? 'inactive' : c.has_children ? 'group' : null,
    type: c.type ?? 'realtime',
    attributeCount: c.attribute_count,
  }));
}

/** Checks a configuration: unique attribute codes and orders, values exactly for the list datatypes, unique keys. */
export function validateConfig(input: ServiceConfigInput): void {
  const codes = new Set<string>();
  const orders = new Set<number>();
  for (const a of input.attributes) {
    if (codes.has(a.code)) throw badRequest('open311.config_attribute_duplicate', { code: a.code });
    if (orders.has(a.order)) throw badRequest('open311.config_order_duplicate', { order: a.order });
    codes.add(a.code);
    orders.add(a.order);
    const isList = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
    if (isList !== a.values.length > 0) throw badRequest('open311.config_values', { code: a.code });
    if (new Set(a.values.map((v) => v.key)).size !== a.values.length) throw badRequest('open311.config_value_duplicate', { code: a.code });
  }
}

export async function configureService(ctx: Open311Context, principal: Principal, code: string, input: ServiceConfigInput, actor: Actor, request: RequestMeta, now = new Date()): Promise<ServiceConfigView> {
  authorize(principal, 'open311.configure', { jurisdictionId: principal.jurisdictionId }, 'open311.service_not_found');
  validateConfig(input);
  const [service] = await repo.listServices(ctx.db, principal.jurisdictionId, code);
  if (!service) throw notFound('open311.service_not_found', { code });
  await ctx.db.transaction().execute(async (tx) => {
    await repo.saveService(tx, principal.jurisdictionId, code, { type: input.type, description: input.description ?? null, keywords: input.keywords ?? null, serviceNotice: input.serviceNotice ?? null, attributes: input.attributes }, now);
    const details = { code, type: input.type, attributes: input.attributes.map((a) => a.code).join(',') };
    await recordAudit(tx, { actor, request, action: 'open311.configure', jurisdictionId: principal.jurisdictionId, objectType: 'open311_service', objectId: code, details });
    await ctx.outbox.publish(tx, { name: 'open311.service_configured', jurisdictionId: principal.jurisdictionId, payload: details });
  });
  return getServiceConfig(ctx, principal, code);
}

export { MAX_WINDOW_DAYS };
