/** /auth/phone: residents ask for a one-time code and sign in with it; /auth/phone (GET) shows their masked number. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import { pickLocale } from '../../shared/i18n.js';
import { setSessionCookies } from './auth.routes.js';
import { csrfTokenFor, type LoginRateLimiter, type RateLimitPolicy } from './credentials.js';
import { loginResponse } from './identity.schema.js';
import { myPhone, phoneLogin, requestPhoneCode, type PhoneAuthDeps } from './phone-auth.service.js';
import { requestMeta, userPrincipalOf } from './principal.js';

/** Codes issued per client address: generous for a shared NAT, still bounded (SMS costs money). */
export const DEFAULT_PHONE_CODE_RATE: RateLimitPolicy = { attempts: 20, windowMs: 10 * 60_000, maxKeys: 10_000 };

// Loose on purpose: the service normalises and answers with its own message.
const phone = z.string().min(1).max(32);
const jurisdiction = z.string().min(1).max(100).optional();
export const phoneCodeBody = z.strictObject({ phone, jurisdiction });
export const phoneLoginBody = z.strictObject({ phone, code: z.string().min(1).max(16), jurisdiction });
const phoneCodeResponse = z.object({ sent: z.literal(true), expiresInSeconds: z.number(), resendAfterSeconds: z.number() });
const phoneLoginResponse = loginResponse.extend({ phone: z.string() });
const myPhoneResponse = z.object({ phone: z.string().nullable() });

export interface PhoneRouteDeps extends PhoneAuthDeps {
  /** Per-IP bound on issued codes. */
  codeLimiter: LoginRateLimiter;
  /** The sign-in limiter shared with password login: failed codes count like failed passwords. */
  loginLimiter: LoginRateLimiter;
}

export function phoneAuthRoutes(app: FastifyInstance, deps: PhoneRouteDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { ctx, codeLimiter, loginLimiter } = deps;
  const meta = (request: Parameters<typeof requestMeta>[0]) => ({ ...requestMeta(request), userAgent: request.headers['user-agent'] ?? null });

  r.post(
    '/auth/phone/code',
    {
      config: { skipCsrf: true },
      schema: { tags: ['auth'], summary: 'Send a one-time sign-in code to a mainland mobile number', body: phoneCodeBody, response: { 200: phoneCodeResponse } },
    },
    async (request) => {
      const wait = codeLimiter.retryAfter(request.ip);
      if (wait > 0) throw new AppError('rate_limited', 'phone.rate_limited', { retryAfterSeconds: wait }, { retryAfterSeconds: wait, scope: 'client' });
      const issued = await requestPhoneCode(deps, request.body, meta(request), pickLocale(request.headers['accept-language']));
      codeLimiter.fail(request.ip);
      return { sent: true as const, ...issued };
    },
  );

  r.post(
    '/auth/phone/login',
    {
      config: { skipCsrf: true },
      schema: { tags: ['auth'], summary: 'Sign in with a mobile number and its one-time code (creates the resident account on first use)', body: phoneLoginBody, response: { 200: phoneLoginResponse } },
    },
    async (request, reply) => {
      const wait = loginLimiter.retryAfter(request.ip);
      if (wait > 0) throw new AppError('rate_limited', 'auth.rate_limited', { retryAfterSeconds: wait });
      let result;
      try {
        result = await phoneLogin(deps, request.body, meta(request));
      } catch (err) {
        if (err instanceof AppError && err.code === 'phone.invalid_code') loginLimiter.fail(request.ip);
        throw err;
      }
      const csrfToken = csrfTokenFor(ctx.config.secretKey, result.sessionHash);
      setSessionCookies(request, reply, result.token, csrfToken, result.expiresAt);
      return { user: result.user, accessToken: result.token, csrfToken, expiresAt: result.expiresAt.toISOString(), phone: result.phoneMasked };
    },
  );

  r.get('/auth/phone', { schema: { tags: ['auth'], summary: 'My mobile number, masked (null when I have none)', response: { 200: myPhoneResponse } } }, async (request) => {
    const principal = userPrincipalOf(request);
    return { phone: await myPhone(ctx, principal.userId) };
  });
}
