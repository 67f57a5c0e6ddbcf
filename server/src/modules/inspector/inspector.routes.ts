/** /inspector/grids, /inspector/tasks, /inspector/tasks/:id/result and /inspector/reports (the patrol app's API). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import { badRequest } from '../../shared/errors.js';
import type { Caller } from '../work-orders/index.js';
import './inspector.policy.js';
import { gridsResponse, idParams, reportBody, reportResponse, resultBody, resultResponse, tasksResponse } from './inspector.schema.js';
import { completeTask, listTasks, myGrids, reportProblem, type InspectorContext } from './inspector.service.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,200}$/;

/** Results and reports must carry the key the device fixed when the inspector acted (its offline queue relies on it). */
function idempotencyKey(request: FastifyRequest): string {
  const raw = request.headers['idempotency-key'];
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) throw badRequest('inspector.idempotency_key_required');
  return raw;
}

export function inspectorRoutes(app: FastifyInstance, ctx: InspectorContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const patrol = { preHandler: requirePermission('inspector.patrol') };
  const tags = ['inspector'];
  const caller = (request: FastifyRequest): Caller => ({ principal: request.principal ?? null, audit: actorOf(request), request: requestMeta(request) });

  r.get(
    '/inspector/grids',
    { ...patrol, schema: { tags, summary: 'The grids I am responsible for, with their outlines (GeoJSON)', response: { 200: gridsResponse } } },
    async (request) => myGrids(ctx, principalOf(request)),
  );

  r.get(
    '/inspector/tasks',
    {
      ...patrol,
      schema: {
        tags,
        summary: 'My 核实 and 核查 tasks: open ones first (soonest deadline first, overdue flagged), then what I did in the last day',
        response: { 200: tasksResponse },
      },
    },
    async (request) => listTasks(ctx, principalOf(request)),
  );

  r.post(
    '/inspector/tasks/:id/result',
    {
      ...patrol,
      schema: {
        tags,
        summary: 'Complete the task on an order on site (photos, position). Idempotency-Key required: a retry gets the first answer.',
        params: idParams,
        body: resultBody,
        response: { 200: resultResponse, 201: resultResponse },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const out = await completeTask(
        ctx,
        caller(request),
        { workOrderId: request.params.id, version: b.version, outcome: b.outcome, note: b.note ?? null, photoIds: b.photoIds, position: b.position ?? null, ...(b.actedAt ? { actedAt: new Date(b.actedAt) } : {}) },
        idempotencyKey(request),
      );
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(out.replayed ? 200 : 201).send(out);
    },
  );

  r.post(
    '/inspector/reports',
    {
      ...patrol,
      schema: {
        tags,
        summary: 'Report a problem found on patrol (photo, position, category): 立案 at once in my grids. Idempotency-Key required.',
        body: reportBody,
        response: { 200: reportResponse, 201: reportResponse },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const out = await reportProblem(
        ctx,
        caller(request),
        {
          requestType: b.requestType,
          categoryCode: b.categoryCode ?? null,
          title: b.title ?? null,
          description: b.description,
          location: b.location,
          address: b.address ?? null,
          ...(b.urgency ? { urgency: b.urgency } : {}),
          photoIds: b.photoIds,
          ...(b.actedAt ? { actedAt: new Date(b.actedAt) } : {}),
        },
        idempotencyKey(request),
      );
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(out.replayed ? 200 : 201).send(out);
    },
  );
}
