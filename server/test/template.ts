/**
 * Migrated template databases for tests. Creating PostGIS inside PGlite takes ~10 s, so the global setup
 * migrates once and every test file starts from a copy: a dumpDataDir() snapshot for PGlite, or
 * CREATE DATABASE … TEMPLATE for PostgreSQL (TEST_DATABASE_URL). Templates are keyed by a hash of the
 * migrations, so a changed migration builds a fresh one.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { migrate, readMigrations } from '../src/db/migrate.js';
import { openPglite } from '../src/db/storage.js';

export const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.cache');

export function migrationsHash(): string {
  const h = createHash('sha256');
  for (const m of readMigrations()) h.update(m.file).update(m.checksum);
  return h.digest('hex').slice(0, 12);
}

export function pgliteTemplatePath(): string {
  return path.join(CACHE_DIR, `pglite-template-${migrationsHash()}.tar`);
}

export function postgresTemplateName(): string {
  return `civicgrid_tpl_${migrationsHash()}`;
}

export async function ensurePgliteTemplate(): Promise<string> {
  const file = pgliteTemplatePath();
  if (existsSync(file)) return file;
  mkdirSync(CACHE_DIR, { recursive: true });
  const storage = await openPglite();
  try {
    await migrate(storage.db);
    const blob = await storage.pglite!.dumpDataDir('none');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.from(await blob.arrayBuffer()));
    renameSync(tmp, file);
  } finally {
    await storage.close();
  }
  return file;
}

/** Returns a connection URL to `dbName` on the same server as `url`. */
export function withDatabase(url: string, dbName: string): string {
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export async function ensurePostgresTemplate(url: string): Promise<string> {
  const name = postgresTemplateName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    // One setup at a time per server (CI may run suites back to back).
    await admin.query('SELECT pg_advisory_lock(7243002)');
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}_build"`);
      const { openPostgres } = await import('../src/db/storage.js');
      const storage = await openPostgres(withDatabase(url, `${name}_build`), { max: 2 });
      try {
        await migrate(storage.db);
      } finally {
        await storage.close();
      }
      await admin.query(`ALTER DATABASE "${name}_build" RENAME TO "${name}"`);
      await admin.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true`);
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7243002)');
    await admin.end();
  }
  return name;
}

/**
 * PostGIS as the tests load it: the package's bundle without the raster and topology libraries. PGlite compiles
 * every library of a bundle each time it starts (about a second for these two, per test file); the schema only
 * creates the postgis extension, whose library and files are the package's own. Built once beside the templates,
 * keyed by the package bundle's size and time, so a reinstalled package builds it again.
 */
const UNUSED_POSTGIS_LIBRARIES = ['lib/postgresql/postgis_raster-3.so', 'lib/postgresql/postgis_topology-3.so'];

function packagePostgisBundle(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite-postgis')), 'postgis.tar.gz');
}

export function postgisTestBundlePath(): string {
  const st = statSync(packagePostgisBundle());
  return path.join(CACHE_DIR, `postgis-core-${st.size}-${Math.trunc(st.mtimeMs)}.tar.gz`);
}

/** The trimmed bundle's URL, built first when missing (GNU tar and gzip, as on the Debian CI machine). */
export function ensurePostgisTestBundle(): URL {
  const file = postgisTestBundlePath();
  if (!existsSync(file)) {
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    execFileSync('sh', ['-c', 'gzip -dc "$0" | tar --delete -f - "$@" | gzip -1 > "$TMP"', packagePostgisBundle(), ...UNUSED_POSTGIS_LIBRARIES], {
      env: { ...process.env, TMP: tmp },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    renameSync(tmp, file);
  }
  return pathToFileURL(file);
}
