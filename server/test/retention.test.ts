/**
 * Retention sweeps (保留期清理) that the job worker's housekeeping runs: Idempotency-Keys past their day, phone
 * sign-in codes issued more than a day ago and sessions that ended more than a week ago are deleted; what is still
 * live stays and keeps working.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { PHONE_CODE_SWEEP, PRUNE_PHONE_CODES, prunePhoneCodes, SESSION_RETENTION_MS, SESSION_SWEEP } from '../src/modules/identity/index.js';
import { IDEMPOTENCY_SWEEP, IDEMPOTENCY_TTL_MS, pruneIdempotencyKeys } from '../src/modules/work-orders/index.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';
import { sha256 } from './hash.js';

let t: TestApp;
let j: string;

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
});
afterAll(async () => {
  await t?.close();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Runs one housekeeping pass (a worker does it when it starts) and waits until `done` holds. */
async function housekeep(done: () => Promise<boolean>): Promise<void> {
  const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), pollIntervalMs: 50, housekeeping: { keepDays: 7, intervalMs: 60 * 60_000 } });
  worker.start();
  try {
    const deadline = Date.now() + 10_000;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error('housekeeping did not finish in 10 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    await worker.stop();
  }
}

async function addKey(key: string, ageMs: number): Promise<void> {
  await sql`INSERT INTO idempotency_keys (scope, key, request_hash, status, response, created_at)
            VALUES ('retention-test', ${key}, 'h', 201, '{}', ${new Date(Date.now() - ageMs)})`.execute(t.ctx.db);
}

async function keys(): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('idempotency_keys').select('key').where('scope', '=', 'retention-test').orderBy('key').execute();
  return rows.map((r) => r.key);
}

it('the identity and work-order modules register their sweeps', () => {
  const names = t.ctx.handlers.sweeps().map(([name]) => name);
  expect(names).toContain(SESSION_SWEEP);
  expect(names).toContain(PHONE_CODE_SWEEP);
  expect(names).toContain(IDEMPOTENCY_SWEEP);
});

