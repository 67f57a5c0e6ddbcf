/**
 * The shipped demo training data (src/modules/work-orders/data, see its README.md): letters to the Shangluo
 * mayor's mailbox labelled by the agency that answered (real text, proxy labels), and hand-written synthetic
 * examples of 部件/事件 categories. A work order's text for the classifier is its title and description.
 */
import { readFileSync } from 'node:fs';
import type { Example } from './model.js';

const LETTERS = new URL('../data/mailbox-letters.jsonl', import.meta.url);
const SYNTHETIC = new URL('../data/synthetic-examples.json', import.meta.url);

export interface DemoExample extends Example {
  source: 'mailbox' | 'synthetic';
  id: string;
}

/** The text the classifier sees for an order (or a letter): title and description. */
export function orderText(title: string, description: string): string {
  const t = title.trim();
  const d = description.trim();
  return d === '' ? t : t === '' ? d : `${t}。${d}`;
}

let cached: DemoExample[] | null = null;

/** All shipped examples, in file order (letters, then synthetic by category). */
export function demoExamples(): DemoExample[] {
  if (cached) return cached;
  const letters = readFileSync(LETTERS, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const r = JSON.parse(l) as { id: string; label: string; title: string; text: string };
      return { id: `mailbox:${r.id}`, source: 'mailbox' as const, label: r.label, text: orderText(r.title, r.text) };
    });
  const synthetic = JSON.parse(readFileSync(SYNTHETIC, 'utf8')) as { examples: Record<string, string[]> };
  const made = Object.entries(synthetic.examples).flatMap(([label, texts]) =>
    texts.map((text, i) => ({ id: `synthetic:${label}:${i + 1}`, source: 'synthetic' as const, label, text })),
  );
  cached = [...letters, ...made];
  return cached;
}
