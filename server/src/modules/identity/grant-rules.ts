/** Which scope kinds make sense for which role — pure, so the rule is in one readable place. */
import type { Role } from './roles.js';

export const SCOPE_KINDS = ['jurisdiction', 'department', 'grids', 'self'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/** Grid codes: county(6) + street(3) + community(3) + grid(2); a prefix at a level boundary covers what is under it. */
export const GRID_CODE = /^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$/;

export function grantProblem(role: Role, kind: ScopeKind, gridCodes: readonly string[] = []): string | null {
  // Residents and enterprises act for themselves only; a city-wide "resident" grant would be a staff account in disguise.
  if ((role === 'resident' || role === 'enterprise') && kind !== 'self') return 'user.grant_scope_invalid';
  if (kind === 'grids') {
    if (gridCodes.length === 0 || gridCodes.length > 500) return 'user.grant_grids_invalid';
    if (gridCodes.some((c) => !GRID_CODE.test(c))) return 'user.grant_grids_invalid';
  }
  return null;
}
