/**
 * What the CivicGrid API promises, in one place for the server and every web app: code tables as `as const` arrays
 * with the types derived from them, and the JSON shapes of responses as interfaces. Source only — no build step, no
 * dependencies, no Node or DOM APIs (tsconfig.json has neither) — so tsx, Vite and vitest read it as it is.
 * Import an area by its subpath (`@civicgrid/contracts/work-orders`); this file gathers them all.
 */
export * from './audit.js';
export * from './categories.js';
export * from './evaluation.js';
export * from './federation.js';
export * from './identity.js';
export * from './inspector.js';
export * from './knowledge.js';
export * from './org.js';
export * from './work-orders.js';
