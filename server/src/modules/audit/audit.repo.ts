/** SQL for the audit log. Appends are serialised by an advisory lock held to the end of the transaction. */
import { sql } from 'kysely';
import type { Db } from '../../app-context.js';
import type { StoredEntry } from './chain.js';

const AUDIT_LOCK = 7243003;

export async function lockChain(tx: Db): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(tx);
}

export async function findHead(tx: Db): Promise<{ seq: number; hash: string } | null> {
  const row = await tx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
  return row ?? null;
}

export async function insertEntry(tx: Db, e: StoredEntry): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({
      seq: e.seq,
      at: e.at,
      jurisdiction_id: e.jurisdictionId,
      actor_kind: e.actorKind as 'user',
      actor_id: e.actorId,
      actor_name: e.actorName,
      action: e.action,
      object_type: e.objectType,
      object_id: e.objectId,
      ip: e.ip,
      request_id: e.requestId,
      purpose: e.purpose,
      details: JSON.stringify(e.details ?? {}),
      prev_hash: e.prevHash,
      hash: e.hash,
    })
    .execute();
  await tx
    .insertInto('audit_head')
    .values({ id: 1, seq: e.seq, hash: e.hash })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seq: e.seq, hash: e.hash }))
    .execute();
}
