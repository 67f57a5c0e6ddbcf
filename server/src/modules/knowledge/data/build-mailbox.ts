/**
 * Regenerates shangluo-mayor-mailbox.csv here from the original export, with personal data removed:
 *   npx tsx src/modules/knowledge/data/build-mailbox.ts ../../shared/data/12345/shangluo-mayor-mailbox.csv
 * (the import redacts again when seeding; redacting is idempotent).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../import-csv.js';
import { redactPersonalData } from '../redact.js';

const source = process.argv[2];
if (!source) throw new Error('usage: build-mailbox.ts PATH/TO/shangluo-mayor-mailbox.csv');
const [header, ...rows] = parseCsv(readFileSync(source, 'utf8'));
if (!header) throw new Error('empty file');
const col = (name: string) => header.indexOf(name);
const letterColumns = new Set([col('title'), col('query')]);
const replyColumn = col('reply');
const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const lines = [header.join(',')];
let changed = 0;
for (const row of rows) {
  const out = row.map((cell, i) => (letterColumns.has(i) ? redactPersonalData(cell) : i === replyColumn ? redactPersonalData(cell, { landlines: false }) : cell));
  if (out.some((c, i) => c !== row[i])) changed += 1;
  lines.push(out.map(quote).join(','));
}
writeFileSync(fileURLToPath(new URL('./shangluo-mayor-mailbox.csv', import.meta.url)), `${lines.join('\n')}\n`);
process.stderr.write(`${rows.length} letters, ${changed} with personal data removed\n`);
