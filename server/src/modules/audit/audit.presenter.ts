import type { AuditEntry } from './audit.repo.js';

export function presentAuditEntry(e: AuditEntry) {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at.toISOString(),
    jurisdictionId: e.jurisdictionId,
    actor: { kind: e.actorKind, id: e.actorId, name: e.actorName },
    action: e.action,
    object: { type: e.objectType, id: e.objectId },
    ip: e.ip,
    requestId: e.requestId,
    purpose: e.purpose,
    details: (e.details ?? {}) as Record<string, unknown>,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
