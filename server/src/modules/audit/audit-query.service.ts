/**
 * Reading the audit log (auditors and admins, inside their jurisdiction). Every read is itself recorded as an
 * `audit.read` entry, in the same transaction as the read.
 */
import type { Db } from '../../app-context.js';
import type { Actor, RequestMeta } from '../../shared/actor.js';
import { badRequest } from '../../shared/errors.js';
import { authorizeAny, effectiveScope, scopeCondition, type Principal } from '../identity/index.js';
import { listEntriesPage, type AuditEntry } from './audit.repo.js';
import type { ListAuditQuery } from './audit.schema.js';
import { verifyAuditLog, type AuditVerification } from './audit-verify.js';
import { recordAudit } from './audit.service.js';

export interface Caller {
  principal: Principal;
  actor: Actor;
  request: RequestMeta;
}

const CURSOR = /^[1-9][0-9]{0,15}$/;

export async function listAuditEntries(
  db: Db,
  caller: Caller,
  query: ListAuditQuery,
): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
  authorizeAny(caller.principal, 'audit.read');
  if (query.cursor !== undefined && !CURSOR.test(query.cursor)) throw badRequest('audit.bad_cursor');
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from >= to) throw badRequest('audit.bad_range');
  const scope = scopeCondition(effectiveScope(caller.principal, 'audit.read'), { jurisdiction: 'audit_log.jurisdiction_id' });
  return db.transaction().execute(async (tx) => {
    const items = await listEntriesPage(
      tx,
      scope,
      { ...query, from, to },
      { beforeId: query.cursor ? Number(query.cursor) : null, limit: query.limit },
    );
    const { cursor: _c, limit: _l, ...filters } = query;
    await recordAudit(tx, {
      actor: caller.actor,
      request: caller.request,
      action: 'audit.read',
      jurisdictionId: caller.principal.jurisdictionId,
      objectType: 'audit_log',
      details: { filters, cursor: query.cursor ?? null, returned: items.length },
    });
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === query.limit && last ? String(last.id) : null };
  });
}

/**
 * Verifies the whole chain (it spans every jurisdiction; the answer names only positions). The check reads
 * in pages outside any transaction so it never holds the embedded database's one connection for long.
 */
export async function verifyForAuditor(db: Db, caller: Caller): Promise<AuditVerification> {
  authorizeAny(caller.principal, 'audit.verify');
  const result = await verifyAuditLog(db);
  await db.transaction().execute((tx) =>
    recordAudit(tx, {
      actor: caller.actor,
      request: caller.request,
      action: 'audit.read',
      jurisdictionId: caller.principal.jurisdictionId,
      objectType: 'audit_log',
      details: { operation: 'verify', ok: result.ok, entries: result.entries, ...(result.ok ? {} : { firstBadSeq: result.firstBadSeq, problem: result.problem }) },
    }),
  );
  return result;
}
