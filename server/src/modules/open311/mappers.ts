/**
 * Open311 GeoReport v2 ↔ CivicGrid, the pure part (no I/O): reading the `.xml`/`.json` suffix, normalising form and
 * JSON bodies, validating a POST (every problem at once), the GET requests filters, the status tables and the
 * description rule. Unit tests beside it (mappers.test.ts).
 *
 * Status tables (our lifecycle, lifecycle.ts → Open311):
 *
 * | ours                                   | status | mySociety extended status   |
 * |----------------------------------------|--------|-----------------------------|
 * | received                               | open   | open                        |
 * | accepted, returned                     | open   | investigating               |
 * | dispatched, signed, suspended          | open   | action_scheduled            |
 * | in_progress, reported                  | open   | in_progress                 |
 * | verified                               | open   | fixed                       |
 * | closed, rated, under_review            | closed | fixed                       |
 * | answered                               | closed | closed                      |
 * | rejected                               | closed | not_councils_responsibility |
 * | cancelled                              | closed | no_further_action           |
 * | merged                                 | closed | duplicate                   |
 * | transferred (to another jurisdiction)  | closed | internal_referral           |
 *
 * Closed is the lifecycle's FINAL_STATUSES and FINISHED_STATUSES (办结): an order under review after an unsatisfied
 * rating (复核中) was closed once and its result stands until the dispatcher reopens it — as the city's own lists,
 * overview and statistics count it —, so it is `closed`/`fixed` here too, and `open` again once reopened. Incoming extended statuses (POST servicerequestupdates) map onto
 * the status of ours they correspond to (INCOMING_STATUS) — recorded with the update for staff, never applied:
 * a client's word does not move an order through the lifecycle.
 */
import { FINAL_STATUSES, FINISHED_STATUSES, type Status } from '../work-orders/index.js';

export type Format = 'xml' | 'json';

/** An Open311 error: `code` is the HTTP status (as the spec's examples), `key` our stable message code. */
export interface Open311Problem {
  status: 400 | 403 | 404;
  key: string;
  params?: Record<string, string | number>;
}

export const MAX_DESCRIPTION = 4000;
export const MAX_WINDOW_DAYS = 90;
export const DEFAULT_LIMIT = 1000;
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_MEDIA_URLS = 10;

export const EXTENDED_STATUSES = [
  'open',
  'investigating',
  'action_scheduled',
  'in_progress',
  'fixed',
  'closed',
  'not_councils_responsibility',
  'no_further_action',
  'duplicate',
  'unable_to_fix',
  'internal_referral',
  'reopen',
  'planned',
  'for_triage',
] as const;
export type ExtendedStatus = (typeof EXTENDED_STATUSES)[number];

const OUTGOING: Record<Status, ExtendedStatus> = {
  received: 'open',
  accepted: 'investigating',
  returned: 'investigating',
  under_review: 'fixed',
  dispatched: 'action_scheduled',
  signed: 'action_scheduled',
  suspended: 'action_scheduled',
  in_progress: 'in_progress',
  reported: 'in_progress',
  verified: 'fixed',
  closed: 'fixed',
  rated: 'fixed',
  answered: 'closed',
  rejected: 'not_councils_responsibility',
  cancelled: 'no_further_action',
  merged: 'duplicate',
  // Handed to a neighbouring jurisdiction (federation): no further work here.
  transferred: 'internal_referral',
};

/** What a client's extended status says about the order, in our terms (stored beside the update). */
export const INCOMING_STATUS: Record<ExtendedStatus, Status> = {
  open: 'received',
  for_triage: 'received',
  investigating: 'accepted',
  planned: 'dispatched',
  action_scheduled: 'dispatched',
  in_progress: 'in_progress',
  fixed: 'closed',
  closed: 'closed',
  unable_to_fix: 'closed',
  no_further_action: 'cancelled',
  not_councils_responsibility: 'rejected',
  duplicate: 'merged',
  internal_referral: 'returned',
  reopen: 'under_review',
};

const CLOSED: readonly Status[] = [...new Set([...FINAL_STATUSES, ...FINISHED_STATUSES])];

export function openOrClosed(status: string): 'open' | 'closed' {
  return (CLOSED as readonly string[]).includes(status) ? 'closed' : 'open';
}

