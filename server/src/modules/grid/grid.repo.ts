/** SQL for unit grids, their hierarchy, responsible people and the layer version. */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import { escapeLike } from '../identity/index.js';

const LAYER_LOCK = 7243040;
const CHUNK = 1000;

/** Serialises changes to one jurisdiction's grid layer (imports, responsibility changes). */
export async function lockLayer(tx: Db, jurisdictionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${LAYER_LOCK}, hashtext(${jurisdictionId}))`.execute(tx);
}

export async function bumpVersion(tx: Db, jurisdictionId: string): Promise<number> {
  const row = await sql<{ version: number }>`
    INSERT INTO grid_layers (jurisdiction_id, version) VALUES (${jurisdictionId}, 1)
    ON CONFLICT (jurisdiction_id) DO UPDATE SET version = grid_layers.version + 1, updated_at = now()
    RETURNING version`.execute(tx);
  return Number(row.rows[0]!.version);
}

export async function findVersion(db: Db, jurisdictionId: string): Promise<number> {
  const row = await db.selectFrom('grid_layers').select('version').where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return row ? Number(row.version) : 0;
}

export interface IndexRow {
  id: string;
  code: string;
  name: string;
  community_code: string;
  community_name: string;
  street_code: string;
  street_name: string;
  district_code: string;
  district_name: string;
  wkb: Uint8Array;
}

/** Every grid of a jurisdiction with its hierarchy names and its exact geometry as WKB (for the in-memory index). */
export async function listForIndex(db: Db, jurisdictionId: string): Promise<IndexRow[]> {
  const r = await sql<IndexRow>`
    SELECT g.id, g.code, g.name, g.community_code, c.name AS community_name, s.code AS street_code, s.name AS street_name,
           d.code AS district_code, d.name AS district_name, ST_AsBinary(g.geom) AS wkb
    FROM grids g
    JOIN grid_units c ON c.jurisdiction_id = g.jurisdiction_id AND c.code = g.community_code
    JOIN grid_units s ON s.jurisdiction_id = g.jurisdiction_id AND s.code = c.parent_code
    JOIN grid_units d ON d.jurisdiction_id = g.jurisdiction_id AND d.code = s.parent_code
    WHERE g.jurisdiction_id = ${jurisdictionId}`.execute(db);
  return r.rows;
}

export interface ResponsibleRow {
  grid_id: string;
  kind: 'inspector' | 'department';
  id: string;
  name: string;
}

/**
 * Responsible people and departments of every grid, with their names. Joins users and departments only for
 * display names (read-only; the foreign keys keep the links sound).
 */
export async function listResponsible(db: Db, jurisdictionId: string, gridId?: string): Promise<ResponsibleRow[]> {
  const oneGrid = gridId ? sql`AND gi.grid_id = ${gridId}` : sql``;
  const oneGridD = gridId ? sql`AND gd.grid_id = ${gridId}` : sql``;
  const r = await sql<ResponsibleRow>`
    SELECT gi.grid_id, 'inspector' AS kind, u.id::text AS id, u.display_name AS name
    FROM grid_inspectors gi JOIN users u ON u.id = gi.user_id
    WHERE gi.jurisdiction_id = ${jurisdictionId} ${oneGrid}
    UNION ALL
    SELECT gd.grid_id, 'department' AS kind, d.id::text AS id, d.name_zh AS name
    FROM grid_departments gd JOIN departments d ON d.id = gd.department_id
    WHERE gd.jurisdiction_id = ${jurisdictionId} ${oneGridD}
    ORDER BY 1, 2, 4`.execute(db);
  return r.rows;
}

export interface StoredRow {
  id: string;
  code: string;
  community_code: string;
  geom_hash: string;
}

export async function listStored(db: Db, jurisdictionId: string): Promise<StoredRow[]> {
  return db.selectFrom('grids').select(['id', 'code', 'community_code', 'geom_hash']).where('jurisdiction_id', '=', jurisdictionId).execute();
}

export interface GridListRow {
  id: string;
  code: string;
  name: string;
  community_code: string;
  geojson?: string;
}

export async function listPage(
  db: Db,
  scope: RawBuilder<SqlBool>,
  options: { prefix?: string; q?: string; after?: string; limit: number; withGeometry: boolean },
): Promise<GridListRow[]> {
  let q = db.selectFrom('grids').select(['id', 'code', 'name', 'community_code']).where(scope);
  if (options.prefix) q = q.where('code', 'like', `${options.prefix}%`);
  if (options.q) {
    const text = options.q;
    q = q.where((eb) => eb.or([eb('code', 'like', `${escapeLike(text)}%`), eb('name', 'ilike', `%${escapeLike(text)}%`)]));
  }
  if (options.after) q = q.where('code', '>', options.after);
  if (options.withGeometry) q = q.select(sql<string>`ST_AsGeoJSON(geom, 7)`.as('geojson'));
  return q.orderBy('code').limit(options.limit).execute();
}

export async function findByCode(db: Db, jurisdictionId: string, code: string) {
  return db.selectFrom('grids').select(['id', 'code', 'name', 'community_code']).where('jurisdiction_id', '=', jurisdictionId).where('code', '=', code).executeTakeFirst();
}

export interface GridPlaceRow {
  community_name: string | null;
  street_code: string | null;
  street_name: string | null;
  district_code: string | null;
  district_name: string | null;
  area_m2: number;
  bbox: string;
}

/** A grid's street, district (from its community) and its area in m² and bounding box (for the console). */
export async function findPlace(db: Db, gridId: string): Promise<GridPlaceRow | undefined> {
  const r = await sql<GridPlaceRow>`
    SELECT c.name AS community_name, s.code AS street_code, s.name AS street_name, d.code AS district_code, d.name AS district_name,
           ST_Area(g.geom::geography) AS area_m2,
           concat_ws(',', ST_XMin(g.geom), ST_YMin(g.geom), ST_XMax(g.geom), ST_YMax(g.geom)) AS bbox
    FROM grids g
    LEFT JOIN grid_units c ON c.jurisdiction_id = g.jurisdiction_id AND c.code = g.community_code
    LEFT JOIN grid_units s ON s.jurisdiction_id = g.jurisdiction_id AND s.code = c.parent_code
    LEFT JOIN grid_units d ON d.jurisdiction_id = g.jurisdiction_id AND d.code = s.parent_code
    WHERE g.id = ${gridId}`.execute(db);
  return r.rows[0];
}

export interface GridShapeRow {
  code: string;
  name: string;
  community_code: string;
  geojson: string;
}

/**
 * Grids whose bounding box meets the box, simplified to `tolerance` degrees (topology kept), by code; at most
 * `limit` rows (the caller asks for one more to know there are more).
 */
export async function listShapes(db: Db, scope: RawBuilder<SqlBool>, box: [number, number, number, number], tolerance: number, limit: number): Promise<GridShapeRow[]> {
  const r = await sql<GridShapeRow>`
    SELECT code, name, community_code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, ${tolerance}), 6) AS geojson
    FROM grids
    WHERE ${scope} AND geom && ST_MakeEnvelope(${box[0]}, ${box[1]}, ${box[2]}, ${box[3]}, 4326)
    ORDER BY code
    LIMIT ${limit}`.execute(db);
  return r.rows;
}

export interface UnitRow {
  code: string;
  level: 'district' | 'street' | 'community';
  name: string;
  grids: number;
}

/** Units under a parent (districts when null) that hold grids within the scope, with their grid counts. */
export async function listUnits(db: Db, jurisdictionId: string, scope: RawBuilder<SqlBool>, parentCode: string | null): Promise<UnitRow[]> {
  const parent = parentCode === null ? sql`u.parent_code IS NULL` : sql`u.parent_code = ${parentCode}`;
  const len = parentCode === null ? 6 : parentCode.length + 3;
  const r = await sql<UnitRow>`
    SELECT u.code, u.level, u.name, coalesce(n.grids, 0)::int AS grids
    FROM grid_units u
    JOIN (SELECT left(code, ${len}) AS unit, count(*) AS grids FROM grids WHERE ${scope} GROUP BY 1) n ON n.unit = u.code
    WHERE u.jurisdiction_id = ${jurisdictionId} AND ${parent}
    ORDER BY u.code`.execute(db);
  return r.rows.map((x) => ({ ...x, grids: Number(x.grids) }));
}

/** Users of the jurisdiction among the ids (active ones only). */
export async function existingUsers(db: Db, jurisdictionId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await sql<{ id: string }>`SELECT id::text AS id FROM users WHERE jurisdiction_id = ${jurisdictionId} AND status = 'active' AND id::text = ANY(${ids}::text[])`.execute(db);
  return r.rows.map((x) => x.id);
}

export async function existingDepartments(db: Db, jurisdictionId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const r = await sql<{ id: string }>`SELECT id::text AS id FROM departments WHERE jurisdiction_id = ${jurisdictionId} AND active AND id::text = ANY(${ids}::text[])`.execute(db);
  return r.rows.map((x) => x.id);
}

export async function replaceResponsible(tx: Db, jurisdictionId: string, gridId: string, inspectorIds: string[], departmentIds: string[]): Promise<void> {
  await tx.deleteFrom('grid_inspectors').where('grid_id', '=', gridId).execute();
  await tx.deleteFrom('grid_departments').where('grid_id', '=', gridId).execute();
  if (inspectorIds.length > 0) await tx.insertInto('grid_inspectors').values(inspectorIds.map((user_id) => ({ jurisdiction_id: jurisdictionId, grid_id: gridId, user_id }))).execute();
  if (departmentIds.length > 0) {
    await tx.insertInto('grid_departments').values(departmentIds.map((department_id) => ({ jurisdiction_id: jurisdictionId, grid_id: gridId, department_id }))).execute();
  }
}

// ---- import: a staging table in the import's transaction, checks in PostGIS, then the swap ----

export interface StagedGrid {
  idx: number;
  code: string;
  communityCode: string;
  name: string;
  geojson: string;
  hash: string;
  keepId: string | null;
}

export async function createStaging(tx: Db): Promise<void> {
  await sql`CREATE TEMP TABLE grid_import (
      idx integer PRIMARY KEY, code text NOT NULL, community_code text NOT NULL, name text NOT NULL,
      geom geometry(MultiPolygon, 4326) NOT NULL, geom_hash text NOT NULL, keep_id uuid) ON COMMIT DROP`.execute(tx);
}

export async function insertStaged(tx: Db, rows: StagedGrid[], onChunk?: (done: number) => void): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await sql`INSERT INTO grid_import (idx, code, community_code, name, geom, geom_hash, keep_id)
      SELECT idx, code, community_code, name, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326)), geom_hash, keep_id::uuid
      FROM unnest(${part.map((r) => r.idx)}::int[], ${part.map((r) => r.code)}::text[], ${part.map((r) => r.communityCode)}::text[],
                  ${part.map((r) => r.name)}::text[], ${part.map((r) => r.geojson)}::text[], ${part.map((r) => r.hash)}::text[],
                  ${part.map((r) => r.keepId)}::text[]) AS t(idx, code, community_code, name, gj, geom_hash, keep_id)`.execute(tx);
    onChunk?.(Math.min(i + CHUNK, rows.length));
  }
  await sql`CREATE INDEX ON grid_import USING gist (geom)`.execute(tx);
  await sql`ANALYZE grid_import`.execute(tx);
}

/** Gives staged grids their codes, names and the stored row they keep; drops those that got no code. */
export async function setStagedCodes(tx: Db, rows: { idx: number; code: string; name: string; keepId: string | null }[], dropIdx: number[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    await sql`UPDATE grid_import s SET code = t.code, name = t.name, keep_id = t.keep_id::uuid
      FROM unnest(${part.map((r) => r.idx)}::int[], ${part.map((r) => r.code)}::text[], ${part.map((r) => r.name)}::text[],
                  ${part.map((r) => r.keepId)}::text[]) AS t(idx, code, name, keep_id)
      WHERE s.idx = t.idx`.execute(tx);
  }
  if (dropIdx.length > 0) await sql`DELETE FROM grid_import WHERE idx = ANY(${dropIdx}::int[])`.execute(tx);
  // The swap joins on keep_id; statistics from before the codes were set would say it is all NULL, and the
  // planner would pick a nested loop over 100k × 100k rows.
  await sql`CREATE INDEX ON grid_import (keep_id)`.execute(tx);
  await sql`ANALYZE grid_import`.execute(tx);
}

/** Invalid geometries (OGC validity), removed from the staging table and returned with the reason. */
export async function takeInvalid(tx: Db): Promise<{ idx: number; reason: string }[]> {
  const r = await sql<{ idx: number; reason: string }>`
    DELETE FROM grid_import WHERE NOT ST_IsValid(geom) RETURNING idx, ST_IsValidReason(geom) AS reason`.execute(tx);
  return r.rows.sort((a, b) => a.idx - b.idx);
}

/** Pairs of grids whose shared area exceeds the tolerance (m²); edges and corners in common do not count. */
export async function findOverlaps(tx: Db, toleranceM2: number, limit: number) {
  const r = await sql<{ a: number; b: number; area_m2: number }>`
    SELECT a.idx AS a, b.idx AS b, ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS area_m2
    -- "b.idx - a.idx > 0" rather than "a.idx < b.idx": the planner would AND a primary-key range bitmap (half the
    -- table) into every probe, which is quadratic; this way only the GiST index drives the join.
    FROM grid_import a JOIN grid_import b ON b.idx - a.idx > 0 AND a.geom && b.geom
      -- Boxes that only touch (neighbours in a lattice) cannot share area: skip them before any exact test.
      AND ST_XMin(a.geom) < ST_XMax(b.geom) AND ST_XMin(b.geom) < ST_XMax(a.geom)
      AND ST_YMin(a.geom) < ST_YMax(b.geom) AND ST_YMin(b.geom) < ST_YMax(a.geom)
      AND ST_Relate(a.geom, b.geom, '2********')
    WHERE ST_Area(ST_Intersection(a.geom, b.geom)::geography) > ${toleranceM2}
    ORDER BY a.idx, b.idx LIMIT ${limit}`.execute(tx);
  return r.rows.map((x) => ({ a: Number(x.a), b: Number(x.b), areaM2: Number(x.area_m2) }));
}

/** Holes in the union of each district's grids larger than the tolerance (m²): land no grid covers. */
export async function findGaps(tx: Db, toleranceM2: number, limit: number) {
  const r = await sql<{ district: string; lng: number; lat: number; area_m2: number }>`
    WITH u AS (SELECT left(community_code, 6) AS district, ST_Union(geom) AS g FROM grid_import GROUP BY 1),
         parts AS (SELECT district, (ST_Dump(g)).geom AS p FROM u),
         holes AS (SELECT district, ST_MakePolygon(ST_InteriorRingN(p, n)) AS h
                   FROM parts, generate_series(1, ST_NumInteriorRings(p)) AS n)
    SELECT district, ST_X(ST_PointOnSurface(h)) AS lng, ST_Y(ST_PointOnSurface(h)) AS lat, ST_Area(h::geography) AS area_m2
    FROM holes WHERE ST_Area(h::geography) > ${toleranceM2}
    ORDER BY area_m2 DESC LIMIT ${limit}`.execute(tx);
  return r.rows.map((x) => ({ district: x.district, lng: Number(x.lng), lat: Number(x.lat), areaM2: Number(x.area_m2) }));
}

/**
 * The jurisdiction's outline: the boundary of its own division (administrative divisions are public
 * geography, readable by every role; reading it here keeps the check in one statement).
 */
export async function hasJurisdictionBoundary(tx: Db, jurisdictionId: string): Promise<boolean> {
  const r = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM jurisdictions j JOIN divisions d ON d.jurisdiction_id = j.id AND d.code = j.division_code
    WHERE j.id = ${jurisdictionId} AND d.boundary IS NOT NULL`.execute(tx);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** Grids reaching outside the jurisdiction's boundary by more than the tolerance (m²). */
