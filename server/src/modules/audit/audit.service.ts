/**
 * Appending to the audit log. Call `recordAudit(tx, …)` inside the transaction of the change it records, so
 * the entry exists exactly when the change does. It takes no lock: the entry is stored unchained and the chainer
 * (chainer.ts) links it into the hash chain after the transaction commits.
 */
import type { Db } from '../../app-context.js';
import type { Actor, RequestMeta } from '../../shared/actor.js';
import { toStorable } from './chain.js';
import { insertPendingEntry, type NewEntry } from './audit.repo.js';

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

/** Stores the entry in the caller's transaction; returns its id (its chain position comes later). */
export async function recordAudit(tx: Db, input: AuditInput): Promise<{ id: number }> {
  if (!tx.isTransaction) throw new Error('recordAudit must run inside the transaction of the change it records');
  return { id: await insertPendingEntry(tx, auditEntry(input)) };
}

/**
 * The entry `recordAudit` would store, for a caller that writes many in one statement of its own
 * (pendingEntriesSql: the work-order create's). It must be written in the transaction of the change it records.
 */
export function auditEntry(input: AuditInput): NewEntry {
  // JSON round trip: what the chainer hashes must be exactly what jsonb gives back when verifying.
  const details = JSON.parse(JSON.stringify(input.details ?? {})) as Record<string, unknown>;
  return toStorable({
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
  });
}
