/**
 * A small RFC 4180 CSV reader (quoted fields with "" escapes, CRLF or LF, optional UTF-8 BOM) with hard bounds on
 * rows and columns, so an upload cannot make us build an unbounded table. Pure: text in, rows out.
 */
import { badRequest } from '../../shared/errors.js';

export interface CsvBounds {
  maxRows: number;
  maxColumns: number;
}

export function parseCsv(text: string, bounds: CsvBounds): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    row.push(field);
    field = '';
    if (row.length > bounds.maxColumns) throw badRequest('evaluation.csv_too_wide', { row: rows.length + 1, max: bounds.maxColumns });
  };
  const endRow = () => {
    endField();
    // A blank line (one empty field) is skipped, not read as a row.
    if (!(row.length === 1 && row[0] === '')) {
      if (rows.length >= bounds.maxRows) throw badRequest('evaluation.csv_too_long', { max: bounds.maxRows });
      rows.push(row);
    }
    row = [];
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n') endRow();
    else if (ch === '\r') {
      if (text[i + 1] !== '\n') endRow();
    } else field += ch;
  }
  if (quoted) throw badRequest('evaluation.csv_unterminated', { row: rows.length + 1 });
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** A CSV of numbers only, no header: one row per alternative. */
export function parseNumericCsv(text: string, bounds: CsvBounds): number[][] {
  return parseCsv(text, bounds).map((cells, r) =>
    cells.map((cell, c) => {
      const trimmed = cell.trim();
      const x = trimmed === '' ? NaN : Number(trimmed);
      if (!Number.isFinite(x)) throw badRequest('evaluation.csv_not_number', { row: r + 1, col: c + 1, value: trimmed.slice(0, 40) });
      return x;
    }),
  );
}
