/** /evaluation/systems, /evaluation/datasets, /evaluation/runs. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './evaluation.policy.js';
import {
  createRunBody,
  createSystemBody,
  datasetResponse,
  datasetsQuery,
  datasetsResponse,
  definitionSchema,
  entityParams,
  entityResultResponse,
  idParams,
  importDatasetBody,
  MAX_XLSX_BYTES,
  resultsQuery,
  resultsResponse,
  runResponse,
  runsQuery,
  runsResponse,
  systemResponse,
  systemsResponse,
  versionParams,
  versionResponse,
} from './evaluation.schema.js';
import * as service from './evaluation.service.js';
import { registerSelfEvaluationTimer, scheduleSelfEvaluations } from './self-evaluation.js';
import type { AppContext } from '../../app-context.js';
import { pickLocale } from '../../shared/i18n.js';

export function evaluationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerSelfEvaluationTimer(ctx);
  // Once the server is ready: keep the monthly self-evaluation scheduled (idempotent on restart).
  app.addHook('onReady', async () => {
    try {
      await scheduleSelfEvaluations(ctx);
    } catch (err) {
      ctx.log.warn({ err }, 'could not schedule the monthly self-evaluation');
    }
  });
  const read = { preHandler: requirePermission('evaluation.read') };
  const manage = { preHandler: requirePermission('evaluation.manage') };
  const tags = ['evaluation'];
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get('/evaluation/systems', { ...read, schema: { tags, summary: 'Indicator systems of my jurisdiction', response: { 200: systemsResponse } } }, async (request) => ({
    items: await service.listSystems(ctx, principalOf(request)),
  }));

  r.post(
    '/evaluation/systems',
    { ...manage, schema: { tags, summary: 'Create an indicator system (draft version 1) from the default template or a definition', body: createSystemBody, response: { 201: systemResponse } } },
    async (request, reply) => {
      const system = await service.createSystem(ctx, { ...request.body, jurisdictionId: principalOf(request).jurisdictionId }, actorOf(request), opts(request));
      return reply.status(201).send({ system });
    },
  );

  r.get('/evaluation/systems/:id', { ...read, schema: { tags, params: idParams, response: { 200: systemResponse } } }, async (request) => ({
    system: await service.getSystem(ctx, principalOf(request), request.params.id),
  }));

  r.get('/evaluation/systems/:id/versions/:version', { ...read, schema: { tags, summary: 'One version with its full definition and AHP consistency checks', params: versionParams, response: { 200: versionResponse } } }, async (request) => ({
    version: await service.getVersion(ctx, principalOf(request), request.params.id, request.params.version),
  }));

  r.put(
    '/evaluation/systems/:id/draft',
    { ...manage, schema: { tags, summary: 'Replace the draft definition (published versions never change; with none, a new draft version starts)', params: idParams, body: definitionSchema, response: { 200: versionResponse } } },
    async (request) => ({ version: await service.saveDraft(ctx, request.params.id, request.body, actorOf(request), opts(request)) }),
  );

  r.post('/evaluation/systems/:id/publish', { ...manage, schema: { tags, summary: 'Publish the draft: it becomes immutable', params: idParams, response: { 200: versionResponse } } }, async (request) => ({
    version: await service.publishDraft(ctx, request.params.id, actorOf(request), opts(request)),
  }));

  r.get('/evaluation/datasets', { ...read, schema: { tags, summary: 'Datasets of my jurisdiction, newest first', querystring: datasetsQuery, response: { 200: datasetsResponse } } }, async (request) =>
    service.listDatasets(ctx, principalOf(request), request.query),
  );

  r.post(
    '/evaluation/datasets',
    {
      ...manage,
      bodyLimit: Math.ceil(MAX_XLSX_BYTES / 3) * 4 + 64 * 1024,
      schema: { tags, summary: 'Import entity data from CSV or XLSX (base64); bad rows are rejected with reasons, the rest imported', body: importDatasetBody, response: { 201: datasetResponse } },
    },
    async (request, reply) => {
      const { xlsx, ...body } = request.body;
      const input = { ...body, ...(xlsx !== undefined ? { xlsx: Buffer.from(xlsx, 'base64') } : {}), jurisdictionId: principalOf(request).jurisdictionId };
      const dataset = await service.importDataset(ctx, input, actorOf(request), opts(request));
      return reply.status(201).send({ dataset });
    },
  );

  r.get('/evaluation/datasets/:id', { ...read, schema: { tags, params: idParams, response: { 200: datasetResponse } } }, async (request) => ({
    dataset: await service.getDataset(ctx, principalOf(request), request.params.id),
  }));

  r.get('/evaluation/runs', { ...read, schema: { tags, summary: 'Runs of my jurisdiction, newest first, optionally of one system', querystring: runsQuery, response: { 200: runsResponse } } }, async (request) =>
    service.listRuns(ctx, principalOf(request), request.query),
  );

  r.post(
    '/evaluation/runs',
    { ...manage, schema: { tags, summary: 'Score a dataset with a published system version (optionally with Monte-Carlo sensitivity)', body: createRunBody, response: { 201: runResponse } } },
    async (request, reply) => {
      const run = await service.createRun(ctx, { ...request.body, jurisdictionId: principalOf(request).jurisdictionId }, actorOf(request), opts(request));
      return reply.status(201).send({ run });
    },
  );

  r.get('/evaluation/runs/:id', { ...read, schema: { tags, params: idParams, response: { 200: runResponse } } }, async (request) => ({
    run: await service.getRun(ctx, principalOf(request), request.params.id),
  }));

  r.get('/evaluation/runs/:id/results', { ...read, schema: { tags, summary: 'Results by rank, filterable by class, region and tier', params: idParams, querystring: resultsQuery, response: { 200: resultsResponse } } }, async (request) =>
    service.listRunResults(ctx, principalOf(request), request.params.id, request.query),
  );

  const exportRoute = (format: service.ExportFormat, type: string, summary: string) =>
    r.get(
      `/evaluation/runs/:id/export.${format}`,
      { preHandler: requirePermission('evaluation.export'), schema: { tags, summary, params: idParams } },
      async (request, reply) => {
        const result = await service.exportRun(ctx, request.params.id, format, pickLocale(request.headers['accept-language']), actorOf(request), opts(request));
        return reply.header('content-type', type).header('content-disposition', `attachment; filename="${result.filename}"`).send(result.body);
      },
    );
  exportRoute('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'The run as XLSX: ranking, scores of every node, indicator values, weights, sensitivity, statistics (audited)');
  exportRoute('pdf', 'application/pdf', 'The run as a PDF report: ranking, tier distribution, statistics by class and region; Chinese text in an embedded font (audited)');

  r.get(
    '/evaluation/runs/:id/results/:entity',
    {
      ...read,
      schema: { tags, summary: "One entity's result with the drill-down: indicator value → normalised score → weight → contribution, for every node", params: entityParams, response: { 200: entityResultResponse } },
    },
    async (request) => service.getEntityResult(ctx, principalOf(request), request.params.id, request.params.entity),
  );
}
