/**
 * Who sees the performance evaluation (综合评价). Leaders and analysts evaluate; dispatchers and operators watch their
 * loop; auditors check. The grant's data scope bounds the orders counted (jurisdiction, department subtree, grids).
 * Scoring schemes are set by analysts and administrators.
 */
import { definePolicy } from '../identity/index.js';

export const performancePolicy = definePolicy({
  'performance.read': ['leader', 'analyst', 'dispatcher', 'operator', 'admin', 'auditor'],
  'performance.export': ['leader', 'analyst', 'dispatcher', 'operator', 'admin'],
  'performance.manage': ['analyst', 'admin'],
});