export async function findOutside(tx: Db, jurisdictionId: string, toleranceM2: number, limit: number) {
  const r = await sql<{ idx: number; area_m2: number }>`
    WITH b AS (SELECT d.boundary AS g FROM jurisdictions j JOIN divisions d ON d.jurisdiction_id = j.id AND d.code = j.division_code
               WHERE j.id = ${jurisdictionId})
    SELECT s.idx, ST_Area(ST_Difference(s.geom, b.g)::geography) AS area_m2
    FROM grid_import s, b
    WHERE NOT ST_Covers(b.g, s.geom) AND ST_Area(ST_Difference(s.geom, b.g)::geography) > ${toleranceM2}
    ORDER BY s.idx LIMIT ${limit}`.execute(tx);
  return r.rows.map((x) => ({ idx: Number(x.idx), areaM2: Number(x.area_m2) }));
}

export interface UnitUpsert {
  code: string;
  level: 'district' | 'street' | 'community';
  parentCode: string | null;
  /** null: keep the stored name (or use the code for a new unit). */
  name: string | null;
}

export async function upsertUnits(tx: Db, jurisdictionId: string, units: UnitUpsert[]): Promise<void> {
  // Parents first (district, street, community) so the self-reference holds row by row.
  const order = { district: 0, street: 1, community: 2 } as const;
  const sorted = [...units].sort((a, b) => order[a.level] - order[b.level] || a.code.localeCompare(b.code));
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const part = sorted.slice(i, i + CHUNK);
    const rows = sql`unnest(${part.map((u) => u.code)}::text[], ${part.map((u) => u.level)}::text[], ${part.map((u) => u.parentCode)}::text[],
                  ${part.map((u) => u.name)}::text[]) AS t(code, level, parent_code, name)`;
    await sql`INSERT INTO grid_units (jurisdiction_id, code, level, parent_code, name)
      SELECT ${jurisdictionId}, code, level, parent_code, coalesce(name, code) FROM ${rows}
      ON CONFLICT (jurisdiction_id, code) DO NOTHING`.execute(tx);
    await sql`UPDATE grid_units u SET name = t.name FROM ${rows}
      WHERE u.jurisdiction_id = ${jurisdictionId} AND u.code = t.code AND t.name IS NOT NULL AND u.name <> t.name`.execute(tx);
  }
}

