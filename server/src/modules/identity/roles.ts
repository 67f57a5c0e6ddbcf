/** The roles a user can hold: the list is the API's (contracts/src/identity.ts); who counts as staff is decided here. */
import { ROLES, type Role } from '@civicgrid/contracts/identity';

export { ROLES, type Role };

/** Everyone who works for the government (not residents or enterprises). */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'resident' && r !== 'enterprise');

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
