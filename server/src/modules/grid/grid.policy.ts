/** Who may read and change unit grids. Grid-scoped grants (inspectors) see the grids under their codes. */
import { definePolicy, STAFF_ROLES } from '../identity/index.js';

export const gridPolicy = definePolicy({
  'grid.read': STAFF_ROLES,
  'grid.manage': ['admin'],
});
