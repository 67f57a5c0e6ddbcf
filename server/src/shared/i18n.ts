/**
 * Server-side messages (errors, notices) in zh-CN and en. Messages live in src/locales/<area>.<lang>.json as
 * `code → template` with `{param}` placeholders (one pair of files per module, so modules do not collide);
 * a test checks both languages have the same keys and that every code thrown in the source has a message.
 *
 * A parameter that is a code (a status, an action) is named in words by the template: `{status:work_order.status}`
 * puts the message `work_order.status.<value>` of the same language in its place (the value itself when there is
 * none); a comma-separated list of codes is named item by item and listed as the language lists (、 or , ). The
 * parameters, and so an error's `details`, keep the codes for clients.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../locales');

export function loadCatalog(locale: Locale, dir = LOCALES_DIR): Record<string, string> {
  const catalog: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith(`.${locale}.json`)).sort()) {
    const entries = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, string>;
    for (const [key, value] of Object.entries(entries)) {
      if (key in catalog) throw new Error(`Message ${key} is defined twice (second in ${file})`);
      catalog[key] = value;
    }
  }
  return catalog;
}

const catalogs: Record<Locale, Record<string, string>> = { 'zh-CN': loadCatalog('zh-CN'), en: loadCatalog('en') };

export function hasMessage(code: string): boolean {
  return code in catalogs[DEFAULT_LOCALE];
}

/** `{name}` or `{name:prefix}` (see above). */
export const PLACEHOLDER = /\{(\w+)(?::([\w.]+))?\}/g;
const LIST_SEPARATOR: Record<Locale, string> = { 'zh-CN': '、', en: ', ' };

function named(locale: Locale, prefix: string, value: string): string {
  const name = (code: string) => catalogs[locale][`${prefix}.${code}`] ?? catalogs[DEFAULT_LOCALE][`${prefix}.${code}`] ?? code;
  return value.includes(',') ? value.split(/\s*,\s*/).map(name).join(LIST_SEPARATOR[locale]) : name(value);
}

export function translate(locale: Locale, code: string, params: Record<string, string | number> = {}): string {
  const template = catalogs[locale][code] ?? catalogs[DEFAULT_LOCALE][code] ?? code;
  return template.replace(PLACEHOLDER, (whole, name: string, prefix: string | undefined) => {
    if (!(name in params)) return whole;
    return prefix === undefined ? String(params[name]) : named(locale, prefix, String(params[name]));
  });
}

/** Picks zh-CN or en from an Accept-Language header (q-values honoured); zh-CN when nothing matches. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return DEFAULT_LOCALE;
}
