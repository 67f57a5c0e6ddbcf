/**
 * Detached timers (HandlerRegistry.onDetachedTimer): the handler runs outside any transaction, so its network I/O
 * does not hold a database connection (PGlite has one); the job is reserved by its lease and marked done afterwards
 * only if the worker still holds it. Crash and retry semantics: a handler that dies after committing its effect is
 * run again by another worker once the lease expires (the effect is idempotent by its own state); a failed attempt
 * keeps what the handler committed and is retried with backoff; a handler that reschedules its own key leaves the new
 * timer pending.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app-context.js';
import { createContext } from '../src/context.js';
import type { Storage } from '../src/db/storage.js';
import { JobWorker, type WorkerOptions } from '../src/modules/events/index.js';
import { testConfig } from './app.js';
import { createTestStorage } from './db.js';

const log = pino({ level: 'silent' });
let storage: Storage;
let ctx: AppContext;
const HANDLER = 'test.detached';
const LEASE_MS = 1_000;

/** Per test: what the handler does on each attempt. */
let behaviour: (payload: Record<string, unknown>, job: { attempt: number; jobId: number; renewLease: () => Promise<boolean> }) => Promise<void> = async () => {};

function worker(overrides: Partial<WorkerOptions> = {}): JobWorker {
  return new JobWorker({ db: ctx.db, handlers: ctx.handlers, log, pollIntervalMs: 50, leaseMs: LEASE_MS, backoff: { baseMs: 50, maxMs: 200 }, housekeeping: false, ...overrides });
}

async function schedule(key: string, payload: Record<string, unknown> = {}, maxAttempts = 5): Promise<number> {
  return ctx.db.transaction().execute((tx) => ctx.outbox.schedule(tx, { handler: HANDLER, key, runAt: new Date(), jurisdictionId: null, payload: { key, ...payload }, maxAttempts }));
}

const jobRow = (id: number) => ctx.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const effects = async (key: string) => (await sql<{ runs: number }>`SELECT runs FROM test_detached WHERE key = ${key}`.execute(ctx.db)).rows[0]?.runs ?? 0;
/** The handler's effect, in a short transaction of its own, idempotent by its own state ("only once"). */
const recordOnce = (key: string) => ctx.db.transaction().execute((tx) => sql`INSERT INTO test_detached (key) VALUES (${key}) ON CONFLICT (key) DO NOTHING`.execute(tx));

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

beforeAll(async () => {
  storage = await createTestStorage();
  ctx = createContext(testConfig({ storageKind: storage.kind }), storage, log);
  await sql`CREATE TABLE test_detached (key text PRIMARY KEY, runs integer NOT NULL DEFAULT 1)`.execute(ctx.db);
  ctx.handlers.onDetachedTimer(HANDLER, (payload, job) => behaviour(payload, job), { leaseMs: LEASE_MS });
}, 120_000);

afterAll(async () => {
  await storage?.close();
});

describe('detached timers', () => {
  it('run outside any transaction: other work uses the database while the handler waits on I/O', async () => {
    const gate = deferred();
    const entered = deferred();
    behaviour = async (payload) => {
      entered.resolve();
      await gate.promise; // a slow peer
      await recordOnce(String(payload.key));
    };
    const id = await schedule('io');
    const w = worker();
    const run = w.drain(20_000);
    await within(10_000, 'handler started', entered.promise);
    // Were the handler inside a transaction, PGlite's one connection would be leased to it and this would wait.
    const row = await within(5_000, 'a transaction while the handler waits', ctx.db.transaction().execute((tx) => tx.selectFrom('jobs').select(['status', 'locked_by']).where('id', '=', id).executeTakeFirstOrThrow()));
    expect(row).toMatchObject({ status: 'running', locked_by: w.id });
    gate.resolve();
    await run;
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 1, locked_by: null });
    expect(await effects('io')).toBe(1);
  });

  it('a failed attempt keeps what the handler committed and is retried with backoff', async () => {
    const seenErrors: Array<string | null> = [];
    behaviour = async (payload, job) => {
      await recordOnce(String(payload.key));
      // Detached: the handler may read its own job row (no transaction of the worker's is holding it).
      seenErrors.push((await jobRow(job.jobId)).last_error);
      if (job.attempt < 3) throw new Error(`peer down (attempt ${job.attempt})`);
    };
    const id = await schedule('retry');
    const w = worker();
    for (let i = 0; i < 40 && (await jobRow(id)).status !== 'done'; i++) {
      await w.drain(10_000);
      await new Promise((r) => setTimeout(r, 60));
    }
    expect(seenErrors).toEqual([null, 'Error: peer down (attempt 1)', 'Error: peer down (attempt 2)']);
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    expect(await effects('retry')).toBe(1);
  });

  it('a worker that dies after the effect and before the completion: another runs the job again, the effect stays once', async () => {
    const hung = deferred();
    const stuck = deferred();
    const renewedAfterTakeover: boolean[] = [];
    behaviour = async (payload, job) => {
      const key = String(payload.key);
      if ((await effects(key)) > 0) return; // done before: nothing to do (idempotent by its own state)
      await recordOnce(key);
      if (job.attempt === 1) {
        // The first worker "dies" here: its effect committed, the job not marked done, the lease runs out.
        stuck.resolve();
        await hung.promise;
        renewedAfterTakeover.push(await job.renewLease());
      }
    };
    const id = await schedule('crash');
    const first = worker({ id: 'first' });
    const firstRun = first.drain(30_000);
    await within(10_000, 'first attempt committed its effect', stuck.promise);
    expect(await effects('crash')).toBe(1);
    expect(await jobRow(id)).toMatchObject({ status: 'running', locked_by: 'first' });

    const second = worker({ id: 'second' });
    for (let i = 0; i < 60 && (await jobRow(id)).status !== 'done'; i++) {
      await second.drain(5_000);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(await effects('crash')).toBe(1);

    // The first worker wakes up: the job is no longer its own; its completion changes nothing.
    hung.resolve();
    await firstRun;
    expect(renewedAfterTakeover).toEqual([false]);
    expect(await jobRow(id)).toMatchObject({ status: 'done', attempts: 2, locked_by: null });
  });

  it('a handler that reschedules its own key leaves the new timer pending', async () => {
    const later = new Date(Date.now() + 3_600_000);
    behaviour = async (payload) => {
      await ctx.db.transaction().execute((tx) => ctx.outbox.schedule(tx, { handler: HANDLER, key: String(payload.key), runAt: later, jurisdictionId: null, payload }));
    };
    const id = await schedule('chain');
    await worker().drain(10_000);
    const live = await ctx.db.selectFrom('jobs').selectAll().where('handler', '=', HANDLER).where('dedupe_key', '=', 'chain').where('status', 'in', ['pending', 'running']).execute();
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ id, status: 'pending', attempts: 0, locked_by: null });
    expect(new Date(live[0]!.run_at).getTime()).toBe(later.getTime());
  });

});
