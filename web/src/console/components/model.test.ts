import { describe, expect, it } from 'vitest';
import { classOptions, fileFormat, progressPercent, toFeatures } from './model';

describe('components model', () => {
  it('maps points to features coloured by status', () => {
    const fc = toFeatures([{ code: '5101040102000001', classCode: '0102', status: 'missing', lng: 104.1, lat: 30.6 }]);
    expect(fc.features[0]).toMatchObject({ properties: { code: '5101040102000001', color: '#cf1322' }, geometry: { coordinates: [104.1, 30.6] } });
  });
  it('turns the import phases into one rising percentage', () => {
    expect(progressPercent(null)).toBe(0);
    expect(progressPercent({ phase: 'parse', done: 10, total: 10 })).toBe(10);
    expect(progressPercent({ phase: 'check', done: 5, total: 10 })).toBe(25);
    expect(progressPercent({ phase: 'insert', done: 1000, total: 4000 })).toBe(55);
    expect(progressPercent({ phase: 'insert', done: 0, total: 0 })).toBe(100);
    expect(progressPercent({ phase: 'done', done: 3, total: 3 })).toBe(100);
  });
  it('tells the format from the file name and lists subclasses under their class', () => {
    expect(fileFormat('lamps.GeoJSON')).toBe('geojson');
    expect(fileFormat('covers.csv')).toBe('csv');
    const opts = classOptions([{ code: '0102', parentCode: '01', nameZh: '污水井盖', nameEn: null, source: 'standard' }, { code: '01', parentCode: null, nameZh: '公用设施', nameEn: 'Public utilities', source: 'standard' }], 'en');
    expect(opts.map((o) => o.value)).toEqual(['01', '0102']);
    expect(opts[0]!.label).toBe('01 Public utilities');
    expect(opts[1]!.label).toBe('\u30000102 污水井盖');
  });
});
