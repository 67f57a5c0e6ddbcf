import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type Storage } from '../src/db/storage.js';
import { readCatalog } from '../src/ops/catalog.js';
import { backup, restore } from '../src/ops/backup.js';
import { AppError } from '../src/shared/errors.js';
import { auditChainProblem, seedBackupFixture, tableDigests } from './backup-fixture.js';
import { createPostgresDatabase, createTestStorage, testStorageKind } from './db.js';
import { ensurePgliteTemplate } from './template.js';

let dir: string;
let source: Storage;
let file: string;
let tables: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'civicgrid-backup-'));
  source = await createTestStorage();
  await seedBackupFixture(source.db);
  tables = (await readCatalog(source.db)).tables.map((t) => t.name);
  file = path.join(dir, 'city.backup.gz');
  await backup(source.db, source.kind, file);
});
afterAll(async () => {
  await source?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function expectAppError(promise: Promise<unknown>, code: string) {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

async function expectSameAsSource(target: Storage) {
  expect(await tableDigests(target.db, tables)).toEqual(await tableDigests(source.db, tables));
  const audit = await auditChainProblem(target.db);
  expect(audit.count).toBe(3);
  expect(audit.problem).toBeNull();
  // Sequences continue after the restored ids instead of colliding with them.
  const next = await sql<{ id: number }>`INSERT INTO events (name) VALUES ('after.restore') RETURNING id`.execute(target.db);
  const max = await sql<{ m: number }>`SELECT max(id) AS m FROM events WHERE name <> 'after.restore'`.execute(target.db);
  expect(Number(next.rows[0]!.id)).toBeGreaterThan(Number(max.rows[0]!.m));
}

describe(`backup and restore (${testStorageKind})`, () => {
  it('writes a gzip JSON-lines file with a header, every table and a trailer', () => {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ format: 'civicgrid-backup', version: 1, storage: source.kind });
    expect(lines[0].migrations.length).toBeGreaterThanOrEqual(5);
    expect(lines[0].tables).not.toContain('spatial_ref_sys');
    expect(lines[0].tables).not.toContain('schema_migrations');
    // Referenced tables come first.
    expect(lines[0].tables.indexOf('jurisdictions')).toBeLessThan(lines[0].tables.indexOf('users'));
    expect(lines[0].tables.indexOf('events')).toBeLessThan(lines[0].tables.indexOf('jobs'));
    expect(lines.at(-1)).toMatchObject({ trailer: true, tables: { events: 2501, audit_log: 3 } });
  });

  it('restores into an empty database with the same rows, a valid audit chain and live sequences', async () => {
    const target = await createTestStorage();
    try {
      const summary = await restore(target.db, file);
      expect(summary.tables.departments).toBe(2);
      await expectSameAsSource(target);
      // The self-reference was made deferrable only for the restore.
      const fk = await sql<{ d: boolean }>`SELECT condeferrable AS d FROM pg_constraint
        WHERE conrelid = 'departments'::regclass AND contype = 'f' AND confrelid = 'departments'::regclass`.execute(target.db);
      expect(fk.rows[0]!.d).toBe(false);
      // A second restore into the now non-empty database is refused and changes nothing.
      const before = await tableDigests(target.db, tables);
      const err = await expectAppError(restore(target.db, file), 'ops.restore_not_empty');
      expect(err.kind).toBe('conflict');
      expect(await tableDigests(target.db, tables)).toEqual(before);
    } finally {
      await target.close();
    }
  });

  it('refuses a truncated file and leaves the database empty', async () => {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const cut = path.join(dir, 'cut.backup.gz');
    writeFileSync(cut, gzipSync(lines.slice(0, Math.floor(lines.length / 2)).join('\n')));
    const target = await createTestStorage();
    try {
      await expectAppError(restore(target.db, cut), 'ops.backup_bad_file');
      const n = await sql<{ n: string }>`SELECT count(*)::text AS n FROM jurisdictions`.execute(target.db);
      expect(n.rows[0]!.n).toBe('0');
    } finally {
      await target.close();
    }
  });

  it('refuses a backup made with a different migration set', async () => {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const header = JSON.parse(lines[0]!);
    header.migrations.push({ version: '9999', checksum: 'x' });
    lines[0] = JSON.stringify(header);
    const other = path.join(dir, 'other.backup.gz');
    writeFileSync(other, gzipSync(lines.join('\n')));
    const target = await createTestStorage();
    try {
      const err = await expectAppError(restore(target.db, other), 'ops.restore_migrations_differ');
      expect(err.params.backup).toContain('9999');
    } finally {
      await target.close();
    }
  });

  it('refuses a file that is not a backup', async () => {
    const junk = path.join(dir, 'junk.gz');
    writeFileSync(junk, gzipSync('{"hello": 1}\n'));
    const target = await createTestStorage();
    try {
      await expectAppError(restore(target.db, junk), 'ops.backup_bad_file');
    } finally {
      await target.close();
    }
  });
});

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl) {
  process.stderr.write('backup-restore: PGlite↔PostgreSQL tests skipped: TEST_DATABASE_URL is not set\n');
}

describe.skipIf(!pgUrl)('backup and restore across storage kinds', () => {
  const emptyPostgres = (): Promise<Storage> => createPostgresDatabase(pgUrl!, { prefix: 'civicgrid_restore', max: 2 });

  async function migratedPglite(): Promise<Storage> {
    return openPglite({ loadDataDir: new Blob([readFileSync(await ensurePgliteTemplate())]) });
  }

  it('moves a city from one kind to the other (restore migrates a brand-new database first)', async () => {
    // Source is whatever this run uses (PostgreSQL here); round-trip through the other kind and back.
    const other = source.kind === 'postgres' ? await migratedPglite() : await emptyPostgres();
    try {
      const summary = await restore(other.db, file);
      if (other.kind === 'postgres') expect(summary.migrated.length).toBeGreaterThanOrEqual(5);
      await expectSameAsSource(other);
      // And back: a backup taken on the other kind restores onto a fresh database of the original kind.
      await sql`DELETE FROM events WHERE name = 'after.restore'`.execute(other.db);
      const back = path.join(dir, 'back.backup.gz');
      await backup(other.db, other.kind, back);
      const again = source.kind === 'postgres' ? await emptyPostgres() : await migratedPglite();
      try {
        await restore(again.db, back);
        await expectSameAsSource(again);
      } finally {
        await again.close();
      }
    } finally {
      await other.close();
    }
  });
});
