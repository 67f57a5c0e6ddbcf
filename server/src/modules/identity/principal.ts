/**
 * Who is calling — resolved once per request by one onRequest hook on the /api/v1 scope (identity is the
 * first module, so every route registered after it, by any module, gets `request.principal`).
 *
 * Credentials, in this order: an API key (`X-Api-Key`, or `Authorization: Bearer cgk_…`), a session token as
 * `Authorization: Bearer`, the `cg_session` cookie. Bad or expired credentials leave the request anonymous;
 * routes that need a principal answer 401 through requireAuth/requirePermission.
 *
 * Cookie-authenticated writes need `X-CSRF-Token` (HMAC of the session), checked here for every route, so no
 * module can forget it. Bearer and API key requests carry no ambient authority and need no CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Actor, RequestMeta } from '../../shared/actor.js';
import { AppError, forbidden, unauthenticated } from '../../shared/errors.js';
import { API_KEY_PREFIX, csrfTokenFor, safeEqual } from './credentials.js';
import { apiKeyPrincipal, sessionPrincipal, type SessionPolicy } from './auth.service.js';
import { isDeclaredPermission } from './permissions.js';
import { hasPermission, type Principal, type UserPrincipal } from './scope.js';
import type { ServiceContext } from './users.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Set on routes that must accept a cookie-carrying write without a CSRF token (sign-in only). */
    skipCsrf?: boolean;
  }
}

export const SESSION_COOKIE = 'cg_session';
export const CSRF_COOKIE = 'cg_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function installPrincipalResolution(
  app: FastifyInstance,
  ctx: ServiceContext & { config: { secretKey: string } },
  policy: SessionPolicy,
): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    request.principal = null;
    const headerKey = request.headers['x-api-key'];
    const authorization = request.headers.authorization;
    const bearer = typeof authorization === 'string' && /^bearer /i.test(authorization) ? authorization.slice(7).trim() : null;
    if (typeof headerKey === 'string' && headerKey) {
      request.principal = await apiKeyPrincipal(ctx, headerKey.trim());
      return;
    }
    if (bearer) {
      request.principal = bearer.startsWith(API_KEY_PREFIX)
        ? await apiKeyPrincipal(ctx, bearer)
        : await sessionPrincipal(ctx, bearer, 'bearer', policy);
      return;
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return;
    const principal = await sessionPrincipal(ctx, cookie, 'cookie', policy);
    if (!principal) return;
    if (UNSAFE.has(request.method) && !request.routeOptions.config?.skipCsrf) {
      const given = request.headers[CSRF_HEADER];
      const expected = csrfTokenFor(ctx.config.secretKey, principal.sessionHash);
      if (typeof given !== 'string' || !safeEqual(given, expected)) throw forbidden('auth.csrf');
    }
    request.principal = principal;
  });
}

/** The caller, or 401. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

/** The caller when it is a signed-in user (not an API key), or 401/403. */
export function userPrincipalOf(request: FastifyRequest): UserPrincipal {
  const p = principalOf(request);
  if (p.kind !== 'user') throw forbidden('auth.user_required');
  return p;
}

export const requireAuth: preHandlerAsyncHookHandler = async (request: FastifyRequest, _reply: FastifyReply) => {
  principalOf(request);
};

/**
 * 401 without a principal, 403 when none of the caller's roles (or API key scopes) allows `permission`.
 * Which objects it may be used on is decided later, with the object in hand (authorize / scope filters).
 */
export function requirePermission(permission: string): preHandlerAsyncHookHandler {
  if (!isDeclaredPermission(permission)) {
    throw new Error(`requirePermission('${permission}'): no policy declares this permission`);
  }
  return async (request: FastifyRequest) => {
    const p = principalOf(request);
    // A temporary password (set by an administrator) only lets its holder sign in, see who they are and choose
    // a new one (requireAuth routes); everything that needs a permission waits until then.
    if (p.kind === 'user' && p.mustChangePassword) throw new AppError('forbidden', 'auth.password_change_required');
    if (!hasPermission(p, permission)) throw new AppError('forbidden', 'auth.forbidden');
  };
}

export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  if (!p) return { kind: 'anonymous', id: null, name: null, jurisdictionId: null };
  if (p.kind === 'api_key') return { kind: 'api_key', id: p.keyId, name: p.name, jurisdictionId: p.jurisdictionId };
  return { kind: 'user', id: p.userId, name: p.username, jurisdictionId: p.jurisdictionId };
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip ?? null, requestId: request.id };
}
