/**
 * Who may do what with work orders. The roles say which kinds of users may use a permission at all; the grant's data
 * scope says on which orders (jurisdiction; department subtree — the order's department; grid codes — the order's
 * grid; self — orders the resident reported). Which lifecycle action a role may take on an order in a given state
 * is the lifecycle's ROLES_FOR table (lifecycle.ts), checked after these.
 */
import { definePolicy } from '../identity/index.js';

export const workOrderPolicy = definePolicy({
  // Agents take calls, inspectors report from patrol, residents report through the portal, dispatchers and
  // administrators enter orders on behalf of others; API keys with this scope (integrations) create too.
  'work_order.create': ['agent', 'dispatcher', 'inspector', 'admin', 'resident'],
  'work_order.read': ['agent', 'dispatcher', 'handler', 'inspector', 'operator', 'leader', 'analyst', 'admin', 'auditor', 'resident'],
  'work_order.act': ['agent', 'dispatcher', 'handler', 'inspector', 'leader', 'admin', 'resident'],
  // Seeing the reporter's name and phone unmasked: for a stated purpose (call back, verify), audited every time.
  'work_order.reveal_reporter': ['agent', 'dispatcher', 'handler', 'admin'],
  // Caller history (来电历史): the hotline looks up earlier orders by the caller's number.
  'work_order.caller_history': ['agent', 'dispatcher'],
  'work_order.export': ['dispatcher', 'operator', 'leader', 'analyst', 'admin'],
  'work_order.stats': ['dispatcher', 'operator', 'leader', 'analyst', 'admin', 'auditor'],
  'work_order.settings': ['admin'],
});

/** Why someone may reveal a reporter's personal data (contracts); recorded in the audit entry of every reveal. */
export { REVEAL_PURPOSES, type RevealPurpose } from '@civicgrid/contracts/work-orders';
