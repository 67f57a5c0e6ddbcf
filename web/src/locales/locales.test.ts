/**
 * Every UI string lives in an area's <area>.zh-CN.json and <area>.en.json (the console's frame in zh-CN.json and
 * en.json), all of them merged here (shared/locale-catalog.ts; which files each app bundles is checked by
 * app-catalogs.test.ts). This fails when a key exists in one language only, when a
 * value is empty, when the {{placeholders}} differ, and when the source uses a key that neither file has —
 * t('a.b') calls, `label: 'nav.users'` entries (nav.tsx) and the HTML entries' data-title-key.
 * Keys built at run time (t(`roles.${r}`)) are checked through the lists they come from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../shared/locale-catalog';
import { mergeCatalogs } from '../shared/locale-merge';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const zh = flatten(catalogs['zh-CN'] as Tree);
const eng = flatten(catalogs.en as Tree);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.test.ts') ? [p] : [];
  });
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('locale files', () => {
  it('have the same keys in zh-CN and en', () => {
    expect([...zh.keys()].filter((k) => !eng.has(k)), 'missing in en.json').toEqual([]);
    expect([...eng.keys()].filter((k) => !zh.has(k)), 'missing in zh-CN.json').toEqual([]);
  });

  it('have no empty values and the same placeholders in both languages', () => {
    for (const [k, v] of zh) {
      expect(v.trim(), `zh-CN ${k}`).not.toBe('');
      expect(eng.get(k)?.trim(), `en ${k}`).not.toBe('');
      expect(placeholders(eng.get(k) ?? ''), `placeholders of ${k}`).toEqual(placeholders(v));
    }
  });

  it('contain every key the source uses', () => {
    const used = new Map<string, string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      const rel = path.relative(SRC, file);
      for (const m of text.matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) used.set(m[1]!, rel);
      // Either key of a choice made in the call, t(unique ? 'a.b' : 'a.c', …): the dispatch form's hint used two keys
      // neither file had, and showed "workOrders.dispatch.suggested" to the dispatcher.
      for (const m of text.matchAll(/\bt\(\s*[\w.!]+\s*\?\s*['"]([^'"]+)['"]\s*:\s*['"]([^'"]+)['"]/g)) {
        used.set(m[1]!, rel);
        used.set(m[2]!, rel);
      }
      // Keys kept in data and translated later, e.g. `label: 'nav.users'` in nav.tsx.
      for (const m of text.matchAll(/\b(?:label|labelKey|titleKey):\s*['"]([a-z][A-Za-z]*(?:\.[A-Za-z][A-Za-z0-9]*)+)['"]/g)) {
        used.set(m[1]!, rel);
      }
    }
    for (const html of ['../index.html', '../console/index.html', '../inspector/index.html']) {
      const m = /data-title-key="([^"]+)"/.exec(readFileSync(path.join(SRC, html), 'utf8'));
      if (m) used.set(m[1]!, html);
    }
    const missing = [...used].filter(([k]) => !zh.has(k) || !eng.has(k)).map(([k, f]) => `${k} (${f})`);
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThan(100);
  });

  it('name every role, scope and department kind the console builds keys for', async () => {
    const { ROLES } = await import('@civicgrid/contracts/identity');
    const { DEPARTMENT_KINDS } = await import('@civicgrid/contracts/org');
    const { ACTOR_KINDS } = await import('@civicgrid/contracts/audit');
    const built = [
      ...ROLES.map((r) => `roles.${r}`),
      ...['jurisdiction', 'department', 'grids', 'self'].map((s) => `scopes.${s}`),
      ...DEPARTMENT_KINDS.map((k) => `departmentKinds.${k}`),
      ...ACTOR_KINDS.map((k) => `actorKinds.${k}`),
    ];
    expect(built.filter((k) => !zh.has(k) || !eng.has(k))).toEqual([]);
  });
});

describe('merging locale files', () => {
  it('keeps the languages apart and refuses a namespace defined twice', () => {
    const zhA = { a: { x: '甲' } };
    const enA = { a: { x: 'A' } };
    const merged = mergeCatalogs({ '../locales/a.zh-CN.json': zhA, '../locales/a.en.json': enA, '../locales/zh-CN.json': { b: { y: '乙' } } });
    expect(merged).toEqual({ 'zh-CN': { a: { x: '甲' }, b: { y: '乙' } }, en: { a: { x: 'A' } } });
    expect(() => mergeCatalogs({ '../locales/a.zh-CN.json': zhA, '../locales/b.zh-CN.json': { a: { z: '丙' } } })).toThrow(
      'Locale namespace a is defined twice (again in ../locales/b.zh-CN.json)',
    );
    expect(() => mergeCatalogs({ '../locales/a.fr.json': zhA })).toThrow('does not end in .zh-CN.json or .en.json');
  });
});
