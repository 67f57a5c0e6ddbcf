/**
 * Serves the built web app (web/dist) from the API server: the resident portal at `/`, the staff console at
 * `/console/` (every `/console/*` path answers with the console's index.html so the client-side router can
 * take over), the inspectors' patrol app at `/inspector/`, and the hashed assets under `/assets/` with a year-long
 * immutable cache.
 *
 * Only the top-level files that exist at start-up, the built assets and the SPA entries get routes — nothing is a
 * catch-all — so `/api/*`, `/healthz`, `/readyz`, `/metrics`, `/open311/*` and any unknown path keep the API's
 * JSON 404. The entries and `/assets/<name>` are looked up when asked for, not listed at start-up: after a rebuild
 * of the web app (new hashed names) a running server serves the new build at once instead of entries whose scripts
 * it has no route for (a blank page until a restart). Without a build the server still starts, logs how to build,
 * and `/` explains it.
 */
import { existsSync, readdirSync } from 'node:fs';
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
/** A built asset's file name: no separators, no leading dot. */
const ASSET_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

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

      // reply.sendFile only: the routes are below.
      await app.register(fastifyStatic, { root: dist, serve: false });
      const send = (file: string) => (_request: unknown, reply: FastifyReply) =>
        reply.header('cache-control', cacheControlFor(file)).sendFile(file, dist, { cacheControl: false });
      // The top-level files (favicon, …), one route each: their names do not change from build to build.
      for (const entry of readdirSync(dist, { withFileTypes: true })) {
        if (entry.isFile() && entry.name !== 'index.html' && !entry.name.startsWith('.')) app.get(`/${entry.name}`, { schema: { hide: true } }, send(entry.name));
      }
      // Any file of assets/ as it is now (a missing one, or a name that is not a plain file name: the API's 404).
      app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
        const { name } = request.params;
        return ASSET_NAME.test(name) ? send(`assets/${name}`)(request, reply) : reply.callNotFound();
      });

      const sendIndex = (file: string) => send(path.relative(dist, file));

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
