/** Builds a full app on a fresh test database, for route-level integration tests. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../src/app-context.js';
import { loadConfig, type Config } from '../src/config.js';
import type { Storage } from '../src/db/storage.js';
import { buildApp } from '../src/http/app.js';
import { createContext } from '../src/context.js';
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
