#!/usr/bin/env node
/**
 * Prints the gzipped size of each entry's JavaScript (resident portal, staff console, inspectors' app): the entry
 * chunk plus every chunk it imports statically (what a browser must download before the page runs), and separately
 * the lazily loaded chunks (the map).
 * Exits non-zero when the resident entry exceeds its budget (300 KB gzipped).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 300;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

function scriptOf(html) {
  const m = /<script[^>]+type="module"[^>]+src="\/([^"]+)"/.exec(html);
  if (!m) throw new Error('no module script in html');
  return m[1];
}

const gz = (file) => gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length;

/** Static imports of an ES chunk (`import … from "./x.js"` and `import "./x.js"`), and dynamic ones. */
function importsOf(file) {
  const src = readFileSync(path.join(dist, file), 'utf8');
  const dir = path.posix.dirname(file);
  const resolve = (spec) => path.posix.normalize(path.posix.join(spec.startsWith('/') ? '' : dir, spec.replace(/^\//, '')));
  const stat = [...src.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"()]*?from\s*)?["']([^"']+\.js)["']/g)].map((m) => resolve(m[1]));
  const dyn = [...src.matchAll(/import\(\s*["']([^"']+\.js)["']\s*\)/g)].map((m) => resolve(m[1]));
  // Vite lists a lazy chunk's dependencies in __vite__mapDeps(["assets/…"]); those are lazy too.
  const mapped = [...src.matchAll(/"(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  return { stat, dyn: [...dyn, ...mapped] };
}

function measure(html) {
  const entry = scriptOf(readFileSync(path.join(dist, html), 'utf8'));
  const initial = new Set();
  const walk = (f) => {
    if (initial.has(f)) return;
    initial.add(f);
    importsOf(f).stat.forEach(walk);
  };
  walk(entry);
  const lazy = new Set();
  const walkLazy = (f) => {
    if (initial.has(f) || lazy.has(f)) return;
    lazy.add(f);
    const { stat, dyn } = importsOf(f);
    [...stat, ...dyn].forEach(walkLazy);
  };
  for (const f of initial) importsOf(f).dyn.forEach(walkLazy);
  const sum = (set) => [...set].reduce((n, f) => n + gz(f), 0);
  return { entry, initial: sum(initial), initialFiles: initial.size, lazy: sum(lazy), lazyFiles: lazy.size };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let failed = false;
for (const [name, html] of [
  ['resident (/)', 'index.html'],
  ['console (/console/)', 'console/index.html'],
  ['inspector (/inspector/)', 'inspector/index.html'],
]) {
  const m = measure(html);
  process.stdout.write(
    `${name}: initial JS ${kb(m.initial)} gzipped in ${m.initialFiles} file(s); lazily loaded ${kb(m.lazy)} in ${m.lazyFiles} file(s)\n`,
  );
  if (html === 'index.html' && m.initial > BUDGET_KB * 1024) {
    process.stderr.write(`resident entry is over its budget of ${BUDGET_KB} KB gzipped\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