describe('Idempotency-Keys', () => {
  it('deletes the keys older than their time to live and keeps the younger ones', async () => {
    await addKey('expired-long-ago', 30 * DAY);
    await addKey('expired', IDEMPOTENCY_TTL_MS + HOUR);
    await addKey('live', IDEMPOTENCY_TTL_MS - HOUR);
    await addKey('fresh', 0);
    await housekeep(async () => (await keys()).length === 2);
    expect(await keys()).toEqual(['fresh', 'live']);
  });

  it('deletes at most the limit per call, oldest first', async () => {
    for (let i = 0; i < 5; i++) await addKey(`old-${i}`, IDEMPOTENCY_TTL_MS + (5 - i) * HOUR);
    expect(await pruneIdempotencyKeys(t.ctx.db, new Date(), 3)).toBe(3);
    expect((await keys()).filter((k) => k.startsWith('old-'))).toEqual(['old-3', 'old-4']);
    expect(await pruneIdempotencyKeys(t.ctx.db, new Date(), 3)).toBe(2);
    expect(await pruneIdempotencyKeys(t.ctx.db, new Date(), 3)).toBe(0);
  });

  // Two connections are needed: PGlite has one.
  it.skipIf(testStorageKind !== 'postgres')('leaves a key that a request takes over while the sweep waits for its row', async () => {
    await addKey('taken-over', IDEMPOTENCY_TTL_MS + HOUR);
    let pruning: Promise<number> | undefined;
    await t.ctx.db.transaction().execute(async (tx) => {
      // What claimsSql does with an expired key: the row is a new request's claim now, with a fresh time.
      await sql`UPDATE idempotency_keys SET created_at = now(), request_hash = 'new' WHERE scope = 'retention-test' AND key = 'taken-over'`.execute(tx);
      pruning = pruneIdempotencyKeys(t.ctx.db, new Date(), 100);
      // The sweep read the old row version and now waits for this transaction's row lock.
      const deadline = Date.now() + 10_000;
      for (;;) {
        // pg_stat_activity is read once per transaction unless its snapshot is cleared (a CI run polled a stale one).
        await sql`SELECT pg_stat_clear_snapshot()`.execute(tx);
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
                                                  WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND datname = current_database()
                                                    AND query LIKE '%DELETE FROM idempotency_keys%'`.execute(tx);
        if (rows[0]!.n > 0) break;
        if (Date.now() > deadline) throw new Error('the sweep never waited for the row');
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    expect(await pruning).toBe(0);
    expect(await keys()).toContain('taken-over');
  });
});

/** A code issued `ageMs` before `now`; `name` goes in its phone HMAC so the test finds it. */
async function addCode(name: string, ageMs: number, now = new Date()): Promise<void> {
  const createdAt = new Date(now.getTime() - ageMs);
  await t.ctx.db
    .insertInto('phone_codes')
    .values({ jurisdiction_id: j, phone_hmac: `retention-test:${name}`, code_hmac: 'x', expires_at: new Date(createdAt.getTime() + 5 * MINUTE), created_at: createdAt })
    .execute();
}

async function codes(): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('phone_codes').select('phone_hmac').where('phone_hmac', 'like', 'retention-test:%').orderBy('phone_hmac').execute();
  return rows.map((r) => r.phone_hmac.slice('retention-test:'.length));
}

describe('phone sign-in codes', () => {
  beforeEach(async () => {
    await t.ctx.db.deleteFrom('phone_codes').where('phone_hmac', 'like', 'retention-test:%').execute();
  });

  it('deletes the codes issued more than a day ago and keeps the younger ones', async () => {
    await addCode('old', 30 * DAY);
    await addCode('just-older', DAY + MINUTE);
    await addCode('just-younger', DAY - MINUTE);
    await addCode('fresh', 0);
    await housekeep(async () => (await codes()).length === 2);
    expect(await codes()).toEqual(['fresh', 'just-younger']);
  });

  it('keeps a code a millisecond younger than a day and deletes one a millisecond older', async () => {
    const now = new Date();
    await addCode('a-day-less-1ms', DAY - 1, now);
    await addCode('a-day-and-1ms', DAY + 1, now);
    expect(await prunePhoneCodes(t.ctx.db, now, 100)).toBe(1);
    expect(await codes()).toEqual(['a-day-less-1ms']);
  });

  it('deletes at most the limit per call, oldest first', async () => {
    // Inserted youngest first, so that the table's own order is not the answer.
    for (let i = 4; i >= 0; i--) await addCode(`old-${i}`, DAY + (5 - i) * HOUR);
    expect(await prunePhoneCodes(t.ctx.db, new Date(), 3)).toBe(3);
    expect(await codes()).toEqual(['old-3', 'old-4']);
    expect(await prunePhoneCodes(t.ctx.db, new Date(), 3)).toBe(2);
    expect(await prunePhoneCodes(t.ctx.db, new Date(), 3)).toBe(0);
  });

  it('a pruning timer scheduled by the previous release still finds its handler and prunes', async () => {
    await addCode('left-for-the-timer', DAY + HOUR);
    await addCode('young', HOUR);
    await t.ctx.db.transaction().execute((tx) =>
      t.ctx.outbox.schedule(tx, { handler: PRUNE_PHONE_CODES, key: 'h1', runAt: new Date(), jurisdictionId: null, payload: {} }),
    );
    const worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), housekeeping: false });
    expect((await worker.drain(10_000)).complete).toBe(true);
    const job = await t.ctx.db.selectFrom('jobs').select(['status', 'last_error']).where('handler', '=', PRUNE_PHONE_CODES).executeTakeFirstOrThrow();
    expect(job).toEqual({ status: 'done', last_error: null });
    expect(await codes()).toEqual(['young']);
  });
});

describe('sessions', () => {
  it('deletes sessions that ended more than a week ago and keeps the rest, which still sign requests in', async () => {
    const user = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
    const sessions: Record<string, Session> = {};
    for (const name of ['revoked', 'expired', 'idle', 'recentlyExpired', 'live']) sessions[name] = await loginAs(t.app, user);
    const at = (ms: number) => new Date(Date.now() - ms);
    const set = async (name: string, values: { revoked_at?: Date; expires_at?: Date; last_seen_at?: Date }) => {
      await t.ctx.db.updateTable('sessions').set(values).where('id_hash', '=', sha256(sessions[name]!.token)).execute();
    };
    const week = SESSION_RETENTION_MS;
    await set('revoked', { revoked_at: at(week + HOUR) });
    await set('expired', { expires_at: at(week + HOUR), last_seen_at: at(week + 90 * 60_000) });
    // Unused for longer than the retention plus the idle limit, although its absolute expiry is still ahead.
    await set('idle', { last_seen_at: at(week + 3 * HOUR) });
    await set('recentlyExpired', { expires_at: at(DAY), last_seen_at: at(DAY + HOUR) });

    const left = async () => {
      const rows = await t.ctx.db.selectFrom('sessions').select('id_hash').where('user_id', '=', user.id).execute();
      return new Set(rows.map((r) => r.id_hash));
    };
    await housekeep(async () => (await left()).size === 2);
    const hashes = await left();
    expect(Object.keys(sessions).filter((name) => hashes.has(sha256(sessions[name]!.token)))).toEqual(['recentlyExpired', 'live']);

    const me = (s: Session) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.bearer });
    expect((await me(sessions.live!)).statusCode).toBe(200);
    expect((await me(sessions.revoked!)).statusCode).toBe(401);
  });
});
