/**
 * Each app bundles only the locale files listed in its own catalogue (resident/, inspector/, console/
 * locale-catalog.ts). A namespace missing there would not fail the build: the screen would show raw keys
 * ("residentReport.step.photo"). This walks the source files reachable from each app's main.tsx (static and lazy
 * imports) and fails when one of them uses a namespace its app does not bundle — t('ns.…') calls, and any string
 * naming a key or a group of keys (`label: 'nav.users'`, t(`roles.${r}`), i18nKey="…") — and when the app bundles a
 * namespace that none of them uses (so the lists do not grow back to "everything").
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogs as consoleCatalogs } from '../console/locale-catalog';
import { catalogs as inspectorCatalogs } from '../inspector/locale-catalog';
import { catalogs as residentCatalogs } from '../resident/locale-catalog';
import { catalogs as allCatalogs, type Catalogs, type Tree } from '../shared/locale-catalog';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const APPS: { name: string; html: string; main: string; catalogs: Catalogs }[] = [
  { name: 'resident', html: '../index.html', main: 'resident/main.tsx', catalogs: residentCatalogs },
  { name: 'inspector', html: '../inspector/index.html', main: 'inspector/main.tsx', catalogs: inspectorCatalogs },
  { name: 'console', html: '../console/index.html', main: 'console/main.tsx', catalogs: consoleCatalogs },
];

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** `./x` from `file` → the .ts/.tsx file it names, or null for styles, JSON and the like. */
function resolveImport(file: string, spec: string): string | null {
  const base = path.resolve(path.dirname(file), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (/\.tsx?$/.test(candidate) && isFile(candidate)) return candidate;
  }
  if (/\.(css|json|svg|png)$/.test(spec)) return null;
  throw new Error(`${path.relative(SRC, file)} imports ${spec}, which the scan cannot find`);
}

/** The app's own source files: `main` and everything it imports, statically or lazily (type-only imports aside). */
function reachableFiles(main: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const specs = [
      ...[...text.matchAll(/\b(import|export)(\s+type\b)?\s*(?:[^'"`()]*?\bfrom\s*)?['"](\.[^'"]+)['"]/g)].filter((m) => !m[2]).map((m) => m[3]!),
      ...[...text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
    ];
    for (const spec of specs) {
      const target = resolveImport(file, spec);
      if (target) visit(target);
    }
  };
  visit(path.join(SRC, main));
  return [...seen];
}

/** Every key and every group of keys of all locale files ("residentReport", "residentReport.step", …). */
function paths(tree: Tree, prefix = '', out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(tree)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.add(p);
    if (typeof v !== 'string') paths(v, p, out);
  }
  return out;
}
const KNOWN = paths(allCatalogs['zh-CN']);

/** Namespace → the files (relative to src/) whose source uses it. */
function usedNamespaces(files: string[]): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (ns: string, file: string) => used.set(ns, [...(used.get(ns) ?? []), path.relative(SRC, file)]);
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const here = new Set<string>();
    // t('ns.key'), i18n.t("ns.key"), t(`ns.${x}`): whatever follows, the namespace must be there.
    for (const m of text.matchAll(/\bt\(\s*['"`]([A-Za-z][\w-]*)\./g)) here.add(m[1]!);
    // Keys kept in data and translated later: any quoted string that names a key or a group of keys, whole or as
    // the start of a template (`label: 'nav.users'`, `roles.${r}`, 'residentReport.status.' + s).
    for (const m of text.matchAll(/['"`]([A-Za-z][\w-]*(?:\.[\w-]+)+)\.?(?=['"`]|\$\{)/g)) {
      if (KNOWN.has(m[1]!)) here.add(m[1]!.split('.')[0]!);
    }
    for (const ns of here) add(ns, file);
  }
  return used;
}

describe.each(APPS)('the $name app', ({ html, main, catalogs }) => {
  const files = reachableFiles(main);
  const used = usedNamespaces(files);
  const titleKey = /data-title-key="([^"]+)"/.exec(readFileSync(path.join(SRC, html), 'utf8'))?.[1];
  if (titleKey) used.set(titleKey.split('.')[0]!, [...(used.get(titleKey.split('.')[0]!) ?? []), html]);
  const bundled = Object.keys(catalogs['zh-CN']);

  it('is scanned from its entry', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(titleKey).toBeTruthy();
  });

  it('bundles every namespace its screens use', () => {
    const missing = [...used].filter(([ns]) => !bundled.includes(ns)).map(([ns, where]) => `${ns} (used in ${where.join(', ')})`);
    expect(missing, `add the locale file of each namespace to ${path.dirname(main)}/locale-catalog.ts`).toEqual([]);
  });

  it('bundles no namespace that none of its screens uses', () => {
    expect(bundled.filter((ns) => !used.has(ns)), `take the file out of ${path.dirname(main)}/locale-catalog.ts`).toEqual([]);
  });

  it('bundles the same namespaces in both languages, with the same strings as the files', () => {
    expect(Object.keys(catalogs.en).sort()).toEqual([...bundled].sort());
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const ns of bundled) expect(catalogs[lang][ns], `${lang} ${ns}`).toEqual(allCatalogs[lang][ns]);
    }
  });
});

describe('the apps’ catalogues', () => {
  it('leave out what other apps show', () => {
    // The point of the split: the phone apps do not carry the console's screens, nor each other's.
    expect(Object.keys(residentCatalogs['zh-CN'])).not.toContain('workOrders');
    expect(Object.keys(residentCatalogs['zh-CN'])).not.toContain('inspector');
    expect(Object.keys(inspectorCatalogs['zh-CN'])).not.toContain('residentReport');
    expect(Object.keys(consoleCatalogs['zh-CN'])).not.toContain('residentReport');
  });

  it('together cover every namespace of the locale files', () => {
    const bundled = new Set(APPS.flatMap((a) => Object.keys(a.catalogs['zh-CN'])));
    expect(Object.keys(allCatalogs['zh-CN']).filter((ns) => !bundled.has(ns)), 'a locale file no app bundles').toEqual([]);
  });
});
