/** Who may read and change the organisation. Departments are scoped objects (department subtree grants see their subtree). */
import { definePolicy, ROLES, STAFF_ROLES } from '../identity/index.js';

export const orgPolicy = definePolicy({
  'department.read': STAFF_ROLES,
  'department.manage': ['admin'],
  // Administrative divisions are public geography.
  'division.read': ROLES,
});
