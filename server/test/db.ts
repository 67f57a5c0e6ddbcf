/**
 * A fresh, migrated database per test file — PGlite from the snapshot by default, or a new PostgreSQL
 * database copied from the template when TEST_DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { openPglite, openPostgres, type Storage } from '../src/db/storage.js';
import { pgliteTemplatePath, postgresTemplateName, withDatabase } from './template.js';

export const testStorageKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

export async function createTestStorage(): Promise<Storage> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const blob = new Blob([readFileSync(pgliteTemplatePath())]);
    return openPglite({ loadDataDir: blob });
  }
  const name = `civicgrid_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${postgresTemplateName()}"`);
  } finally {
    await admin.end();
  }
  const storage = await openPostgres(withDatabase(url, name), { max: 5 });
  return {
    ...storage,
    close: async () => {
      await storage.close();
      const again = new pg.Client({ connectionString: url });
      await again.connect();
      try {
        await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}