/** Replaces the layer with the staged grids: removes grids not kept, updates kept ones, inserts new ones. */
export async function applyStaged(tx: Db, jurisdictionId: string): Promise<{ removed: number; updated: number; inserted: number }> {
  const removed = await sql`DELETE FROM grids g WHERE g.jurisdiction_id = ${jurisdictionId}
    AND NOT EXISTS (SELECT 1 FROM grid_import s WHERE s.keep_id = g.id)`.execute(tx);
  const updated = await sql`UPDATE grids g SET name = s.name, geom = s.geom, geom_hash = s.geom_hash, updated_at = now()
    FROM grid_import s WHERE s.keep_id = g.id AND g.jurisdiction_id = ${jurisdictionId}
    AND (g.name <> s.name OR g.geom_hash <> s.geom_hash)`.execute(tx);
  const inserted = await sql`INSERT INTO grids (jurisdiction_id, code, community_code, name, geom, geom_hash)
    SELECT ${jurisdictionId}, code, community_code, name, geom, geom_hash FROM grid_import WHERE keep_id IS NULL ORDER BY code`.execute(tx);
  return { removed: Number(removed.numAffectedRows ?? 0), updated: Number(updated.numAffectedRows ?? 0), inserted: Number(inserted.numAffectedRows ?? 0) };
}

