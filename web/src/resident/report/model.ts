/**
 * The resident report form without React: its fields, the checks before sending (messages are locale keys), the
 * body of POST /api/v1/public/work-orders, the Idempotency-Key, and the "is this point in the city" test used to
 * warn before the server's 422. Pure, so it is unit-tested (model.test.ts).
 */
export const REQUEST_TYPES = ['complaint', 'help', 'report', 'enquiry', 'suggestion'] as const;
export type ResidentRequestType = (typeof REQUEST_TYPES)[number];

export const MAX_PHOTOS = 3;
export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 4000;
export const MAX_ADDRESS = 500;
export const MAX_NAME = 50;
/** Titles taken from the description when the resident leaves the title empty. */
export const AUTO_TITLE_LENGTH = 30;

export interface LngLat {
  lng: number;
  lat: number;
}

export interface ReportDraft {
  attachmentIds: string[];
  point: LngLat | null;
  address: string;
  requestType: ResidentRequestType;
  categoryCode: string | null;
  title: string;
  description: string;
  anonymous: boolean;
  name: string;
  phone: string;
}

export const emptyDraft = (): ReportDraft => ({
  attachmentIds: [],
  point: null,
  address: '',
  requestType: 'complaint',
  categoryCode: null,
  title: '',
  description: '',
  anonymous: false,
  name: '',
  phone: '',
});

/** Spaces and dashes people type in phone numbers. */
export const cleanPhone = (s: string): string => s.replace(/[\s-]/g, '');

/** What the server accepts (a mobile or a landline, optionally +86); tracking needs its last four digits. */
const PHONE = /^\+?[0-9]{7,20}$/;

export type FieldErrors = Partial<Record<'description' | 'title' | 'phone' | 'name' | 'address', string>>;

/** Checks of the last step; values are locale keys under residentReport.errors. */
export function validateDetails(d: ReportDraft): FieldErrors {
  const e: FieldErrors = {};
  if (d.description.trim() === '') e.description = 'residentReport.errors.descriptionRequired';
  else if (d.description.length > MAX_DESCRIPTION) e.description = 'residentReport.errors.descriptionTooLong';
  if (d.title.trim().length > MAX_TITLE) e.title = 'residentReport.errors.titleTooLong';
  if (d.address.trim().length > MAX_ADDRESS) e.address = 'residentReport.errors.addressTooLong';
  if (!d.anonymous) {
    const phone = cleanPhone(d.phone);
    if (phone === '') e.phone = 'residentReport.errors.phoneRequired';
    else if (!PHONE.test(phone)) e.phone = 'residentReport.errors.phoneInvalid';
    if (d.name.trim().length > MAX_NAME) e.name = 'residentReport.errors.nameTooLong';
  }
  return e;
}

/** The title sent: the resident's, or the start of the description's first line. */
export function effectiveTitle(d: Pick<ReportDraft, 'title' | 'description'>): string {
  const own = d.title.trim();
  if (own) return own;
  const first = d.description.trim().split(/\r?\n/)[0]!.trim();
  const chars = [...first];
  return chars.length > AUTO_TITLE_LENGTH ? `${chars.slice(0, AUTO_TITLE_LENGTH).join('').trimEnd()}…` : first;
}

export interface PublicReportBody {
  jurisdictionId: string;
  requestType: ResidentRequestType;
  categoryCode?: string;
  title: string;
  description: string;
  location?: LngLat;
  address?: string;
  attachmentIds?: string[];
  reporter?: { name?: string; phone: string };
  channel: 'web' | 'mobile';
}

export function buildBody(d: ReportDraft, jurisdictionId: string, channel: 'web' | 'mobile'): PublicReportBody {
  const body: PublicReportBody = {
    jurisdictionId,
    requestType: d.requestType,
    title: effectiveTitle(d),
    description: d.description,
    channel,
  };
  if (d.categoryCode) body.categoryCode = d.categoryCode;
  if (d.point) body.location = { lng: round6(d.point.lng), lat: round6(d.point.lat) };
  if (d.address.trim()) body.address = d.address.trim();
  if (d.attachmentIds.length > 0) body.attachmentIds = [...d.attachmentIds];
  if (!d.anonymous) {
    const name = d.name.trim();
    body.reporter = { phone: cleanPhone(d.phone), ...(name ? { name } : {}) };
  }
  return body;
}

/** About 10 cm: enough for a report, and no false precision in the record. */
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The last four digits of a phone as given (for the tracking link), or null. */
export function last4(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= 4 ? digits.slice(-4) : null;
}

/**
 * A fresh Idempotency-Key (the server accepts 8–200 of [A-Za-z0-9._:-]). getRandomValues works outside secure
 * contexts too, unlike randomUUID, so the portal keeps its guarantee when served over plain HTTP on a LAN.
 */
export function newIdempotencyKey(random: (a: Uint8Array) => Uint8Array = (a) => crypto.getRandomValues(a)): string {
  const bytes = random(new Uint8Array(16));
  return `report-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

type Ring = number[][];
export interface PolygonLike {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: Ring[] | Ring[][];
}

function inRing(p: LngLat, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i]!;
    const [xj = 0, yj = 0] = ring[j]!;
    if (yi > p.lat !== yj > p.lat && p.lng < ((xj - xi) * (p.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether the point lies in one of the polygons (outer ring in, no hole around it). */
export function pointInAny(p: LngLat, geometries: readonly PolygonLike[]): boolean {
  for (const g of geometries) {
    const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Ring[][];
    for (const poly of polys) {
      const [outer, ...holes] = poly;
      if (outer && inRing(p, outer) && !holes.some((h) => inRing(p, h))) return true;
    }
  }
  return false;
}

/** Categories for the searchable picker: each with the names of its ancestors, best matches first. */
export interface PublicCategory {
  code: string;
  parentCode: string | null;
  kind: string;
  nameZh: string;
  nameEn: string | null;
}

export interface CategoryChoice {
  code: string;
  /** e.g. 部件 › 公用设施 › 污水井盖 */
  path: string;
  name: string;
}

export function categoryChoices(items: readonly PublicCategory[], language: string): CategoryChoice[] {
  const byCode = new Map(items.map((c) => [c.code, c]));
  const nameOf = (c: PublicCategory) => (language === 'en' && c.nameEn ? c.nameEn : c.nameZh);
  return items.map((c) => {
    const names: string[] = [];
    for (let cur: PublicCategory | undefined = c, n = 0; cur && n < 10; cur = cur.parentCode ? byCode.get(cur.parentCode) : undefined, n++) {
      names.unshift(nameOf(cur));
    }
    return { code: c.code, path: names.join(' › '), name: nameOf(c) };
  });
}

/** Matches on the name first, then on the path (every word of the query must appear); at most `limit`. */
export function searchCategories(choices: readonly CategoryChoice[], query: string, limit = 12): CategoryChoice[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const hits = choices.filter((c) => words.every((w) => c.path.toLowerCase().includes(w) || c.code.includes(w)));
  const rank = (c: CategoryChoice) => (words.every((w) => c.name.toLowerCase().includes(w)) ? 0 : 1);
  return hits.sort((a, b) => rank(a) - rank(b) || a.path.length - b.path.length).slice(0, limit);
}
