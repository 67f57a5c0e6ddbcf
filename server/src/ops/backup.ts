/**
 * Logical backup and restore, the same on PGlite and PostgreSQL (so a backup moves a city between them).
 *
 * File: gzip'd JSON lines. A header (format, migrations, storage kind, table order), then per table a
 * `table` line, one `r` line per row and an `end` line with the row count, then the sequences, then a
 * trailer — a file cut short is detected and refused. Every column is read as `col::text` and written back
 * as `$n::text::<declared type>`: the text form round-trips every PostgreSQL type exactly (geometry as
 * EWKB hex, jsonb, arrays, timestamptz with its offset) given the fixed session settings below.
 *
 * Backup reads inside one REPEATABLE READ transaction (one consistent snapshot), page by page in primary-key
 * order (keyset pagination), so memory stays bounded whatever the table size. On PGlite this holds the single
 * backend for the duration: a running server's requests wait until the backup finishes.
 *
 * Restore runs in one transaction: it refuses a database that has any row or a different migration set,
 * inserts tables in foreign-key order (references first), checks self-referencing and cyclic foreign keys at
 * the end of the transaction, and sets every sequence.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../app-context.js';
import { migrate, migrationStatus, readMigrations } from '../db/migrate.js';
import type { StorageKind } from '../db/storage.js';
import { AppError } from '../shared/errors.js';
import { dependencyOrder, ident, readCatalog, type Catalog, type CatalogTable } from './catalog.js';

export const BACKUP_FORMAT = 'civicgrid-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  storage: StorageKind;
  migrations: Array<{ version: string; checksum: string }>;
  tables: string[];
}

export interface BackupSummary {
  file: string;
  tables: Record<string, number>;
  sequences: number;
  /** Photo blobs written (when a blob reader was given) and those the store no longer had. */
  blobs: number;
  missingBlobs: number;
}

/** Where photo blobs come from and go to (work-orders' attachmentBlobs over the configured store). */
export interface BlobReader {
  read(key: string): Promise<Buffer | null>;
}
export interface BlobWriter {
  write(key: string, bytes: Buffer, contentType: string): Promise<boolean>;
}

/** Session settings that make the text form of every value unambiguous and exact on both sides. */
async function fixTextFormats(tx: Db): Promise<void> {
  await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
  await sql`SET LOCAL DateStyle = 'ISO, YMD'`.execute(tx);
  await sql`SET LOCAL IntervalStyle = 'postgres'`.execute(tx);
  await sql`SET LOCAL extra_float_digits = 3`.execute(tx);
  await sql`SET LOCAL bytea_output = 'hex'`.execute(tx);
}

async function appliedMigrations(db: Db): Promise<Array<{ version: string; checksum: string }>> {
  const rows = await sql<{ version: string; checksum: string }>`
    SELECT version, checksum FROM schema_migrations ORDER BY version`.execute(db);
  return rows.rows;
}

const MAX_PAGE_ROWS = 1000;
const TARGET_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * With `blobs`, every photo the attachments name (photo and thumbnail) follows the sequences as a `blob` line
 * (base64, one blob in memory at a time). The keys come from the snapshot; a blob the store has lost since is
 * counted in `missingBlobs` rather than failing the backup.
 */
export async function backup(db: Db, kind: StorageKind, file: string, blobs?: BlobReader): Promise<BackupSummary> {
  const tmp = `${file}.${process.pid}.partial`;
  // Password hashes and personal data are in here: owner-only from the first byte.
  const out = createWriteStream(tmp, { mode: 0o600 });
  const gzip = createGzip();
  gzip.pipe(out);
  const write = async (value: unknown) => {
    if (!gzip.write(`${JSON.stringify(value)}\n`)) await once(gzip, 'drain');
  };
  const counts: Record<string, number> = {};
  let sequences = 0;
  let blobCount = 0;
  let missingBlobs = 0;
  try {
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        await fixTextFormats(tx);
        const status = await migrationStatus(tx, readMigrations());
        if (status.applied.length === 0) throw new AppError('bad_request', 'ops.backup_not_migrated');
        const catalog = await readCatalog(tx);
        const { order } = dependencyOrder(
          catalog.tables.map((t) => t.name),
          catalog.foreignKeys,
        );
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          createdAt: new Date().toISOString(),
          storage: kind,
          migrations: await appliedMigrations(tx),
          tables: order,
        };
        await write(header);
        for (const name of order) {
          const table = catalog.tables.find((t) => t.name === name)!;
          counts[name] = await dumpTable(tx, table, write);
        }
        const seqValues = await readSequences(tx, catalog);
        sequences = seqValues.length;
        await write({ sequences: seqValues });
        if (blobs) {
          for (const { key, content_type: contentType } of await blobKeys(tx)) {
            const bytes = await blobs.read(key);
            if (!bytes) {
              missingBlobs++;
              continue;
            }
            await write({ blob: key, contentType, data: bytes.toString('base64') });
            blobCount++;
          }
        }
        await write({ trailer: true, tables: counts, blobs: blobCount });
      });
    gzip.end();
    await finished(out);
    renameSync(tmp, file);
  } catch (err) {
    gzip.destroy();
    out.destroy();
    rmSync(tmp, { force: true });
    throw err;
  }
  return { file, tables: counts, sequences, blobs: blobCount, missingBlobs };
}