export interface CellRow {
  i: number;
  j: number;
  geojson: string;
}

/**
 * Square cells of `sizeM` metres over a boundary (GeoJSON, WGS 84), laid out in a projected CRS, clipped to the
 * boundary and brought back to WGS 84. `i`/`j` are the cell's column and row in the projected lattice (row
 * grows northward). Clipped pieces smaller than `minAreaM2` are dropped.
 */
export async function squareCells(db: Db, boundary: unknown, options: { sizeM: number; srid: number; minAreaM2: number }): Promise<CellRow[]> {
  const r = await sql<CellRow>`
    WITH d AS (SELECT ST_Transform(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(boundary)}), 4326)), 3), ${options.srid}::int) AS g),
         c AS (SELECT s.i, s.j, CASE WHEN ST_Within(s.geom, d.g) THEN s.geom ELSE ST_CollectionExtract(ST_Intersection(s.geom, d.g), 3) END AS g
               FROM d, ST_SquareGrid(${options.sizeM}::float8, d.g) AS s WHERE ST_Intersects(s.geom, d.g))
    SELECT i, j, ST_AsGeoJSON(ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(g, 4326)), 3)), 15) AS geojson
    FROM c WHERE ST_Area(g) >= ${options.minAreaM2}
    ORDER BY j DESC, i`.execute(db);
  return r.rows.map((x) => ({ i: Number(x.i), j: Number(x.j), geojson: x.geojson }));
}

