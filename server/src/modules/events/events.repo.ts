/**
 * SQL for the outbox (events), durable jobs and timers. Claiming uses FOR UPDATE SKIP LOCKED and a lease, so
 * several worker processes on one PostgreSQL database never take the same job at the same time, and a job
 * whose worker died is taken again once its lease has expired. Times come from the database clock (now()),
 * so workers on machines with skewed clocks agree on what is due.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import { PREPARED } from '../../db/storage.js';
import { rowSet, type Numbered } from '../../shared/row-set.js';

export interface ClaimedJob {
  id: number;
  kind: 'event' | 'timer';
  handler: string;
  eventId: number | null;
  jurisdictionId: string | null;
  payload: Record<string, unknown>;
  /** Including the attempt just claimed. */
  attempts: number;
  maxAttempts: number;
}

export interface StoredEvent {
  id: number;
  name: string;
  jurisdictionId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

const LIVE = ['pending', 'running'] as const;

export type NewEvent = { name: string; jurisdictionId: string | null; payload: Record<string, unknown> };

/**
 * Events, each with one job per subscribed handler, any number in one statement of fixed text (see
 * shared/row-set.ts): three WITH parts, `name` (the events written — those whose row `r` satisfies `onlyIf` — with
 * their ids taken from the sequence, so that the jobs can name them), `name_e` (their INSERT) and `name_j` (the jobs).
 */
export function eventsWithJobsSql(events: ReadonlyArray<Numbered<{ event: NewEvent; handlers: readonly string[] }>>, name: string, onlyIf: RawBuilder<SqlBool>): RawBuilder<unknown> {
  const rows = events.map(({ i, event }) => ({ i, name: event.name, jurisdiction_id: event.jurisdictionId, payload: event.payload }));
  const jobs = events.flatMap(({ i, handlers }) => handlers.map((handler) => ({ i, handler })));
  const v = sql.ref(name);
  return sql`${v} AS MATERIALIZED (
      SELECT r.i, nextval('events_id_seq') AS id, r.name, r.jurisdiction_id, r.payload::jsonb AS payload
        FROM ${rowSet(rows, 'i int, name text, jurisdiction_id text, payload json')}
       WHERE ${onlyIf}),
    ${sql.ref(`${name}_e`)} AS (INSERT INTO events (id, name, jurisdiction_id, payload) SELECT id, name, jurisdiction_id, payload FROM ${v}),
    ${sql.ref(`${name}_j`)} AS (
      INSERT INTO jobs (kind, handler, event_id, jurisdiction_id, payload)
      SELECT 'event', h.handler, ${v}.id, ${v}.jurisdiction_id, '{}'::jsonb FROM ${v} JOIN ${rowSet(jobs, 'i int, handler text', 'h')} ON h.i = ${v}.i)`;
}

/** The event and one job per subscribed handler, in one statement (this runs in every audited change). */
export async function insertEventWithJobs(tx: Db, event: NewEvent, handlers: readonly string[]): Promise<number> {
  // The same statement as for many events (one row), prepared.
  const { rows } = await sql<{ id: number }>`${sql.raw(PREPARED)} WITH ${eventsWithJobsSql([{ i: 0, event, handlers }], 'ev', sql<SqlBool>`true`)} SELECT id FROM ev`.execute(tx);
  return Number(rows[0]!.id);
}

export interface NewTimer {
  handler: string;
  runAt: Date;
  key: string | null;
  jurisdictionId: string | null;
  payload: Record<string, unknown>;
  maxAttempts?: number;
}

/** What a timer with a key does when a live one of the same handler and key exists: replaces it in place. */
const replaceLiveTimer = sql`
    ON CONFLICT (handler, dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('pending', 'running')
    DO UPDATE SET run_at = EXCLUDED.run_at, jurisdiction_id = EXCLUDED.jurisdiction_id, payload = EXCLUDED.payload,
                  max_attempts = EXCLUDED.max_attempts, status = 'pending', attempts = 0, locked_by = NULL,
                  locked_until = NULL, last_error = NULL`;

/**
 * Timers, any number in one upsert of fixed text (see shared/row-set.ts); a timer is written only if `onlyIf` holds
 * for its row `r`. Two timers of one statement must not share a handler and key.
 */
export function upsertTimersSql(timers: ReadonlyArray<Numbered<{ timer: NewTimer }>>, onlyIf: RawBuilder<SqlBool>): RawBuilder<unknown> {
  const rows = timers.map(({ i, timer: t }) => ({ i, handler: t.handler, dedupe_key: t.key, run_at: t.runAt, jurisdiction_id: t.jurisdictionId, payload: t.payload, max_attempts: t.maxAttempts ?? 10 }));
  return sql`
    INSERT INTO jobs (kind, handler, dedupe_key, run_at, jurisdiction_id, payload, max_attempts)
    SELECT 'timer', handler, dedupe_key, run_at, jurisdiction_id, payload::jsonb, max_attempts
      FROM ${rowSet(rows, 'i int, handler text, dedupe_key text, run_at timestamptz, jurisdiction_id text, payload json, max_attempts int')}
     WHERE ${onlyIf}
    ${replaceLiveTimer}`;
}

/**
 * Inserts a timer; with a key, a live timer of the same handler and key is replaced in place (the partial
 * unique index arbitrates between concurrent schedulers, so two transactions cannot both create one).
 */
export async function upsertTimer(tx: Db, timer: NewTimer): Promise<number> {
  // The same upsert as for many timers (one row), prepared; without a key nothing can conflict.
  const result = await sql<{ id: number }>`${sql.raw(PREPARED)} ${upsertTimersSql([{ i: 0, timer }], sql<SqlBool>`true`)} RETURNING id`.execute(tx);
  return Number(result.rows[0]!.id);
}

/** Cancels a live timer (pending, or claimed but not yet started); returns whether there was one. */
export async function cancelTimer(tx: Db, handler: string, key: string): Promise<boolean> {
  const result = await tx
    .updateTable('jobs')
    .set({ status: 'cancelled', finished_at: sql`now()`, locked_by: null, locked_until: null })
    .where('handler', '=', handler)
    .where('dedupe_key', '=', key)
    .where('status', 'in', LIVE)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Moves the pending timers of `handler` in a jurisdiction that are due after `runAt` to `runAt` (a running one is left:
 * it is deciding now). Returns how many moved.
 */
export async function bringTimersForward(tx: Db, handler: string, jurisdictionId: string, runAt: Date): Promise<number> {
  const result = await tx
    .updateTable('jobs')
    .set({ run_at: runAt })
    .where('handler', '=', handler)
    .where('jurisdiction_id', '=', jurisdictionId)
    .where('status', '=', 'pending')
    .where('run_at', '>', runAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Jobs whose worker died after their last allowed attempt are failed rather than run again: a job that kills
 * its process every time must not take every process down in turn.
 */
export async function failAbandoned(db: Db): Promise<number> {
  const result = await sql`
    UPDATE jobs SET status = 'failed', finished_at = now(), locked_by = NULL, locked_until = NULL,
                    last_error = coalesce(last_error || ' / ', '') || 'lease expired on the last attempt (worker stopped)'
    WHERE id IN (SELECT id FROM jobs
                 WHERE status = 'running' AND locked_until < now() AND attempts >= max_attempts
                 ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED)`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Only for a worker that is alone on its database: every job still marked running belongs to a dead process.
 * Its attempt counts; one that was on its last attempt is failed.
 */
export async function releaseOrphans(db: Db): Promise<number> {
  const result = await sql`
    UPDATE jobs SET locked_by = NULL, locked_until = NULL,
      status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
      finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
      last_error = CASE WHEN attempts >= max_attempts
        THEN coalesce(last_error || ' / ', '') || 'process stopped during the last attempt' ELSE last_error END
    WHERE status = 'running'`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Takes up to `limit` due jobs for `workerId` with a lease of `leaseMs`. */
export async function claimDue(db: Db, workerId: string, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
  const result = await sql<{
    id: number;
    kind: 'event' | 'timer';
    handler: string;
    event_id: number | null;
    jurisdiction_id: string | null;
    payload: Record<string, unknown>;
    attempts: number;
    max_attempts: number;
  }>`
    UPDATE jobs j
    SET status = 'running', locked_by = ${workerId},
        locked_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = j.attempts + 1
    FROM (SELECT id FROM jobs
          WHERE (status = 'pending' AND run_at <= now()) OR (status = 'running' AND locked_until < now())
          ORDER BY run_at, id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED) due
    WHERE j.id = due.id
    RETURNING j.id, j.kind, j.handler, j.event_id, j.jurisdiction_id, j.payload, j.attempts, j.max_attempts`.execute(db);
  return result.rows
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      handler: r.handler,
      eventId: r.event_id,
      jurisdictionId: r.jurisdiction_id,
      payload: r.payload,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
    }))
    .sort((a, b) => a.id - b.id);
}

/**
 * Inside the run transaction: locks the job row and confirms this worker still holds it. While the row is
 * locked, other workers' claims skip it, so a slow handler is never run twice concurrently even past its lease.
 */
export async function lockOwnedJob(tx: Db, jobId: number, workerId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('jobs')
    .select('id')
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

export async function findEvent(tx: Db, eventId: number): Promise<StoredEvent | null> {
  const row = await tx
    .selectFrom('events')
    .select(['id', 'name', 'jurisdiction_id', 'payload', 'created_at'])
    .where('id', '=', eventId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    jurisdictionId: row.jurisdiction_id,
    payload: row.payload,
    createdAt: row.created_at,
  };
}

/**
 * A job's completion, in its handler's transaction. A timer whose handler scheduled it again (the same handler and key:
 * the live row is replaced in place, back to pending at the new time) stays pending: it re-armed itself.
 */
export async function markDone(tx: Db, jobId: number): Promise<void> {
  await tx
    .updateTable('jobs')
    .set({ status: 'done', finished_at: sql`now()`, locked_by: null, locked_until: null, last_error: null })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .execute();
}

/** A detached job's reservation: extends the lease while this worker still holds the job. */
export async function renewLease(db: Db, jobId: number, workerId: string, leaseMs: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A detached job's completion, in its own statement: only if this worker still holds it (else it was replaced). */
export async function markDoneIfOwned(db: Db, jobId: number, workerId: string): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ status: 'done', finished_at: sql`now()`, locked_by: null, locked_until: null, last_error: null })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Records a failed attempt: back to pending after `retryInMs`, or failed for good when `retryInMs` is null.
 * Only if this worker still holds the job (a cancelled or replaced timer stays as it is).
 */
export async function markAttemptFailed(
  db: Db,
  jobId: number,
  workerId: string,
  error: string,
  retryInMs: number | null,
): Promise<void> {
  const base = db
    .updateTable('jobs')
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId);
  if (retryInMs === null) {
    await base
      .set({ status: 'failed', finished_at: sql`now()`, locked_by: null, locked_until: null, last_error: error })
      .execute();
  } else {
    await base
      .set({
        status: 'pending',
        run_at: sql`now() + make_interval(secs => ${retryInMs / 1000})`,
        locked_by: null,
        locked_until: null,
        last_error: error,
      })
      .execute();
  }
}

/** Gives a claimed job back untouched (the worker is stopping before it started). */
export async function releaseClaim(db: Db, jobId: number, workerId: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'pending', attempts: sql`greatest(attempts - 1, 0)`, locked_by: null, locked_until: null })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .execute();
}

