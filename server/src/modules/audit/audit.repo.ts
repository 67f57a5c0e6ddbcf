/** SQL for the audit log. Appends are serialised by an advisory lock held to the end of the transaction. */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
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

type AuditRow = {
  seq: number;
  at: Date;
  jurisdiction_id: string | null;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  ip: string | null;
  request_id: string | null;
  purpose: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
};

export function toEntry(r: AuditRow): StoredEntry {
  return {
    seq: r.seq,
    at: r.at,
    jurisdictionId: r.jurisdiction_id,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    ip: r.ip,
    requestId: r.request_id,
    purpose: r.purpose,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * The head and the highest stored seq, read in one statement (one snapshot): an append writes both in one
 * transaction, so they disagree only if someone changed the table outside the application.
 */
export async function findHeadAndMaxSeq(db: Db): Promise<{ head: { seq: number; hash: string } | null; maxSeq: number }> {
  const { rows } = await sql<{ head_seq: number | null; head_hash: string | null; max_seq: number | null }>`
    SELECT h.seq AS head_seq, h.hash AS head_hash, (SELECT max(seq) FROM audit_log) AS max_seq
    FROM (SELECT 1) one LEFT JOIN audit_head h ON h.id = 1`.execute(db);
  const row = rows[0]!;
  return {
    head: row.head_seq === null || row.head_hash === null ? null : { seq: row.head_seq, hash: row.head_hash },
    maxSeq: row.max_seq ?? 0,
  };
}

export async function findEntryBySeq(db: Db, seq: number): Promise<StoredEntry | null> {
  const row = await db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirst();
  return row ? toEntry(row) : null;
}

/** Entries with afterSeq < seq <= untilSeq, in seq order, at most `limit`. */
export async function listChainPage(db: Db, afterSeq: number, untilSeq: number, limit: number): Promise<StoredEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '>', afterSeq)
    .where('seq', '<=', untilSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(toEntry);
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  actorKind?: string;
  objectType?: string;
  objectId?: string;
  jurisdictionId?: string;
  purpose?: string;
  from?: Date;
  to?: Date;
}

/** Newest first; `beforeSeq` is the keyset cursor (the last seq of the previous page). */
export async function listEntriesPage(
  db: Db,
  scope: RawBuilder<SqlBool>,
  f: AuditFilter,
  page: { beforeSeq: number | null; limit: number },
): Promise<StoredEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().where(scope);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.actorKind) q = q.where('actor_kind', '=', f.actorKind as 'user');
  if (f.objectType) q = q.where('object_type', '=', f.objectType);
  if (f.objectId) q = q.where('object_id', '=', f.objectId);
  if (f.jurisdictionId) q = q.where('jurisdiction_id', '=', f.jurisdictionId);
  if (f.purpose) q = q.where('purpose', '=', f.purpose);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<', f.to);
  if (page.beforeSeq !== null) q = q.where('seq', '<', page.beforeSeq);
  const rows = await q.orderBy('seq', 'desc').limit(page.limit).execute();
  return rows.map(toEntry);
}
