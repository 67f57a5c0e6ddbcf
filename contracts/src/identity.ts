/**
 * Identity: the roles, the rules a username and a password must meet, and what the API shows of users, grants and
 * API keys (server/src/modules/identity: identity.presenter.ts builds these shapes, identity.schema.ts describes them).
 * Never password hashes, key hashes or lockout counters.
 */

/**
 * The roles a user can hold (see PRODUCT.md "Who uses it"), in the order the console offers them. The database CHECK
 * in server/migrations/0003_identity.sql lists the same.
 */
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

/** Password length in characters (the server's password policy answers auth.password_too_short / _too_long). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** 2–64 letters, digits or _ . @ - , starting with a letter or digit. */
export const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/;

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Where a grant applies: the whole jurisdiction, a department's subtree, some grids, or the user's own things. */
export type GrantScopeView =
  | { kind: 'jurisdiction' }
  | { kind: 'department'; departmentId: string }
  | { kind: 'grids'; gridCodes: string[] }
  | { kind: 'self' };

export interface GrantView {
  id: string;
  role: string;
  scope: GrantScopeView;
}

export interface UserView {
  id: string;
  jurisdictionId: string;
  username: string;
  displayName: string;
  department: { id: string; code: string; nameZh: string; nameEn: string } | null;
  status: UserStatus;
  mustChangePassword: boolean;
  locked: boolean;
  grants: GrantView[];
  createdAt: string;
  updatedAt: string;
}

/** GET /me: who is signed in, what they may do, and the CSRF token for cookie sessions (null for a bearer token). */
export interface MeView {
  user: UserView;
  permissions: string[];
  csrfToken: string | null;
}

/** GET /users: one page of users. */
export interface UserPage {
  items: UserView[];
  total: number;
  page: number;
  pageSize: number;
}

export interface ApiKeyView {
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
