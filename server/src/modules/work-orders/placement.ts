/**
 * Where an order is: point → unit grid (the in-memory locator, see grid module) → district, and whether the point
 * is inside the jurisdiction at all. PostGIS answers the district and the boundary check, as a part of the create's
 * one read statement (repo.readIntake); the grid, when there is one, decides the district so the two never disagree.
 *
 * A jurisdiction whose own division has no boundary cannot tell inside from outside; its points are accepted and
 * placed by grid or district when one covers them.
 */
import type { Db } from '../../app-context.js';
import { locatorFor, type LocatedGrid } from '../grid/index.js';
import { AppError } from '../../shared/errors.js';
import type { IntakeRow } from './work-orders.repo.js';

export interface Placement {
  grid: LocatedGrid | null;
  districtCode: string | null;
}

/** The unit grid covering the point (null when none does). */
export function gridAt(db: Db, jurisdictionId: string, point: { lng: number; lat: number }): Promise<LocatedGrid | null> {
  return locatorFor(db).locate(jurisdictionId, point.lng, point.lat);
}

/** The placement of a point from its grid and what readIntake found; an unknown jurisdiction or a point outside it is refused. */
export function placementOf(jurisdictionId: string, point: { lng: number; lat: number }, grid: LocatedGrid | null, found: Pick<IntakeRow, 'jurisdiction_found' | 'outside' | 'district'>): Placement {
  if (!found.jurisdiction_found) throw new AppError('not_found', 'work_order.jurisdiction_not_found', { id: jurisdictionId });
  if (grid) return { grid, districtCode: grid.district.code };
  if (found.outside) throw new AppError('unprocessable', 'work_order.outside_jurisdiction', { lng: point.lng, lat: point.lat });
  return { grid: null, districtCode: found.district };
}
