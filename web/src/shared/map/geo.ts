/**
 * The jurisdiction's own geometry, fetched from the API as GeoJSON (no tile server: the base map is the city's
 * districts, later its grids). Pure helpers for bounds and label points live here so they can be unit-tested.
 */
import { api } from '../api';

export interface DivisionProps {
  code: string;
  nameZh: string;
  nameEn: string | null;
  level: string;
}

type Position = number[];
type PolygonCoords = Position[][];

export interface DivisionFeature {
  type: 'Feature';
  id?: string | number;
  properties: DivisionProps;
  geometry: { type: 'Polygon'; coordinates: PolygonCoords } | { type: 'MultiPolygon'; coordinates: PolygonCoords[] };
}

export interface DivisionCollection {
  type: 'FeatureCollection';
  features: DivisionFeature[];
}

type RawProps = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);

/** Accepts camelCase or snake_case properties and drops features without a polygon. */
export function normaliseDivisions(raw: { features?: { properties?: RawProps | null; geometry?: unknown; id?: unknown }[] }): DivisionCollection {
  const features: DivisionFeature[] = [];
  for (const f of raw.features ?? []) {
    const p = f.properties ?? {};
    const code = str(p.code) ?? str(p.adcode) ?? str(f.id);
    const geometry = f.geometry as DivisionFeature['geometry'] | null | undefined;
    if (!code || !geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) continue;
    features.push({
      type: 'Feature',
      id: code,
      properties: {
        code,
        nameZh: str(p.nameZh) ?? str(p.name_zh) ?? str(p.name) ?? code,
        nameEn: str(p.nameEn) ?? str(p.name_en),
        level: str(p.level) ?? 'district',
      },
      geometry,
    });
  }
  return { type: 'FeatureCollection', features };
}

/**
 * Where the divisions come from: the org module's `GET /api/v1/divisions?level=…&withBoundary=true`
 * (`{ items: [{ code, parentCode, level, nameZh, nameEn, boundary }] }`, boundary = GeoJSON MultiPolygon).
 */
export const DIVISIONS_PATH = '/api/v1/divisions';

export interface DivisionItem {
  code: string;
  parentCode?: string | null;
  level: string;
  nameZh: string;
  nameEn: string | null;
  boundary?: unknown;
}

/** Turns the division list into a FeatureCollection, skipping divisions without a boundary. */
export function divisionsToCollection(items: readonly DivisionItem[]): DivisionCollection {
  return normaliseDivisions({
    features: items.map((d) => ({ properties: { code: d.code, nameZh: d.nameZh, nameEn: d.nameEn, level: d.level }, geometry: d.boundary })),
  });
}

export async function loadDivisions(level = 'district'): Promise<DivisionCollection> {
  const r = await api.get<{ items: DivisionItem[] }>(DIVISIONS_PATH, { level, withBoundary: 'true' });
  return divisionsToCollection(r.items);
}

function polygons(g: DivisionFeature['geometry']): PolygonCoords[] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

export function bounds(fc: DivisionCollection): [number, number, number, number] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const f of fc.features) {
    for (const poly of polygons(f.geometry)) {
      for (const [x, y] of poly[0] ?? []) {
        if (x === undefined || y === undefined) continue;
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x);
        maxY = Math.max(maxY, y);
      }
    }
  }
  return Number.isFinite(minX) ? [minX, minY, maxX, maxY] : null;
}

function ringAreaCentroid(ring: Position[]): { area: number; x: number; y: number } {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0 = 0, y0 = 0] = ring[j]!;
    const [x1 = 0, y1 = 0] = ring[i]!;
    const cross = x0 * y1 - x1 * y0;
    a += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  a /= 2;
  if (a === 0) return { area: 0, x: ring[0]?.[0] ?? 0, y: ring[0]?.[1] ?? 0 };
  return { area: Math.abs(a), x: cx / (6 * a), y: cy / (6 * a) };
}

/** A point to put the name on: the centroid of the feature's largest polygon's outer ring. */
export function labelPoint(f: DivisionFeature): [number, number] {
  let best = { area: -1, x: 0, y: 0 };
  for (const poly of polygons(f.geometry)) {
    const c = ringAreaCentroid(poly[0] ?? []);
    if (c.area > best.area) best = c;
  }
  return [best.x, best.y];
}

export function divisionName(p: DivisionProps, language: string): string {
  return language === 'en' && p.nameEn ? p.nameEn : p.nameZh;
}
