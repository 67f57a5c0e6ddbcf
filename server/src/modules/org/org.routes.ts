/** /departments, /divisions and /jurisdictions. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, principalOf, requestMeta, requirePermission } from '../identity/index.js';
import './org.policy.js';
import {
  createDepartment,
  getDepartment,
  getDepartmentTree,
  listDivisions,
  listPublicJurisdictions,
  moveDepartment,
  resolvePublicJurisdiction,
  renameDepartment,
  setDepartmentActive,
  type OrgContext,
} from './org.service.js';
import {
  createDepartmentBody,
  departmentResponse,
  divisionsQuery,
  divisionsResponse,
  idParams,
  jurisdictionsResponse,
  moveDepartmentBody,
  renameDepartmentBody,
  treeQuery,
  treeResponse,
} from './org.schema.js';

export function orgRoutes(app: FastifyInstance, ctx: OrgContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('department.read') };
  const manage = { preHandler: requirePermission('department.manage') };
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get(
    '/departments',
    { ...read, schema: { tags: ['organisation'], summary: 'The department tree within my scope, depth-first', querystring: treeQuery, response: { 200: treeResponse } } },
    async (request) => ({ items: await getDepartmentTree(ctx, principalOf(request), { includeInactive: request.query.includeInactive === 'true' }) }),
  );

  r.get('/departments/:id', { ...read, schema: { tags: ['organisation'], params: idParams, response: { 200: departmentResponse } } }, async (request) => ({
    department: await getDepartment(ctx, principalOf(request), request.params.id),
  }));

  r.post(
    '/departments',
    { ...manage, schema: { tags: ['organisation'], summary: 'Create a department', body: createDepartmentBody, response: { 201: departmentResponse } } },
    async (request, reply) => {
      const p = principalOf(request);
      const department = await createDepartment(ctx, { ...request.body, jurisdictionId: p.jurisdictionId }, actorOf(request), opts(request));
      return reply.status(201).send({ department });
    },
  );

  r.patch('/departments/:id', { ...manage, schema: { tags: ['organisation'], summary: 'Rename a department', params: idParams, body: renameDepartmentBody, response: { 200: departmentResponse } } }, async (request) => ({
    department: await renameDepartment(ctx, request.params.id, request.body, actorOf(request), opts(request)),
  }));

  r.post('/departments/:id/move', { ...manage, schema: { tags: ['organisation'], summary: 'Move a department (with its subtree) under another parent', params: idParams, body: moveDepartmentBody, response: { 200: departmentResponse } } }, async (request) => ({
    department: await moveDepartment(ctx, request.params.id, request.body, actorOf(request), opts(request)),
  }));

  r.post('/departments/:id/deactivate', { ...manage, schema: { tags: ['organisation'], params: idParams, response: { 200: departmentResponse } } }, async (request) => ({
    department: await setDepartmentActive(ctx, request.params.id, false, actorOf(request), opts(request)),
  }));

  r.post('/departments/:id/activate', { ...manage, schema: { tags: ['organisation'], params: idParams, response: { 200: departmentResponse } } }, async (request) => ({
    department: await setDepartmentActive(ctx, request.params.id, true, actorOf(request), opts(request)),
  }));

  // Public geography: the resident portal draws the city's map before anyone signs in.
  r.get(
    '/divisions',
    {
      schema: {
        tags: ['organisation'],
        summary: 'Administrative divisions (GB/T 2260) of a jurisdiction (public; signed-in callers get their own)',
        querystring: divisionsQuery,
        response: { 200: divisionsResponse },
      },
    },
    async (request) => {
      const jurisdictionId = await resolvePublicJurisdiction(ctx, request.principal, request.query.jurisdiction);
      return {
        jurisdictionId,
        items: await listDivisions(ctx, jurisdictionId, {
          level: request.query.level,
          parentCode: request.query.parentCode,
          withBoundary: request.query.withBoundary === 'true',
        }),
      };
    },
  );

  r.get(
    '/jurisdictions',
    { schema: { tags: ['organisation'], summary: 'Jurisdictions this server hosts (public: names and codes)', response: { 200: jurisdictionsResponse } } },
    async () => ({ items: await listPublicJurisdictions(ctx) }),
  );
}
