/** Health, readiness and metrics endpoints (outside /api/v1; no authentication, no personal data). */
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { migrationStatus } from '../../db/migrate.js';
import type { HttpMetrics } from '../../http/metrics.js';
import { registerJobMetrics } from '../events/index.js';

export async function systemRoutes(app: FastifyInstance, ctx: AppContext, metrics: HttpMetrics): Promise<void> {
  registerJobMetrics(metrics.registry, ctx.db);

  app.get('/healthz', { schema: { hide: true } }, async () => ({
    status: 'ok',
    storage: ctx.storage.kind,
    uptimeSeconds: Math.round(process.uptime()),
  }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const result: Record<string, unknown> = { storage: ctx.storage.kind };
    try {
      await sql`SELECT 1`.execute(ctx.db);
      result.database = 'ok';
      const status = await migrationStatus(ctx.db);
      result.migrations = {
        applied: status.applied.length,
        pending: status.pending,
        problems: status.problems,
      };
      const ready = status.pending.length === 0 && status.problems.length === 0;
      result.status = ready ? 'ready' : 'not_ready';
      return reply.status(ready ? 200 : 503).send(result);
    } catch (err) {
      result.database = 'unreachable';
      result.status = 'not_ready';
      result.error = (err as Error).message;
      return reply.status(503).send(result);
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
