/** /performance/ranking, /orders (the orders behind a number), /trend, /hotspots, /ranking.xlsx, /schemes. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { badRequest } from '../../shared/errors.js';
import { pickLocale } from '../../shared/i18n.js';
import './performance.policy.js';
import type { Filters } from './performance.repo.js';
import { createSchemeBody, hotspotsQuery, hotspotsResponse, ordersQuery, ordersResponse, rankingQuery, rankingResponse, schemeView, schemesResponse, trendQuery, trendResponse } from './performance.schema.js';
import * as service from './performance.service.js';

interface FilterQuery {
  from: string;
  to: string;
  asOf?: string;
  departmentId?: string;
  district?: string;
  street?: string;
  grid?: string;
  category?: string;
  inspector?: string;
  dispatcher?: string;
  agent?: string;
}

function filters(q: Omit<FilterQuery, 'from' | 'to'>): Filters {
  const f: Filters = {};
  if (q.departmentId) f.departmentId = q.departmentId;
  if (q.district) f.district = q.district;
  if (q.street) f.street = q.street;
  if (q.grid) f.grid = q.grid;
  if (q.category) f.category = q.category;
  const people = (['inspector', 'dispatcher', 'agent'] as const).filter((r) => q[r]);
  if (people.length > 1) throw badRequest('performance.one_person_only');
  if (people[0]) f.person = { userId: q[people[0]]!, role: people[0] };
  return f;
}

const period = (q: FilterQuery) => ({ from: new Date(q.from), to: new Date(q.to), ...(q.asOf ? { asOf: new Date(q.asOf) } : {}) });

export function performanceRoutes(app: FastifyInstance, ctx: service.PerformanceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('performance.read') };
  const tags = ['performance'];

  r.get(
    '/performance/ranking',
    { ...read, schema: { tags, summary: 'Counts, rates, scheme score and grade per department, district, street, grid, inspector, dispatcher or agent (FORMULAS.md)', querystring: rankingQuery, response: { 200: rankingResponse } } },
    async (request) => {
      const q = request.query;
      return service.ranking(ctx, principalOf(request), { ...period(q), dimension: q.dimension, filters: filters(q), scheme: q.scheme });
    },
  );

  r.get(
    '/performance/ranking.xlsx',
    { preHandler: requirePermission('performance.export'), schema: { tags, summary: 'The ranking as an XLSX workbook (audited)', querystring: rankingQuery } },
    async (request, reply) => {
      const q = request.query;
      const result = await service.exportRanking(
        ctx,
        { principal: principalOf(request), actor: actorOf(request), request: requestMeta(request) },
        { ...period(q), dimension: q.dimension, filters: filters(q), scheme: q.scheme },
        pickLocale(request.headers['accept-language']),
      );
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${result.filename}"`)
        .send(result.body);
    },
  );

  r.get(
    '/performance/orders',
    { ...read, schema: { tags, summary: 'The orders behind a count (overall or of one ranking row), by the same definitions', querystring: ordersQuery, response: { 200: ordersResponse } } },
    async (request) => {
      const q = request.query;
      return service.ordersBehind(ctx, principalOf(request), { ...period(q), count: q.count, within: q.within, dimension: q.dimension, key: q.key, filters: filters(q), scheme: q.scheme, limit: q.limit });
    },
  );

  r.get('/performance/trend', { ...read, schema: { tags, summary: 'Counts, rates and score per day, week or month of creation', querystring: trendQuery, response: { 200: trendResponse } } }, async (request) => {
    const q = request.query;
    return service.trend(ctx, principalOf(request), { ...period(q), interval: q.interval, filters: filters(q), scheme: q.scheme });
  });

  r.get(
    '/performance/hotspots',
    { ...read, schema: { tags, summary: 'Orders per grid / street / district and category against the previous period of the same length; heat-map points', querystring: hotspotsQuery, response: { 200: hotspotsResponse } } },
    async (request) => {
      const q = request.query;
      return service.hotspots(ctx, principalOf(request), { from: new Date(q.from), to: new Date(q.to), level: q.level, limit: q.limit, filters: filters(q) });
    },
  );

  r.get('/performance/schemes', { ...read, schema: { tags, summary: 'Scoring schemes: the built-in Jinniu scheme and every version of our own', response: { 200: schemesResponse } } }, async (request) => ({
    items: await service.listSchemes(ctx, principalOf(request)),
  }));

  r.post(
    '/performance/schemes',
    { preHandler: requirePermission('performance.manage'), schema: { tags, summary: 'Save a scheme: a new key starts at version 1, an existing key gets its next version', body: createSchemeBody, response: { 201: schemeView } } },
    async (request, reply) => {
      const scheme = await service.createScheme(ctx, { principal: principalOf(request), actor: actorOf(request), request: requestMeta(request) }, request.body);
      return reply.status(201).send(scheme);
    },
  );
}
