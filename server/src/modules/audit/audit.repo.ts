/**
 * SQL for the audit log. Writers insert unchained entries (no lock); the chainer, under the chain's advisory lock,
 * fills in seq, prev_hash and hash (see migration 0006).
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import { PREPARED } from '../../db/storage.js';
import { rowSet, type Numbered } from '../../shared/row-set.js';
import type { ChainedFields, StoredEntry } from './chain.js';

const AUDIT_LOCK = 7243003;

/** An entry as written by a change's transaction: everything but its place in the chain. */
export type NewEntry = Omit<ChainedFields, 'seq' | 'prevHash'>;

/**
 * Unchained entries, any number in one INSERT of fixed text (see shared/row-set.ts); an entry is written only if
 * `onlyIf` holds for its row `r` (e.g. its create claimed its key).
 */
export function pendingEntriesSql(entries: ReadonlyArray<Numbered<{ entry: NewEntry }>>, onlyIf: RawBuilder<SqlBool>): RawBuilder<unknown> {
  const rows = entries.map(({ i, entry: e }) => ({
    i, at: e.at, jurisdiction_id: e.jurisdictionId, actor_kind: e.actorKind, actor_id: e.actorId, actor_name: e.actorName, action: e.action,
    object_type: e.objectType, object_id: e.objectId, ip: e.ip, request_id: e.requestId, purpose: e.purpose, details: e.details ?? {},
  }));
  const columns = 'i int, at timestamptz, jurisdiction_id text, actor_kind text, actor_id text, actor_name text, action text, object_type text, object_id text, ip text, request_id text, purpose text, details json';
  return sql`
    INSERT INTO audit_log (at, jurisdiction_id, actor_kind, actor_id, actor_name, action, object_type, object_id, ip, request_id, purpose, details)
    SELECT at, jurisdiction_id, actor_kind, actor_id, actor_name, action, object_type, object_id, ip, request_id, purpose, details::jsonb
      FROM ${rowSet(rows, columns)}
     WHERE ${onlyIf}`;
}

/** One unchained entry (the same INSERT, one row, prepared), returning its id. */
export async function insertPendingEntry(tx: Db, e: NewEntry): Promise<number> {
  const { rows } = await sql<{ id: number }>`${sql.raw(PREPARED)} ${pendingEntriesSql([{ i: 0, entry: e }], sql<SqlBool>`true`)} RETURNING id`.execute(tx);
  return Number(rows[0]!.id);
}

/** A pending entry as the chainer reads it: what its hash covers, and its id. */
export interface PendingEntry extends Omit<ChainedFields, 'seq' | 'prevHash'> {
  id: number;
}

export type ChainHead = { seq: number; hash: string } | null;

/**
 * Takes the chain's lock for this transaction if nobody holds it (tried, never waited for) and, if it got it, reads
 * the oldest unchained entries that are visible (committed), at most `limit`, and the chain's head: one statement
 * (one round trip) of fixed text, prepared once per connection. Only the columns the hash covers are read (seq,
 * prev_hash and hash are null). Null when another chainer holds the lock.
 *
 * The statement's snapshot is taken before the lock is: when the previous chainer commits and releases the lock
 * while this statement runs, what it read can be one batch old. chainEntries therefore only writes if the head is
 * still the one read here (its own snapshot comes after the lock, so it sees every earlier chainer's commit).
 */
export async function lockAndListPending(tx: Db, limit: number): Promise<{ pending: PendingEntry[]; head: ChainHead } | null> {
  const { rows } = await sql<Nullable<PendingRow> & { locked: boolean; head_seq: number | null; head_hash: string | null }>`${sql.raw(PREPARED)}
    WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(${AUDIT_LOCK}) AS locked)
    SELECT l.locked, h.seq AS head_seq, h.hash AS head_hash, p.*
      FROM lock l
      LEFT JOIN audit_head h ON h.id = 1 AND l.locked
      LEFT JOIN LATERAL (
        SELECT id, at, jurisdiction_id, actor_kind, actor_id, actor_name, action, object_type, object_id, ip, request_id, purpose, details
          FROM audit_log WHERE seq IS NULL AND l.locked ORDER BY id LIMIT ${limit}) p ON TRUE
     ORDER BY p.id`.execute(tx);
  const first = rows[0]!;
  if (!first.locked) return null;
  const head = first.head_seq !== null && first.head_hash !== null ? { seq: first.head_seq, hash: first.head_hash } : null;
  const pending: PendingEntry[] = [];
  for (const r of rows) {
    if (r.id === null) continue; // the one row of "locked, nothing pending"
    pending.push(entryFieldsOf(r as PendingRow));
  }
  return { pending, head };
}

