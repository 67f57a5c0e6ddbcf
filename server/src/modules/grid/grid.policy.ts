/** Who may read and change unit grids and city components. Grid-scoped grants (inspectors) see the grids under their codes. */
import { definePolicy, STAFF_ROLES } from '../identity/index.js';

export const gridPolicy = definePolicy({
  'grid.read': STAFF_ROLES,
  'grid.manage': ['admin'],
  'component.read': STAFF_ROLES,
  'component.manage': ['admin'],
  // Inspectors and handlers report a component damaged, missing or repaired, within their scope.
  'component.report': ['admin', 'inspector', 'handler', 'dispatcher'],
});
