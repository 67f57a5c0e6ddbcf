import type { StoredEntry } from './chain.js';

export function presentAuditEntry(e: StoredEntry) {
  return {
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
