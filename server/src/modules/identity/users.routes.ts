/** /users and /api-keys: administration within the caller's scope. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.js';
import {
  apiKeyListResponse,
  apiKeyResponse,
  createApiKeyBody,
  createdApiKeyResponse,
  createUserBody,
  grantInputSchema,
  grantParams,
  idParams,
  listApiKeysQuery,
  listUsersQuery,
  listUsersResponse,
  resetPasswordBody,
  updateUserBody,
  userResponse,
} from './identity.schema.js';
import './identity.policy.js';
import { actorOf, principalOf, requestMeta, requirePermission } from './principal.js';
import { addGrant, createUser, getUser, listUsers, resetPassword, revokeGrant, setUserStatus, updateUser, type ServiceContext } from './users.service.js';

export function userRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { preHandler: requirePermission('user.read') };
  const manage = { preHandler: requirePermission('user.manage') };
  const opts = (request: Parameters<typeof principalOf>[0]) => ({ principal: principalOf(request), request: requestMeta(request) });

  r.get('/users', { ...read, schema: { tags: ['users'], summary: 'Users in my scope', querystring: listUsersQuery, response: { 200: listUsersResponse } } }, async (request) =>
    listUsers(ctx, principalOf(request), request.query),
  );

  r.get('/users/:id', { ...read, schema: { tags: ['users'], params: idParams, response: { 200: userResponse } } }, async (request) => ({
    user: await getUser(ctx, principalOf(request), request.params.id),
  }));

  r.post('/users', { ...manage, schema: { tags: ['users'], summary: 'Create a user', body: createUserBody, response: { 201: userResponse } } }, async (request, reply) => {
    const p = principalOf(request);
    const b = request.body;
    const user = await createUser(
      ctx,
      { jurisdictionId: p.jurisdictionId, username: b.username, displayName: b.displayName, password: b.password, departmentId: b.departmentId ?? null, grants: b.grants, mustChangePassword: b.mustChangePassword },
      actorOf(request),
      opts(request),
    );
    return reply.status(201).send({ user });
  });

  r.patch('/users/:id', { ...manage, schema: { tags: ['users'], params: idParams, body: updateUserBody, response: { 200: userResponse } } }, async (request) => ({
    user: await updateUser(ctx, request.params.id, request.body, actorOf(request), opts(request)),
  }));

  r.post('/users/:id/disable', { ...manage, schema: { tags: ['users'], params: idParams, response: { 200: userResponse } } }, async (request) => ({
    user: await setUserStatus(ctx, request.params.id, 'disabled', actorOf(request), opts(request)),
  }));

  r.post('/users/:id/enable', { ...manage, schema: { tags: ['users'], params: idParams, response: { 200: userResponse } } }, async (request) => ({
    user: await setUserStatus(ctx, request.params.id, 'active', actorOf(request), opts(request)),
  }));

  r.post('/users/:id/password', { ...manage, schema: { tags: ['users'], summary: 'Reset a user’s password', params: idParams, body: resetPasswordBody, response: { 200: userResponse } } }, async (request) => ({
    user: await resetPassword(ctx, { userId: request.params.id, newPassword: request.body.newPassword, mustChange: request.body.mustChange }, actorOf(request), opts(request)),
  }));

  r.post('/users/:id/grants', { ...manage, schema: { tags: ['users'], params: idParams, body: grantInputSchema, response: { 200: userResponse } } }, async (request) => ({
    user: await addGrant(ctx, request.params.id, request.body, actorOf(request), opts(request)),
  }));

  r.delete('/users/:id/grants/:grantId', { ...manage, schema: { tags: ['users'], params: grantParams, response: { 200: userResponse } } }, async (request) => ({
    user: await revokeGrant(ctx, request.params.id, request.params.grantId, actorOf(request), opts(request)),
  }));

  r.get('/api-keys', { preHandler: requirePermission('apikey.read'), schema: { tags: ['api-keys'], querystring: listApiKeysQuery, response: { 200: apiKeyListResponse } } }, async (request) => ({
    items: await listApiKeys(ctx, principalOf(request), { includeRevoked: request.query.includeRevoked === 'true' }),
  }));

  r.post(
    '/api-keys',
    { preHandler: requirePermission('apikey.manage'), schema: { tags: ['api-keys'], summary: 'Create an API key (the key is shown once)', body: createApiKeyBody, response: { 201: createdApiKeyResponse } } },
    async (request, reply) => {
      const p = principalOf(request);
      const b = request.body;
      const created = await createApiKey(ctx, { jurisdictionId: p.jurisdictionId, name: b.name, scopes: b.scopes, expiresAt: b.expiresAt ? new Date(b.expiresAt) : null }, actorOf(request), opts(request));
      return reply.status(201).send(created);
    },
  );

  r.delete('/api-keys/:id', { preHandler: requirePermission('apikey.manage'), schema: { tags: ['api-keys'], params: idParams, response: { 200: apiKeyResponse } } }, async (request) => ({
    apiKey: await revokeApiKey(ctx, { idOrPrefix: request.params.id }, actorOf(request), opts(request)),
  }));
}
