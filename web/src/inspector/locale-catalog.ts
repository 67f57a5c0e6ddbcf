/// <reference types="vite/client" />
/**
 * The inspectors' app's strings: only the locale files its screens use, so a phone does not download the console's
 * (see shared/locale-catalog.ts for the files). Reviewed by hand: locales/app-catalogs.test.ts fails when a file
 * reachable from inspector/main.tsx uses a namespace that is not here, or when a file here is used by none.
 */
import { mergeCatalogs, type Catalogs, type Tree } from '../shared/locale-merge';

export const catalogs: Catalogs = mergeCatalogs(
  import.meta.glob<Tree>(['../locales/shared.*.json', '../locales/inspector.*.json'], { eager: true, import: 'default' }),
);
