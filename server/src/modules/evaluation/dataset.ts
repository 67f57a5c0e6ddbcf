/**
 * Entity data from a CSV with a header: `code,name` (required), `class,province,region` (optional), then one column
 * per indicator code. Each bad row is rejected with its reasons and the rest imported (a reject report, not an
 * all-or-nothing failure: one typo in 680 cities should not block the other 679). Empty cells are missing values.
 */
import { badRequest } from '../../shared/errors.js';
import { parseCsv } from './csv.js';
import type { EntityInput } from './run.js';

export const MAX_DATASET_ROWS = 200_000;
export const MAX_REJECTS_KEPT = 1000;
const META = ['code', 'name', 'class', 'province', 'region'] as const;
const INDICATOR = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface ParsedDataset {
  indicatorCodes: string[];
  entities: (EntityInput & { values: Record<string, number> })[];
  rejects: { line: number; reasons: string[] }[];
  rejectCount: number;
}

/** Bounds of a dataset table, whatever the file format (header row included). */
export const DATASET_BOUNDS = { maxRows: MAX_DATASET_ROWS + 1, maxColumns: 2100 };

export function parseDatasetCsv(text: string): ParsedDataset {
  return parseDatasetRows(parseCsv(text, DATASET_BOUNDS));
}

/** Validation of a table already split into cells (from CSV or XLSX): the first row is the header. */
export function parseDatasetRows(rows: readonly (readonly string[])[], lines?: readonly number[]): ParsedDataset {
  const header = (rows[0] ?? []).map((h) => h.trim());
  if (!header.includes('code') || !header.includes('name')) throw badRequest('evaluation.dataset_header');
  const seenHeader = new Set<string>();
  for (const h of header) {
    if (seenHeader.has(h)) throw badRequest('evaluation.dataset_column_duplicate', { column: h });
    seenHeader.add(h);
    if (!(META as readonly string[]).includes(h) && !INDICATOR.test(h)) throw badRequest('evaluation.dataset_column_invalid', { column: h.slice(0, 64) });
  }
  const col = (name: string) => header.indexOf(name);
  const indicatorCodes = header.filter((h) => !(META as readonly string[]).includes(h));
  const entities: ParsedDataset['entities'] = [];
  const rejects: ParsedDataset['rejects'] = [];
  let rejectCount = 0;
  const seen = new Set<string>();
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    const reasons: string[] = [];
    if (cells.length !== header.length) reasons.push(`${cells.length} columns, expected ${header.length}`);
    const get = (name: string) => {
      const k = col(name);
      return k >= 0 ? (cells[k] ?? '').trim() : '';
    };
    const code = get('code');
    const name = get('name');
    if (!code || code.length > 64) reasons.push('code missing or longer than 64 characters');
    else if (seen.has(code)) reasons.push(`duplicate code ${code}`);
    if (!name || name.length > 200) reasons.push('name missing or longer than 200 characters');
    const values: Record<string, number> = {};
    if (cells.length === header.length) {
      for (const c of indicatorCodes) {
        const cell = cells[col(c)]!.trim();
        if (cell === '') continue;
        const x = Number(cell);
        if (Number.isFinite(x)) values[c] = x;
        else reasons.push(`${c}: "${cell.slice(0, 40)}" is not a number`);
      }
    }
    if (reasons.length > 0) {
      rejectCount++;
      // The line number counts the header as line 1, like a spreadsheet.
      if (rejects.length < MAX_REJECTS_KEPT) rejects.push({ line: lines?.[r] ?? r + 1, reasons });
      continue;
    }
    seen.add(code);
    const opt = (n: string) => get(n).slice(0, 100) || null;
    entities.push({ code, name, class: opt('class'), province: opt('province'), region: opt('region'), values });
  }
  return { indicatorCodes, entities, rejects, rejectCount };
}

/** The same shape back to CSV (for the demo data and for exporting what was imported). */
export function datasetToCsv(indicatorCodes: readonly string[], entities: readonly EntityInput[]): string {
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [[...META, ...indicatorCodes].join(',')];
  for (const e of entities) {
    lines.push(
      [e.code, e.name, e.class ?? '', e.province ?? '', e.region ?? '', ...indicatorCodes.map((c) => {
        const v = e.values[c];
        return typeof v === 'number' ? String(v) : '';
      })].map(quote).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
