/**
 * Component inventory files, pure: CSV (header row; columns code, class_code, name, lng, lat, owner_department,
 * status — lng/lat also as lon/longitude/x and latitude/y) or a GeoJSON FeatureCollection of Point features with the
 * same properties. Each row becomes a candidate or a rejection (bad coordinates, bad code, code and class that
 * disagree, bad status); checks that need the database (class table, grids, existing codes) are the service's.
 */
import { parse } from 'csv-parse/sync';
import { COMPONENT_STATUSES, parseComponentCode, type ComponentStatus } from './component-codes.js';

export const COMPONENT_FILE_FORMATS = ['csv', 'geojson'] as const;
export type ComponentFileFormat = (typeof COMPONENT_FILE_FORMATS)[number];

/** A file is cut off here: larger inventories are imported in parts. */
export const MAX_COMPONENT_ROWS = 200_000;

export type ComponentRejectReason =
  | 'component.import.bad_coordinates'
  | 'component.import.code_invalid'
  | 'component.import.code_class_mismatch'
  | 'component.import.class_missing'
  | 'component.import.status_invalid'
  | 'component.import.class_unknown'
  | 'component.import.outside_grids'
  | 'component.import.duplicate_code'
  | 'component.import.county_mismatch'
  | 'component.import.department_unknown';

export interface ComponentCandidate {
  /** 1-based row (CSV: data rows after the header) or feature number. */
  index: number;
  code: string | null;
  classCode: string;
  name: string | null;
  lng: number;
  lat: number;
  /** A department code (or id) of the jurisdiction; resolved by the service. */
  owner: string | null;
  status: ComponentStatus;
}

export interface ComponentReject {
  index: number;
  reason: ComponentRejectReason;
  detail?: string;
}

export class ComponentFileError extends Error {
  constructor(
    readonly reason: 'component.import.file_unreadable' | 'component.import.too_many_rows',
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

const ALIASES: Record<string, keyof RawRow> = {
  code: 'code',
  component_code: 'code',
  bjbm: 'code',
  class_code: 'classCode',
  classcode: 'classCode',
  subclass: 'classCode',
  subclass_code: 'classCode',
  name: 'name',
  lng: 'lng',
  lon: 'lng',
  longitude: 'lng',
  x: 'lng',
  lat: 'lat',
  latitude: 'lat',
  y: 'lat',
  owner_department: 'owner',
  owner: 'owner',
  department: 'owner',
  status: 'status',
};

interface RawRow {
  code?: unknown;
  classCode?: unknown;
  name?: unknown;
  lng?: unknown;
  lat?: unknown;
  owner?: unknown;
  status?: unknown;
}

const text = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
};

const coordinate = (v: unknown): number | null => {
  const s = text(v);
  if (s === null || !/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

/** Checks one row on its own; the class comes from the code when the class column is empty. */
export function checkRow(index: number, raw: RawRow): ComponentCandidate | ComponentReject {
  const lng = coordinate(raw.lng);
  const lat = coordinate(raw.lat);
  if (lng === null || lat === null || lng < -180 || lng > 180 || lat < -90 || lat > 90 || (lng === 0 && lat === 0)) {
    return { index, reason: 'component.import.bad_coordinates', detail: `${text(raw.lng) ?? ''},${text(raw.lat) ?? ''}` };
  }
  const code = text(raw.code);
  const parts = code === null ? null : parseComponentCode(code);
  if (code !== null && !parts) return { index, reason: 'component.import.code_invalid', detail: code };
  const classCode = text(raw.classCode) ?? parts?.classCode ?? null;
  if (classCode === null) return { index, reason: 'component.import.class_missing' };
  if (!/^[0-9]{4}$/.test(classCode)) return { index, reason: 'component.import.class_unknown', detail: classCode };
  if (parts && parts.classCode !== classCode) return { index, reason: 'component.import.code_class_mismatch', detail: `${code} / ${classCode}` };
  const status = text(raw.status) ?? 'normal';
  if (!(COMPONENT_STATUSES as readonly string[]).includes(status)) return { index, reason: 'component.import.status_invalid', detail: status };
  const name = text(raw.name);
  return { index, code, classCode, name: name === null ? null : name.slice(0, 200), lng, lat, owner: text(raw.owner), status: status as ComponentStatus };
}

function normalise(record: Record<string, unknown>): RawRow {
  const out: RawRow = {};
  for (const [key, value] of Object.entries(record)) {
    const field = ALIASES[key.trim().toLowerCase()];
    if (field && out[field] === undefined) out[field] = value;
  }
  return out;
}

function readCsv(content: string): RawRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(content.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, relax_column_count: true, to: MAX_COMPONENT_ROWS + 1 });
  } catch (err) {
    throw new ComponentFileError('component.import.file_unreadable', err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
  return records.map(normalise);
}

function readGeoJson(content: string): RawRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ComponentFileError('component.import.file_unreadable', err instanceof Error ? err.message : String(err));
  }
  const fc = doc as { type?: unknown; features?: unknown };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new ComponentFileError('component.import.file_unreadable', 'not a GeoJSON FeatureCollection');
  return fc.features.map((f: unknown) => {
    const feature = (f ?? {}) as { properties?: unknown; geometry?: { type?: unknown; coordinates?: unknown } | null };
    const props = feature.properties && typeof feature.properties === 'object' ? normalise(feature.properties as Record<string, unknown>) : {};
    const g = feature.geometry;
    const xy = g && g.type === 'Point' && Array.isArray(g.coordinates) ? (g.coordinates as unknown[]) : [];
    // The geometry wins over lng/lat properties; a feature without a point keeps whatever its properties say.
    return xy.length >= 2 ? { ...props, lng: xy[0], lat: xy[1] } : props;
  });
}

/** Reads a file into candidates and rejections (in row order). */
export function parseComponentFile(format: ComponentFileFormat, content: string): { total: number; candidates: ComponentCandidate[]; rejected: ComponentReject[] } {
  const rows = format === 'csv' ? readCsv(content) : readGeoJson(content);
  if (rows.length > MAX_COMPONENT_ROWS) throw new ComponentFileError('component.import.too_many_rows', String(MAX_COMPONENT_ROWS));
  const candidates: ComponentCandidate[] = [];
  const rejected: ComponentReject[] = [];
  rows.forEach((raw, i) => {
    const r = checkRow(i + 1, raw);
    if ('reason' in r) rejected.push(r);
    else candidates.push(r);
  });
  return { total: rows.length, candidates, rejected };
}

/** The format from a file name (CSV unless it ends in .json/.geojson). */
export function formatOf(fileName: string): ComponentFileFormat {
  return /\.(geo)?json$/i.test(fileName) ? 'geojson' : 'csv';
}
