/**
 * Open311 permissions. Reading services and requests is public (the spec: no key). Submitting requests and updates
 * needs an API key whose scopes allow `open311.submit` (e.g. `open311.*`); configuring the services an
 * administrator does.
 */
import { definePolicy } from '../identity/index.js';

export const open311Policy = definePolicy({
  // Only API keys use it (through their scopes); no role submits through Open311 with a session.
  'open311.submit': [],
  'open311.configure': ['admin'],
});
