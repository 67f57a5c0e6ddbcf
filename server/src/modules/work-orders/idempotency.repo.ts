/**
 * Idempotency-Key storage. `claim` inserts the key inside the creating transaction: a second request with the
 * same key waits on that row until the first commits (PostgreSQL) — or runs after it (PGlite, one connection) — and
 * then finds the stored answer instead of creating again. A rolled-back create leaves no key behind.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';

/** Keys are kept this long; a retry after that is a new request. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export function requestHash(body: unknown): string {
  return createHash('sha256').update(stableJson(body)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export type Claim = { fresh: true } | { fresh: false; requestHash: string; status: number; response: unknown };

export async function claim(tx: Db, scope: string, key: string, hash: string, now: Date): Promise<Claim> {
  // An expired key is free again: drop it first (in this transaction, so a concurrent claimer queues behind us).
  await tx.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_TTL_MS)).execute();
  const inserted = await tx
    .insertInto('idempotency_keys')
    .values({ scope, key, request_hash: hash, status: 0, response: '{}', created_at: now })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return { fresh: true };
  const row = await tx.selectFrom('idempotency_keys').select(['request_hash', 'status', 'response']).where('scope', '=', scope).where('key', '=', key).executeTakeFirstOrThrow();
  return { fresh: false, requestHash: row.request_hash, status: row.status, response: row.response };
}

export async function complete(tx: Db, scope: string, key: string, status: number, response: unknown): Promise<void> {
  await tx.updateTable('idempotency_keys').set({ status, response: JSON.stringify(response) }).where('scope', '=', scope).where('key', '=', key).execute();
}

export async function pruneIdempotencyKeys(db: Db, now: Date): Promise<number> {
  const r = await sql`DELETE FROM idempotency_keys WHERE created_at < ${new Date(now.getTime() - IDEMPOTENCY_TTL_MS)}`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
