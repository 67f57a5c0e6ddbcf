/**
 * A fresh, migrated database per test file — PGlite from the snapshot by default, or a new PostgreSQL
 * database copied from the template when TEST_DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { openPglite, openPostgres, type Storage } from '../src/db/storage.js';
import { ensurePostgisTestBundle, pgliteTemplatePath, postgresTemplateName, withDatabase } from './template.js';

export const testStorageKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** One statement on the server at `url` over its own connection (CREATE / DROP DATABASE). */
export async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/**
 * A throwaway database on the PostgreSQL server at `url` — empty, or copied from `template` — dropped again
 * when the returned storage is closed.
 */
export async function createPostgresDatabase(
  url: string,
  options: { prefix?: string; template?: string; max?: number } = {},
): Promise<Storage> {
  const name = `${options.prefix ?? 'civicgrid_test'}_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE "${name}"${options.template ? ` TEMPLATE "${options.template}"` : ''}`);
  const storage = await openPostgres(withDatabase(url, name), { max: options.max ?? 5 });
  return {
    ...storage,
    close: async () => {
      await storage.close();
      await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export async function createTestStorage(): Promise<Storage> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const blob = new Blob([readFileSync(pgliteTemplatePath())]);
    return openPglite({ loadDataDir: blob, postgisBundle: ensurePostgisTestBundle() });
  }
  return createPostgresDatabase(url, { template: postgresTemplateName() });
}
