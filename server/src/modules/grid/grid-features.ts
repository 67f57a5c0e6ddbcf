/**
 * Reading grids from GeoJSON, without I/O: each feature becomes a MultiPolygon with its place in the hierarchy
 * (from a 14-digit code, or from a 12-digit community code when the grid is to be numbered), or a rejection
 * with a stable reason. The geometry hash is what "unchanged" means on re-import.
 */
import { createHash } from 'node:crypto';

/** Bounds so one file cannot exhaust memory: enough for a city of 200k grids of modest detail. */
export const MAX_FEATURES = 200_000;
export const MAX_POSITIONS_PER_FEATURE = 100_000;
export const MAX_POSITIONS_TOTAL = 20_000_000;

export type Position = [number, number];
export type MultiPolygonCoords = Position[][][];

export interface GridFeature {
  /** Position of the feature in the file (0-based), for the report. */
  index: number;
  /** A 14-digit code from the file, when it had one. */
  code: string | null;
  communityCode: string;
  name: string | null;
  districtName: string | null;
  streetName: string | null;
  communityName: string | null;
  polygons: MultiPolygonCoords;
  hash: string;
  /** The bounding box centre and height (degrees), for numbering in reading order. */
  cx: number;
  cy: number;
  height: number;
}

export type RejectReason =
  | 'grid.feature_invalid'
  | 'grid.feature_not_polygon'
  | 'grid.coordinates_invalid'
  | 'grid.ring_not_closed'
  | 'grid.ring_too_short'
  | 'grid.feature_too_large'
  | 'grid.code_invalid'
  | 'grid.community_missing'
  | 'grid.code_duplicate'
  | 'grid.sequence_exhausted'
  | 'grid.geometry_invalid';

export interface Rejection {
  index: number;
  reason: RejectReason;
  detail?: string;
}

export interface FieldNames {
  /** Property holding the 14-digit grid code. */
  code: string;
  /** Property holding the 12-digit community code (used when a feature has no grid code). */
  community: string;
}

export const DEFAULT_FIELDS: FieldNames = { code: 'code', community: 'community_code' };

const GRID_CODE = /^[0-9]{12}(0[1-9]|[1-9][0-9])$/;
const COMMUNITY_CODE = /^[0-9]{12}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(props: Record<string, unknown>, ...keys: string[]): string | null {
  for (const k of keys) {
    const v = props[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 200);
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return null;
}

class Reject extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

function readRing(raw: unknown, budget: { left: number }): Position[] {
  if (!Array.isArray(raw)) throw new Reject('grid.coordinates_invalid', 'a ring is not an array');
  if (raw.length > budget.left) throw new Reject('grid.feature_too_large');
  budget.left -= raw.length;
  const ring: Position[] = [];
  for (const p of raw) {
    if (!Array.isArray(p) || p.length < 2) throw new Reject('grid.coordinates_invalid', 'a position is not [lng, lat]');
    const [x, y] = p as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y) || x < -180 || x > 180 || y < -90 || y > 90) {
      throw new Reject('grid.coordinates_invalid', `position ${JSON.stringify(p).slice(0, 60)}`);
    }
    ring.push([x, y]);
  }
  if (ring.length < 4) throw new Reject('grid.ring_too_short');
  const a = ring[0]!;
  const z = ring[ring.length - 1]!;
  if (a[0] !== z[0] || a[1] !== z[1]) throw new Reject('grid.ring_not_closed');
  return ring;
}

function readPolygon(raw: unknown, budget: { left: number }): Position[][] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Reject('grid.coordinates_invalid', 'a polygon has no rings');
  return raw.map((r) => readRing(r, budget));
}

export function readGeometry(geometry: unknown): MultiPolygonCoords {
  if (!isRecord(geometry)) throw new Reject('grid.feature_not_polygon');
  const budget = { left: MAX_POSITIONS_PER_FEATURE };
  if (geometry.type === 'Polygon') return [readPolygon(geometry.coordinates, budget)];
  if (geometry.type === 'MultiPolygon') {
    if (!Array.isArray(geometry.coordinates) || geometry.coordinates.length === 0) throw new Reject('grid.coordinates_invalid', 'no polygons');
    return geometry.coordinates.map((p) => readPolygon(p, budget));
  }
  throw new Reject('grid.feature_not_polygon', String(geometry.type).slice(0, 40));
}

/** SHA-256 of the coordinates rounded to 1e-9° (≈0.1 mm), in the order given. */
export function geometryHash(polygons: MultiPolygonCoords): string {
  const h = createHash('sha256');
  for (const p of polygons) {
    h.update('P');
    for (const r of p) {
      h.update('R');
      for (const [x, y] of r) h.update(`${x.toFixed(9)},${y.toFixed(9)};`);
    }
  }
  return h.digest('hex');
}

function extent(polygons: MultiPolygonCoords) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of polygons) {
    // The outer rings bound the polygon; holes lie inside them.
    for (const [x, y] of p[0]!) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, height: maxY - minY };
}

export interface ParsedFile {
  features: GridFeature[];
  rejected: Rejection[];
  total: number;
}

export class FileShapeError extends Error {
  constructor(readonly reason: 'grid.file_not_feature_collection' | 'grid.file_too_many_features' | 'grid.file_too_large') {
    super(reason);
  }
}

/** Parses a FeatureCollection. Bad features are rejected one by one; a bad file as a whole throws FileShapeError. */
export function parseGridFile(fc: unknown, fields: FieldNames = DEFAULT_FIELDS, onProgress?: (done: number, total: number) => void): ParsedFile {
  if (!isRecord(fc) || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new FileShapeError('grid.file_not_feature_collection');
  if (fc.features.length > MAX_FEATURES) throw new FileShapeError('grid.file_too_many_features');
  const features: GridFeature[] = [];
  const rejected: Rejection[] = [];
  let positions = 0;
  const total = fc.features.length;
  for (let index = 0; index < total; index++) {
    const f: unknown = fc.features[index];
    try {
      if (!isRecord(f) || f.type !== 'Feature') throw new Reject('grid.feature_invalid');
      const props = isRecord(f.properties) ? f.properties : {};
      const polygons = readGeometry(f.geometry);
      for (const p of polygons) for (const r of p) positions += r.length;
      if (positions > MAX_POSITIONS_TOTAL) throw new FileShapeError('grid.file_too_large');
      const rawCode = text(props, fields.code);
      let code: string | null = null;
      let communityCode: string;
      if (rawCode !== null) {
        if (!GRID_CODE.test(rawCode)) throw new Reject('grid.code_invalid', rawCode.slice(0, 20));
        code = rawCode;
        communityCode = rawCode.slice(0, 12);
      } else {
        const community = text(props, fields.community);
        if (community === null) throw new Reject('grid.community_missing');
        if (!COMMUNITY_CODE.test(community)) throw new Reject('grid.code_invalid', community.slice(0, 20));
        communityCode = community;
      }
      features.push({
        index,
        code,
        communityCode,
        name: text(props, 'name'),
        districtName: text(props, 'district_name', 'district'),
        streetName: text(props, 'street_name', 'street'),
        communityName: text(props, 'community_name', 'community'),
        polygons,
        hash: geometryHash(polygons),
        ...extent(polygons),
      });
    } catch (err) {
      if (err instanceof Reject) rejected.push({ index, reason: err.reason, ...(err.detail ? { detail: err.detail } : {}) });
      else throw err;
    }
    if (onProgress && (index + 1) % 10_000 === 0) onProgress(index + 1, total);
  }
  return { features, rejected, total };
}
