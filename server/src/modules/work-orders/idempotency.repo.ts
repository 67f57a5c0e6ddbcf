/**
 * Idempotency-Key storage. The claim is the first part of the create's write statement and carries the answer
 * itself (built before the statement); the order and everything else the create writes are inserted only if the
 * claim returned a row. A second request with the same key waits on that row until the first commits (PostgreSQL) —
 * or runs after it (PGlite, one connection) — and then finds the stored answer instead of creating again. A create
 * that fails writes no key.
 */
import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../app-context.js';
import { rowSetWithJson } from '../../shared/row-set.js';
import { canonicalJson } from '../audit/index.js';

/** Keys are kept this long; a retry after that is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/**
 * SHA-256 of the body's canonical JSON (keys sorted at every depth, absent values left out: the audit chain's
 * encoding), so that a retry whose client orders its keys differently is still the same request.
 */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** A request's claim of its key, carrying the answer it is about to give (see claimsSql). */
export interface NewClaim {
  scope: string;
  key: string;
  /** requestHash of the body. */
  hash: string;
  at: Date;
  status: number;
  /** The answer as JSON text: the same text the request then sends (serialised once). */
  responseJson: string;
}

/**
 * Claims with their answers, any number in one statement of fixed text (see shared/row-set.ts), returning the
 * (scope, key) of each claim this statement now owns: a new key is inserted; an expired one is taken over; a live
 * one — answered, or being answered by a concurrent request, which the statement then waits for — returns nothing.
 * The keys of one statement must differ.
 */
export function claimsSql(claims: ReadonlyArray<NewClaim>): RawBuilder<{ scope: string; key: string }> {
  const rows = claims.map((c) => ({ scope: c.scope, key: c.key, request_hash: c.hash, status: c.status, created_at: c.at }));
  return sql`
    INSERT INTO idempotency_keys (scope, key, request_hash, status, response, created_at)
    SELECT scope, key, request_hash, status, response, created_at
      FROM ${rowSetWithJson(rows, 'response', claims.map((c) => c.responseJson), 'scope text, key text, request_hash text, status int, response text, created_at timestamptz')}
    ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, response = EXCLUDED.response, created_at = EXCLUDED.created_at
      WHERE idempotency_keys.created_at < EXCLUDED.created_at - ${sql.raw(`interval '${IDEMPOTENCY_TTL_MS} milliseconds'`)}
    RETURNING scope, key`;
}

/** The stored first answer of a key this request did not claim, as the JSON text first sent. */
export async function findClaim(db: Db, scope: string, key: string): Promise<{ requestHash: string; status: number; responseJson: string }> {
  const row = await db.selectFrom('idempotency_keys').select(['request_hash', 'status', 'response']).where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  return { requestHash: row.request_hash, status: row.status, responseJson: row.response };
}

/** Replaces the answer stored with the claim (inside the creating transaction, when the answer changed after it). */
export async function complete(tx: Db, scope: string, key: string, status: number, response: unknown): Promise<void> {
  await sql`UPDATE idempotency_keys SET status = ${status}, response = ${JSON.stringify(response)} WHERE scope = ${scope} AND key = ${key}`.execute(tx);
}

/** The retention sweep of idempotency_keys (registered by the work-order module; Open311's keys live here too). */
export const IDEMPOTENCY_SWEEP = 'work_orders.idempotency-keys';

/**
 * Deletes up to `limit` keys past their time to live, oldest first. The outer condition is checked again on the row
 * it deletes: a concurrent request may have just taken the expired key over (claimsSql), and that claim is live.
 */
export async function pruneIdempotencyKeys(db: Db, now: Date, limit: number): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_TTL_MS);
  const r = await sql`
    DELETE FROM idempotency_keys
     WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys WHERE created_at < ${before} ORDER BY created_at LIMIT ${limit})
       AND created_at < ${before}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
