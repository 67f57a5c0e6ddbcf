import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The suites again against a PostgreSQL server (`npm run test:db -w server` with TEST_DATABASE_URL): only the files
 * that can reach it — those that open the test storage (createTestApp, createTestStorage, useTestDemo, …) or read
 * TEST_DATABASE_URL. The others (pure functions; CLI and server processes run on the embedded database) would only
 * repeat the embedded pass.
 */
const REACHES_SERVER = /\b(TEST_DATABASE_URL|createTestApp|createTestStorage|useTestDemo|createPostgresDatabase|testStorageKind)\b/;

const here = path.dirname(new URL(import.meta.url).pathname);
const files = ['src', 'test']
  .flatMap((dir) => readdirSync(path.join(here, dir), { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)))
  .filter((f) => f.endsWith('.test.ts') && !path.basename(f).startsWith('e2e-'))
  .filter((f) => REACHES_SERVER.test(readFileSync(path.join(here, f), 'utf8')));

export default defineConfig({ ...base, test: { ...base.test, include: files } });
