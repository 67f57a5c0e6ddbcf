/**
 * Entity data from an XLSX workbook: the first worksheet is read as a table (streamed with exceljs' workbook reader,
 * so a big file is not held as a whole workbook model), turned into the same cells a CSV gives, and validated by the
 * same `parseDatasetRows` — same header rules, same reject report. Cells: numbers as numbers, text as text, formulas
 * by their cached result, dates as ISO text (so a date in an indicator column is rejected as not a number), errors
 * (#DIV/0! …) as their text (rejected likewise). Rows are padded to the header's width, since a spreadsheet row ends
 * at its last non-empty cell.
 */
import { createReadStream, statSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError, badRequest } from '../../shared/errors.js';
import { DATASET_BOUNDS, parseDatasetRows, type ParsedDataset } from './dataset.js';

/**
 * Progress of a read, every 1,000 rows and once at the end: rows read, and bytes of the file read so far (of
 * `totalBytes`; the file is read ahead of the rows parsed, so this leads).
 */
export interface XlsxProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
  done: boolean;
}

/** A ZIP (XLSX is one) starts with "PK\x03\x04". */
export function looksLikeXlsx(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; formula?: string; sharedFormula?: string; text?: unknown; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('formula' in o || 'sharedFormula' in o) return cellText(o.result);
    if (typeof o.error === 'string') return o.error;
    if (o.text !== undefined) return cellText(o.text);
  }
  return String(v);
}

/**
 * Reads the first worksheet into rows of cell texts, within the dataset bounds. `input` is the file's bytes or a
 * path; `onProgress` is called every 1,000 rows and at the end.
 */
export async function readXlsxTable(input: Uint8Array | string, onProgress?: (p: XlsxProgress) => void): Promise<{ rows: string[][]; lines: number[] }> {
  const totalBytes = typeof input === 'string' ? statSync(input).size : input.byteLength;
  const source = typeof input === 'string' ? createReadStream(input, { highWaterMark: 256 * 1024 }) : Readable.from([Buffer.from(input.buffer, input.byteOffset, input.byteLength)]);
  let bytes = 0;
  const rows: string[][] = [];
  const lines: number[] = [];
  // Bytes are counted on the way through a pipe, never by a 'data' listener on the source: that would start the
  // source flowing before the reader is attached, and an in-memory file (one chunk) could be gone before it reads.
  const counted = source.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done(null, chunk);
      },
    }),
  );
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(counted, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  let first: unknown = null;
  try {
    for await (const sheet of reader) {
      first ??= sheet;
      // Later sheets are read through (the reader is a single stream) but ignored.
      const keep = sheet === first;
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        if (!keep) continue;
        const values = row.values as unknown[];
        if (values.length - 1 > DATASET_BOUNDS.maxColumns) throw badRequest('evaluation.csv_too_wide', { row: row.number, max: DATASET_BOUNDS.maxColumns });
        const cells: string[] = [];
        for (let c = 1; c < values.length; c++) cells.push(cellText(values[c]).trim());
        if (cells.every((x) => x === '')) continue;
        if (rows.length >= DATASET_BOUNDS.maxRows) throw badRequest('evaluation.csv_too_long', { max: DATASET_BOUNDS.maxRows });
        rows.push(cells);
        lines.push(row.number);
        if (rows.length % 1000 === 0) onProgress?.({ bytes, totalBytes, rows: rows.length, done: false });
      }
    }
  } catch (err) {
    source.destroy();
    counted.destroy();
    if (err instanceof AppError) throw err;
    throw badRequest('evaluation.xlsx_invalid');
  }
  onProgress?.({ bytes: totalBytes, totalBytes, rows: rows.length, done: true });
  const width = rows[0]?.length ?? 0;
  for (const r of rows) {
    while (r.length > width && r[r.length - 1] === '') r.pop();
    while (r.length < width) r.push('');
  }
  return { rows, lines };
}

/** Reject reports name the spreadsheet's own row numbers. */
export async function parseDatasetXlsx(input: Uint8Array | string, onProgress?: (p: XlsxProgress) => void): Promise<ParsedDataset> {
  const { rows, lines } = await readXlsxTable(input, onProgress);
  return parseDatasetRows(rows, lines);
}
