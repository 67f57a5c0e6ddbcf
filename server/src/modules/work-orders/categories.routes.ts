/** /work-order-categories (staff, administrators edit) and /public/work-order-categories (the resident portal). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './categories.policy.js';
import {
  categoriesQuery,
  categoriesResponse,
  categoryCodeParams,
  categoryResponse,
  createCategoryBody,
  publicCategoriesQuery,
  publicCategoriesResponse,
  seedCategoriesResponse,
  updateCategoryBody,
  updateCategoryResponse,
} from './categories.schema.js';
import { addStandardCategories, createCategory, deleteCategory, listCategories, listPublicCategories, updateCategory, type CategoryContext } from './categories.service.js';

export function categoryRoutes(app: FastifyInstance, ctx: CategoryContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('work_order_category.read') };
  const manage = { preHandler: requirePermission('work_order_category.manage') };
  const tags = ['work-order-categories'];
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get(
    '/work-order-categories',
    { ...read, schema: { tags, summary: 'The category tree of my jurisdiction: flat (each with its parent) or nested', querystring: categoriesQuery, response: { 200: categoriesResponse } } },
    async (request) => listCategories(ctx, principalOf(request), { view: request.query.view, includeInactive: request.query.includeInactive === 'true' }),
  );

  r.get(
    '/public/work-order-categories',
    {
      schema: {
        tags,
        summary: 'Active categories for residents (public; signed-in callers get their own jurisdiction)',
        querystring: publicCategoriesQuery,
        response: { 200: publicCategoriesResponse },
      },
    },
    async (request) => listPublicCategories(ctx, request.principal ?? null, request.query.jurisdiction),
  );

  r.post(
    '/work-order-categories',
    { ...manage, schema: { tags, summary: 'Add a local category (its parent is the code without the last segment)', body: createCategoryBody, response: { 201: categoryResponse } } },
    async (request, reply) => reply.status(201).send({ category: await createCategory(ctx, principalOf(request), request.body, actorOf(request), opts(request)) }),
  );

  r.post(
    '/work-order-categories/standard',
    { ...manage, schema: { tags, summary: 'Add the standard categories missing from this jurisdiction (idempotent)', response: { 200: seedCategoriesResponse } } },
    async (request) => ({ added: await addStandardCategories(ctx, principalOf(request), principalOf(request).jurisdictionId, actorOf(request), opts(request)) }),
  );

  r.patch(
    '/work-order-categories/:code',
    { ...manage, schema: { tags, summary: 'Rename, reorder, deactivate (with includeChildren for a subtree) or reactivate a category', params: categoryCodeParams, body: updateCategoryBody, response: { 200: updateCategoryResponse } } },
    async (request) => updateCategory(ctx, principalOf(request), request.params.code, request.body, actorOf(request), opts(request)),
  );

  r.delete(
    '/work-order-categories/:code',
    { ...manage, schema: { tags, summary: 'Delete an unused category (one in use is deactivated instead)', params: categoryCodeParams } },
    async (request, reply) => {
      await deleteCategory(ctx, principalOf(request), request.params.code, actorOf(request), opts(request));
      return reply.status(204).send();
    },
  );
}
