/** Shapes returned by the server (server/src/modules/identity/identity.schema.ts and the org/audit modules). */
export const ROLES = [
  'resident',
  'enterprise',
  'agent',
  'dispatcher',
  'handler',
  'inspector',
  'operator',
  'steward',
  'analyst',
  'leader',
  'admin',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export type GrantScope =
  | { kind: 'jurisdiction' }
  | { kind: 'department'; departmentId: string }
  | { kind: 'grids'; gridCodes: string[] }
  | { kind: 'self' };

export interface Grant {
  id: string;
  role: string;
  scope: GrantScope;
}

export interface User {
  id: string;
  jurisdictionId: string;
  username: string;
  displayName: string;
  department: { id: string; code: string; nameZh: string; nameEn: string } | null;
  status: 'active' | 'disabled';
  mustChangePassword: boolean;
  locked: boolean;
  grants: Grant[];
  createdAt: string;
  updatedAt: string;
}

export interface Me {
  user: User;
  permissions: string[];
  csrfToken: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ApiKey {
  id: string;
  jurisdictionId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

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

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/;
