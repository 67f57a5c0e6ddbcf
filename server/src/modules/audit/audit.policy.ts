/**
 * Who may read the audit log. Entries are filtered to the caller's jurisdiction (the scope's jurisdiction
 * column); audit entries have no department or grid, so narrower grants see nothing.
 */
import { definePolicy } from '../identity/index.js';

export const auditPolicy = definePolicy({
  'audit.read': ['admin', 'auditor'],
  'audit.verify': ['admin', 'auditor'],
});
