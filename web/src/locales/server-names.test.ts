/**
 * One name for one code, wherever a person reads it: a work order's status is named by the console, the hotline's
 * caller history and the server's messages (“工单当前状态为“复核中”…”), and the roles, data scopes, category kinds and
 * indicator directions the server's messages name are named by the console too. This fails when the web's names
 * (these files) and the server's (server/src/locales) differ, in zh-CN or en.
 * The resident portal is left out on purpose: it says a status in the resident's words (resident/track/StatusLabel.tsx,
 * e.g. 重新派遣中 for returned) — it only has to name the same statuses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogs, type Tree } from '../shared/locale-catalog';

const SERVER_LOCALES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../server/src/locales');

/** The server's messages of one language (one flat `code → text` object per area file, merged). */
function serverCatalog(lang: 'zh-CN' | 'en'): Record<string, string> {
  const files = readdirSync(SERVER_LOCALES).filter((f) => f.endsWith(`.${lang}.json`));
  return Object.assign({}, ...files.map((f) => JSON.parse(readFileSync(path.join(SERVER_LOCALES, f), 'utf8')) as Record<string, string>));
}

/** The server's name table under `prefix`: `{ received: '待受理', … }` from `work_order.status.received` …. */
function serverNames(catalog: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(catalog).flatMap(([k, v]) => (k.startsWith(`${prefix}.`) && !k.slice(prefix.length + 1).includes('.') ? [[k.slice(prefix.length + 1), v]] : [])));
}

function webNames(lang: 'zh-CN' | 'en', ...keys: string[]): Record<string, string> {
  let node: Tree | string | undefined = catalogs[lang];
  for (const k of keys) node = typeof node === 'object' ? node[k] : undefined;
  if (typeof node !== 'object') throw new Error(`No names at ${keys.join('.')} (${lang})`);
  return Object.fromEntries(Object.entries(node).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

describe.each(['zh-CN', 'en'] as const)('names shared with the server (%s)', (lang) => {
  const server = serverCatalog(lang);

  it('names every work-order status as the server does, in the console and the hotline', () => {
    const statuses = serverNames(server, 'work_order.status');
    expect(Object.keys(statuses)).toHaveLength(17);
    if (lang === 'zh-CN') expect(statuses).toMatchObject({ received: '待受理', under_review: '复核中' });
    expect(webNames(lang, 'workOrders', 'status')).toEqual(statuses);
    expect(webNames(lang, 'hotline', 'statuses')).toEqual(statuses);
    // The console's dispatch board lists the orders under review in a tab of that name.
    expect(webNames(lang, 'workOrders', 'board', 'tab').review).toBe(statuses.under_review);
    expect(Object.keys(webNames(lang, 'residentReport', 'status')).sort()).toEqual(Object.keys(statuses).sort());
  });

  it('has words for every timeline action the server names, in the console and on the resident tracking page', () => {
    // (The tracking page once said the status, 已评价, for the system's default rating: it had no words for it.)
    const actions = Object.keys(serverNames(server, 'work_order.action'));
    expect(actions).toContain('default_rate');
    const consoleWords = Object.keys(webNames(lang, 'workOrders', 'action'));
    const residentWords = Object.keys(webNames(lang, 'residentReport', 'action'));
    for (const a of actions) {
      expect(consoleWords, `console: ${a}`).toContain(a);
      expect(residentWords, `resident: ${a}`).toContain(a);
    }
  });

  it('names roles, data scopes, category kinds and indicator directions as the server does', () => {
    expect(webNames(lang, 'roles')).toEqual(serverNames(server, 'user.role'));
    expect(webNames(lang, 'scopes')).toEqual(serverNames(server, 'user.scope'));
    expect(webNames(lang, 'woAdmin', 'kind')).toEqual(serverNames(server, 'work_order_category.kind'));
    const { benefit, cost } = webNames(lang, 'evaluation');
    expect({ benefit, cost }).toEqual(serverNames(server, 'evaluation.direction'));
  });
});
