/**
 * One CSV record → the order it becomes, or the reason it is rejected (a message code with parameters, in the
 * reject file with its line). Pure: the mapping has been checked against the jurisdiction's categories and
 * departments beforehand.
 */
// Same module (work-orders); spelled from the modules folder so the boundary rule sees it is not another module.
import { mailboxLabel } from '../../work-orders/classifier/mailbox-labels.js';
import type { RequestType } from '../lifecycle.js';
import { MAX_DESCRIPTION } from '../work-orders.service.js';
import { ENDING_STATUSES, normalizeKey, type ImportStatus, type Mapping } from './mapping.js';
import { parseZoned } from './zoned-time.js';

export const MAX_TITLE = 200;
export const MAX_ADDRESS = 500;
export const MAX_EXTERNAL_ID = 200;

export interface ImportRow {
  line: number;
  externalId: string;
  createdAt: Date;
  closedAt: Date | null;
  status: ImportStatus;
  categoryCode: string | null;
  requestType: RequestType;
  title: string;
  description: string;
  address: string | null;
  location: { lng: number; lat: number } | null;
  /** Our department code (mapped), or null. */
  departmentCode: string | null;
  /** The closing note shown to the public (reply, resolution), when the order ended. */
  answer: string | null;
  reporter: { name: string | null; phone: string | null } | null;
  /** What the source said, kept on the "imported" timeline entry. */
  original: Record<string, string>;
}

export interface Rejection {
  line: number;
  externalId: string;
  code: string;
  params: Record<string, string | number>;
}

export type RowResult = { ok: true; row: ImportRow } | { ok: false; rejection: Rejection };

export type CsvRecord = Record<string, string | undefined>;

const get = (r: CsvRecord, c: string | undefined) => (c === undefined ? '' : (r[c] ?? '').trim());
const joined = (r: CsvRecord, c: string | string[] | undefined, sep: string) =>
  (c === undefined ? [] : Array.isArray(c) ? c : [c])
    .map((x) => get(r, x))
    .filter((v, i, all) => v !== '' && all.indexOf(v) === i)
    .join(sep);

