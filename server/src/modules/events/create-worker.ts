import type { AppContext } from '../../app-context.js';
import { JobWorker, type WorkerOptions } from './worker.js';

/**
 * The worker a server process runs, sized for its storage: PGlite has one connection, so one job at a time;
 * on PostgreSQL a few jobs at once, well inside the connection pool.
 */
export function createWorker(ctx: AppContext, overrides: Partial<WorkerOptions> = {}): JobWorker {
  return new JobWorker({
    db: ctx.db,
    handlers: ctx.handlers,
    log: ctx.log.child({ module: 'events' }),
    outbox: ctx.outbox,
    concurrency: ctx.storage.kind === 'pglite' ? 1 : 4,
    exclusive: ctx.storage.kind === 'pglite',
    ...overrides,
  });
}
