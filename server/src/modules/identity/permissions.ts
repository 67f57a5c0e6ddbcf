/**
 * Permissions are declared as rules, one policy file per module (`<module>.policy.ts`):
 *
 *   export const policy = definePolicy({ 'user.read': ['admin', 'auditor'], 'user.manage': ['admin'] });
 *
 * A permission maps to the roles that may use it; which objects they may use it on is the grant's data scope
 * (scope.ts). Every declaration lands in one process-wide table so `requirePermission('x')` can refuse a
 * permission nobody declared (a typo would otherwise lock everyone out silently).
 */
import type { Role } from './roles.js';

export type PolicyRules<P extends string> = Readonly<Record<P, readonly Role[]>>;

export interface Policy<P extends string> {
  readonly rules: PolicyRules<P>;
  readonly permissions: readonly P[];
  rolesFor(permission: P): readonly Role[];
}

const declared = new Map<string, readonly Role[]>();

const PERMISSION = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;

export function definePolicy<P extends string>(rules: PolicyRules<P>): Policy<P> {
  for (const [permission, roles] of Object.entries(rules) as [string, readonly Role[]][]) {
    if (!PERMISSION.test(permission)) throw new Error(`Permission name ${permission} must look like 'area.verb'`);
    const before = declared.get(permission);
    if (before && before.join(',') !== [...roles].join(',')) {
      throw new Error(`Permission ${permission} is declared twice with different roles`);
    }
    declared.set(permission, [...roles]);
  }
  return {
    rules,
    permissions: Object.keys(rules) as P[],
    rolesFor: (permission) => rules[permission],
  };
}

/** The roles allowed to use a permission, or undefined when no policy declares it. */
export function rolesAllowed(permission: string): readonly Role[] | undefined {
  return declared.get(permission);
}

export function isDeclaredPermission(permission: string): boolean {
  return declared.has(permission);
}

/** Every declared permission (for admin screens and API key scope choices). */
export function declaredPermissions(): Record<string, readonly Role[]> {
  return Object.fromEntries([...declared.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * API keys carry permission names, optionally ending in `.*` for a whole area ('open311.*'). Checked for
 * shape only: the CLI creates keys without loading every module's policy.
 */
export const API_KEY_SCOPE = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*(\.\*)?$/;

export function apiKeyScopeAllows(scopes: readonly string[], permission: string): boolean {
  return scopes.some((s) => s === permission || (s.endsWith('.*') && permission.startsWith(s.slice(0, -1))));
}
