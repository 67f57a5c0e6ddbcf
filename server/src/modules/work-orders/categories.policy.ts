/** Who may read and edit work-order categories and the responsibility list (清单化定责). */
import { definePolicy, STAFF_ROLES } from '../identity/index.js';

export const categoriesPolicy = definePolicy({
  'work_order_category.read': STAFF_ROLES,
  'work_order_category.manage': ['admin'],
  'responsibility_rule.read': STAFF_ROLES,
  'responsibility_rule.manage': ['admin'],
  // The suggestion for one order: the admin screen, the dispatcher's board and the hotline agent at intake.
  'responsibility_rule.preview': ['admin', 'dispatcher', 'agent'],
});