/**
 * Deletes done and cancelled jobs finished more than `olderThanDays` ago, then events older than that which no
 * job needs any more; at most `limit` rows of each per call so one run never holds long locks.
 */
export async function deleteFinished(db: Db, olderThanDays: number, limit: number): Promise<{ jobs: number; events: number }> {
  const jobs = await sql`
    DELETE FROM jobs WHERE id IN (
      SELECT id FROM jobs WHERE status IN ('done', 'cancelled')
        AND finished_at < now() - make_interval(days => ${olderThanDays})
      ORDER BY finished_at LIMIT ${limit})`.execute(db);
  const events = await sql`
    DELETE FROM events WHERE id IN (
      SELECT e.id FROM events e
      WHERE e.created_at < now() - make_interval(days => ${olderThanDays})
        AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id)
      ORDER BY e.created_at LIMIT ${limit})`.execute(db);
  return { jobs: Number(jobs.numAffectedRows ?? 0n), events: Number(events.numAffectedRows ?? 0n) };
}

export async function countByStatus(db: Db): Promise<{ pending: number; running: number; failed: number; due: number }> {
  const result = await sql<{ pending: number; running: number; failed: number; due: number }>`
    SELECT
      (SELECT count(*) FROM jobs WHERE status = 'pending')::int AS pending,
      (SELECT count(*) FROM jobs WHERE status = 'running')::int AS running,
      (SELECT count(*) FROM jobs WHERE status = 'failed')::int AS failed,
      (SELECT count(*) FROM jobs WHERE status IN ('pending', 'running') AND run_at <= now()
         AND (status = 'pending' OR locked_until < now()))::int AS due`.execute(db);
  return result.rows[0]!;
}
