/**
 * Data scopes — the pure core of "a user sees and acts only inside their scope". No I/O: callers pass the
 * principal (with its grants resolved) and the resource's coordinates.
 *
 * A grant is a role plus a scope:
 * - jurisdiction: every object of the principal's jurisdiction;
 * - department:   objects whose department path starts with the granted department's path (its subtree);
 * - grids:        objects in one of the grid codes, or under one (codes are hierarchical:
 *                 county(6)+street(3)+community(3)+grid(2), so '510104001001' covers its grids);
 * - self:         objects the principal owns (their own reports, their own user record).
 * An API key acts on its whole jurisdiction, for the permissions listed on it.
 * Nothing ever crosses jurisdictions.
 */
import { apiKeyScopeAllows, rolesAllowed } from './permissions.js';
import type { Role } from './roles.js';

export type GrantScope =
  | { kind: 'jurisdiction' }
  | { kind: 'department'; departmentId: string; departmentPath: string }
  | { kind: 'grids'; gridCodes: readonly string[] }
  | { kind: 'self' };

export interface Grant {
  id?: string;
  role: Role;
  scope: GrantScope;
}

export interface UserPrincipal {
  kind: 'user';
  userId: string;
  username: string;
  displayName: string;
  jurisdictionId: string;
  departmentId: string | null;
  mustChangePassword: boolean;
  grants: readonly Grant[];
  /** How the request authenticated: a cookie needs CSRF protection on writes, a bearer token does not. */
  via: 'cookie' | 'bearer';
  /** SHA-256 of the session token (the sessions primary key). */
  sessionHash: string;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  name: string;
  prefix: string;
  jurisdictionId: string;
  scopes: readonly string[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;

/** Where an object sits, as far as scopes are concerned. */
export interface ScopedResource {
  jurisdictionId: string;
  departmentPath?: string | null;
  gridCode?: string | null;
  ownerUserId?: string | null;
}

/** The roles a policy allows for a permission; injectable so the core is testable without declarations. */
export type RoleLookup = (permission: string) => readonly Role[] | undefined;

function grantsFor(principal: UserPrincipal, permission: string, lookup: RoleLookup): Grant[] {
  const roles = lookup(permission) ?? [];
  return principal.grants.filter((g) => roles.includes(g.role));
}

/** May the principal use this permission at all (on some object)? */
export function hasPermission(principal: Principal, permission: string, lookup: RoleLookup = rolesAllowed): boolean {
  if (principal.kind === 'api_key') return apiKeyScopeAllows(principal.scopes, permission);
  return grantsFor(principal, permission, lookup).length > 0;
}

export function hasRole(principal: Principal, role: Role): boolean {
  return principal.kind === 'user' && principal.grants.some((g) => g.role === role);
}

export function gridCodeCovers(granted: string, gridCode: string): boolean {
  return gridCode.startsWith(granted);
}

export function grantCovers(grant: Grant, principal: UserPrincipal, resource: ScopedResource): boolean {
  if (resource.jurisdictionId !== principal.jurisdictionId) return false;
  const s = grant.scope;
  switch (s.kind) {
    case 'jurisdiction':
      return true;
    case 'department':
      return !!resource.departmentPath && resource.departmentPath.startsWith(s.departmentPath);
    case 'grids':
      return !!resource.gridCode && s.gridCodes.some((code) => gridCodeCovers(code, resource.gridCode!));
    case 'self':
      return !!resource.ownerUserId && resource.ownerUserId === principal.userId;
  }
}

/** May the principal use this permission on this object? */
export function canOn(
  principal: Principal,
  permission: string,
  resource: ScopedResource,
  lookup: RoleLookup = rolesAllowed,
): boolean {
  if (principal.kind === 'api_key') {
    return resource.jurisdictionId === principal.jurisdictionId && apiKeyScopeAllows(principal.scopes, permission);
  }
  return grantsFor(principal, permission, lookup).some((g) => grantCovers(g, principal, resource));
}

/**
 * The union of a principal's scopes for one permission, in a shape a repository can turn into a WHERE clause
 * (see scope-sql.ts). `all` means the whole jurisdiction; otherwise an object is visible when it matches any
 * of the listed department paths, grid code prefixes or owners. Nothing listed and not `all` → nothing visible.
 */
export interface EffectiveScope {
  jurisdictionId: string;
  all: boolean;
  departmentPaths: string[];
  gridCodes: string[];
  ownerUserIds: string[];
}

export function effectiveScope(principal: Principal, permission: string, lookup: RoleLookup = rolesAllowed): EffectiveScope {
  const scope: EffectiveScope = {
    jurisdictionId: principal.jurisdictionId,
    all: false,
    departmentPaths: [],
    gridCodes: [],
    ownerUserIds: [],
  };
  if (principal.kind === 'api_key') {
    scope.all = apiKeyScopeAllows(principal.scopes, permission);
    return scope;
  }
  for (const g of grantsFor(principal, permission, lookup)) {
    const s = g.scope;
    if (s.kind === 'jurisdiction') scope.all = true;
    else if (s.kind === 'department') scope.departmentPaths.push(s.departmentPath);
    else if (s.kind === 'grids') scope.gridCodes.push(...s.gridCodes);
    else scope.ownerUserIds.push(principal.userId);
  }
  if (scope.all) return { ...scope, departmentPaths: [], gridCodes: [], ownerUserIds: [] };
  // A path inside another listed path adds nothing.
  const paths = [...new Set(scope.departmentPaths)].sort();
  scope.departmentPaths = paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
  scope.gridCodes = [...new Set(scope.gridCodes)].sort();
  scope.ownerUserIds = [...new Set(scope.ownerUserIds)];
  return scope;
}

export function scopeIsEmpty(scope: EffectiveScope): boolean {
  return !scope.all && scope.departmentPaths.length + scope.gridCodes.length + scope.ownerUserIds.length === 0;
}

/**
 * May `principal` hand out `grant` to someone? Only inside their own scope for the permission that manages
 * grants: a district admin cannot mint a city-wide grant.
 */
export function canDelegate(principal: Principal, permission: string, grant: GrantScope, lookup: RoleLookup = rolesAllowed): boolean {
  const scope = effectiveScope(principal, permission, lookup);
  if (scope.all) return true;
  if (grant.kind === 'department') return scope.departmentPaths.some((p) => grant.departmentPath.startsWith(p));
  return false;
}
