import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { parseCsv, parseNumericCsv } from './csv.js';

const bounds = { maxRows: 10, maxColumns: 5 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? `${err.code} ${JSON.stringify(err.params)}` : String(err);
  }
  return 'no error';
};

describe('CSV', () => {
  it('reads quotes, escaped quotes, CRLF, a BOM and skips blank lines', () => {
    expect(parseCsv('\ufeffa,"b,c","say ""hi"""\r\n\r\n1,2,3\n"multi\nline",,\n', bounds)).toEqual([
      ['a', 'b,c', 'say "hi"'],
      ['1', '2', '3'],
      ['multi\nline', '', ''],
    ]);
    expect(parseCsv('x,y', bounds)).toEqual([['x', 'y']]);
  });
  it('is bounded in rows and columns and refuses an open quote', () => {
    expect(codeOf(() => parseCsv('1,2,3,4,5,6', bounds))).toContain('evaluation.csv_too_wide');
    expect(codeOf(() => parseCsv('1\n'.repeat(11), bounds))).toContain('evaluation.csv_too_long');
    expect(codeOf(() => parseCsv('"abc', bounds))).toContain('evaluation.csv_unterminated');
  });
  it('reads numbers and names the first bad cell', () => {
    expect(parseNumericCsv('1, 2.5\n-3,1e3\n', bounds)).toEqual([
      [1, 2.5],
      [-3, 1000],
    ]);
    expect(codeOf(() => parseNumericCsv('1,2\n3,x\n', bounds))).toBe('evaluation.csv_not_number {"row":2,"col":2,"value":"x"}');
    expect(codeOf(() => parseNumericCsv('1,\n', bounds))).toContain('evaluation.csv_not_number');
  });
});
