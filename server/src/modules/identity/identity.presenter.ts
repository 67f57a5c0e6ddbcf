/** What the API shows of users, grants and API keys. Never password hashes, key hashes or lockout counters. */
import type { ApiKeyView, GrantView, UserView } from '@civicgrid/contracts/identity';
import type { ApiKeyRow, GrantRow, UserRow } from './identity.repo.js';

// The shapes are what the API promises (contracts/src/identity.ts); this file fills them in from rows.
export type { ApiKeyView, GrantView, UserView };

/** The grant fields the API shows (a full row or the slimmer one read together with its user). */
export type PresentableGrant = Pick<GrantRow, 'id' | 'user_id' | 'role' | 'scope_kind' | 'department_id' | 'grid_codes'>;

export function presentGrant(g: PresentableGrant): GrantView {
  const scope: GrantView['scope'] =
    g.scope_kind === 'department'
      ? { kind: 'department', departmentId: g.department_id! }
      : g.scope_kind === 'grids'
        ? { kind: 'grids', gridCodes: [...g.grid_codes] }
        : { kind: g.scope_kind };
  return { id: g.id, role: g.role, scope };
}

export function presentUser(u: UserRow, grants: readonly PresentableGrant[], now = new Date()): UserView {
  return {
    id: u.id,
    jurisdictionId: u.jurisdiction_id,
    username: u.username,
    displayName: u.display_name,
    department:
      u.department_id && u.department_code
        ? { id: u.department_id, code: u.department_code, nameZh: u.department_name_zh ?? '', nameEn: u.department_name_en ?? '' }
        : null,
    status: u.status,
    mustChangePassword: u.must_change_password,
    locked: u.locked_until !== null && new Date(u.locked_until).getTime() > now.getTime(),
    grants: grants.filter((g) => g.user_id === u.id).map(presentGrant),
    createdAt: new Date(u.created_at).toISOString(),
    updatedAt: new Date(u.updated_at).toISOString(),
  };
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function presentApiKey(k: ApiKeyRow): ApiKeyView {
  return {
    id: k.id,
    jurisdictionId: k.jurisdiction_id,
    name: k.name,
    prefix: k.prefix,
    scopes: [...k.scopes],
    createdAt: new Date(k.created_at).toISOString(),
    expiresAt: iso(k.expires_at),
    lastUsedAt: iso(k.last_used_at),
    revokedAt: iso(k.revoked_at),
  };
}
