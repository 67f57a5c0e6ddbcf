/**
 * Geometry for the point → grid hot path, without I/O: a grid's polygons as flat typed arrays (decoded from
 * the database's WKB, so the in-memory coordinates are the very doubles PostGIS holds) and a point-in-polygon
 * test that counts boundary points as inside, as `ST_Covers` does.
 */

/** A MultiPolygon as one coordinate array [x0, y0, x1, y1, …] and the end (in points, exclusive) of every ring. */
export interface FlatMultiPolygon {
  coords: Float64Array;
  ringEnds: Uint32Array;
  bbox: [minX: number, minY: number, maxX: number, maxY: number];
}

/** Nested GeoJSON MultiPolygon coordinates → flat arrays. */
export function flatten(polygons: readonly (readonly (readonly (readonly number[])[])[])[]): FlatMultiPolygon {
  let points = 0;
  let rings = 0;
  for (const p of polygons) {
    for (const r of p) {
      points += r.length;
      rings++;
    }
  }
  const coords = new Float64Array(points * 2);
  const ringEnds = new Uint32Array(rings);
  let i = 0;
  let k = 0;
  for (const p of polygons) {
    for (const r of p) {
      for (const pos of r) {
        coords[i * 2] = pos[0]!;
        coords[i * 2 + 1] = pos[1]!;
        i++;
      }
      ringEnds[k++] = i;
    }
  }
  return { coords, ringEnds, bbox: bboxOf(coords) };
}

function bboxOf(coords: Float64Array): FlatMultiPolygon['bbox'] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < coords.length; i += 2) {
    const x = coords[i]!;
    const y = coords[i + 1]!;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

export class WkbError extends Error {}

/**
 * Decodes OGC WKB (what `ST_AsBinary` returns) of a Polygon or MultiPolygon, 2D. Anything else is an error:
 * the grids column only holds MultiPolygons.
 */
export function decodeWkbMultiPolygon(bytes: Uint8Array): FlatMultiPolygon {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.byteLength) throw new WkbError('truncated WKB');
  };
  const header = (): { little: boolean; type: number } => {
    need(5);
    const order = view.getUint8(at);
    if (order > 1) throw new WkbError('bad WKB byte order');
    const little = order === 1;
    const type = view.getUint32(at + 1, little);
    at += 5;
    return { little, type };
  };
  const u32 = (little: boolean) => {
    need(4);
    const v = view.getUint32(at, little);
    at += 4;
    return v;
  };
  const xs: number[] = [];
  const ends: number[] = [];
  const polygon = (little: boolean) => {
    const rings = u32(little);
    for (let r = 0; r < rings; r++) {
      const n = u32(little);
      need(n * 16);
      for (let i = 0; i < n; i++) {
        xs.push(view.getFloat64(at, little), view.getFloat64(at + 8, little));
        at += 16;
      }
      ends.push(xs.length / 2);
    }
  };
  const top = header();
  if (top.type === 3) polygon(top.little);
  else if (top.type === 6) {
    const n = u32(top.little);
    for (let p = 0; p < n; p++) {
      const h = header();
      if (h.type !== 3) throw new WkbError(`unexpected WKB type ${h.type} inside a MultiPolygon`);
      polygon(h.little);
    }
  } else throw new WkbError(`expected a (Multi)Polygon, got WKB type ${top.type}`);
  if (at !== bytes.byteLength) throw new WkbError('trailing bytes after WKB');
  const coords = Float64Array.from(xs);
  return { coords, ringEnds: Uint32Array.from(ends), bbox: bboxOf(coords) };
}

/**
 * Is (x, y) inside or on the boundary of the MultiPolygon? Even-odd over all rings: in a valid MultiPolygon
 * the parts do not overlap and holes lie inside their shell, so the parity of crossings over every ring is
 * the answer. A point on any edge (holes included) is covered, as in `ST_Covers`.
 */
export function covers(g: FlatMultiPolygon, x: number, y: number): boolean {
  const b = g.bbox;
  if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) return false;
  return coversRings(g.coords, g.ringEnds, 0, g.ringEnds.length, 0, x, y);
}

/**
 * The same test on rings [ringFrom, ringTo) of packed arrays shared by many polygons (the index packs every
 * grid into one coordinate array, so a lookup touches few cache lines); `pointFrom` is where ring `ringFrom`
 * starts, in points.
 */
export function coversRings(c: Float64Array, ends: Uint32Array, ringFrom: number, ringTo: number, pointFrom: number, x: number, y: number): boolean {
  let inside = false;
  let start = pointFrom;
  for (let r = ringFrom; r < ringTo; r++) {
    const end = ends[r]!;
    // Rings are closed (last point = first), so edges are (i, i+1) for i in [start, end-1).
    for (let i = start; i < end - 1; i++) {
      const xi = c[2 * i]!;
      const yi = c[2 * i + 1]!;
      const xj = c[2 * i + 2]!;
      const yj = c[2 * i + 3]!;
      if (yi > y !== yj > y) {
        const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
        if (cross === 0) return true;
        // The edge crosses the horizontal through y; count it when the crossing lies right of x.
        if (yj > yi ? cross > 0 : cross < 0) inside = !inside;
      } else if (yi === y && yj === y) {
        // Horizontal edge on the point's line.
        if ((x - xi) * (x - xj) <= 0) return true;
      } else if (yi === y && x === xi) {
        return true;
      }
    }
    start = end;
  }
  return inside;
}
