import type { ActorKind, AuditEntryView } from '@civicgrid/contracts/audit';
import type { AuditEntry } from './audit.repo.js';

export function presentAuditEntry(e: AuditEntry): AuditEntryView {
  return {
    id: e.id,
    seq: e.seq,
    at: e.at.toISOString(),
    jurisdictionId: e.jurisdictionId,
    // The chain hashes the kind as text; the column holds only ACTOR_KINDS (its CHECK and Actor['kind']).
    actor: { kind: e.actorKind as ActorKind, id: e.actorId, name: e.actorName },
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
