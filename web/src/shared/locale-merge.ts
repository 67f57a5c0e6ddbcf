/**
 * Putting a catalogue together from locale files (see locale-catalog.ts for how they are laid out). Kept apart from
 * the catalogues themselves: an app's catalogue (resident/, inspector/, console/ locale-catalog.ts) imports this
 * and nothing that would pull in another app's strings.
 */
export type Tree = { [k: string]: string | Tree };
export type Catalogs = Record<'zh-CN' | 'en', Tree>;

/**
 * `files`: an eager `import.meta.glob` (default import) of locale files — `<area>.<zh-CN|en>.json` or the console's
 * `<zh-CN|en>.json` — keyed by path; the language is the name's last part before `.json`. Each file's top-level
 * namespaces are merged per language; a namespace defined twice is an error.
 */
export function mergeCatalogs(files: Record<string, Tree>): Catalogs {
  const out: Catalogs = { 'zh-CN': {}, en: {} };
  for (const [file, tree] of Object.entries(files)) {
    const lang = /(?:^|[/.])(zh-CN|en)\.json$/.exec(file)?.[1] as 'zh-CN' | 'en' | undefined;
    if (!lang) throw new Error(`Locale file ${file} does not end in .zh-CN.json or .en.json`);
    for (const [ns, value] of Object.entries(tree)) {
      if (ns in out[lang]) throw new Error(`Locale namespace ${ns} is defined twice (again in ${file})`);
      out[lang][ns] = value;
    }
  }
  return out;
}