export async function countGrids(db: Db, jurisdictionId: string): Promise<number> {
  const r = await db.selectFrom('grids').select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Makes a department responsible for every grid whose code starts with the prefix (no duplicates). */
export async function addDepartmentByPrefix(tx: Db, jurisdictionId: string, prefix: string, departmentId: string): Promise<number> {
  const r = await sql`INSERT INTO grid_departments (jurisdiction_id, grid_id, department_id)
    SELECT ${jurisdictionId}, id, ${departmentId}::uuid FROM grids WHERE jurisdiction_id = ${jurisdictionId} AND code LIKE ${`${prefix}%`}
    ON CONFLICT DO NOTHING`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}

/** Makes the active user with this username responsible for the grids with these codes. */
export async function addInspectorByUsername(tx: Db, jurisdictionId: string, username: string, codes: string[]): Promise<number> {
  const r = await sql`INSERT INTO grid_inspectors (jurisdiction_id, grid_id, user_id)
    SELECT ${jurisdictionId}, g.id, u.id FROM grids g JOIN users u ON u.jurisdiction_id = g.jurisdiction_id AND lower(u.username) = lower(${username})
    WHERE g.jurisdiction_id = ${jurisdictionId} AND g.code = ANY(${codes}::text[])
    ON CONFLICT DO NOTHING`.execute(tx);
  return Number(r.numAffectedRows ?? 0);
}
