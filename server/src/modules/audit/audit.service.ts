/**
 * Appending to the audit log. Call `recordAudit(tx, …)` inside the transaction of the change it records, so
 * the entry exists exactly when the change does.
 */
import type { Db } from '../../app-context.js';
import type { Actor, RequestMeta } from '../../shared/actor.js';
import { GENESIS, entryHash, toStorable, type StoredEntry } from './chain.js';
import { findHead, insertEntry, lockChain } from './audit.repo.js';

export interface AuditInput {
  actor: Actor;
  request: RequestMeta;
  /** Stable verb, `<object>.<verb>`: 'user.create', 'auth.login_failed', 'personal_data.read'. */
  action: string;
  jurisdictionId?: string | null;
  objectType?: string | null;
  objectId?: string | null;
  /** Why personal data was read (required by callers for personal_data.* actions). */
  purpose?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(tx: Db, input: AuditInput): Promise<StoredEntry> {
  if (!tx.isTransaction) throw new Error('recordAudit must run inside the transaction of the change it records');
  await lockChain(tx);
  const head = await findHead(tx);
  // JSON round trip: what we hash must be exactly what jsonb gives back when verifying.
  const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
  const fields = toStorable({
    seq: (head?.seq ?? 0) + 1,
    at: new Date(),
    jurisdictionId: input.jurisdictionId ?? input.actor.jurisdictionId ?? null,
    actorKind: input.actor.kind,
    actorId: input.actor.id,
    actorName: input.actor.name,
    action: input.action,
    objectType: input.objectType ?? null,
    objectId: input.objectId ?? null,
    ip: input.request.ip,
    requestId: input.request.requestId,
    purpose: input.purpose ?? null,
    details,
    prevHash: head?.hash ?? GENESIS,
  });
  const entry: StoredEntry = { ...fields, hash: entryHash(fields) };
  await insertEntry(tx, entry);
  return entry;
}