export function mapRecord(m: Mapping, record: CsvRecord, line: number, categoryCodes: ReadonlySet<string>): RowResult {
  const c = m.columns;
  const externalId = get(record, c.id);
  const reject = (code: string, params: Record<string, string | number> = {}): RowResult => ({ ok: false, rejection: { line, externalId, code, params } });
  if (externalId === '') return reject('work_order.import.id_missing', { column: c.id });
  if (externalId.length > MAX_EXTERNAL_ID) return reject('work_order.import.id_too_long', { max: MAX_EXTERNAL_ID });

  const dated = m.idStartsWithDate ? /^(\d{4})(\d{2})(\d{2})/.exec(externalId) : null;
  const openedText = get(record, c.openedAt) || (dated ? `${dated[1]}-${dated[2]}-${dated[3]}` : '');
  if (openedText === '') return reject('work_order.import.opened_missing', { column: c.openedAt });
  const createdAt = parseZoned(openedText, m.timeZone);
  if (!createdAt) return reject('work_order.import.date_invalid', { column: c.openedAt, value: openedText });
  const closedText = get(record, c.closedAt);
  const closedGiven = closedText === '' ? null : parseZoned(closedText, m.timeZone);
  if (closedText !== '' && !closedGiven) return reject('work_order.import.date_invalid', { column: c.closedAt!, value: closedText });

  const answerText = get(record, c.answer);
  const sourceStatus = c.status ? get(record, c.status) : closedGiven || answerText ? 'Closed' : 'Open';
  const status = m.statuses[normalizeKey(sourceStatus)];
  if (!status) return reject('work_order.import.status_unmapped', { status: sourceStatus || '—' });

  const service = get(record, c.service);
  const sourceDepartment = get(record, c.department);
  let categoryCode = service ? (m.categories[normalizeKey(service)] ?? null) : null;
  if (!categoryCode && m.categoryFrom === 'answering-agency') {
    const label = mailboxLabel(sourceDepartment, answerText);
    if (label && categoryCodes.has(label)) categoryCode = label;
  }
  categoryCode ??= m.defaultCategory ?? null;
  if (!categoryCode) return reject('work_order.import.category_unmapped', { service: service || '—' });

  const description = joined(record, c.description, '\n');
  if (description.length > MAX_DESCRIPTION) return reject('work_order.import.description_too_long', { max: MAX_DESCRIPTION, length: description.length });
  const title = (joined(record, c.title, ' / ') || service || description.split('\n')[0] || '').slice(0, MAX_TITLE).trim();
  if (title === '') return reject('work_order.import.title_missing');
  const address = joined(record, c.address, ', ').slice(0, MAX_ADDRESS) || null;

  const located = locationOf(record, m);
  if (located === 'invalid') {
    const value = c.point ? get(record, c.point) : `${get(record, c.lat)}, ${get(record, c.lng)}`;
    return reject('work_order.import.coordinates_invalid', { value });
  }

  const name = get(record, c.reporterName) || null;
  const rawPhone = get(record, c.reporterPhone);
  const phone = rawPhone === '' ? null : phoneAsStored(rawPhone);
  if (phone === undefined) return reject('work_order.import.phone_invalid');

  const ending = ENDING_STATUSES.has(status);
  const original: Record<string, string> = { status: sourceStatus };
  if (service) original.service = service;
  if (sourceDepartment) original.department = sourceDepartment;
  if (get(record, c.openedAt) === '') original.openedAt = 'from the id';
  let closedAt: Date | null = null;
  if (ending) {
    closedAt = closedGiven ?? createdAt;
    // Some exports close a case "before" it was opened (clock or data-entry errors): kept, closed when opened.
    if (closedAt < createdAt) {
      original.closedAt = closedText;
      closedAt = createdAt;
    }
  }
  const kind = categoryCode.split('.')[0];
  return {
    ok: true,
    row: {
      line,
      externalId,
      createdAt,
      closedAt,
      status,
      categoryCode,
      requestType: kind === 'component' || kind === 'event' ? kind : m.requestType,
      title,
      description,
      address,
      location: located,
      departmentCode: sourceDepartment ? (m.departments[normalizeKey(sourceDepartment)] ?? null) : null,
      answer: answerText || null,
      reporter: name || phone ? { name, phone } : null,
      original,
    },
  };
}

/** As createWorkOrder stores a reporter's phone (mainland mobiles without +86); undefined when it is not a number. */
function phoneAsStored(raw: string): string | undefined {
  const p = raw.replace(/[\s-]/g, '');
  return /^\+?[0-9]{5,20}$/.test(p) ? p.replace(/^(?:\+?86)(1[3-9]\d{9})$/, '$1') : undefined;
}

const POINT = /^\(?\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)?$/;

/** The point of a record (lat/lng columns or one "(lat, lng)" column); null when none is given. */
function locationOf(record: CsvRecord, m: Mapping): { lng: number; lat: number } | null | 'invalid' {
  let lat: number;
  let lng: number;
  if (m.columns.point) {
    const text = get(record, m.columns.point);
    if (text === '') return null;
    const p = POINT.exec(text);
    if (!p) return 'invalid';
    lat = Number(p[1]);
    lng = Number(p[2]);
  } else if (m.columns.lat && m.columns.lng) {
    const a = get(record, m.columns.lat);
    const b = get(record, m.columns.lng);
    if (a === '' && b === '') return null;
    lat = Number(a);
    lng = Number(b);
    if (a === '' || b === '') return 'invalid';
  } else {
    return null;
  }
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return 'invalid';
  // 0,0 is where missing coordinates end up in many exports, not a place in a city.
  if (lat === 0 && lng === 0) return null;
  return { lng, lat };
}
