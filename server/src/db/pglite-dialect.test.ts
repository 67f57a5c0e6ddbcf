import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FifoLock, LeaseTimeoutError, PGliteDialect } from './pglite-dialect.js';
import { openPglite, type Storage } from './storage.js';

describe('FifoLock', () => {
  it('grants the lock in arrival order and one holder at a time', async () => {
    const lock = new FifoLock();
    const order: number[] = [];
    let holders = 0;
    let maxHolders = 0;
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        await lock.acquire();
        holders++;
        maxHolders = Math.max(maxHolders, holders);
        order.push(i);
        await new Promise((r) => setTimeout(r, 2));
        holders--;
        lock.release();
      }),
    );
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(maxHolders).toBe(1);
    expect(lock.waiting).toBe(0);
  });
});

describe('FifoLock timeout', () => {
  it('rejects a waiter that is not served in time and keeps serving the others', async () => {
    const lock = new FifoLock();
    await lock.acquire();
    const late = lock.acquire(20);
    await expect(late).rejects.toBeInstanceOf(LeaseTimeoutError);
    expect(lock.waiting).toBe(0);
    const next = lock.acquire(1000);
    lock.release();
    await expect(next).resolves.toBeUndefined();
  });

  it('turns a query through the outer db inside a transaction into an error instead of a hang', async () => {
    const s = await openPglite();
    try {
      const dialectDb = new Kysely<Record<string, never>>({ dialect: new PGliteDialect(s.pglite!, 50) });
      await expect(
        dialectDb.transaction().execute(async () => {
          await sql`SELECT 1`.execute(dialectDb);
        }),
      ).rejects.toBeInstanceOf(LeaseTimeoutError);
      // The transaction rolled back and released the connection: the database still answers.
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(dialectDb)).rows).toEqual([{ one: 1 }]);
    } finally {
      await s.close();
    }
  });
});

describe('PGlite dialect', () => {
  let s: Storage;
  beforeAll(async () => {
    s = await openPglite();
    await sql`CREATE TABLE t (id int PRIMARY KEY, v text, n int8, d date, x numeric)`.execute(s.db);
  });
  afterAll(async () => s?.close());

  it('keeps a transaction to itself: a concurrent query cannot see or join its uncommitted rows', async () => {
    const db = s.db as unknown as Kysely<{ t: { id: number; v: string } }>;
    let insideDone!: () => void;
    const gate = new Promise<void>((r) => (insideDone = r));
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 1, v: 'in-tx' }).execute();
      insideDone();
      await new Promise((r) => setTimeout(r, 30));
      throw new Error('roll back');
    });
    await gate;
    // Queued behind the transaction's lease, so it runs after the rollback.
    const outside = db.selectFrom('t').selectAll().execute();
    await expect(tx).rejects.toThrow('roll back');
    expect(await outside).toEqual([]);
  });

  it('runs multi-statement scripts and parses int8/numeric as numbers and dates as text', async () => {
    await sql.raw(`INSERT INTO t VALUES (2, 'a', 9007199254740991, '2026-11-22', 1.25); INSERT INTO t VALUES (3, 'b', 1, '2026-01-01', 0)`).execute(s.db);
    const rows = await sql<{ id: number; n: number; d: string; x: number }>`SELECT id, n, d, x FROM t WHERE id = ${2}`.execute(s.db);
    expect(rows.rows).toEqual([{ id: 2, n: 9007199254740991, d: '2026-11-22', x: 1.25 }]);
  });

  it('refuses int8 values a JS number cannot hold exactly', async () => {
    await expect(sql`SELECT 9007199254740993::int8 AS big`.execute(s.db)).rejects.toThrow(/MAX_SAFE_INTEGER/);
  });
});
