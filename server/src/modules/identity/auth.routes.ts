/** /auth: sign in, sign out, who am I, change my password. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../shared/errors.js';
import { changePassword, currentUser, login, logout, type SessionPolicy } from './auth.service.js';
import { csrfTokenFor, type LoginRateLimiter } from './credentials.js';
import { changePasswordBody, loginBody, loginResponse, meResponse, permissionsResponse, userResponse } from './identity.schema.js';
import { declaredPermissions } from './permissions.js';
import { actorOf, CSRF_COOKIE, principalOf, requestMeta, SESSION_COOKIE, userPrincipalOf } from './principal.js';
import { hasPermission } from './scope.js';
import type { ServiceContext } from './users.service.js';

export interface AuthRouteDeps {
  ctx: ServiceContext & { config: { secretKey: string } };
  session: SessionPolicy;
  limiter: LoginRateLimiter;
}

export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, token: string, csrf: string, expires: Date): void {
  const secure = request.protocol === 'https';
  void reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires });
  // Readable by the web app's script, which echoes it in X-CSRF-Token; useless to a cross-site page.
  void reply.setCookie(CSRF_COOKIE, csrf, { path: '/', httpOnly: false, sameSite: 'lax', secure, expires });
}

function clearSessionCookies(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  void reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

export function authRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { ctx, session, limiter } = deps;

  const throttle = (ip: string) => {
    const wait = limiter.retryAfter(ip);
    if (wait > 0) throw new AppError('rate_limited', 'auth.rate_limited', { retryAfterSeconds: wait });
  };
  const countingFailures = async <T>(ip: string, attempt: () => Promise<T>): Promise<T> => {
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof AppError && (err.code === 'auth.invalid_credentials' || err.code === 'auth.current_password_wrong')) limiter.fail(ip);
      throw err;
    }
  };

  r.post(
    '/auth/login',
    {
      config: { skipCsrf: true },
      schema: { tags: ['auth'], summary: 'Sign in with username and password', body: loginBody, response: { 200: loginResponse } },
    },
    async (request, reply) => {
      throttle(request.ip);
      const result = await countingFailures(request.ip, () =>
        login(ctx, request.body, { ...requestMeta(request), userAgent: request.headers['user-agent'] ?? null }, session),
      );
      const csrfToken = csrfTokenFor(ctx.config.secretKey, result.sessionHash);
      setSessionCookies(request, reply, result.token, csrfToken, result.expiresAt);
      return { user: result.user, accessToken: result.token, csrfToken, expiresAt: result.expiresAt.toISOString() };
    },
  );

  r.post('/auth/logout', { schema: { tags: ['auth'], summary: 'End the current session' } }, async (request, reply) => {
    const principal = userPrincipalOf(request);
    await logout(ctx, principal, actorOf(request), requestMeta(request));
    clearSessionCookies(reply);
    return reply.status(204).send();
  });

  r.get('/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user and their permissions', response: { 200: meResponse } } }, async (request) => {
    const principal = userPrincipalOf(request);
    const user = await currentUser(ctx, principal);
    const permissions = Object.keys(declaredPermissions()).filter((p) => hasPermission(principal, p));
    const csrfToken = principal.via === 'cookie' ? csrfTokenFor(ctx.config.secretKey, principal.sessionHash) : null;
    return { user, permissions, csrfToken };
  });

  r.get(
    '/auth/permissions',
    { schema: { tags: ['auth'], summary: 'Every declared permission and the roles allowed it (for admin screens and API key scopes)', response: { 200: permissionsResponse } } },
    async (request) => {
      principalOf(request);
      return { permissions: declaredPermissions() as Record<string, string[]> };
    },
  );

  r.post(
    '/auth/password',
    { schema: { tags: ['auth'], summary: 'Change my password (ends my other sessions)', body: changePasswordBody, response: { 200: userResponse } } },
    async (request) => {
      const principal = userPrincipalOf(request);
      // Guessing the current password through this endpoint is throttled like sign-in.
      throttle(request.ip);
      const user = await countingFailures(request.ip, () => changePassword(ctx, principal, request.body, actorOf(request), requestMeta(request)));
      return { user };
    },
  );
}