type PendingRow = Omit<AuditRow, 'seq' | 'prev_hash' | 'hash'>;
type Nullable<T> = { [K in keyof T]: T[K] | null };

/**
 * Gives entries their place in the chain and moves the head to the last of them, in ONE statement whose text does
 * not depend on the number of entries (the links are one json parameter, see shared/row-set.ts), prepared once per
 * connection: a VALUES list with four parameters per entry had to be compiled by Kysely, and parsed and planned by
 * PostgreSQL, on every pass. The ids once more, as an array parameter, make PostgreSQL fetch exactly those rows by primary key:
 * joined only to the json rows (estimated at 100 whatever their number), the planner may instead read all of
 * audit_log_pending_idx, which until VACUUM still lists every entry chained since, and that cost 10 times the old
 * statement's CPU in a test with 96,000 entries. Writes nothing and returns false if the head is no longer `expected`, the one the
 * links were computed from (see lockAndListPending); throws (the transaction rolls back) unless every entry was
 * still unchained.
 */
export async function chainEntries(tx: Db, expected: ChainHead, entries: Array<{ id: number; seq: number; prevHash: string; hash: string }>): Promise<boolean> {
  if (entries.length === 0) return true;
  const links = entries.map((e) => ({ id: e.id, seq: e.seq, prev_hash: e.prevHash, hash: e.hash }));
  const last = entries[entries.length - 1]!;
  const { rows } = await sql<{ unchanged: boolean; linked: number }>`${sql.raw(PREPARED)}
    WITH head AS (
      SELECT (SELECT seq FROM audit_head WHERE id = 1) IS NOT DISTINCT FROM ${expected?.seq ?? null}::bigint
             AND (SELECT hash FROM audit_head WHERE id = 1) IS NOT DISTINCT FROM ${expected?.hash ?? null}::text AS unchanged),
    link AS (
      UPDATE audit_log a SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
        FROM ${rowSet(links, 'id bigint, seq bigint, prev_hash text, hash text', 'v')}
       WHERE a.id = v.id AND a.seq IS NULL AND (SELECT unchanged FROM head)
         AND a.id = ANY (${entries.map((e) => e.id)}::bigint[])
      RETURNING a.id),
    moved AS (
      INSERT INTO audit_head (id, seq, hash) SELECT 1, ${last.seq}::bigint, ${last.hash}::text WHERE (SELECT unchanged FROM head)
      ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash
      RETURNING id)
    SELECT (SELECT unchanged FROM head) AS unchanged, (SELECT count(*) FROM link) AS linked`.execute(tx);
  const { unchanged, linked } = rows[0]!;
  if (!unchanged) return false;
  if (linked !== entries.length) throw new Error(`audit chain: ${entries.length - linked} of ${entries.length} entries were no longer pending`);
  return true;
}

export async function countPending(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL`.execute(db);
  return rows[0]!.n;
}

type AuditRow = {
  id: number;
  seq: number | null;
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
  prev_hash: string | null;
  hash: string | null;
};

/** An entry as listed: `seq`, `prevHash` and `hash` are null while it waits for the chainer. */
export interface AuditEntry extends Omit<StoredEntry, 'seq' | 'prevHash' | 'hash'> {
  id: number;
  seq: number | null;
  prevHash: string | null;
  hash: string | null;
}

export function toAuditEntry(r: AuditRow): AuditEntry {
  const { id, ...fields } = entryFieldsOf(r);
  return { id, seq: r.seq, ...fields, prevHash: r.prev_hash, hash: r.hash };
}

/** An entry's own fields (all but its place in the chain), from its row. */
function entryFieldsOf(r: PendingRow): PendingEntry {
  return {
    id: r.id,
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
  };
}

/** A chained entry (the verifier reads only those). */
function toEntry(r: AuditRow): StoredEntry {
  const { id: _id, ...e } = toAuditEntry(r);
  if (e.seq === null || e.prevHash === null || e.hash === null) throw new Error(`audit entry ${r.id} is not chained`);
  return { ...e, seq: e.seq, prevHash: e.prevHash, hash: e.hash };
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

/** Newest first; `beforeId` is the keyset cursor (the last id of the previous page). */
export async function listEntriesPage(
  db: Db,
  scope: RawBuilder<SqlBool>,
  f: AuditFilter,
  page: { beforeId: number | null; limit: number },
): Promise<AuditEntry[]> {
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
  if (page.beforeId !== null) q = q.where('id', '<', page.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(page.limit).execute();
  return rows.map(toAuditEntry);
}
