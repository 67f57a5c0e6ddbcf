/** /component-classes and /components: the class table and the inventory of city components (部件). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './grid.policy.js';
import {
  classesResponse,
  classResponse,
  componentCodeParams,
  componentDetailResponse,
  componentResponse,
  componentsQuery,
  componentsResponse,
  createClassBody,
  createComponentBody,
  seedResponse,
  statusBody,
} from './components.schema.js';
import {
  createComponent,
  createComponentClass,
  getComponent,
  listComponentClasses,
  listComponents,
  seedStandardComponentClasses,
  setComponentStatus,
  type ComponentContext,
} from './components.service.js';

export function componentRoutes(app: FastifyInstance, ctx: ComponentContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('component.read') };
  const manage = { preHandler: requirePermission('component.manage') };
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get('/component-classes', { ...read, schema: { tags: ['components'], summary: 'The component class table (classes and subclasses)', response: { 200: classesResponse } } }, async (request) => ({
    items: await listComponentClasses(ctx, principalOf(request)),
  }));

  r.post(
    '/component-classes',
    { ...manage, schema: { tags: ['components'], summary: 'Add a local class or subclass (e.g. 21xx)', body: createClassBody, response: { 201: classResponse } } },
    async (request, reply) => reply.status(201).send({ class: await createComponentClass(ctx, principalOf(request), request.body, actorOf(request), opts(request)) }),
  );

  r.post(
    '/component-classes/standard',
    { ...manage, schema: { tags: ['components'], summary: 'Add the standard classes missing from this jurisdiction (idempotent)', response: { 200: seedResponse } } },
    async (request) => ({ added: await seedStandardComponentClasses(ctx, principalOf(request).jurisdictionId, actorOf(request), opts(request)) }),
  );

  r.get('/components', { ...read, schema: { tags: ['components'], summary: 'Components within my scope, by code (keyset paging with `after`)', querystring: componentsQuery, response: { 200: componentsResponse } } }, async (request) => {
    const q = request.query;
    return listComponents(ctx, principalOf(request), { classCode: q.classCode, gridPrefix: q.gridCode, status: q.status, after: q.after, limit: q.limit });
  });

  r.post(
    '/components',
    { ...manage, schema: { tags: ['components'], summary: 'Record a component; its 16-digit code is assigned from the grid at its location', body: createComponentBody, response: { 201: componentResponse } } },
    async (request, reply) => reply.status(201).send({ component: await createComponent(ctx, principalOf(request), request.body, actorOf(request), opts(request)) }),
  );

  r.get('/components/:code', { ...read, schema: { tags: ['components'], params: componentCodeParams, response: { 200: componentDetailResponse } } }, async (request) => ({
    component: await getComponent(ctx, principalOf(request), request.params.code),
  }));

  r.post(
    '/components/:code/status',
    { preHandler: requirePermission('component.report'), schema: { tags: ['components'], summary: 'Report a component normal, damaged, missing or under repair', params: componentCodeParams, body: statusBody, response: { 200: componentResponse } } },
    async (request) => ({ component: await setComponentStatus(ctx, principalOf(request), request.params.code, request.body, actorOf(request), opts(request)) }),
  );
}
