/**
 * Inspectors on patrol (监督员/网格员): their own task list, grids and on-site results. Acting on an order is still
 * `work_order.act` within the grant's grids, checked by the work-order service on every transition.
 */
import { definePolicy } from '../identity/index.js';

export const inspectorPolicy = definePolicy({
  'inspector.patrol': ['inspector'],
});
