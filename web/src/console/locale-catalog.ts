/// <reference types="vite/client" />
/**
 * The staff console's strings: the locale files its screens use — not the resident portal's or the inspectors'
 * app's (see shared/locale-catalog.ts for the files). Reviewed by hand: locales/app-catalogs.test.ts fails when a
 * file reachable from console/main.tsx uses a namespace that is not here, or when a file here is used by none. A new
 * area file that console screens use is added below.
 */
import { mergeCatalogs, type Catalogs, type Tree } from '../shared/locale-merge';

export const catalogs: Catalogs = mergeCatalogs(
  import.meta.glob<Tree>(
    [
      '../locales/{zh-CN,en}.json', // the console's frame: navigation, sign-in, users, departments, API keys, audit, …
      '../locales/shared.*.json',
      '../locales/components.*.json',
      '../locales/evaluation.*.json',
      '../locales/federation.*.json',
      '../locales/grids.*.json',
      '../locales/hotline.*.json',
      '../locales/knowledge.*.json',
      '../locales/messages.*.json',
      '../locales/open311.*.json',
      '../locales/overview.*.json',
      '../locales/performance.*.json',
      '../locales/time.*.json',
      '../locales/wo-admin.*.json',
      '../locales/wo-settings.*.json',
      '../locales/wo-stats.*.json',
      '../locales/work-orders.*.json',
    ],
    { eager: true, import: 'default' },
  ),
);
