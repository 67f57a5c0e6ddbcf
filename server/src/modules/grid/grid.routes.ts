/** /grids: list, locate a point, one grid, its responsible people, and the layer import. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { pickLocale } from '../../shared/i18n.js';
import './grid.policy.js';
import { codeParams, gridResponse, importBody, importResponse, listQuery, listResponse, locateQuery, locateResponse, responsibleBody } from './grid.schema.js';
import { getGrid, importGrids, listGrids, locateGrid, setResponsible, type GridContext } from './grid.service.js';

/** A city's grid layer is far larger than an ordinary request; still bounded. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

export function gridRoutes(app: FastifyInstance, ctx: GridContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('grid.read') };
  const manage = { preHandler: requirePermission('grid.manage') };

  r.get('/grids', { ...read, schema: { tags: ['grids'], summary: 'Unit grids within my scope, by code (keyset paging with `after`)', querystring: listQuery, response: { 200: listResponse } } }, async (request) => {
    const q = request.query;
    return listGrids(ctx, principalOf(request), { prefix: q.prefix, after: q.after, limit: q.limit, withGeometry: q.withGeometry === 'true' });
  });

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
        summary: 'Import the grid layer from GeoJSON (replaces it; unchanged grids keep their codes). Any rejection changes nothing unless skipRejected.',
        body: importBody,
        response: { 200: importResponse },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const b = request.body;
      const report = await importGrids(
        ctx,
        p.jurisdictionId,
        b.geojson,
        actorOf(request),
        { dryRun: b.dryRun, skipRejected: b.skipRejected, checks: b.checks, toleranceM2: b.toleranceM2, fields: { code: b.codeField, community: b.communityField }, locale: pickLocale(request.headers['accept-language']) },
        { principal: p, request: requestMeta(request) },
      );
      return { report };
    },
  );
}
