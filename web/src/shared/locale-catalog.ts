/// <reference types="vite/client" />
/**
 * The UI strings: `locales/zh-CN.json` and `locales/en.json` (the shell), plus one pair of files per feature area,
 * `locales/<area>.zh-CN.json` and `locales/<area>.en.json`, each holding a single top-level namespace (e.g.
 * `{ "workOrders": { … } }`), so that features built side by side do not edit the same file. Merged here; a
 * namespace defined twice is an error.
 */
import en from '../locales/en.json';
import zhCN from '../locales/zh-CN.json';

export type Tree = { [k: string]: string | Tree };

const areas = import.meta.glob<Tree>('../locales/*.*.json', { eager: true, import: 'default' });

function merge(lang: 'zh-CN' | 'en', base: Tree): Tree {
  const out: Tree = { ...base };
  for (const [file, tree] of Object.entries(areas)) {
    if (!file.endsWith(`.${lang}.json`)) continue;
    for (const [ns, value] of Object.entries(tree)) {
      if (ns in out) throw new Error(`Locale namespace ${ns} is defined twice (again in ${file})`);
      out[ns] = value;
    }
  }
  return out;
}

export const catalogs: Record<'zh-CN' | 'en', Tree> = { 'zh-CN': merge('zh-CN', zhCN as Tree), en: merge('en', en as Tree) };
