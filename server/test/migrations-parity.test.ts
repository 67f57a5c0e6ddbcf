/**
 * The same migrations must produce the same schema on PGlite and on PostgreSQL; a failing migration must
 * leave the database unchanged and name its file; src/db/schema.ts must describe the migrated tables.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../src/app-context.js';
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from '../src/db/migrate.js';
import { openPglite, type Storage } from '../src/db/storage.js';
import { createPostgresDatabase } from './db.js';
import { ensurePgliteTemplate } from './template.js';

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl) process.stderr.write('migrations-parity: PostgreSQL side skipped: TEST_DATABASE_URL is not set\n');

/** Our tables: public, not owned by an extension (PostGIS versions differ between the two and may differ). */
const OUR_TABLES = sql`
  SELECT c.oid FROM pg_class c
  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

/** A normalised, sorted description of everything the migrations create. */
async function schemaDump(db: Db): Promise<Record<string, string[]>> {
  const lines = async (q: ReturnType<typeof sql<{ line: string }>>) => (await q.execute(db)).rows.map((r) => r.line).sort();
  return {
    columns: await lines(sql<{ line: string }>`
      SELECT concat_ws(' | ', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
             CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END, pg_get_expr(d.adbin, d.adrelid), a.attgenerated) AS line
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE c.oid IN (${OUR_TABLES}) AND a.attnum > 0 AND NOT a.attisdropped`),
    constraints: await lines(sql<{ line: string }>`
      SELECT concat_ws(' | ', c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)) AS line
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      -- Newer servers (PGlite's) also list NOT NULL as constraints ('n'); the columns dump covers nullability.
      WHERE c.oid IN (${OUR_TABLES}) AND con.contype <> 'n'`),
    indexes: await lines(sql<{ line: string }>`
      SELECT concat_ws(' | ', i.tablename, i.indexname, i.indexdef) AS line FROM pg_indexes i
      JOIN pg_class c ON c.relname = i.tablename AND c.relnamespace = 'public'::regnamespace
      WHERE i.schemaname = 'public' AND c.oid IN (${OUR_TABLES})`),
    triggers: await lines(sql<{ line: string }>`
      SELECT pg_get_triggerdef(t.oid) AS line FROM pg_trigger t
      WHERE NOT t.tgisinternal AND t.tgrelid IN (${OUR_TABLES})`),
    functions: await lines(sql<{ line: string }>`
      SELECT concat_ws(' | ', p.proname, pg_get_function_identity_arguments(p.oid), md5(p.prosrc)) AS line
      FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')`),
    sequences: await lines(sql<{ line: string }>`
      SELECT concat_ws(' | ', sequencename, data_type, start_value, increment_by) AS line
      FROM pg_sequences WHERE schemaname = 'public'`),
    extensions: await lines(sql<{ line: string }>`SELECT extname AS line FROM pg_extension`),
  };
}

const freshPostgres = (): Promise<Storage> => createPostgresDatabase(pgUrl!, { prefix: 'civicgrid_parity', max: 2 });

/** A copy of the migrations plus one that creates a table and then fails. */
function brokenMigrationsDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'civicgrid-migrations-'));
  for (const m of readMigrations()) copyFileSync(path.join(MIGRATIONS_DIR, m.file), path.join(dir, m.file));
  writeFileSync(
    path.join(dir, '9999_broken.sql'),
    'CREATE TABLE parity_should_not_exist (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
  );
  return dir;
}

let pglite: Storage;
beforeAll(async () => {
  // The template is exactly `migrate()` from an empty PGlite (test/template.ts).
  pglite = await openPglite({ loadDataDir: new Blob([readFileSync(await ensurePgliteTemplate())]) });
});
afterAll(async () => {
  await pglite?.close();
});

describe('schema parity', () => {
  it.skipIf(!pgUrl)('migrations reach the same schema on PGlite and PostgreSQL', async () => {
    const postgres = await freshPostgres();
    try {
      const applied = await migrate(postgres.db);
      expect(applied).toEqual(readMigrations().map((m) => m.file));
      const [a, b] = [await schemaDump(pglite.db), await schemaDump(postgres.db)];
      for (const key of Object.keys(a)) expect({ [key]: b[key] }).toEqual({ [key]: a[key] });
    } finally {
      await postgres.close();
    }
  });

  it('src/db/schema.ts lists exactly the migrated tables and columns', async () => {
    const file = path.resolve(MIGRATIONS_DIR, '../src/db/schema.ts');
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const interfaces = new Map<string, string[]>();
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node)) {
        interfaces.set(
          node.name.text,
          node.members.filter(ts.isPropertySignature).map((m) => (m.name as ts.Identifier).text),
        );
      }
    });
    const database = new Map<string, string>();
    source.forEachChild((node) => {
      if (ts.isInterfaceDeclaration(node) && node.name.text === 'Database') {
        for (const m of node.members.filter(ts.isPropertySignature)) {
          database.set((m.name as ts.Identifier).text, (m.type as ts.TypeReferenceNode).typeName.getText());
        }
      }
    });
    const declared = Object.fromEntries(
      [...database].map(([table, iface]) => [table, [...(interfaces.get(iface) ?? [])].sort()]),
    );
    const { rows } = await sql<{ table: string; columns: string[] }>`
      SELECT c.relname AS "table", array_agg(a.attname::text ORDER BY a.attname) AS columns
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE c.oid IN (${OUR_TABLES}) GROUP BY c.relname`.execute(pglite.db);
    const migrated = Object.fromEntries(rows.map((r) => [r.table, [...r.columns].sort()]));
    expect(declared).toEqual(migrated);
  });
});

describe('a failing migration', () => {
  it('stops with the file name and leaves a migrated database unchanged (PGlite)', async () => {
    const dir = brokenMigrationsDir();
    try {
      const before = await schemaDump(pglite.db);
      const err = await migrate(pglite.db, readMigrations(dir)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MigrationError);
      expect((err as MigrationError).message).toContain('9999_broken.sql');
      expect((err as MigrationError).migration).toBe('9999_broken.sql');
      expect(await schemaDump(pglite.db)).toEqual(before);
      const t = await sql<{ t: string | null }>`SELECT to_regclass('parity_should_not_exist')::text AS t`.execute(pglite.db);
      expect(t.rows[0]!.t).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pgUrl)('leaves an empty PostgreSQL database empty', async () => {
    const dir = brokenMigrationsDir();
    const postgres = await freshPostgres();
    try {
      const err = await migrate(postgres.db, readMigrations(dir)).catch((e: unknown) => e);
      expect((err as MigrationError).migration).toBe('9999_broken.sql');
      const { rows } = await sql<{ n: string }>`
        SELECT count(*)::text AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`.execute(postgres.db);
      expect(rows[0]!.n).toBe('0');
      const ext = await sql<{ n: string }>`SELECT count(*)::text AS n FROM pg_extension WHERE extname = 'postgis'`.execute(postgres.db);
      expect(ext.rows[0]!.n).toBe('0');
    } finally {
      await postgres.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
