/**
 * A Kysely dialect over one embedded PGlite instance.
 *
 * PGlite is a single Postgres backend, so it has exactly one connection. We lease that connection to one
 * Kysely caller at a time (a FIFO lock held from acquire to release), which means a transaction owns the
 * backend until it commits or rolls back and no other query can run inside it by accident.
 */
import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

export class LeaseTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(
      `Waited ${timeoutMs} ms for the embedded database connection. Is code inside a transaction using the ` +
        'outer db instead of its transaction (tx)? On PGlite that waits for itself.',
    );
  }
}

export class FifoLock {
  #locked = false;
  #waiters: Array<() => void> = [];

  /**
   * Waits for the lock. With a timeout, a waiter that is not served in time is removed and rejected: on a
   * single connection, "waiting forever" almost always means code inside a transaction queried through the
   * outer `db` instead of its `tx`, which can never be served — better a clear error than a hung process.
   */
  async acquire(timeoutMs?: number): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              const i = this.#waiters.indexOf(waiter);
              if (i >= 0) this.#waiters.splice(i, 1);
              reject(new LeaseTimeoutError(timeoutMs));
            }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }

  get waiting(): number {
    return this.#waiters.length;
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // A parameterless raw query may hold several statements (migration scripts); the extended protocol
    // used by query() accepts only one, so those go through exec() and we return the last result.
    if (compiled.parameters.length === 0 && compiled.query.kind === 'RawNode') {
      const results = await this.pg.exec(compiled.sql);
      const last = results[results.length - 1];
      return {
        rows: (last?.rows ?? []) as R[],
        numAffectedRows: last?.affectedRows !== undefined ? BigInt(last.affectedRows) : undefined,
      };
    }
    const result = await this.pg.query<R>(compiled.sql, compiled.parameters as unknown[]);
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows !== undefined ? BigInt(result.affectedRows) : undefined,
    };
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiled);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}

class PGliteDriver implements Driver {
  readonly #lock = new FifoLock();
  readonly #connection: PGliteConnection;

  constructor(
    private readonly pg: PGlite,
    private readonly leaseTimeoutMs: number,
  ) {
    this.#connection = new PGliteConnection(pg);
  }

  async init(): Promise<void> {
    await this.pg.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.acquire(this.leaseTimeoutMs);
    return this.#connection;
  }

  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    let sql = 'begin';
    if (settings.isolationLevel) sql += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) sql += ` ${settings.accessMode}`;
    await conn.executeQuery(CompiledQuery.raw(sql));
  }

  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }

  async rollbackToSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`rollback to savepoint "${name}"`));
  }

  async releaseSavepoint(conn: DatabaseConnection, name: string): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw(`release savepoint "${name}"`));
  }

  async releaseConnection(): Promise<void> {
    this.#lock.release();
  }

  async destroy(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

export class PGliteDialect implements Dialect {
  /** leaseTimeoutMs: how long a caller may wait for the connection before failing (see FifoLock.acquire). */
  constructor(
    private readonly pg: PGlite,
    private readonly leaseTimeoutMs = 30_000,
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pg, this.leaseTimeoutMs);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
