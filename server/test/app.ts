/** Builds a full app on a fresh test database, for route-level integration tests; or a bare context on the demo city. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { AppContext } from '../src/app-context.js';
import { loadConfig, type Config } from '../src/config.js';
import type { Storage } from '../src/db/storage.js';
import { buildApp } from '../src/http/app.js';
import { createContext } from '../src/context.js';
import { seedDemo } from '../src/modules/demo/index.js';
import { createModules } from '../src/modules/registry.js';
import { createTestStorage } from './db.js';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  storage: Storage;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ SECRET_KEY: 'test-secret-key-test-secret-key-0123456789', DATA_DIR: '/tmp/civicgrid-test-unused', LOG_LEVEL: 'silent' }),
    ...overrides,
  };
}

export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const storage = await createTestStorage();
  const config = testConfig({ storageKind: storage.kind, ...overrides });
  const ctx = createContext(config, storage);
  const app = await buildApp(ctx, createModules(ctx));
  await app.ready();
  return {
    app,
    ctx,
    storage,
    close: async () => {
      await app.close();
      await storage.close();
    },
  };
}

export const TEST_DEMO_PASSWORD = 'Demo-Password-1';

/**
 * A context (no HTTP) on a fresh test database with the demo city seeded before the file's tests (beforeAll, up to
 * 5 minutes) and closed after them, for the suites that read what the demo made. Read `ctx` in hooks and tests.
 */
export function useTestDemo(): { readonly ctx: AppContext } {
  let storage: Storage | undefined;
  let ctx: AppContext | undefined;
  beforeAll(async () => {
    storage = await createTestStorage();
    ctx = createContext(testConfig({ storageKind: storage.kind }), storage);
    await seedDemo(ctx, { password: TEST_DEMO_PASSWORD });
  }, 300_000);
  afterAll(async () => {
    await storage?.close();
  });
  return {
    get ctx() {
      if (!ctx) throw new Error('useTestDemo: the demo is read before beforeAll seeded it (or seeding failed)');
      return ctx;
    },
  };
}
