/** Who may manage users and API keys. Scope (which users) comes from the grant: see scope.ts. */
import { definePolicy } from './permissions.js';

export const identityPolicy = definePolicy({
  'user.read': ['admin', 'auditor'],
  'user.manage': ['admin'],
  'apikey.read': ['admin', 'auditor'],
  'apikey.manage': ['admin'],
});
