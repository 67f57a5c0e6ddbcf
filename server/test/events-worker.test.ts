/**
 * The outbox and the job worker against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * transactional publishing, delivery, timers, retries, and several workers sharing one database.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '../src/app-context.js';
import { createContext } from '../src/context.js';
import type { Database } from '../src/db/schema.js';
import { openPostgres, type Storage } from '../src/db/storage.js';
import { fromDatabase } from '../src/db/unavailable.js';
import { JobWorker, type DomainEvent, type WorkerOptions } from '../src/modules/events/index.js';
import { testConfig } from './app.js';
import { createTestStorage, testStorageKind } from './db.js';
import { withDatabase } from './template.js';

const log = pino({ level: 'silent' });
let storage: Storage;
let ctx: AppContext;
const delivered: DomainEvent[] = [];
let failing = { remaining: 0, calls: [] as number[] };
const timerRuns: Array<{ payload: Record<string, unknown>; at: Date }> = [];

function worker(overrides: Partial<WorkerOptions> = {}): JobWorker {
  return new JobWorker({
    db: ctx.db,
    handlers: ctx.handlers,
    log,
    outbox: ctx.outbox,
    pollIntervalMs: 50,
    backoff: { baseMs: 100, maxMs: 1_000 },
    housekeeping: false,
    ...overrides,
  });
}

async function jobRows() {
  return ctx.db.selectFrom('jobs').selectAll().orderBy('id').execute();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  storage = await createTestStorage();
  ctx = createContext(testConfig({ storageKind: storage.kind }), storage, log);
  await sql`CREATE TABLE test_effects (key text PRIMARY KEY, worker text, runs integer NOT NULL DEFAULT 1)`.execute(ctx.db);
  await sql`CREATE TABLE test_runs (job_id bigint NOT NULL, worker text NOT NULL)`.execute(ctx.db);

  ctx.handlers.subscribe('test.happened', 'test.record', async (event, job) => {
    delivered.push(event);
    // Idempotent effect: a second delivery of the same event changes nothing.
    await sql`INSERT INTO test_effects (key) VALUES (${`event:${event.id}`}) ON CONFLICT (key) DO NOTHING`.execute(job.tx);
  });
  ctx.handlers.subscribe('test.flaky', 'test.flaky', async (_event, job) => {
    failing.calls.push(Date.now());
    await sql`INSERT INTO test_effects (key) VALUES (${`flaky:${job.jobId}`})`.execute(job.tx);
    if (failing.remaining-- > 0) throw new Error('downstream unavailable');
  });
  ctx.handlers.subscribe('test.parallel', 'test.parallel', async (_event, job) => {
    await sql`INSERT INTO test_runs (job_id, worker) VALUES (${job.jobId}, ${String(job.attempt)})`.execute(job.tx);
  });
  // Two subscribers of one event, one of which acts only on loud ones.
  ctx.handlers.subscribe('test.noise', 'test.noise-all', async (event) => void delivered.push(event));
  ctx.handlers.subscribe('test.noise', 'test.noise-loud', async (event) => void delivered.push({ ...event, name: 'loud' }), { when: (p) => p.loud === true });
  ctx.handlers.onTimer('test.timer', async (payload, job) => {
    const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(job.tx);
    timerRuns.push({ payload, at: rows[0]!.now });
  });
  // A timer that, the first time it runs, finds it is too early and arms itself again for later (same key).
  ctx.handlers.onTimer('test.rearm', async (payload, job) => {
    timerRuns.push({ payload, at: new Date() });
    if ((payload as { again?: boolean }).again) {
      await ctx.outbox.schedule(job.tx, { handler: 'test.rearm', key: 'k', runAt: new Date(Date.now() + 3_600_000), jurisdictionId: null, payload: { again: false } });
    }
  });
});

afterAll(async () => {
  await storage?.close();
});

beforeEach(async () => {
  delivered.length = 0;
  timerRuns.length = 0;
  failing = { remaining: 0, calls: [] };
  await sql`DELETE FROM jobs`.execute(ctx.db);
  await sql`DELETE FROM events`.execute(ctx.db);
  await sql`DELETE FROM test_effects`.execute(ctx.db);
  await sql`DELETE FROM test_runs`.execute(ctx.db);
});

describe('outbox delivery', () => {
  it('never delivers an event whose transaction rolled back', async () => {
    await expect(
      ctx.db.transaction().execute(async (tx) => {
        await ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: null, payload: { n: 1 } });
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    const result = await worker().drain(2_000);
    expect(result).toEqual({ complete: true, ran: 0 });
    expect(delivered).toEqual([]);
    expect(await jobRows()).toEqual([]);
  });

  it('delivers a committed event once, with its payload, and marks the job done', async () => {
    const id = await ctx.db.transaction().execute((tx) =>
      ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: 'city', payload: { n: 2, 名: '成都' } }),
    );
    const w = worker();
    expect(await w.drain(5_000)).toEqual({ complete: true, ran: 1 });
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ id, name: 'test.happened', jurisdictionId: 'city', payload: { n: 2, 名: '成都' } });
    const [job] = await jobRows();
    expect(job).toMatchObject({ status: 'done', attempts: 1, locked_by: null, event_id: id });
    expect(await w.drain(1_000)).toEqual({ complete: true, ran: 0 });
    expect(delivered).toHaveLength(1);
  });

  it('creates a job only for the subscribers whose filter holds for the payload', async () => {
    const [quiet, loud] = await ctx.db.transaction().execute(async (tx) => [
      await ctx.outbox.publish(tx, { name: 'test.noise', jurisdictionId: null, payload: { loud: false } }),
      await ctx.outbox.publish(tx, { name: 'test.noise', jurisdictionId: null, payload: { loud: true } }),
    ]);
    const jobs = await ctx.db.selectFrom('jobs').select(['event_id', 'handler']).orderBy('event_id').orderBy('handler').execute();
    expect(jobs.map((j) => [Number(j.event_id), j.handler])).toEqual([
      [quiet, 'test.noise-all'],
      [loud, 'test.noise-all'],
      [loud, 'test.noise-loud'],
    ]);
    expect(await worker().drain(5_000)).toEqual({ complete: true, ran: 3 });
    expect(delivered.map((e) => [e.id, e.name]).sort()).toEqual([[quiet, 'test.noise'], [loud, 'loud'], [loud, 'test.noise']].sort());
    expect(ctx.handlers.subscribersOf('test.noise')).toEqual(['test.noise-all', 'test.noise-loud']);
  });

  it('publishes an event with no subscriber without creating jobs', async () => {
    await ctx.db.transaction().execute((tx) =>
      ctx.outbox.publish(tx, { name: 'test.nobody-listens', jurisdictionId: null, payload: {} }),
    );
    expect(await jobRows()).toEqual([]);
    expect(await ctx.db.selectFrom('events').select('name').execute()).toEqual([{ name: 'test.nobody-listens' }]);
  });

  it('refuses to publish outside a transaction', async () => {
    await expect(ctx.outbox.publish(ctx.db, { name: 'test.happened', jurisdictionId: null, payload: {} })).rejects.toThrow(
      /inside the transaction/,
    );
  });

  it('a running worker picks up a local publish at once, long before its poll interval', async () => {
    const w = worker({ pollIntervalMs: 60_000 });
    w.start();
    try {
      await new Promise((r) => setTimeout(r, 100)); // the loop has polled once and is idle
      const started = Date.now();
      await ctx.db.transaction().execute((tx) =>
        ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: null, payload: {} }),
      );
      await until('delivery', async () => (delivered.length > 0 ? true : undefined), 5_000);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await w.stop();
    }
  });

  it('runs a job again when its worker died holding it (lease expired)', async () => {
    await ctx.db.transaction().execute((tx) =>
      ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: null, payload: {} }),
    );
    // What a claim by a process that was then killed leaves behind.
    await sql`UPDATE jobs SET status = 'running', locked_by = 'dead-worker', attempts = 1,
              locked_until = now() - interval '1 second'`.execute(ctx.db);
    expect(await worker().drain(5_000)).toMatchObject({ complete: true, ran: 1 });
    expect(delivered).toHaveLength(1);
    expect((await jobRows())[0]).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('leaves a job whose lease is still valid to its worker, unless the worker owns the database alone', async () => {
    await ctx.db.transaction().execute((tx) =>
      ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: null, payload: {} }),
    );
    await sql`UPDATE jobs SET status = 'running', locked_by = 'other-worker', attempts = 1,
              locked_until = now() + interval '1 hour'`.execute(ctx.db);
    expect(await worker().drain(1_000)).toEqual({ complete: true, ran: 0 });
    expect(delivered).toHaveLength(0);
    expect(await worker({ exclusive: true }).drain(5_000)).toMatchObject({ complete: true, ran: 1 });
    expect(delivered).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries a failing handler with growing delays, rolls back its effects, then marks it failed', async () => {
    failing.remaining = 100;
    await ctx.db.transaction().execute((tx) =>
      ctx.outbox.publish(tx, { name: 'test.flaky', jurisdictionId: null, payload: {} }),
    );
    await sql`UPDATE jobs SET max_attempts = 4`.execute(ctx.db);
    const w = worker({ pollIntervalMs: 20, backoff: { baseMs: 200, maxMs: 5_000 } });
    w.start();
    try {
      const job = await until('failed job', async () => {
        const [row] = await jobRows();
        return row?.status === 'failed' ? row : undefined;
      });
      expect(job.attempts).toBe(4);
      expect(job.last_error).toBe('Error: downstream unavailable');
      expect(job.finished_at).toBeInstanceOf(Date);
    } finally {
      await w.stop();
    }
    expect(failing.calls).toHaveLength(4);
    const gaps = failing.calls.slice(1).map((t, i) => t - failing.calls[i]!);
    // Equal jitter: attempt n waits between base·2^(n-1)/2 and base·2^(n-1).
    expect(gaps[0]).toBeGreaterThanOrEqual(100 - 20);
    expect(gaps[1]).toBeGreaterThanOrEqual(200 - 20);
    expect(gaps[2]).toBeGreaterThanOrEqual(400 - 20);
    // Each failed attempt's insert was rolled back with it.
    expect((await sql`SELECT key FROM test_effects`.execute(ctx.db)).rows).toEqual([]);
  });

  it('a handler that recovers commits its effect exactly once', async () => {
    failing.remaining = 2;
    await ctx.db.transaction().execute((tx) =>
      ctx.outbox.publish(tx, { name: 'test.flaky', jurisdictionId: null, payload: {} }),
    );
    const w = worker({ pollIntervalMs: 20, backoff: { baseMs: 50, maxMs: 200 } });
    w.start();
    try {
      await until('done job', async () => ((await jobRows())[0]?.status === 'done' ? true : undefined));
    } finally {
      await w.stop();
    }
    expect(failing.calls).toHaveLength(3);
    const [job] = await jobRows();
    expect(job).toMatchObject({ status: 'done', attempts: 3, last_error: null });
    expect((await sql`SELECT key FROM test_effects`.execute(ctx.db)).rows).toEqual([{ key: `flaky:${job!.id}` }]);
  });

  it('fails a job whose handler is not registered in this process, after its attempts', async () => {
    await ctx.db.transaction().execute(async (tx) => {
      await ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: null, payload: {} });
    });
    await sql`UPDATE jobs SET handler = 'test.removed', max_attempts = 1`.execute(ctx.db);
    await worker().drain(2_000);
    expect((await jobRows())[0]).toMatchObject({
      status: 'failed',
      last_error: 'Error: No handler is registered as test.removed in this process',
    });
  });
});

describe('timers', () => {
  it('runs a timer at or after its time, not before', async () => {
    const runAt = new Date(Date.now() + 700);
    await ctx.db.transaction().execute((tx) =>
      ctx.outbox.schedule(tx, { handler: 'test.timer', runAt, jurisdictionId: null, payload: { order: 'A1' } }),
    );
    const w = worker();
    expect(await w.drain(300)).toEqual({ complete: true, ran: 0 });
    expect(timerRuns).toHaveLength(0);
    await until('timer due', async () => ((await w.drain(1_000)).ran > 0 ? true : undefined), 5_000);
    expect(timerRuns).toHaveLength(1);
    expect(timerRuns[0]!.payload).toEqual({ order: 'A1' });
    expect(timerRuns[0]!.at.getTime()).toBeGreaterThanOrEqual(runAt.getTime());
  });

  it('rescheduling with the same key replaces the timer', async () => {
    const first = await ctx.db.transaction().execute((tx) =>
      ctx.outbox.schedule(tx, {
        handler: 'test.timer',
        key: 'order-7',
        runAt: new Date(Date.now() + 3_600_000),
        jurisdictionId: null,
        payload: { v: 1 },
      }),
    );
    const second = await ctx.db.transaction().execute((tx) =>
      ctx.outbox.schedule(tx, {
        handler: 'test.timer',
        key: 'order-7',
        runAt: new Date(Date.now() - 1_000),
        jurisdictionId: null,
        payload: { v: 2 },
      }),
    );
    expect(second).toBe(first);
    const live = await ctx.db.selectFrom('jobs').select(['payload', 'status']).execute();
    expect(live).toEqual([{ payload: { v: 2 }, status: 'pending' }]);
    await worker().drain(2_000);
    expect(timerRuns.map((r) => r.payload)).toEqual([{ v: 2 }]);
    // Once done, the same key schedules a new timer.
    const third = await ctx.db.transaction().execute((tx) =>
      ctx.outbox.schedule(tx, { handler: 'test.timer', key: 'order-7', runAt: new Date(), jurisdictionId: null, payload: { v: 3 } }),
    );
    expect(third).not.toBe(first);
  });

  it('a timer its handler schedules again (same key) stays pending for the new time, not done', async () => {
    await ctx.db.transaction().execute((tx) => ctx.outbox.schedule(tx, { handler: 'test.rearm', key: 'k', runAt: new Date(Date.now() - 1_000), jurisdictionId: null, payload: { again: true } }));
    await worker().drain(2_000);
    expect(timerRuns.map((r) => r.payload)).toEqual([{ again: true }]);
    const rows = await ctx.db.selectFrom('jobs').select(['status', 'payload', 'run_at']).where('handler', '=', 'test.rearm').execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', payload: { again: false } });
    expect(new Date(rows[0]!.run_at).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('concurrent reschedules of one key leave exactly one live timer', async () => {
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        ctx.db.transaction().execute((tx) =>
          ctx.outbox.schedule(tx, {
            handler: 'test.timer',
            key: 'race',
            runAt: new Date(Date.now() + 60_000),
            jurisdictionId: null,
            payload: { i },
          }),
        ),
      ),
    );
    const live = await ctx.db.selectFrom('jobs').select('id').where('status', '=', 'pending').execute();
    expect(live).toHaveLength(1);
  });

  it('cancel removes a pending timer', async () => {
    await ctx.db.transaction().execute((tx) =>
      ctx.outbox.schedule(tx, { handler: 'test.timer', key: 'c1', runAt: new Date(), jurisdictionId: null, payload: {} }),
    );
    expect(await ctx.db.transaction().execute((tx) => ctx.outbox.cancel(tx, 'test.timer', 'c1'))).toBe(true);
    expect(await ctx.db.transaction().execute((tx) => ctx.outbox.cancel(tx, 'test.timer', 'c1'))).toBe(false);
    expect(await worker().drain(1_000)).toEqual({ complete: true, ran: 0 });
    expect(timerRuns).toHaveLength(0);
    expect((await jobRows())[0]).toMatchObject({ status: 'cancelled' });
  });

  it('refuses a timer for an unknown handler', async () => {
    await expect(
      ctx.db.transaction().execute((tx) =>
        ctx.outbox.schedule(tx, { handler: 'test.nope', runAt: new Date(), jurisdictionId: null, payload: {} }),
      ),
    ).rejects.toThrow('No timer handler named test.nope');
  });
});

describe('housekeeping', () => {
  it('deletes finished jobs and unneeded events older than the retention, keeps the rest', async () => {
    await ctx.db.transaction().execute(async (tx) => {
      await ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: null, payload: { old: true } });
      await ctx.outbox.publish(tx, { name: 'test.happened', jurisdictionId: null, payload: { old: false } });
    });
    await worker().drain(5_000);
    await sql`UPDATE jobs SET finished_at = now() - interval '10 days'
              WHERE event_id = (SELECT min(id) FROM events)`.execute(ctx.db);
    await sql`UPDATE events SET created_at = now() - interval '10 days' WHERE id = (SELECT min(id) FROM events)`.execute(ctx.db);
    // Registered retention sweeps run too, in order; one that fails does not keep the next from running.
    const sweeps: Array<{ name: string; limit: number }> = [];
    ctx.handlers.onSweep('test.failing-sweep', async () => {
      sweeps.push({ name: 'failing', limit: 0 });
      throw new Error('sweep failed');
    });
    ctx.handlers.onSweep('test.sweep', async (db, now, limit) => {
      expect(now).toBeInstanceOf(Date);
      await sql`SELECT 1`.execute(db);
      sweeps.push({ name: 'counting', limit });
      return 0;
    });
    expect(() => ctx.handlers.onSweep('test.sweep', async () => 0)).toThrow('registered twice');
    const w = worker({ housekeeping: { keepDays: 7, intervalMs: 60_000 } });
    w.start();
    try {
      await until('housekeeping', async () => ((await jobRows()).length === 1 && sweeps.length === 2 ? true : undefined), 5_000);
    } finally {
      await w.stop();
    }
    expect(await ctx.db.selectFrom('events').select('payload').execute()).toEqual([{ payload: { old: false } }]);
    expect(await jobRows()).toHaveLength(1);
    expect(sweeps).toEqual([{ name: 'failing', limit: 0 }, { name: 'counting', limit: 10_000 }]);
  });
});

describe('a database outage', () => {
  it('looks for due jobs every 5 s at most while the database cannot be reached (the 503 Retry-After), logging the outage once', async () => {
    // A database whose every connect is refused, as the pool reports it.
    const refused = () => fromDatabase(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' }));
    const down = new Kysely<Database>({ dialect: new PostgresDialect({ pool: { connect: () => Promise.reject(refused()), end: async () => undefined } }) });
    const logged: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line) as { level: number; msg: string }) });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // The waits asked for, recorded by a wrapper of the fake setTimeout (a vi.spyOn on it left the fake in place for
    // the files this worker process runs next — isolate: false — and their timers never fired).
    const fake = globalThis.setTimeout;
    const waits: unknown[] = [];
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      waits.push(ms);
      return fake(fn, ms);
    }) as typeof setTimeout;
    const w = new JobWorker({ db: down, handlers: ctx.handlers, log: logger, pollIntervalMs: 1_000, housekeeping: false });
    try {
      w.start();
      await vi.advanceTimersByTimeAsync(40_000);
      // The waits the polling loop asked for: doubling from the poll interval, then 5 s (it grew to 30 s before).
      expect(waits.slice(0, 9)).toEqual([2_000, 4_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000]);
    } finally {
      globalThis.setTimeout = fake;
      await w.stop();
      vi.useRealTimers();
      await down.destroy();
    }
    const warnings = logged.filter((l) => l.level >= 40);
    expect(warnings.map((l) => l.msg)).toEqual(['job worker (claiming jobs): database unreachable; retrying until it is back']);
    expect(logged.filter((l) => l.msg.endsWith('database still unreachable')).length).toBeGreaterThanOrEqual(8);
  });
});

describe('several workers on one database', () => {
  it('runs each job exactly once', async () => {
    const count = 120;
    await ctx.db.transaction().execute(async (tx) => {
      for (let i = 0; i < count; i++) {
        await ctx.outbox.publish(tx, { name: 'test.parallel', jurisdictionId: null, payload: { i } });
      }
    });
    // On PostgreSQL each worker gets its own connection pool, as separate processes would.
    const pools: Storage[] = [];
    const workers: JobWorker[] = [];
    for (let i = 0; i < 3; i++) {
      let db = ctx.db;
      if (testStorageKind === 'postgres') {
        const { rows } = await sql<{ name: string }>`SELECT current_database() AS name`.execute(ctx.db);
        const pool = await openPostgres(withDatabase(process.env.TEST_DATABASE_URL!, rows[0]!.name), { max: 4 });
        pools.push(pool);
        db = pool.db;
      }
      workers.push(worker({ db, concurrency: 3, batchSize: 2, pollIntervalMs: 10 }));
    }
    try {
      workers.forEach((w) => w.start());
      await until('all jobs done', async () => {
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs WHERE status <> 'done'`.execute(ctx.db);
        return rows[0]!.n === 0 ? true : undefined;
      }, 30_000);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(pools.map((p) => p.close()));
    }
    const { rows } = await sql<{ runs: number; jobs: number }>`
      SELECT count(*)::int AS runs, count(DISTINCT job_id)::int AS jobs FROM test_runs`.execute(ctx.db);
    expect(rows[0]).toEqual({ runs: count, jobs: count });
    const attempts = await sql<{ max: number }>`SELECT max(attempts)::int AS max FROM jobs`.execute(ctx.db);
    expect(attempts.rows[0]!.max).toBe(1);
    if (testStorageKind === 'postgres') {
      // Every worker took part (not one doing everything while the others slept).
      expect(workers.filter((w) => w.ran > 0).length).toBeGreaterThan(1);
    }
  });
});
