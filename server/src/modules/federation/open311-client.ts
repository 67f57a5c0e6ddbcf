/**
 * The client side of Open311 GeoReport v2, for talking to a neighbouring jurisdiction's server. Parsing is tolerant
 * of what real servers send (see ../shared/ref/open311/captures/): XML or JSON whatever was asked for, an HTTP
 * preamble before the XML, attributes with or without their `<attributes>` wrapper, a bare `<error>text</error>`,
 * JSON lists wrapped in an object (`{ "service_requests": [...] }`, `{ "requests": { "request": … } }`), one item
 * where a list was expected, booleans and numbers as strings, `media_url` as a string or a list, padded text and
 * missing optional fields. Parsers are pure; `Open311Client` adds HTTP (fetch, a timeout per call).
 */
import { XMLParser } from 'fast-xml-parser';

export type Open311Format = 'json' | 'xml';

export interface RemoteRequest {
  serviceRequestId: string | null;
  token: string | null;
  status: string | null;
  statusNotes: string | null;
  serviceCode: string | null;
  serviceName: string | null;
  description: string | null;
  agencyResponsible: string | null;
  serviceNotice: string | null;
  requestedAt: Date | null;
  updatedAt: Date | null;
  expectedAt: Date | null;
  address: string | null;
  lat: number | null;
  long: number | null;
  mediaUrls: string[];
}

export interface RemoteService {
  code: string;
  name: string;
  description: string | null;
  group: string | null;
  metadata: boolean;
  type: string | null;
  keywords: string[];
}

export interface RemoteAttribute {
  code: string;
  variable: boolean;
  datatype: string;
  required: boolean;
  description: string | null;
  order: number | null;
  values: { key: string; name: string }[];
}

export interface RemoteUpdate {
  updateId: string | null;
  serviceRequestId: string | null;
  status: string | null;
  updatedAt: Date | null;
  description: string | null;
  mediaUrls: string[];
}

export interface RemoteError {
  code: string;
  description: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Documents

type Node = unknown;

const xmlParser = new XMLParser({ ignoreDeclaration: true, ignoreAttributes: true, parseTagValue: false, trimValues: true, removeNSPrefix: true });

/** A response body as a plain tree: JSON as is, XML as fast-xml-parser's objects (text values as strings). */
export function parseDocument(body: string): Node {
  let text = body.replace(/^\uFEFF/, '').trim();
  // A capture (or a misbehaving proxy) may carry the status line and headers before the document.
  if (/^HTTP\/\d/.test(text)) {
    const blank = text.search(/\r?\n\r?\n/);
    text = blank < 0 ? '' : text.slice(blank).trim();
  }
  if (text === '') throw new Open311ParseError('empty response');
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      return JSON.parse(text) as Node;
    } catch {
      throw new Open311ParseError('invalid JSON');
    }
  }
  if (text.startsWith('<')) {
    try {
      return xmlParser.parse(text, true) as Node;
    } catch {
      throw new Open311ParseError('invalid XML');
    }
  }
  throw new Open311ParseError('neither JSON nor XML');
}

export class Open311ParseError extends Error {}

const isObject = (v: Node): v is Record<string, Node> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: Node): Node[] => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]);

/**
 * The items of a list document: an array at the top; or the first of `containers` (possibly nested, e.g.
 * `{ service_requests: { request: [...] } }`), unwrapped down to `item`; or, failing that, a lone item object.
 */
function itemsOf(doc: Node, containers: readonly string[], item: string, looksLikeItem: (o: Record<string, Node>) => boolean): Record<string, Node>[] {
  const out = (nodes: Node[]) => nodes.filter(isObject);
  if (Array.isArray(doc)) return out(doc.flatMap((d) => (isObject(d) && item in d && !looksLikeItem(d) ? asArray(d[item]) : [d])));
  if (!isObject(doc)) return [];
  for (const name of [...containers, item]) {
    if (!(name in doc)) continue;
    const inner = doc[name];
    if (Array.isArray(inner)) return itemsOf(inner, containers, item, looksLikeItem);
    if (isObject(inner)) {
      if (looksLikeItem(inner)) return [inner];
      return itemsOf(inner, containers, item, looksLikeItem);
    }
    return [];
  }
  return looksLikeItem(doc) ? [doc] : [];
}

/** Text of a leaf: strings trimmed, numbers and booleans as text, empty as null; `{ '#text': … }` unwrapped. */
function text(v: Node): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObject(v) && '#text' in v) return text(v['#text']);
  return null;
}

/** true / "true" / "TRUE" / 1 / "1" / "yes" → true; anything else false. */
function bool(v: Node): boolean {
  const t = text(v)?.toLowerCase();
  return t === 'true' || t === '1' || t === 'yes';
}

