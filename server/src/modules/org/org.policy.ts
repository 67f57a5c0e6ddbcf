/**
 * Who may read and change the organisation. Departments are scoped objects (department subtree grants see their
 * subtree). Jurisdictions and administrative divisions are public geography and need no permission.
 */
import { definePolicy, STAFF_ROLES } from '../identity/index.js';

export const orgPolicy = definePolicy({
  'department.read': STAFF_ROLES,
  'department.manage': ['admin'],
});
