/**
 * API keys for external systems. The key is returned once, at creation; we keep its SHA-256 (the secret is
 * 256 random bits, so a fast hash is safe) and the prefix that finds the row.
 */
import { recordAudit } from '../audit/index.js';
import { noRequest, type Actor } from '../../shared/actor.js';
import { badRequest, forbidden, notFound } from '../../shared/errors.js';
import { authorizeAny } from './authorize.js';
import { newApiKey, sha256 } from './credentials.js';
import * as repo from './identity.repo.js';
import { presentApiKey, type ApiKeyView } from './identity.presenter.js';
import { API_KEY_SCOPE } from './permissions.js';
import type { Principal } from './scope.js';
import { UUID, type CallOptions, type ServiceContext } from './users.service.js';

export interface CreateApiKeyInput {
  jurisdictionId: string;
  name: string;
  /** Permission names ('open311.write') or areas ('open311.*'). */
  scopes: string[];
  expiresAt?: Date | null;
}

export interface CreatedApiKey {
  id: string;
  /** The full key — shown this once, never stored. */
  key: string;
  prefix: string;
  apiKey: ApiKeyView;
}

export async function createApiKey(
  ctx: ServiceContext,
  input: CreateApiKeyInput,
  actor: Actor,
  opts: CallOptions = {},
): Promise<CreatedApiKey> {
  const principal = opts.principal ?? null;
  authorizeAny(principal, 'apikey.manage');
  if (principal && principal.jurisdictionId !== input.jurisdictionId) throw forbidden('auth.out_of_scope');
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw badRequest('apikey.name_invalid');
  const bad = input.scopes.filter((s) => !API_KEY_SCOPE.test(s));
  if (bad.length > 0) throw badRequest('apikey.scope_invalid', { scopes: bad.join(', ') });
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badRequest('apikey.expiry_past');
  const { key, prefix } = newApiKey();
  const scopes = [...new Set(input.scopes)].sort();
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await repo.jurisdictionExists(tx, input.jurisdictionId))) {
      throw badRequest('user.jurisdiction_not_found', { jurisdiction: input.jurisdictionId });
    }
    const row = await repo.insertApiKey(tx, {
      jurisdictionId: input.jurisdictionId,
      name,
      prefix,
      keyHash: sha256(key),
      scopes,
      createdBy: actor.kind === 'user' ? actor.id : null,
      expiresAt: input.expiresAt ?? null,
    });
    const details = { name, prefix, scopes, expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null };
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'apikey.create', jurisdictionId: input.jurisdictionId, objectType: 'api_key', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'apikey.created', jurisdictionId: input.jurisdictionId, payload: { apiKeyId: row.id, ...details } });
    return { id: row.id, key, prefix, apiKey: presentApiKey(row) };
  });
}

export async function listApiKeys(
  ctx: ServiceContext,
  principal: Principal,
  options: { includeRevoked?: boolean } = {},
): Promise<ApiKeyView[]> {
  authorizeAny(principal, 'apikey.read');
  const rows = await repo.listApiKeys(ctx.db, principal.jurisdictionId, options.includeRevoked ?? false);
  return rows.map(presentApiKey);
}

/** Revokes by id or by prefix. Revoking an already revoked key is a no-op that still answers the key. */
export async function revokeApiKey(
  ctx: ServiceContext,
  input: { idOrPrefix: string; jurisdictionId?: string },
  actor: Actor,
  opts: CallOptions = {},
): Promise<ApiKeyView> {
  const principal = opts.principal ?? null;
  authorizeAny(principal, 'apikey.manage');
  const ref = input.idOrPrefix.trim().replace(/^cgk_/, '').replace(/_.*$/, '');
  return ctx.db.transaction().execute(async (tx) => {
    const row = UUID.test(input.idOrPrefix) ? await repo.findApiKeyById(tx, input.idOrPrefix) : await repo.findApiKeyByPrefix(tx, ref);
    const jurisdiction = principal?.jurisdictionId ?? input.jurisdictionId;
    // Another jurisdiction's key does not exist as far as this caller is concerned.
    if (!row || (jurisdiction && row.jurisdiction_id !== jurisdiction)) throw notFound('apikey.not_found');
    if (await repo.markApiKeyRevoked(tx, row.id)) {
      await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'apikey.revoke', jurisdictionId: row.jurisdiction_id, objectType: 'api_key', objectId: row.id, details: { name: row.name, prefix: row.prefix } });
      await ctx.outbox.publish(tx, { name: 'apikey.revoked', jurisdictionId: row.jurisdiction_id, payload: { apiKeyId: row.id, prefix: row.prefix } });
    }
    const after = await repo.findApiKeyById(tx, row.id);
    return presentApiKey(after!);
  });
}