export function extendedStatus(status: string): ExtendedStatus {
  return OUTGOING[status as Status] ?? 'open';
}

/** Our statuses that count as `open` / `closed` (for the status filter). */
export function statusesFor(wanted: 'open' | 'closed'): Status[] {
  return (Object.keys(OUTGOING) as Status[]).filter((s) => openOrClosed(s) === wanted);
}

/** `component.01.0102.json` → { name: 'component.01.0102', format: 'json' }; undefined without a known suffix. */
export function splitFormat(file: string): { name: string; format: Format } | undefined {
  const m = /^(.+)\.(xml|json)$/i.exec(file);
  if (!m) return undefined;
  return { name: m[1]!, format: m[2]!.toLowerCase() as Format };
}

export function parseFormatParam(value: string): Format | undefined {
  const v = value.toLowerCase();
  return v === 'xml' || v === 'json' ? v : undefined;
}

/** A body or query as name → values: form pairs keep their order and repeats; JSON values become strings. */
export type Fields = Map<string, string[]>;

export function fieldsFromPairs(pairs: Iterable<[string, string]>): Fields {
  const out: Fields = new Map();
  for (const [k, v] of pairs) {
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/**
 * A JSON body, flat (`{"attribute[A]": "x"}`) or nested (`{"attribute": {"A": "x", "B": ["y", "z"]}}`), as fields.
 * Nested lists become `attribute[B][]`; scalars become strings; null means absent.
 */
export function fieldsFromJson(body: unknown): Fields {
  const out: Fields = new Map();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return out;
  const add = (k: string, v: unknown) => {
    if (v === null || v === undefined) return;
    const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    const list = out.get(k);
    if (list) list.push(s);
    else out.set(k, [s]);
  };
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'attribute' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [code, v] of Object.entries(value as Record<string, unknown>)) {
        if (Array.isArray(v)) for (const item of v) add(`attribute[${code}][]`, item);
        else add(`attribute[${code}]`, v);
      }
    } else if (Array.isArray(value)) {
      for (const item of value) add(key, item);
    } else add(key, value);
  }
  return out;
}

/** The spec's "optional argument": empty is the same as absent. The last value wins for single-valued fields. */
export function one(fields: Fields, name: string): string | undefined {
  const values = fields.get(name);
  if (!values) return undefined;
  const v = values[values.length - 1]!.trim();
  return v === '' ? undefined : v;
}

/** A comma-separated list field (also repeated), empties dropped. */
export function list(fields: Fields, name: string): string[] {
  return (fields.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** attribute[CODE]=v and attribute[CODE][]=v → { CODE: 'v' | ['v', …] } (list form whenever [] was used). */
export function attributesOf(fields: Fields): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of fields) {
    const m = /^attribute\[([^\]]+)\](\[\])?$/.exec(key);
    if (!m) continue;
    const code = m[1]!;
    const kept = values.map((v) => v.trim()).filter((v) => v !== '');
    if (kept.length === 0) continue;
    if (m[2]) {
      const prev = out[code];
      out[code] = [...(Array.isArray(prev) ? prev : prev === undefined ? [] : [prev]), ...kept];
    } else if (Array.isArray(out[code])) {
      (out[code] as string[]).push(...kept);
    } else out[code] = kept[kept.length - 1]!;
  }
  return out;
}

