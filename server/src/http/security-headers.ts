/**
 * Security headers (Content-Security-Policy, X-Content-Type-Options, Strict-Transport-Security, …) as `helmet`
 * defines them, worked out ONCE when the app is built and set on every reply by one synchronous hook.
 *
 * Our options are static (no per-request nonces, no directive functions), so every reply gets the same headers.
 * @fastify/helmet, which this replaces, built helmet's middleware chain again — options merged, CSP directives
 * parsed and validated — on every request, in two hooks of which one async: ≈ 2 % of a work-order create's CPU.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** The headers helmet's middleware sets for these options (names in lower case). */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown = null;
  // The middleware calls only setHeader/removeHeader on the response, synchronously, and reads nothing of the request
  // when no directive is a function (HelmetOptions' directive functions take (req, res); ours are strings).
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) failure = err;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}

/** Sets the headers on every reply (a route that needs another CSP, e.g. the API docs, overrides it later). */
export function installSecurityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
