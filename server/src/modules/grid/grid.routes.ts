/** /grids: list, locate a point, one grid, its responsible people, and the layer import. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { pickLocale } from '../../shared/i18n.js';
import './grid.policy.js';
import {
  codeParams,
  gridResponse,
  importBody,
  importResponse,
  listQuery,
  listResponse,
  locateQuery,
  locateResponse,
  responsibleBody,
  shapesQuery,
  shapesResponse,
  unitsQuery,
  unitsResponse,
} from './grid.schema.js';
import { getGrid, gridShapes, gridUnits, importGrids, listGrids, locateGrid, setResponsible, type GridContext, type ImportStep } from './grid.service.js';
import { replyNdjson } from './ndjson-reply.js';
import { shapefileToGeoJSON } from './shapefile.js';

/** A city's grid layer is far larger than an ordinary request; still bounded. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export function gridRoutes(app: FastifyInstance, ctx: GridContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('grid.read') };
  const manage = { preHandler: requirePermission('grid.manage') };

  r.get('/grids', { ...read, schema: { tags: ['grids'], summary: 'Unit grids within my scope, by code (keyset paging with `after`)', querystring: listQuery, response: { 200: listResponse } } }, async (request) => {
    const q = request.query;
    return listGrids(ctx, principalOf(request), { prefix: q.prefix, q: q.q, after: q.after, limit: q.limit, withGeometry: q.withGeometry === 'true' });
  });

  r.get(
    '/grids/geojson',
    { ...read, schema: { tags: ['grids'], summary: 'The grids within my scope inside a box (west,south,east,north), simplified for a map; at most 3,000 (`truncated`)', querystring: shapesQuery, response: { 200: shapesResponse } } },
    async (request) => gridShapes(ctx, principalOf(request), request.query.bbox),
  );

  r.get(
    '/grids/units',
    { ...read, schema: { tags: ['grids'], summary: 'The hierarchy one level at a time: districts, a district’s streets, a street’s communities (with grid counts)', querystring: unitsQuery, response: { 200: unitsResponse } } },
    async (request) => ({ items: await gridUnits(ctx, principalOf(request), request.query.parent ?? null) }),
  );

  r.get(
    '/grids/locate',
    { ...read, schema: { tags: ['grids'], summary: 'The unit grid covering a point (WGS 84), from the in-memory index; 404 outside every grid', querystring: locateQuery, response: { 200: locateResponse } } },
    async (request) => ({ grid: await locateGrid(ctx, principalOf(request), request.query.lat, request.query.lng) }),
  );

  r.get('/grids/:code', { ...read, schema: { tags: ['grids'], params: codeParams, response: { 200: gridResponse } } }, async (request) => {
    const p = principalOf(request);
    return { grid: await getGrid(ctx, p.jurisdictionId, request.params.code, p) };
  });

  r.put(
    '/grids/:code/responsible',
    { ...manage, schema: { tags: ['grids'], summary: "Set a grid's responsible inspectors and departments", params: codeParams, body: responsibleBody, response: { 200: gridResponse } } },
    async (request) => {
      const p = principalOf(request);
      return { grid: await setResponsible(ctx, p.jurisdictionId, request.params.code, request.body, actorOf(request), { principal: p, request: requestMeta(request) }) };
    },
  );

  r.post(
    '/grids/import',
    {
      ...manage,
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['grids'],
        summary:
          'Import the grid layer from GeoJSON or a zipped Shapefile (replaces it; unchanged grids keep their codes). Any rejection changes nothing unless skipRejected. ' +
          'With `Accept: application/x-ndjson` the answer streams {"type":"progress",phase,done,total} lines, then {"type":"report",report} (or {"type":"error",code,message}).',
        body: importBody,
        response: { 200: importResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const b = request.body;
      const locale = pickLocale(request.headers['accept-language']);
      const streamed = (request.headers.accept ?? '').includes('application/x-ndjson');
      // An unreadable archive is an ordinary 400, before any progress line.
      const layer = b.shapefileZip !== undefined ? await shapefileToGeoJSON(new Uint8Array(Buffer.from(b.shapefileZip, 'base64'))) : b.geojson;
      const run = (onStep?: (x: ImportStep) => void) =>
        importGrids(
          ctx,
          p.jurisdictionId,
          layer,
          actorOf(request),
          { dryRun: b.dryRun, skipRejected: b.skipRejected, checks: b.checks, toleranceM2: b.toleranceM2, fields: { code: b.codeField, community: b.communityField }, locale, onStep },
          { principal: p, request: requestMeta(request) },
        );
      if (!streamed) return { report: await run() };
      return replyNdjson<ImportStep>(request, reply, locale, run);
    },
  );
}
