/**
 * Shapefile → GeoJSON for the grid import, through shpjs (pure JavaScript, offline): the .shp geometry with its
 * .dbf attributes (in the .cpg encoding, e.g. GBK), reprojected to WGS 84 when a .prj names another CRS.
 * Either the parts of one shapefile or a .zip holding exactly one.
 */
import getShapefile from 'shpjs';
import { badRequest } from '../../shared/errors.js';

export interface ShapefileParts {
  shp: Uint8Array;
  dbf?: Uint8Array;
  prj?: string;
  cpg?: string;
}

export async function shapefileToGeoJSON(input: ShapefileParts | Uint8Array): Promise<unknown> {
  let result: unknown;
  try {
    result = await getShapefile(input instanceof Uint8Array ? input : { ...input });
  } catch (err) {
    throw badRequest('grid.shapefile_unreadable', { reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) });
  }
  if (Array.isArray(result)) throw badRequest('grid.shapefile_layers', { count: result.length });
  return result;
}
