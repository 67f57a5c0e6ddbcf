/** Request and response shapes for the identity endpoints (Zod; also the OpenAPI description). */
import { z } from 'zod';
import { uuid } from '../../http/schema-parts.js';
import { check } from '../../http/validation-messages.js';
import { USERNAME } from '@civicgrid/contracts/identity';
import { ROLES } from './roles.js';

export const idParams = z.strictObject({ id: uuid });
export const grantParams = z.strictObject({ id: uuid, grantId: uuid });

const username = z.string().regex(USERNAME, check('username'));
const displayName = z.string().trim().min(1).max(100);
// Length rules are checked by the password policy, with their own messages; this only bounds the input.
const password = z.string().min(1).max(1024);

export const grantScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('jurisdiction') }),
  z.strictObject({ kind: z.literal('department'), departmentId: uuid }),
  z.strictObject({ kind: z.literal('grids'), gridCodes: z.array(z.string().max(20)).min(1).max(500) }),
  z.strictObject({ kind: z.literal('self') }),
]);

export const grantInputSchema = z.strictObject({ role: z.enum(ROLES), scope: grantScopeSchema });

export const grantViewSchema = z.object({
  id: z.string(),
  role: z.string(),
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('jurisdiction') }),
    z.object({ kind: z.literal('department'), departmentId: z.string() }),
    z.object({ kind: z.literal('grids'), gridCodes: z.array(z.string()) }),
    z.object({ kind: z.literal('self') }),
  ]),
});

export const userViewSchema = z.object({
  id: z.string(),
  jurisdictionId: z.string(),
  username: z.string(),
  displayName: z.string(),
  department: z.object({ id: z.string(), code: z.string(), nameZh: z.string(), nameEn: z.string() }).nullable(),
  status: z.enum(['active', 'disabled']),
  mustChangePassword: z.boolean(),
  locked: z.boolean(),
  grants: z.array(grantViewSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const loginBody = z.strictObject({ username: z.string().min(1).max(200), password });
export const loginResponse = z.object({
  user: userViewSchema,
  accessToken: z.string(),
  csrfToken: z.string(),
  expiresAt: z.string(),
});
export const meResponse = z.object({
  user: userViewSchema,
  permissions: z.array(z.string()),
  csrfToken: z.string().nullable(),
});
export const permissionsResponse = z.object({ permissions: z.record(z.string(), z.array(z.string())) });
export const changePasswordBody = z.strictObject({ currentPassword: password, newPassword: password });
export const userResponse = z.object({ user: userViewSchema });

export const listUsersQuery = z.strictObject({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  q: z.string().trim().min(1).max(100).optional(),
  departmentId: uuid.optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export const listUsersResponse = z.object({
  items: z.array(userViewSchema),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const createUserBody = z.strictObject({
  username,
  displayName,
  password,
  departmentId: uuid.nullish(),
  grants: z.array(grantInputSchema).max(20).default([]),
  mustChangePassword: z.boolean().default(true),
});
export const updateUserBody = z.strictObject({ displayName: displayName.optional(), departmentId: uuid.nullable().optional() });
export const resetPasswordBody = z.strictObject({ newPassword: password, mustChange: z.boolean().default(true) });

export const apiKeyViewSchema = z.object({
  id: z.string(),
  jurisdictionId: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const createApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.string().max(100)).min(1).max(100),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export const createdApiKeyResponse = z.object({ id: z.string(), key: z.string(), prefix: z.string(), apiKey: apiKeyViewSchema });
export const listApiKeysQuery = z.strictObject({ includeRevoked: z.enum(['true', 'false']).default('false') });
export const apiKeyListResponse = z.object({ items: z.array(apiKeyViewSchema) });
export const apiKeyResponse = z.object({ apiKey: apiKeyViewSchema });