function num(v: Node): number | null {
  const t = text(v);
  if (t === null) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function date(v: Node): Date | null {
  const t = text(v);
  if (t === null) return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** media_url as one string, a list, `{ media_url: … }` or several `<media_url>` elements. */
function urls(v: Node): string[] {
  return asArray(v)
    .flatMap((u) => (isObject(u) && 'media_url' in u ? urls(u.media_url) : [text(u)]))
    .filter((u): u is string => u !== null);
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

/**
 * The errors a document reports, or null when it is not an error document: `<errors><error><code/><description/>`,
 * a bare `<error>text</error>`, `[{ code, description }]`, `{ errors: [...] }`, `{ error: "…" }`.
 */
export function parseErrors(doc: Node): RemoteError[] | null {
  const one = (e: Node): RemoteError => {
    if (isObject(e)) return { code: text(e.code) ?? '', description: text(e.description) ?? text(e.message) ?? text(e['#text']) ?? '' };
    return { code: '', description: text(e) ?? '' };
  };
  if (Array.isArray(doc)) {
    const looks = doc.length > 0 && doc.every((e) => isObject(e) && 'description' in e && 'code' in e && !('service_request_id' in e) && !('service_code' in e));
    return looks ? doc.map(one) : null;
  }
  if (!isObject(doc)) return null;
  if ('errors' in doc) {
    const inner = doc.errors;
    return asArray(isObject(inner) && 'error' in inner ? inner.error : inner).map(one);
  }
  if ('error' in doc) return asArray(doc.error).map(one);
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Lists

const REQUEST_CONTAINERS = ['service_requests', 'requests', 'service_request'];

export function parseRequests(doc: Node): RemoteRequest[] {
  const looks = (o: Record<string, Node>) => 'service_request_id' in o || 'token' in o || 'status' in o;
  return itemsOf(doc, REQUEST_CONTAINERS, 'request', looks).map((r) => ({
    serviceRequestId: text(r.service_request_id),
    token: text(r.token),
    status: text(r.status)?.toLowerCase() ?? null,
    statusNotes: text(r.status_notes),
    serviceCode: text(r.service_code),
    serviceName: text(r.service_name),
    description: text(r.description),
    agencyResponsible: text(r.agency_responsible),
    serviceNotice: text(r.service_notice),
    requestedAt: date(r.requested_datetime),
    updatedAt: date(r.updated_datetime),
    expectedAt: date(r.expected_datetime),
    address: text(r.address),
    lat: num(r.lat),
    long: num(r.long),
    mediaUrls: urls(r.media_url),
  }));
}

export function parseServices(doc: Node): RemoteService[] {
  return itemsOf(doc, ['services'], 'service', (o) => 'service_code' in o)
    .map((s) => ({
      code: text(s.service_code) ?? '',
      name: text(s.service_name) ?? text(s.service_code) ?? '',
      description: text(s.description),
      group: text(s.group),
      metadata: bool(s.metadata),
      type: text(s.type),
      keywords: (text(s.keywords) ?? '').split(',').map((k) => k.trim()).filter((k) => k !== ''),
    }))
    .filter((s) => s.code !== '');
}

/** A service definition; attributes directly under it or inside `<attributes>`, values with or without `<values>`. */
export function parseServiceDefinition(doc: Node): { serviceCode: string | null; attributes: RemoteAttribute[] } {
  const def = isObject(doc) && isObject(doc.service_definition) ? doc.service_definition : isObject(doc) ? doc : {};
  const holder = isObject(def.attributes) ? def.attributes : def;
  const raw = Array.isArray(def.attributes) ? def.attributes : asArray(holder.attribute);
  const attributes = raw.filter(isObject).map((a) => {
    const values = isObject(a.values) ? asArray(a.values.value) : asArray(a.values);
    return {
      code: text(a.code) ?? '',
      variable: bool(a.variable),
      datatype: text(a.datatype)?.toLowerCase() ?? 'string',
      required: bool(a.required),
      description: text(a.description),
      order: num(a.order),
      values: values.filter(isObject).map((v) => ({ key: text(v.key) ?? '', name: text(v.name) ?? text(v.key) ?? '' })).filter((v) => v.key !== ''),
    };
  });
  return { serviceCode: text(def.service_code), attributes: attributes.filter((a) => a.code !== '') };
}

/** mySociety servicerequestupdates: `<service_request_updates><request_update>…` or a JSON list. */
export function parseUpdates(doc: Node): RemoteUpdate[] {
  const looks = (o: Record<string, Node>) => 'update_id' in o || ('service_request_id' in o && 'updated_datetime' in o);
  return itemsOf(doc, ['service_request_updates', 'updates'], 'request_update', looks).map((u) => ({
    updateId: text(u.update_id),
    serviceRequestId: text(u.service_request_id),
    status: text(u.status)?.toLowerCase() ?? null,
    updatedAt: date(u.updated_datetime),
    description: text(u.description),
    mediaUrls: urls(u.media_url),
  }));
}

export interface RemoteEndpoint {
  url: string;
  type: string | null;
  specification: string | null;
  formats: string[];
}

export function parseDiscovery(doc: Node): { contact: string | null; endpoints: RemoteEndpoint[] } {
  const d = isObject(doc) && isObject(doc.discovery) ? doc.discovery : isObject(doc) ? doc : {};
  const endpoints = itemsOf(d.endpoints ?? [], [], 'endpoint', (o) => 'url' in o).map((e) => ({
    url: text(e.url) ?? '',
    type: text(e.type),
    specification: text(e.specification),
    formats: (isObject(e.formats) ? asArray(e.formats.format) : asArray(e.formats)).map(text).filter((f): f is string => f !== null),
  }));
  return { contact: text(d.contact), endpoints };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export type ClientErrorKind = 'network' | 'remote' | 'parse';

/** A failed call: `retryable` when trying again later may succeed (network, 5xx, 408, 429). */
export class Open311ClientError extends Error {
  constructor(
    readonly kind: ClientErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly errors: RemoteError[] = [],
  ) {
    super(message);
  }

  get retryable(): boolean {
    if (this.kind === 'network') return true;
    if (this.status === null) return this.kind === 'parse';
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export interface ClientOptions {
  /** The GeoReport v2 base, e.g. http://127.0.0.1:8080/open311/v2 */
  baseUrl: string;
  jurisdictionId: string | null;
  apiKey: string;
  format: Open311Format;
  timeoutMs?: number;
}

export class Open311Client {
  readonly #o: Required<ClientOptions>;

  constructor(options: ClientOptions) {
    this.#o = { timeoutMs: 10_000, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  #url(path: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams(query);
    if (this.#o.jurisdictionId) q.set('jurisdiction_id', this.#o.jurisdictionId);
    const s = q.toString();
    return `${this.#o.baseUrl}/${path}.${this.#o.format}${s ? `?${s}` : ''}`;
  }

  async #call(url: string, init: RequestInit = {}): Promise<Node> {
    let res: Response;
    let body: string;
    try {
      res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(this.#o.timeoutMs) });
      body = await res.text();
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new Open311ClientError('network', `${init.method ?? 'GET'} ${redact(url)}: ${cause ?? (e as Error).message}`);
    }
    let doc: Node;
    try {
      doc = parseDocument(body);
    } catch (e) {
      if (!res.ok) throw new Open311ClientError('remote', `HTTP ${res.status}`, res.status);
      throw new Open311ClientError('parse', `${redact(url)}: ${(e as Error).message}`, null);
    }
    const errors = parseErrors(doc);
    if (!res.ok || errors) {
      const summary = (errors ?? []).map((x) => `${x.code ? `${x.code} ` : ''}${x.description}`).join('; ');
      throw new Open311ClientError('remote', `HTTP ${res.status}${summary ? `: ${summary}` : ''}`.slice(0, 900), res.status, errors ?? []);
    }
    return doc;
  }

  async services(): Promise<RemoteService[]> {
    return parseServices(await this.#call(this.#url('services')));
  }

  /**
   * POST requests, form-encoded (what the spec and real servers expect). `idempotencyKey` goes in the
   * Idempotency-Key header: a CivicGrid peer answers a retry with the first request's id.
   */
  async postRequest(fields: Record<string, string | string[]>, idempotencyKey: string): Promise<{ serviceRequestId: string | null; token: string | null; serviceNotice: string | null }> {
    const form = new URLSearchParams();
    if (this.#o.jurisdictionId) form.append('jurisdiction_id', this.#o.jurisdictionId);
    form.append('api_key', this.#o.apiKey);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) form.append(k, x);
    const doc = await this.#call(`${this.#o.baseUrl}/requests.${this.#o.format}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'idempotency-key': idempotencyKey },
      body: form.toString(),
    });
    const first = parseRequests(doc)[0];
    if (!first || (!first.serviceRequestId && !first.token)) throw new Open311ClientError('parse', 'the answer has neither service_request_id nor token');
    return { serviceRequestId: first.serviceRequestId, token: first.token, serviceNotice: first.serviceNotice };
  }

  /** GET tokens/{token}: the request id once the peer has one (null while pending). */
  async token(token: string): Promise<string | null> {
    try {
      return parseRequests(await this.#call(this.#url(`tokens/${encodeURIComponent(token)}`)))[0]?.serviceRequestId ?? null;
    } catch (e) {
      if (e instanceof Open311ClientError && e.status === 404) return null;
      throw e;
    }
  }

  async requests(ids: readonly string[]): Promise<RemoteRequest[]> {
    return parseRequests(await this.#call(this.#url('requests', { service_request_id: ids.join(',') })));
  }

  /** mySociety servicerequestupdates since `start` (null when the peer does not offer the extension: 404). */
  async updates(start: Date, end?: Date): Promise<RemoteUpdate[] | null> {
    try {
      const query: Record<string, string> = { start_date: start.toISOString() };
      if (end) query.end_date = end.toISOString();
      return parseUpdates(await this.#call(this.#url('servicerequestupdates', query)));
    } catch (e) {
      if (e instanceof Open311ClientError && (e.status === 404 || e.status === 405 || e.status === 501)) return null;
      throw e;
    }
  }
}

/** Never put an api_key into a log line or a stored error. */
function redact(url: string): string {
  return url.replace(/([?&]api_key=)[^&]*/g, '$1***');
}