/** Every blob the attachments name, photo and thumbnail, once each. */
async function blobKeys(tx: Db): Promise<Array<{ key: string; content_type: string }>> {
  const { rows } = await sql<{ key: string; content_type: string }>`
    SELECT DISTINCT ON (key) key, content_type FROM (
      SELECT storage_key AS key, content_type FROM attachments
      UNION ALL SELECT thumb_key, 'image/jpeg' FROM attachments WHERE thumb_key IS NOT NULL) k
    ORDER BY key`.execute(tx);
  return rows;
}

async function dumpTable(tx: Db, table: CatalogTable, write: (v: unknown) => Promise<void>): Promise<number> {
  const cols = table.columns;
  await write({ table: table.name, columns: cols.map((c) => c.name), types: cols.map((c) => c.type) });
  const selectList = sql.raw(cols.map((c) => `${ident(c.name)}::text`).join(', '));
  const keyCols = table.primaryKey;
  const keyIdx = keyCols.map((k) => cols.findIndex((c) => c.name === k));
  const keyTypes = keyCols.map((k) => cols.find((c) => c.name === k)!.type);
  let last: Array<string | null> | null = null;
  let lastCtid: string | null = null;
  let limit = MAX_PAGE_ROWS;
  let total = 0;
  for (;;) {
    let query: RawBuilder<{ r: Array<string | null>; ctid?: string }>;
    if (keyCols.length > 0) {
      const keyList = sql.raw(keyCols.map(ident).join(', '));
      const after = last
        ? sql`WHERE (${keyList}) > (${sql.join(
            keyIdx.map((i, n) => sql`${last![i]}::text::${sql.raw(keyTypes[n]!)}`),
          )})`
        : sql``;
      query = sql`SELECT ARRAY[${selectList}] AS r FROM ${sql.id(table.name)} ${after}
                  ORDER BY ${keyList} LIMIT ${sql.lit(limit)}`;
    } else {
      // No primary key: the physical row id is stable inside our snapshot and pages just as well.
      const after = lastCtid ? sql`WHERE ctid > ${lastCtid}::text::tid` : sql``;
      query = sql`SELECT ARRAY[${selectList}] AS r, ctid::text AS ctid FROM ${sql.id(table.name)} ${after}
                  ORDER BY ctid LIMIT ${sql.lit(limit)}`;
    }
    const { rows } = await query.execute(tx);
    let bytes = 0;
    for (const row of rows) {
      const values = normaliseArray(row.r);
      for (const v of values) bytes += v?.length ?? 0;
      await write({ r: values });
    }
    total += rows.length;
    if (rows.length < limit) break;
    last = normaliseArray(rows[rows.length - 1]!.r);
    lastCtid = rows[rows.length - 1]!.ctid ?? null;
    // Wide rows (district boundaries) get smaller pages, narrow rows larger ones: memory stays bounded.
    limit = bytes > TARGET_PAGE_BYTES ? Math.max(10, Math.floor(limit / 2)) : Math.min(MAX_PAGE_ROWS, limit * 2);
  }
  await write({ end: table.name, rows: total });
  return total;
}

/** `ARRAY[...]::text[]` comes back parsed from node-pg but as a literal from some paths; accept both. */
function normaliseArray(value: unknown): Array<string | null> {
  if (Array.isArray(value)) return value as Array<string | null>;
  throw new Error(`Expected a text[] row, got ${typeof value}`);
}

