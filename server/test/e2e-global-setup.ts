/**
 * Before the browser suites: build the web app once (under the build lock) and seed one demo data directory, which
 * every suite then copies instead of seeding its own (seeding the demo city takes half a minute; a copy of the
 * embedded database's directory takes a second). The directory starts from the migrated template (template.ts), so
 * PostGIS is not created again. Skipped when E2E_BASE_URL points at a running server.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config.js';
import { embeddedDataDir } from '../src/db/storage.js';
import { startServer } from '../src/server.js';
import { E2E_DEMO_PASSWORD, ensureWebBuild } from './e2e-support.js';
import { ensurePgliteTemplate } from './template.js';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eTemplateDir: string | null;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (process.env.E2E_BASE_URL) {
    project.provide('e2eTemplateDir', null);
    return () => {};
  }
  ensureWebBuild();
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-e2e-template-'));
  // The snapshot is a tar of the data directory. Unpacked with tar: PGlite's loadDataDir in this (vitest's main)
  // process kept it from exiting until the 30 s close timeout.
  mkdirSync(embeddedDataDir(dir));
  execFileSync('tar', ['-xf', await ensurePgliteTemplate(), '-C', embeddedDataDir(dir)], { stdio: ['ignore', 'ignore', 'ignore'] });
  const config = loadConfig({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DEMO_PASSWORD: E2E_DEMO_PASSWORD, WORKER: 'off' });
  const server = await startServer(config, { demo: true });
  await server.stop();
  project.provide('e2eTemplateDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
