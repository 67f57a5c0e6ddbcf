import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { parseCsv, readArticlesCsv, splitTags } from './import-csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, ""y""","line1\nline2"\r\n\r\nlast,')).toEqual([
      ['a', 'b'],
      ['x, "y"', 'line1\nline2'],
      ['last', ''],
    ]);
  });

  it('refuses an unterminated quote and too many rows', () => {
    expect(() => parseCsv('a\n"open')).toThrow(AppError);
    expect(() => parseCsv('a\n1\n2\n3', 3)).toThrow(/csv_too_long/);
  });
});

describe('readArticlesCsv', () => {
  const header = 'mail_id,title,query,query_date,reply,reply_date,reply_agency,url';

  it('maps the mailbox columns, redacts the letter but keeps agency numbers in the reply', () => {
    const csv = `${header}\n1,路灯不亮,"我叫张三，电话13912345678，路灯坏了",2022-05-10,已安排维修，电话0914-2338613,2022-05-12,市城管局,http://x.gov.cn/1\n`;
    const { total, drafts, rejected } = readArticlesCsv(csv);
    expect([total, rejected]).toEqual([1, []]);
    expect(drafts[0]).toMatchObject({
      row: 2,
      sourceRef: '1',
      title: '路灯不亮',
      question: '我叫[姓名]，电话[电话]，路灯坏了',
      answer: '已安排维修，电话0914-2338613',
      agency: '市城管局',
      sourceUrl: 'http://x.gov.cn/1',
      tags: [],
      categoryCode: null,
    });
  });

  it('rejects rows with their record number and a stable code', () => {
    const rows = [
      `${header},category,tags,valid_from,valid_to`,
      '1,,q,,r,,,,,,,',
      '2,t,q,,r,,,ftp://x,,,,',
      '3,t,q,,r,,,,Water,,,',
      '4,t,q,,r,,,,,,2026-02-30,',
      '5,t,q,,r,,,,,,2026-02-01,2026-01-01',
      '6,t,q,,r,,,,water.main,a;b、c,,',
      '6,t,q,,r,,,,,,,',
      '7,t,q',
    ];
    const { drafts, rejected } = readArticlesCsv(rows.join('\n'));
    expect(rejected.map((r) => [r.row, r.code])).toEqual([
      [2, 'knowledge.row_field_missing'],
      [3, 'knowledge.row_url_invalid'],
      [4, 'knowledge.row_category_invalid'],
      [5, 'knowledge.row_date_invalid'],
      [6, 'knowledge.validity_invalid'],
      [8, 'knowledge.row_duplicate'],
      [9, 'knowledge.row_columns'],
    ]);
    expect(drafts.map((d) => [d.row, d.categoryCode, d.tags])).toEqual([[7, 'water.main', ['a', 'b', 'c']]]);
  });

  it('refuses a file without the required columns', () => {
    expect(() => readArticlesCsv('id,name\n1,x')).toThrow(/csv_header_missing/);
    expect(() => readArticlesCsv('')).toThrow(/csv_empty/);
    expect(splitTags(' 停水 ;供水;停水,')).toEqual(['停水', '供水']);
  });
});