async function readSequences(tx: Db, catalog: Catalog) {
  const result: Array<{ name: string; value: string; isCalled: boolean }> = [];
  for (const name of catalog.sequences) {
    const { rows } = await sql<{ value: string; is_called: boolean }>`
      SELECT last_value::text AS value, is_called FROM ${sql.id(name)}`.execute(tx);
    const row = rows[0]!;
    result.push({ name, value: row.value, isCalled: row.is_called });
  }
  return result;
}

/* ------------------------------------------------------------------------------------------------ restore */

export interface RestoreSummary {
  file: string;
  tables: Record<string, number>;
  sequences: number;
  /** Photo blobs written back to the attachment store. */
  blobs: number;
  /** Migrations applied first because the target database had none. */
  migrated: string[];
}

const MAX_BATCH_PARAMS = 30_000;
const MAX_BATCH_ROWS = 500;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

type Line =
  | BackupHeader
  | { table: string; columns: string[]; types: string[] }
  | { r: Array<string | null> }
  | { end: string; rows: number }
  | { sequences: Array<{ name: string; value: string; isCalled: boolean }> }
  | { blob: string; contentType: string; data: string }
  | { trailer: true; tables: Record<string, number>; blobs?: number };

const bad = (reason: string) => new AppError('bad_request', 'ops.backup_bad_file', { reason });

