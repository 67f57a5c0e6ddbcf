/**
 * Shapes returned by the org and audit modules (server/src/modules/org, audit) that are not in @civicgrid/contracts
 * yet. Identity's (roles, users, grants, API keys, /me) are there: contracts/src/identity.ts.
 */
export interface Department {
  id: string;
  parentId: string | null;
  code: string;
  kind: 'government' | 'district' | 'street' | 'community' | 'functional' | 'unit';
  nameZh: string;
  nameEn: string;
  divisionCode: string | null;
  active: boolean;
}

export const DEPARTMENT_KINDS: Department['kind'][] = ['government', 'district', 'street', 'community', 'functional', 'unit'];

export interface AuditEntry {
  /** Write order (the list cursor). */
  id: number;
  /** Position in the hash chain; null for the moment until the chainer links the entry. */
  seq: number | null;
  at: string;
  jurisdictionId: string | null;
  actor: { kind: string; id: string | null; name: string | null };
  action: string;
  object: { type: string | null; id: string | null };
  ip: string | null;
  requestId: string | null;
  purpose: string | null;
  details: Record<string, unknown>;
  prevHash: string | null;
  hash: string | null;
}

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  firstBadSeq?: number;
  problem?: string;
}
