/**
 * Opens the database: embedded PGlite (with PostGIS) in DATA_DIR by default, or PostgreSQL through DATABASE_URL.
 * Everything above this file sees the same `Kysely<Database>` and the same type parsing on both.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import { fromDatabase } from './unavailable.js';
import type { Database } from './schema.js';

export type StorageKind = 'pglite' | 'postgres';

export interface Storage {
  readonly kind: StorageKind;
  readonly db: Kysely<Database>;
  /** Human-readable location without secrets (for logs and /readyz). */
  readonly location: string;
  /** The embedded instance, when kind is 'pglite' (snapshots for tests). */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

/** int8 ids and counts fit a JS number for any realistic city; refuse silently wrong values. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
}
const parseNumeric = (value: string): number => Number(value);
const keepText = (value: string): string => value;

export class StorageBusyError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`The embedded database in ${dataDir} is in use by process ${pid}`);
  }
}

/**
 * A statement whose text starts with this comment is sent as a named prepared statement on PostgreSQL: each pool
 * connection parses it once and, once PostgreSQL settles on a generic plan, stops planning it (Kysely sends every
 * statement unnamed, parsed and planned each time). Only for hot statements whose text is fixed (the parameters
 * vary, the text does not): a connection keeps every statement it prepared until it closes, and a table change under
 * a running server that changes such a statement's result columns makes it fail on connections that prepared it
 * (migrations run before the server starts). PGlite reads it as the comment it is.
 */
export const PREPARED = '/* prepared */';

/** Makes a new pool client send PREPARED statements by name (the name: a hash of the text). */
function prepareMarked(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !text.startsWith(PREPARED)) return query(text, ...rest);
    const name = `p_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    return query({ name, text, values: rest[0] as unknown[] }, ...rest.slice(1));
  };
}

/** Marks what a client's queries reject with as the database's (unavailable.ts: a socket error code counts only then). */
function markErrors(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(fromDatabase(err))) : result;
  };
}

export async function openPostgres(
  url: string,
  options: { max?: number; onIdleError?: (err: Error) => void; connectTimeoutMs?: number } = {},
): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    // A server that drops packets fails the request after this instead of holding it for TCP's minutes, and so does
    // waiting longer than this for a free connection (back-pressure: 503 db.unavailable rather than an ever-longer
    // queue); keep-alive notices a connection that died quietly while idle.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    keepAlive: true,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === 20) return parseInt8;
        if (oid === 1700) return parseNumeric;
        if (oid === 1082) return keepText;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client can die under us (server restart, DROP DATABASE … FORCE, network). The pool discards it and
  // the next query opens a new one; without a listener Node would treat the event as an uncaught error.
  pool.on('error', (err) => options.onIdleError?.(err));
  pool.on('connect', (client) => {
    prepareMarked(client);
    markErrors(client);
    // A connection lost while checked out (a query or transaction in flight) rejects that query — its request is
    // answered 503 — and also emits 'error' on the client, which the pool listens to only while the client is
    // idle: without this listener that second report would be an uncaught exception and stop the process.
    client.on('error', () => undefined);
  });
  // Connecting (refused, timed out) is marked as the database's too; Kysely needs only connect and end.
  const marked = { connect: () => pool.connect().catch((err: unknown) => Promise.reject(fromDatabase(err))), end: () => pool.end() };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: marked }) });
  const u = new URL(url);
  return {
    kind: 'postgres',
    db,
    location: `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`,
    close: () => db.destroy(),
  };
}

/** Settings for the embedded Postgres (PGlite); see README "Memory". */
export const EMBEDDED_POSTGRES_CONF = ['shared_buffers = 32MB', 'work_mem = 4MB', 'maintenance_work_mem = 32MB'];

export interface PgliteOptions {
  /** Directory holding the cluster; omit for an in-memory database. */
  dataDir?: string;
  /** A `dumpDataDir()` snapshot to start from (tests). */
  loadDataDir?: Blob;
  /**
   * A PostGIS bundle (.tar.gz) to load instead of the package's (tests: one without the raster and topology
   * libraries, which the schema never creates — PGlite compiles every library in the bundle at each start).
   */
  postgisBundle?: URL;
}

/** The postgis extension with its files read from `bundle` instead of the package's bundle. */
function postgisFrom(bundle: URL): typeof postgis {
  return { ...postgis, setup: async (pg, emscriptenOpts) => ({ ...(await postgis.setup(pg, emscriptenOpts)), bundlePath: bundle }) };
}

export async function openPglite(options: PgliteOptions = {}): Promise<Storage> {
  let releaseLock = (): void => {};
  if (options.dataDir) {
    mkdirSync(path.dirname(options.dataDir), { recursive: true });
    releaseLock = acquireDirLock(options.dataDir);
  }
  let instance: PGlite;
  try {
    instance = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: { postgis: options.postgisBundle ? postgisFrom(options.postgisBundle) : postgis },
      // WASM memory only grows, so Postgres' own caches become resident for good. The embedded database serves
      // one city's demo or a small deployment: a small buffer pool keeps the process well under 1 GB.
      postgresqlconf: EMBEDDED_POSTGRES_CONF,
      parsers: {
        [pgliteTypes.INT8]: parseInt8,
        [pgliteTypes.NUMERIC]: parseNumeric,
        [pgliteTypes.DATE]: keepText,
      },
    });
  } catch (err) {
    releaseLock();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(instance) });
  return {
    kind: 'pglite',
    db,
    location: options.dataDir ? `pglite:${options.dataDir}` : 'pglite:memory',
    pglite: instance,
    close: async () => {
      await db.destroy();
      releaseLock();
    },
  };
}

/**
 * PGlite allows one process per data directory. A pid file taken with O_EXCL makes a second process fail
 * fast with StorageBusyError (the CLI then talks to the running server instead); a stale file from a
 * process that died is taken over.
 */
function acquireDirLock(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`; // beside, not inside: initdb wants an empty directory
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockFile, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) throw new StorageBusyError(dataDir, pid);
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function embeddedDataDir(dataDir: string): string {
  return path.join(dataDir, 'pgdata');
}

export function hasEmbeddedDatabase(dataDir: string): boolean {
  return existsSync(path.join(embeddedDataDir(dataDir), 'PG_VERSION'));
}

export async function openStorage(config: { databaseUrl: string | undefined; dataDir: string; dbConnectTimeoutMs?: number }): Promise<Storage> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, { connectTimeoutMs: config.dbConnectTimeoutMs });
  return openPglite({ dataDir: embeddedDataDir(config.dataDir) });
}
