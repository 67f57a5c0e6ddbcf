/**
 * Serves the built web app (web/dist) from the API server: the resident portal at `/`, the staff console at
 * `/console/` (every `/console/*` path answers with the console's index.html so the client-side router can
 * take over), the inspectors' patrol app at `/inspector/`, and the hashed assets under `/assets/` with a year-long
 * immutable cache.
 *
 * Only the files that exist at start-up and these two SPA entries get routes — nothing is a catch-all — so
 * `/api/*`, `/healthz`, `/readyz`, `/metrics`, `/open311/*` and any unknown path keep the API's JSON 404.
 * Without a build the server still starts, logs how to build, and `/` explains it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { ApiModule } from '../../http/app.js';

export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../web/dist');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const SHORT = 'public, max-age=3600';

/** Cache policy by path: content-hashed assets forever, HTML always revalidated, the rest for an hour. */
export function cacheControlFor(file: string): string {
  const rel = file.split(path.sep).join('/');
  if (rel.endsWith('.html')) return REVALIDATE;
  if (/(^|\/)assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(rel)) return IMMUTABLE;
  return SHORT;
}

export interface WebModuleOptions {
  /** Where the built web app is (default: web/dist of this repository). */
  distDir?: string;
}

export function createWebModule(ctx: { log: Logger }, options: WebModuleOptions = {}): ApiModule {
  const dist = options.distDir ?? DEFAULT_WEB_DIST;
  return {
    async root(app: FastifyInstance) {
      const residentIndex = path.join(dist, 'index.html');
      const consoleIndex = path.join(dist, 'console', 'index.html');
      if (!existsSync(residentIndex) || !existsSync(consoleIndex)) {
        ctx.log.warn({ dist }, 'web app not built: run `npm run build -w web` (npm start does it) to serve it here');
        app.get('/', { schema: { hide: true } }, async (_request, reply) =>
          reply
            .status(503)
            .type('text/plain; charset=utf-8')
            .header('cache-control', 'no-store')
            .send('CivicGrid: the web app is not built yet. Run `npm run build -w web`, then reload.\n'),
        );
        return;
      }

      await app.register(fastifyStatic, {
        root: dist,
        prefix: '/',
        // One route per built file instead of a catch-all, so unknown paths stay the API's 404.
        wildcard: false,
        index: false,
        cacheControl: false,
        setHeaders: (res, file) => res.setHeader('cache-control', cacheControlFor(path.relative(dist, file))),
      });

      const sendIndex = (file: string) => async (_request: unknown, reply: FastifyReply) =>
        reply.header('cache-control', REVALIDATE).sendFile(path.relative(dist, file), dist, { cacheControl: false });

      app.get('/', { schema: { hide: true } }, sendIndex(residentIndex));
      app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/', 301));
      app.get('/console/', { schema: { hide: true } }, sendIndex(consoleIndex));
      app.get('/console/*', { schema: { hide: true } }, sendIndex(consoleIndex));
      // The inspectors' patrol app (its pages are behind the hash, so one route serves them all).
      const inspectorIndex = path.join(dist, 'inspector', 'index.html');
      if (existsSync(inspectorIndex)) {
        app.get('/inspector', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/inspector/', 301));
        app.get('/inspector/', { schema: { hide: true } }, sendIndex(inspectorIndex));
      }
    },
  };
}
