/**
 * Applies the numbered plain-SQL migrations in server/migrations, in order, all pending ones in one
 * transaction: a failing migration stops start-up with the file name and the database error, and leaves the
 * database exactly as it was. An applied migration whose file changed afterwards is refused (checksum).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

export interface MigrationFile {
  version: string;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration?: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const seen = new Set<string>();
  return files.map((file) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new MigrationError(`Migration file name ${file} must look like 0001_name.sql`, file);
    const [, version, name] = match as unknown as [string, string, string];
    if (seen.has(version)) throw new MigrationError(`Two migrations share number ${version}`, file);
    seen.add(version);
    const text = readFileSync(path.join(dir, file), 'utf8');
    return { version, name, file, sql: text, checksum: createHash('sha256').update(text).digest('hex') };
  });
}

async function ensureTable(db: Kysely<Database>): Promise<void> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`.execute(db);
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Applied versions whose file no longer matches, or that have no file (database newer than code). */
  problems: string[];
}

export async function migrationStatus(db: Kysely<Database>, files = readMigrations()): Promise<MigrationStatus> {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('public.schema_migrations')::text AS t`.execute(db);
  const rows = exists.rows[0]?.t
    ? await db.selectFrom('schema_migrations').select(['version', 'checksum']).orderBy('version').execute()
    : [];
  const applied = new Map(rows.map((r) => [r.version, r.checksum]));
  const problems: string[] = [];
  for (const [version, checksum] of applied) {
    const file = files.find((f) => f.version === version);
    if (!file) problems.push(`migration ${version} is applied but missing from this build (database is newer)`);
    else if (file.checksum !== checksum) problems.push(`migration ${file.file} was changed after it was applied`);
  }
  return {
    applied: [...applied.keys()],
    pending: files.filter((f) => !applied.has(f.version)).map((f) => f.file),
    problems,
  };
}

/** Applies what is pending; returns the files applied. Safe to call from several processes at once. */
export async function migrate(db: Kysely<Database>, files = readMigrations()): Promise<string[]> {
  return db.transaction().execute(async (tx) => {
    // Serialise concurrent migrators (several server processes starting together on PostgreSQL).
    await sql`SELECT pg_advisory_xact_lock(7243001)`.execute(tx);
    await ensureTable(tx);
    const status = await migrationStatus(tx, files);
    if (status.problems.length > 0) throw new MigrationError(status.problems.join('; '));
    const pending = files.filter((f) => status.pending.includes(f.file));
    for (const m of pending) {
      try {
        await sql.raw(m.sql).execute(tx);
      } catch (err) {
        throw new MigrationError(
          `Migration ${m.file} failed: ${(err as Error).message}. No migration was applied; the database is unchanged.`,
          m.file,
          err,
        );
      }
      await tx
        .insertInto('schema_migrations')
        .values({ version: m.version, name: m.name, checksum: m.checksum })
        .execute();
    }
    return pending.map((m) => m.file);
  });
}
