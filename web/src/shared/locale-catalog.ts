/// <reference types="vite/client" />
/**
 * The UI strings live in `locales/`, one pair of files per area: `<area>.zh-CN.json` and `<area>.en.json`, each
 * holding its own top-level namespaces (e.g. `{ "workOrders": { … } }`), so that features built side by side do
 * not edit the same file. `shared.*.json` has what every app shows (app, common, errors, map); `resident.*.json`
 * the resident portal's frame; `zh-CN.json` / `en.json` the staff console's frame (navigation, sign-in, users,
 * departments, …). A namespace defined twice is an error.
 *
 * This is every file merged: what the locale tests check (both languages alike, every key the source uses). The
 * apps do not import it: each bundles only the files its screens use, listed in its own catalogue —
 * resident/locale-catalog.ts, inspector/locale-catalog.ts, console/locale-catalog.ts (locales/app-catalogs.test.ts
 * fails when a screen uses a namespace its app's list lacks). A new area file goes into the list of each app that
 * shows it.
 */
import { mergeCatalogs, type Catalogs, type Tree } from './locale-merge';

export type { Catalogs, Tree };

export const catalogs: Catalogs = mergeCatalogs(import.meta.glob<Tree>('../locales/*.json', { eager: true, import: 'default' }));