/** With `blobs`, the photo blobs in the file are written back (each checked against its content address). */
export async function restore(db: Db, file: string, blobs?: BlobWriter): Promise<RestoreSummary> {
  const lines = readLines(file);
  const first = await lines.next();
  const header = first.done ? undefined : (first.value as Partial<BackupHeader>);
  if (header?.format !== BACKUP_FORMAT) throw bad('not a CivicGrid backup (header missing)');
  if (header.version !== BACKUP_VERSION) throw bad(`format version ${header.version} is not supported`);

  // A brand-new database is migrated first, so `restore` works on a fresh DATA_DIR or an empty PostgreSQL.
  let migrated: string[] = [];
  if ((await migrationStatus(db)).applied.length === 0) migrated = await migrate(db);

  const wanted = (header.migrations ?? []).map((m) => `${m.version}:${m.checksum}`).join(',');
  const have = (await appliedMigrations(db)).map((m) => `${m.version}:${m.checksum}`).join(',');
  if (wanted !== have) {
    throw new AppError('conflict', 'ops.restore_migrations_differ', {
      backup: (header.migrations ?? []).map((m) => m.version).join(','),
      database: (await appliedMigrations(db)).map((m) => m.version).join(','),
    });
  }

  const counts: Record<string, number> = {};
  let sequenceCount = 0;
  let blobCount = 0;
  await db.transaction().execute(async (tx) => {
    await fixTextFormats(tx);
    const catalog = await readCatalog(tx);
    const names = catalog.tables.map((t) => t.name).sort();
    if ([...(header.tables ?? [])].sort().join(',') !== names.join(',')) {
      throw bad('its tables differ from this database although the migrations match');
    }
    for (const t of catalog.tables) {
      const { rows } = await sql<{ any: boolean }>`SELECT EXISTS (SELECT 1 FROM ${sql.id(t.name)}) AS any`.execute(tx);
      if (rows[0]?.any) throw new AppError('conflict', 'ops.restore_not_empty', { table: t.name });
    }
    const { deferred } = dependencyOrder(names, catalog.foreignKeys);
    const toDefer = catalog.foreignKeys.filter((f) => deferred.includes(f.name));
    for (const fk of toDefer) {
      if (!fk.deferrable) {
        await sql.raw(`ALTER TABLE ${ident(fk.table)} ALTER CONSTRAINT ${ident(fk.name)} DEFERRABLE`).execute(tx);
      }
      await sql.raw(`SET CONSTRAINTS ${ident(fk.name)} DEFERRED`).execute(tx);
    }
    // Like pg_restore --disable-triggers: rows come back as they were, not as an insert trigger would make them.
    for (const t of catalog.tables) {
      await sql.raw(`ALTER TABLE ${ident(t.name)} DISABLE TRIGGER USER`).execute(tx);
    }

    let current: {
      table: CatalogTable;
      width: number;
      columns: string[];
      types: string[];
      positions: number[] | null;
      count: number;
    } | null = null;
    let batch: Array<Array<string | null>> = [];
    let batchBytes = 0;
    const flush = async () => {
      if (!current || batch.length === 0) return;
      await insertBatch(tx, current.table.name, current.columns, current.types, batch);
      batch = [];
      batchBytes = 0;
    };
    let sawTrailer = false;
    for (;;) {
      const next = await lines.next();
      if (next.done) break;
      const line = next.value as Line;
      if ('r' in line) {
        if (!current) throw bad('row outside a table');
        if (line.r.length !== current.width) throw bad(`row of ${current.table.name} has the wrong width`);
        const row = line.r;
        batch.push(current.positions ? current.positions.map((i) => row[i] ?? null) : row);
        current.count++;
        for (const v of line.r) batchBytes += v?.length ?? 0;
        if (
          batch.length >= MAX_BATCH_ROWS ||
          (batch.length + 1) * current.columns.length > MAX_BATCH_PARAMS ||
          batchBytes > MAX_BATCH_BYTES
        ) {
          await flush();
        }
      } else if ('table' in line) {
        const table = catalog.tables.find((t) => t.name === line.table);
        if (!table) throw bad(`unknown table ${line.table}`);
        if (line.columns.some((c) => !table.columns.some((tc) => tc.name === c))) {
          throw bad(`table ${line.table} has columns this database does not`);
        }
        // Generated columns are recomputed by the database; the file's copy is skipped.
        const generated = new Set(table.columns.filter((c) => c.generated).map((c) => c.name));
        const positions = line.columns.map((c, i) => (generated.has(c) ? -1 : i)).filter((i) => i >= 0);
        current = {
          table,
          width: line.columns.length,
          columns: positions.map((i) => line.columns[i]!),
          types: positions.map((i) => line.types[i]!),
          positions: positions.length === line.columns.length ? null : positions,
          count: 0,
        };
      } else if ('end' in line) {
        await flush();
        if (!current || current.table.name !== line.end || current.count !== line.rows) {
          throw bad(`table ${line.end} is incomplete`);
        }
        counts[line.end] = current.count;
        current = null;
      } else if ('sequences' in line) {
        for (const s of line.sequences) {
          if (!catalog.sequences.includes(s.name)) throw bad(`unknown sequence ${s.name}`);
          await sql`SELECT setval(${s.name}::text::regclass, ${s.value}::text::bigint, ${s.isCalled})`.execute(tx);
        }
        sequenceCount = line.sequences.length;
      } else if ('blob' in line) {
        if (blobs) {
          if (!(await blobs.write(line.blob, Buffer.from(line.data, 'base64'), line.contentType))) throw bad(`blob ${line.blob} does not match its hash`);
          blobCount++;
        }
      } else if ('trailer' in line) {
        if (blobs && line.blobs !== undefined && line.blobs !== blobCount) throw bad('photo blobs are missing');
        sawTrailer = true;
        break;
      } else {
        throw bad('unexpected line');
      }
    }
    if (!sawTrailer) throw bad('the file ends early (truncated)');
    for (const fk of toDefer) {
      await sql.raw(`SET CONSTRAINTS ${ident(fk.name)} IMMEDIATE`).execute(tx);
      if (!fk.deferrable) {
        await sql.raw(`ALTER TABLE ${ident(fk.table)} ALTER CONSTRAINT ${ident(fk.name)} NOT DEFERRABLE`).execute(tx);
      }
    }
    for (const t of catalog.tables) {
      await sql.raw(`ALTER TABLE ${ident(t.name)} ENABLE TRIGGER USER`).execute(tx);
    }
  });
  return { file, tables: counts, sequences: sequenceCount, blobs: blobCount, migrated };
}

async function insertBatch(
  tx: Db,
  table: string,
  columns: string[],
  types: string[],
  rows: Array<Array<string | null>>,
): Promise<void> {
  const colList = sql.raw(columns.map(ident).join(', '));
  const values = sql.join(
    rows.map((row) => sql`(${sql.join(row.map((v, i) => sql`${v}::text::${sql.raw(types[i]!)}`))})`),
  );
  await sql`INSERT INTO ${sql.id(table)} (${colList}) OVERRIDING SYSTEM VALUE VALUES ${values}`.execute(tx);
}

async function* readLines(file: string): AsyncGenerator<unknown> {
  const input = createReadStream(file).pipe(createGunzip());
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of rl) {
      n++;
      if (line.length === 0) continue;
      try {
        yield JSON.parse(line);
      } catch {
        throw bad(`line ${n} is not JSON`);
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw bad((err as Error).message);
  } finally {
    rl.close();
    input.destroy();
  }
}
