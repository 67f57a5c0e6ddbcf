/**
 * The list of modules the server runs. Each module is created from the AppContext and exposes its routes
 * (and, where it has them, event handlers and timers) through its index.ts.
 */
import type { AppContext } from '../app-context.js';
import type { ApiModule } from '../http/app.js';

export function createModules(_ctx: AppContext): ApiModule[] {
  return [];
}
