/**
 * Starting and stopping a server process: open storage, migrate, optionally seed the demo city, build the
 * HTTP app, start the background worker, listen; on SIGTERM/SIGINT stop accepting, finish in-flight requests,
 * flush due background work, close the database.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.js';
import type { Config } from './config.js';
import { migrate } from './db/migrate.js';
import { openStorage } from './db/storage.js';
import { buildApp } from './http/app.js';
import { createContext } from './context.js';
import { createLogger } from './logger.js';
import { createModules } from './modules/registry.js';
import { seedDemo, type SeedResult } from './modules/demo/index.js';
import { startAuditChainer } from './modules/audit/index.js';
import { createWorker } from './modules/events/index.js';
import { restartPolls } from './modules/federation/index.js';
import { startAdminChannel, type AdminChannel } from './ops/admin-channel.js';
import { COMMANDS } from './ops/commands.js';

/** How long shutdown keeps running due background jobs before it stops the worker (they stay queued). */
const SHUTDOWN_DRAIN_MS = 5_000;
/** How long shutdown waits for requests in flight before it closes their connections. */
const SHUTDOWN_HTTP_MS = 15_000;

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  /** Set when started with the demo: the demo accounts (passwords: DEMO_PASSWORD). */
  demo?: SeedResult;
  stop(): Promise<void>;
}

/**
 * Migrates and, for the demo, seeds. On the embedded database, when that changed anything, the database is closed
 * and opened again: WASM memory never shrinks, so the one-off cost of creating PostGIS and seeding the city would
 * otherwise stay resident for the life of the process (about 200 MB).
 */
async function prepareStorage(config: Config, options: { demo?: boolean }, log: Logger) {
  let storage = await openStorage(config);
  try {
    const applied = await migrate(storage.db);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    let demo: SeedResult | undefined;
    if (options.demo) {
      const setupCtx = createContext(config, storage, log);
      // Modules register their event subscribers when created, so events the seed publishes reach them.
      createModules(setupCtx);
      demo = await seedDemo(setupCtx, { password: config.demoPassword });
      if (demo.seeded) log.info({ jurisdiction: demo.jurisdictionId }, 'demo city seeded');
    }
    if (storage.kind === 'pglite' && (applied.length > 0 || demo?.seeded)) {
      await storage.close();
      storage = await openStorage(config);
    }
    return { storage, demo };
  } catch (err) {
    await storage.close();
    throw err;
  }
}

export async function startServer(config: Config, options: { demo?: boolean } = {}): Promise<RunningServer> {
  const log = createLogger(config);
  const { storage, demo } = await prepareStorage(config, options, log);
  const ctx = createContext(config, storage, log);
  let channel: AdminChannel | undefined;
  try {
    const app = await buildApp(ctx, createModules(ctx));
    // The embedded database is ours alone; the CLI reaches it through this channel while we run.
    if (storage.kind === 'pglite') channel = await startAdminChannel(ctx, COMMANDS);
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    if (demo) {
      log.info(
        { url, jurisdiction: demo.jurisdictionId, accounts: demo.accounts.map((a) => `${a.username} (${a.scope})`) },
        `CivicGrid demo at ${url} — sign in as ${demo.accounts.map((a) => a.username).join(', ')} with the DEMO_PASSWORD password`,
      );
    }
    // Federation's poll chains, one per active peer with open transfers (keyed by peer: never a second chain).
    await restartPolls(ctx).catch((err: unknown) => log.warn({ err }, 'could not re-start the federation polls'));
    const worker = config.workerEnabled ? createWorker(ctx) : undefined;
    worker?.start();
    // Links the audit entries that requests and jobs write into the hash chain, a moment after they commit.
    const chainer = startAuditChainer(ctx.db, log);
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        log.info('shutting down: no new connections, finishing in-flight requests');
        await channel?.close();
        // close() ends idle keep-alive connections once, when it starts; a connection whose request was in flight
        // then becomes idle afterwards and would hold close() open until the client hangs up. Sweep those until
        // close() returns, and cut everything after a bound.
        const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
        const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_HTTP_MS);
        try {
          await app.close();
        } finally {
          clearInterval(sweep);
          clearTimeout(cut);
        }
        log.debug('HTTP closed');
        if (worker) {
          const drained = await worker.drain(SHUTDOWN_DRAIN_MS);
          if (!drained.complete) log.warn({ ran: drained.ran }, 'due jobs remain; the next start runs them');
          await worker.stop();
        }
        await chainer.stop();
        await storage.close();
        log.info('stopped');
      })());
    return { app, ctx, url, ...(demo ? { demo } : {}), stop };
  } catch (err) {
    await channel?.close();
    await storage.close();
    throw err;
  }
}
