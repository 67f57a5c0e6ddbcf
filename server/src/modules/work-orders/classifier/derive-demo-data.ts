/**
 * Regenerates data/mailbox-letters.jsonl from the Shangluo mayor's mailbox (../shared/data/12345, MIT):
 *
 *   npx tsx src/modules/work-orders/classifier/derive-demo-data.ts ../../shared/data/12345/shangluo-mayor-mailbox.csv
 *
 * One line per kept letter: { id, label, title, text } (the letter's title and text, ≤ 4,000 characters like a work
 * order's description; the answer itself is not kept — it only decides the label, see mailbox-labels.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mailboxLabel } from './mailbox-labels.js';

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

export function deriveMailboxExamples(csv: string): { id: string; label: string; title: string; text: string }[] {
  const [header, ...rows] = parseCsv(csv);
  const col = (name: string) => {
    const i = header!.indexOf(name);
    if (i < 0) throw new Error(`mailbox CSV: no column ${name}`);
    return i;
  };
  const [id, title, query, reply, agency] = ['mail_id', 'title', 'query', 'reply', 'reply_agency'].map(col) as [number, number, number, number, number];
  const out = [];
  for (const r of rows) {
    const label = mailboxLabel(r[agency] ?? '', r[reply] ?? '');
    if (!label) continue;
    out.push({ id: r[id]!, label, title: (r[title] ?? '').trim().slice(0, 200), text: (r[query] ?? '').trim().replace(/\s+/g, ' ').slice(0, 4000) });
  }
  return out;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const source = process.argv[2];
  if (!source) throw new Error('usage: derive-demo-data.ts PATH/shangluo-mayor-mailbox.csv');
  const examples = deriveMailboxExamples(readFileSync(source, 'utf8'));
  const target = new URL('../data/mailbox-letters.jsonl', import.meta.url);
  writeFileSync(target, examples.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const counts = new Map<string, number>();
  for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  process.stdout.write(`${examples.length} letters kept → ${target.pathname}\n${[...counts].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${n}\t${l}`).join('\n')}\n`);
}