const HTML_TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?\/?>|<!--|&(#\d+|#x[0-9a-f]+|[a-z]+);/i;

/** Descriptions are plain text: markup is refused (400), not stripped, so that nothing a person wrote is silently lost. */
export function containsHtml(text: string): boolean {
  return HTML_TAG.test(text);
}

/** Mobile numbers and ID card numbers typed into free text are hidden before a description leaves the system. */
export function redactPersonal(text: string): string {
  return text
    .replace(/(?<!\d)\d{17}[\dXx](?!\d)/g, '[*]')
    .replace(/(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)/g, '[*]')
    .replace(/(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g, '[*]')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[*]');
}

/** W3C datetime with a zone (the spec's requirement); seconds precision, UTC. */
export function w3c(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  const date = d instanceof Date ? d : new Date(d);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Accepts ISO 8601 / W3C datetimes (a date alone counts as 00:00 UTC); undefined when unreadable. */
export function parseDate(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const d = new Date(value.length === 10 ? `${value}T00:00:00Z` : value.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

// ---------------------------------------------------------------------------------------------------------------
// POST requests

export interface AttributeDefinition {
  code: string;
  variable: boolean;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatypeDescription: string | null;
  order: number;
  description: string;
  values: Array<{ key: string; name: string }>;
}

export interface PostInput {
  apiKey: string | undefined;
  jurisdictionId: string | undefined;
  serviceCode: string | undefined;
  lat: number | undefined;
  long: number | undefined;
  addressString: string | undefined;
  addressId: string | undefined;
  zipcode: string | undefined;
  email: string | undefined;
  deviceId: string | undefined;
  accountId: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  phone: string | undefined;
  description: string;
  mediaUrls: string[];
  attributes: Record<string, string | string[]>;
}

/** Reads a POST body; problems that need no database (shape, location, description, media) are all collected. */
export function readPost(fields: Fields): { input: PostInput; problems: Open311Problem[] } {
  const problems: Open311Problem[] = [];
  const num = (name: 'lat' | 'long', min: number, max: number): number | undefined => {
    const raw = one(fields, name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) {
      problems.push({ status: 400, key: 'open311.coordinate_invalid', params: { field: name } });
      return undefined;
    }
    return n;
  };
  const lat = num('lat', -90, 90);
  const long = num('long', -180, 180);
  const rawLat = one(fields, 'lat');
  const rawLong = one(fields, 'long');
  if ((rawLat === undefined) !== (rawLong === undefined)) problems.push({ status: 400, key: 'open311.coordinate_pair' });
  const addressString = one(fields, 'address_string');
  const addressId = one(fields, 'address_id');
  if (rawLat === undefined && rawLong === undefined && addressString === undefined && addressId === undefined) {
    problems.push({ status: 400, key: 'open311.location_required' });
  }
  if (addressString !== undefined && addressString.length > 400) problems.push({ status: 400, key: 'open311.too_long', params: { field: 'address_string', max: 400 } });
  if (addressId !== undefined && addressId.length > 100) problems.push({ status: 400, key: 'open311.too_long', params: { field: 'address_id', max: 100 } });
  const serviceCode = one(fields, 'service_code');
  if (serviceCode === undefined) problems.push({ status: 400, key: 'open311.service_code_required' });
  const description = (fields.get('description')?.at(-1) ?? '').trim();
  if (description.length > MAX_DESCRIPTION) problems.push({ status: 400, key: 'open311.description_too_long', params: { max: MAX_DESCRIPTION } });
  if (containsHtml(description)) problems.push({ status: 400, key: 'open311.description_html' });
  const mediaUrls = list(fields, 'media_url').concat(list(fields, 'media_url[]'));
  if (mediaUrls.length > MAX_MEDIA_URLS) problems.push({ status: 400, key: 'open311.media_url_too_many', params: { max: MAX_MEDIA_URLS } });
  for (const u of mediaUrls) {
    if (!isHttpUrl(u)) {
      problems.push({ status: 400, key: 'open311.media_url_invalid', params: { url: u.slice(0, 100) } });
      break;
    }
  }
  const email = one(fields, 'email');
  if (email !== undefined && (email.length > 200 || !/^[^\s@]+@[^\s@]+$/.test(email))) problems.push({ status: 400, key: 'open311.email_invalid' });
  const short = (name: string, max: number) => {
    const v = one(fields, name);
    if (v !== undefined && v.length > max) problems.push({ status: 400, key: 'open311.too_long', params: { field: name, max } });
    return v;
  };
  const input: PostInput = {
    apiKey: one(fields, 'api_key'),
    jurisdictionId: one(fields, 'jurisdiction_id'),
    serviceCode,
    lat,
    long,
    addressString,
    addressId,
    zipcode: short('zipcode', 20),
    email,
    deviceId: short('device_id', 200),
    accountId: short('account_id', 200),
    firstName: short('first_name', 50),
    lastName: short('last_name', 50),
    phone: short('phone', 30),
    description,
    mediaUrls: [...new Set(mediaUrls)],
    attributes: attributesOf(fields),
  };
  return { input, problems };
}

export function isHttpUrl(u: string): boolean {
  if (u.length > 2000) return false;
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks the given attribute values against the service's definitions: required ones present, list values among
 * the keys, numbers numeric, datetimes readable. Unknown codes and informational (variable=false) attributes are
 * ignored; what is kept is only what the definitions name.
 */
export function checkAttributes(defs: AttributeDefinition[], given: Record<string, string | string[]>): { kept: Record<string, string | string[]>; problems: Open311Problem[] } {
  const problems: Open311Problem[] = [];
  const kept: Record<string, string | string[]> = {};
  for (const def of defs) {
    if (!def.variable) continue;
    const raw = given[def.code];
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (values.length === 0) {
      if (def.required) problems.push({ status: 400, key: 'open311.attribute_required', params: { code: def.code } });
      continue;
    }
    const keys = new Set(def.values.map((v) => v.key));
    const bad = (key: string) => problems.push({ status: 400, key, params: { code: def.code } });
    switch (def.datatype) {
      case 'singlevaluelist':
        if (values.length > 1) bad('open311.attribute_single');
        else if (!keys.has(values[0]!)) bad('open311.attribute_value');
        else kept[def.code] = values[0]!;
        break;
      case 'multivaluelist':
        if (values.some((v) => !keys.has(v))) bad('open311.attribute_value');
        else kept[def.code] = [...new Set(values)];
        break;
      case 'number':
        if (values.length > 1 || !Number.isFinite(Number(values[0]))) bad('open311.attribute_number');
        else kept[def.code] = values[0]!;
        break;
      case 'datetime':
        if (values.length > 1 || parseDate(values[0]!) === undefined) bad('open311.attribute_datetime');
        else kept[def.code] = values[0]!;
        break;
      default:
        if (values.length > 1) bad('open311.attribute_single');
        else if (values[0]!.length > (def.datatype === 'text' ? 2000 : 200)) bad('open311.attribute_too_long');
        else kept[def.code] = values[0]!;
    }
  }
  return { kept, problems };
}

/** A work order needs a title: the description's first line (≤ 60 characters), else the service's name. */
export function titleFor(description: string, serviceName: string): string {
  const first = description.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
  if (first === '') return serviceName.slice(0, 200);
  const chars = [...first];
  return chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : first;
}

/** The reporter's name from Open311's first/last name: Chinese names are family name first, without a space. */
export function reporterName(first: string | undefined, last: string | undefined): string | null {
  const parts = [first, last].filter((p): p is string => p !== undefined && p !== '');
  if (parts.length === 0) return null;
  const cjk = /^[\p{Script=Han}·]+$/u;
  if (parts.length === 2 && cjk.test(first!) && cjk.test(last!)) return `${last}${first}`;
  return parts.join(' ');
}

/** Open311 phones come as typed: keep digits and a leading +. */
export function normalisePhone(phone: string | undefined): string | null {
  if (phone === undefined) return null;
  const cleaned = phone.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return cleaned === '' ? null : cleaned;
}

// ---------------------------------------------------------------------------------------------------------------
// GET requests

export interface RequestFilters {
  ids: string[] | null;
  serviceCodes: string[];
  from: Date;
  to: Date;
  /** True when the caller gave no window: the default is the last 90 days. */
  defaultWindow: boolean;
  statuses: Status[] | null;
  updatedAfter: Date | null;
  updatedBefore: Date | null;
  q: string | null;
  bbox: { minLng: number; minLat: number; maxLng: number; maxLat: number } | null;
  limit: number;
  offset: number;
  extensions: boolean;
}

const DAY = 86_400_000;

/**
 * GET requests parameters → filters, or every problem at once. `service_request_id` overrides every other filter
 * (the spec); without dates the window is the last 90 days, and a window may not exceed 90 days; without paging,
 * at most 1,000 requests (the spec's default), with `page`/`page_size` pages of at most 500.
 */
export function readRequestFilters(fields: Fields, now: Date): { filters: RequestFilters; problems: Open311Problem[] } {
  const problems: Open311Problem[] = [];
  const date = (name: string): Date | null => {
    const raw = one(fields, name);
    if (raw === undefined) return null;
    const d = parseDate(raw);
    if (!d) problems.push({ status: 400, key: 'open311.date_invalid', params: { field: name } });
    return d ?? null;
  };
  const start = date('start_date');
  const end = date('end_date');
  let from: Date;
  let to: Date;
  if (start && end) {
    from = start;
    to = end;
  } else if (start) {
    from = start;
    to = new Date(start.getTime() + MAX_WINDOW_DAYS * DAY);
  } else if (end) {
    to = end;
    from = new Date(end.getTime() - MAX_WINDOW_DAYS * DAY);
  } else {
    to = now;
    from = new Date(now.getTime() - MAX_WINDOW_DAYS * DAY);
  }
  if (start && end) {
    if (end.getTime() < start.getTime()) problems.push({ status: 400, key: 'open311.date_order' });
    else if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * DAY) problems.push({ status: 400, key: 'open311.date_window', params: { days: MAX_WINDOW_DAYS } });
  }
  const statusValues = list(fields, 'status').map((s) => s.toLowerCase());
  let statuses: Status[] | null = null;
  if (statusValues.length > 0) {
    const badStatus = statusValues.find((s) => s !== 'open' && s !== 'closed');
    if (badStatus !== undefined) problems.push({ status: 400, key: 'open311.status_invalid', params: { status: badStatus.slice(0, 40) } });
    else statuses = [...new Set(statusValues as Array<'open' | 'closed'>)].flatMap(statusesFor);
  }
  const int = (name: string, min: number, max: number): number | null => {
    const raw = one(fields, name);
    if (raw === undefined) return null;
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push({ status: 400, key: 'open311.integer_invalid', params: { field: name, min, max } });
      return null;
    }
    return Number(raw);
  };
  const page = int('page', 1, 1_000_000);
  const pageSize = int('page_size', 1, MAX_PAGE_SIZE);
  const paged = page !== null || pageSize !== null;
  const limit = paged ? (pageSize ?? DEFAULT_PAGE_SIZE) : DEFAULT_LIMIT;
  const offset = paged ? ((page ?? 1) - 1) * limit : 0;
  let bbox: RequestFilters['bbox'] = null;
  const rawBbox = one(fields, 'bbox');
  if (rawBbox !== undefined) {
    const n = rawBbox.split(',').map((x) => Number(x.trim()));
    if (n.length !== 4 || n.some((x) => !Number.isFinite(x)) || n[0]! >= n[2]! || n[1]! >= n[3]! || Math.abs(n[1]!) > 90 || Math.abs(n[3]!) > 90 || Math.abs(n[0]!) > 180 || Math.abs(n[2]!) > 180) {
      problems.push({ status: 400, key: 'open311.bbox_invalid' });
    } else bbox = { minLng: n[0]!, minLat: n[1]!, maxLng: n[2]!, maxLat: n[3]! };
  }
  const q = one(fields, 'q');
  if (q !== undefined && q.length > 200) problems.push({ status: 400, key: 'open311.too_long', params: { field: 'q', max: 200 } });
  const ext = one(fields, 'extensions');
  const ids = list(fields, 'service_request_id');
  if (ids.length > DEFAULT_LIMIT) problems.push({ status: 400, key: 'open311.too_many_ids', params: { max: DEFAULT_LIMIT } });
  return {
    filters: {
      ids: ids.length > 0 ? ids : null,
      serviceCodes: list(fields, 'service_code'),
      from,
      to,
      defaultWindow: !start && !end,
      statuses,
      updatedAfter: date('updated_after'),
      updatedBefore: date('updated_before'),
      q: q ?? null,
      bbox,
      limit,
      offset,
      extensions: ext === 'true' || ext === '1',
    },
    problems,
  };
}

/** The HTTP status of a set of problems: 403 before 404 before 400; only the problems of that status are answered. */
export function worst(problems: Open311Problem[]): { status: 400 | 403 | 404; problems: Open311Problem[] } {
  for (const status of [403, 404, 400] as const) {
    const of = problems.filter((p) => p.status === status);
    if (of.length > 0) return { status, problems: of };
  }
  return { status: 400, problems };
}
