/** POST /work-orders/classify (category suggestion for intake) and GET /work-orders/classifier/models (metrics). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app-context.js';
import { principalOf, requirePermission } from '../identity/index.js';
import './classifier.policy.js';
import { classifyBody, classifyResponse, modelsResponse } from './classifier.schema.js';
import { listClassifierModels, registerRetrainTimer, scheduleRetrains, suggestCategory } from './classifier.service.js';

export function classifierRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  registerRetrainTimer(ctx);
  // Once the server is ready: keep the weekly retrain scheduled for jurisdictions with a model (idempotent on restart).
  app.addHook('onReady', async () => {
    try {
      await scheduleRetrains(ctx);
    } catch (err) {
      ctx.log.warn({ err }, 'could not schedule the weekly classifier retrain');
    }
  });

  r.post(
    '/work-orders/classify',
    {
      preHandler: requirePermission('work_order.classify'),
      schema: { tags: ['work-orders'], summary: "Suggest a category for an order's text from the jurisdiction's active model", body: classifyBody, response: { 200: classifyResponse } },
    },
    async (request) => ({ suggestion: await suggestCategory(ctx, principalOf(request).jurisdictionId, request.body.text) }),
  );

  r.get(
    '/work-orders/classifier/models',
    { preHandler: requirePermission('work_order.classifier_read'), schema: { tags: ['work-orders'], summary: 'Stored classifier models with their held-out metrics, newest first', response: { 200: modelsResponse } } },
    async (request) => ({ items: await listClassifierModels(ctx, principalOf(request).jurisdictionId) }),
  );
}
