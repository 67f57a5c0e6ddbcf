/**
 * Identity: users, roles with data scopes, sessions, API keys, and the per-request principal.
 *
 * For other modules:
 * - declare permissions in your `<module>.policy.ts` with `definePolicy({ 'thing.read': ['admin', …] })`;
 * - guard routes with `requirePermission('thing.read')` (or `requireAuth`), read the caller with
 *   `principalOf(request)`, check one object with `authorize(principal, permission, resource, 'thing.not_found')`
 *   and filter lists with `scopeCondition(effectiveScope(principal, permission), { jurisdiction: 'things.jurisdiction_id', … })`;
 * - audit with `actorOf(request)` and `requestMeta(request)`.
 * The CLI and the demo seed call the service functions (createUser, resetPassword, createApiKey, revokeApiKey).
 */
// These re-exports come first, before anything that imports other modules: audit (and others) import
// definePolicy/ROLES from here while identity itself is still loading (identity → audit → identity), and only
// exports bound before that cycle starts are usable at their module top level.
export { ROLES, STAFF_ROLES, isRole, type Role } from './roles.js';
export { definePolicy, declaredPermissions, rolesAllowed, apiKeyScopeAllows, type Policy, type PolicyRules } from './permissions.js';
export { maskPhone, normalisePhone, phoneLookup, sealPersonal, openPersonal } from './phone-crypto.js';
import type { AppContext } from '../../app-context.js';
import type { ApiModule } from '../../http/app.js';
import './identity.policy.js';
import { authRoutes } from './auth.routes.js';
import { DEFAULT_IDLE_MS, deleteEndedSessions, SESSION_SWEEP, type SessionPolicy } from './auth.service.js';
import { LoginRateLimiter } from './credentials.js';
import { RecordingNotifier, type Notifier } from '../messages/index.js';
import { DEFAULT_PHONE_CODE_POLICY, PHONE_CODE_SWEEP, PRUNE_PHONE_CODES, prunePhoneCodes, type PhoneCodePolicy } from './phone-auth.service.js';
import { DEFAULT_PHONE_CODE_RATE, phoneAuthRoutes } from './phone-auth.routes.js';
import { installPrincipalResolution } from './principal.js';
import { userRoutes } from './users.routes.js';

export {
  canOn,
  effectiveScope,
  grantCovers,
  hasPermission,
  hasRole,
  scopeIsEmpty,
  type ApiKeyPrincipal,
  type EffectiveScope,
  type Grant,
  type GrantScope,
  type Principal,
  type ScopedResource,
  type UserPrincipal,
} from './scope.js';
export { scopeCondition, escapeLike, type ScopeColumns } from './scope-sql.js';
export { authorize, authorizeAny } from './authorize.js';
export {
  actorOf,
  principalOf,
  requestMeta,
  requireAuth,
  requirePermission,
  userPrincipalOf,
  SESSION_COOKIE,
  CSRF_COOKIE,
  CSRF_HEADER,
} from './principal.js';
export {
  addGrant,
  createUser,
  createUserWithin,
  getUser,
  listUsers,
  resetPassword,
  revokeGrant,
  setUserStatus,
  updateUser,
  type CallOptions,
  type CreateUserInput,
  type GrantInput,
  type GrantScopeInput,
  type ResetPasswordInput,
  type ServiceContext,
} from './users.service.js';
export { createApiKey, listApiKeys, revokeApiKey, type CreateApiKeyInput, type CreatedApiKey } from './api-keys.service.js';
// For protocols that carry the key in the body (Open311 `api_key`), resolved outside the /api/v1 principal hook.
export { apiKeyPrincipal, SESSION_RETENTION_MS, SESSION_SWEEP } from './auth.service.js';
/** The session lookups' group commit (the benches compare with it off). */
export { sessionReader } from './identity.repo.js';
export { hashPassword } from './passwords.js';
export { LoginRateLimiter as RateLimiter, type RateLimitPolicy } from './credentials.js';
export { PHONE_CODE_SWEEP, PRUNE_PHONE_CODES, prunePhoneCodes, verifiedPhoneLookup } from './phone-auth.service.js';
export type { UserView, ApiKeyView, GrantView } from './identity.presenter.js';
export { identityPolicy } from './identity.policy.js';

export interface IdentityOptions {
  session?: Partial<SessionPolicy>;
  /** The per-IP sign-in limiter (tests pass a tighter one). */
  limiter?: LoginRateLimiter;
  /** How one-time sign-in codes leave the system (default: recorded in outbound_messages only). */
  notifier?: Notifier;
  phoneCode?: Partial<PhoneCodePolicy>;
  /** The per-IP bound on issued phone codes (tests pass a tighter one). */
  phoneCodeLimiter?: LoginRateLimiter;
}

export function createIdentityModule(ctx: AppContext, options: IdentityOptions = {}): ApiModule {
  const session: SessionPolicy = {
    ttlMs: ctx.config.sessionTtlMs,
    idleMs: Math.min(ctx.config.sessionTtlMs, DEFAULT_IDLE_MS),
    ...options.session,
  };
  const limiter = options.limiter ?? new LoginRateLimiter();
  // Guarded: tests build more than one identity module on one context.
  if (!ctx.handlers.hasSweep(SESSION_SWEEP)) {
    ctx.handlers.onSweep(SESSION_SWEEP, (db, now, limit) => deleteEndedSessions(db, session, now, limit));
  }
  if (!ctx.handlers.hasSweep(PHONE_CODE_SWEEP)) ctx.handlers.onSweep(PHONE_CODE_SWEEP, prunePhoneCodes);
  // For one release only: the sweep replaced this timer, but a database upgraded from the previous release may
  // still hold one (each code request scheduled the next hour's), and a job whose handler is not registered is
  // retried and then left failed. It runs the same prune as the sweep; remove it in the next release.
  if (!ctx.handlers.hasTimer(PRUNE_PHONE_CODES)) {
    ctx.handlers.onTimer(PRUNE_PHONE_CODES, async (_payload, job) => {
      await prunePhoneCodes(job.tx, new Date(), 10_000);
    });
  }
  return {
    routes(app) {
      // On the /api/v1 instance itself (not a child plugin), so the hook covers every module registered after us.
      installPrincipalResolution(app, ctx, session);
      authRoutes(app, { ctx, session, limiter });
      phoneAuthRoutes(app, {
        ctx,
        session,
        notifier: options.notifier ?? new RecordingNotifier(ctx.config.secretKey),
        policy: { ...DEFAULT_PHONE_CODE_POLICY, ...options.phoneCode },
        codeLimiter: options.phoneCodeLimiter ?? new LoginRateLimiter(DEFAULT_PHONE_CODE_RATE),
        loginLimiter: limiter,
      });
      userRoutes(app, ctx);
    },
  };
}
