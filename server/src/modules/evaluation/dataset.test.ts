import { describe, expect, it } from 'vitest';
import type { AppError } from '../../shared/errors.js';
import { datasetToCsv, parseDatasetCsv } from './dataset.js';
import { demoCities } from './demo-data.js';

describe('dataset CSV', () => {
  it('imports good rows and reports each bad one with its reasons', () => {
    const csv = 'code,name,class,region,D11,D12\nA,甲市,地级市,华东,1,2\nB,乙市,,华南,,3\nA,dup,,,1,1\nC,,,,x,1\nD,丁市,,,1\n';
    const r = parseDatasetCsv(csv);
    expect(r.indicatorCodes).toEqual(['D11', 'D12']);
    expect(r.entities).toEqual([
      { code: 'A', name: '甲市', class: '地级市', province: null, region: '华东', values: { D11: 1, D12: 2 } },
      { code: 'B', name: '乙市', class: null, province: null, region: '华南', values: { D12: 3 } },
    ]);
    expect(r.rejects).toEqual([
      { line: 4, reasons: ['duplicate code A'] },
      { line: 5, reasons: ['name missing or longer than 200 characters', 'D11: "x" is not a number'] },
      { line: 6, reasons: ['5 columns, expected 6'] },
    ]);
    expect(r.rejectCount).toBe(3);
  });
  it('refuses a header without code and name, duplicate or malformed columns', () => {
    const code = (csv: string) => {
      try {
        parseDatasetCsv(csv);
        return 'no error';
      } catch (e) {
        return (e as AppError).code;
      }
    };
    expect(code('name,D11\nx,1\n')).toBe('evaluation.dataset_header');
    expect(code('code,name,D11,D11\n')).toBe('evaluation.dataset_column_duplicate');
    expect(code('code,name,bad col\n')).toBe('evaluation.dataset_column_invalid');
  });
  it('round-trips the synthetic cities', () => {
    const cities = demoCities(1, 30);
    const codes = Object.keys(cities[0]!.values);
    const back = parseDatasetCsv(datasetToCsv(codes, cities));
    expect(back.rejects).toEqual([]);
    expect(back.entities.map((e) => e.code)).toEqual(cities.map((c) => c.code));
    expect(back.entities[3]!.values).toEqual(Object.fromEntries(Object.entries(cities[3]!.values).filter(([, v]) => v !== null)));
  });
});
