/** The roles a user can hold (see PRODUCT.md "Who uses it"). The database CHECK in 0003_identity.sql lists the same. */
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

/** Everyone who works for the government (not residents or enterprises). */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'resident' && r !== 'enterprise');

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
