/**
 * Where an order is: point → unit grid (the in-memory locator, see grid module) → district, and whether the point
 * is inside the jurisdiction at all. PostGIS answers the district and the boundary check (one indexed query); the
 * grid, when there is one, decides the district so the two never disagree.
 *
 * A jurisdiction whose own division has no boundary cannot tell inside from outside; its points are accepted and
 * placed by grid or district when one covers them.
 */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';
import { locatorFor, type LocatedGrid } from '../grid/index.js';
import { AppError } from '../../shared/errors.js';

export interface Placement {
  grid: LocatedGrid | null;
  districtCode: string | null;
}

export async function placePoint(db: Db, jurisdictionId: string, point: { lng: number; lat: number }): Promise<Placement> {
  const grid = await locatorFor(db).locate(jurisdictionId, point.lng, point.lat);
  const pt = sql`ST_SetSRID(ST_MakePoint(${point.lng}, ${point.lat}), 4326)`;
  const { rows } = await sql<{ has_boundary: boolean | null; inside: boolean | null; district: string | null }>`
    SELECT d.boundary IS NOT NULL AS has_boundary,
           ST_Covers(d.boundary, ${pt}) AS inside,
           (SELECT code FROM divisions
             WHERE jurisdiction_id = ${jurisdictionId} AND level = 'district' AND ST_Covers(boundary, ${pt})
             ORDER BY code LIMIT 1) AS district
      FROM jurisdictions j
      LEFT JOIN divisions d ON d.jurisdiction_id = j.id AND d.code = j.division_code
     WHERE j.id = ${jurisdictionId}`.execute(db);
  const row = rows[0];
  if (!row) throw new AppError('not_found', 'work_order.jurisdiction_not_found', { id: jurisdictionId });
  if (grid) return { grid, districtCode: grid.district.code };
  if (row.has_boundary && !row.inside) {
    throw new AppError('unprocessable', 'work_order.outside_jurisdiction', { lng: point.lng, lat: point.lat });
  }
  return { grid: null, districtCode: row.district };
}
