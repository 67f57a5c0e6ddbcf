import { describe, expect, it } from 'vitest';
import { FileShapeError, geometryHash, parseGridFile } from './grid-features.js';

const ring = [
  [104, 30],
  [104.01, 30],
  [104.01, 30.01],
  [104, 30.01],
  [104, 30],
];
const feature = (properties: object, geometry: object = { type: 'Polygon', coordinates: [ring] }) => ({ type: 'Feature', properties, geometry });
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('parseGridFile', () => {
  it('reads codes, community codes, names and normalises Polygon to MultiPolygon', () => {
    const r = parseGridFile(
      fc(
        feature({ code: '51010400100101', name: '一号网格', street_name: '春熙路街道', community: '红星路社区' }),
        feature({ community_code: '510104001002' }, { type: 'MultiPolygon', coordinates: [[ring]] }),
      ),
    );
    expect(r.rejected).toEqual([]);
    expect(r.features[0]).toMatchObject({ index: 0, code: '51010400100101', communityCode: '510104001001', name: '一号网格', streetName: '春熙路街道', communityName: '红星路社区' });
    expect(r.features[1]).toMatchObject({ code: null, communityCode: '510104001002', name: null });
    expect(r.features[0]!.polygons).toEqual([[ring]]);
    expect(r.features[0]!.hash).toBe(r.features[1]!.hash);
    expect(r.features[0]!.cx).toBeCloseTo(104.005, 9);
    expect(r.features[0]!.height).toBeCloseTo(0.01, 9);
  });

  it('rejects bad features one by one with a stable reason', () => {
    const open = ring.slice(0, 4);
    const r = parseGridFile(
      fc(
        { type: 'Nope' },
        feature({ code: '5101' }),
        feature({ code: '51010400100100' }),
        feature({}),
        feature({ community_code: '510104001001' }, { type: 'Point', coordinates: [104, 30] }),
        feature({ community_code: '510104001001' }, { type: 'Polygon', coordinates: [open] }),
        feature({ community_code: '510104001001' }, { type: 'Polygon', coordinates: [[[104, 30], [105, 30], [104, 30], [104, 30]].slice(0, 3)] }),
        feature({ community_code: '510104001001' }, { type: 'Polygon', coordinates: [[[104, 30], [200, 30], [104, 31], [104, 30]]] }),
        feature({ community_code: '510104001001' }, { type: 'Polygon', coordinates: [] }),
        feature({ community_code: '510104001001' }),
      ),
    );
    expect(r.rejected.map((x) => x.reason)).toEqual([
      'grid.feature_invalid',
      'grid.code_invalid',
      'grid.code_invalid',
      'grid.community_missing',
      'grid.feature_not_polygon',
      'grid.ring_not_closed',
      'grid.ring_too_short',
      'grid.coordinates_invalid',
      'grid.coordinates_invalid',
    ]);
    expect(r.features.map((f) => f.index)).toEqual([9]);
    expect(r.total).toBe(10);
  });

  it('reads codes from configured fields', () => {
    const r = parseGridFile(fc(feature({ WGBM: '51010400100105' })), { code: 'WGBM', community: 'SQBM' });
    expect(r.features[0]!.code).toBe('51010400100105');
  });

  it('refuses what is not a FeatureCollection', () => {
    expect(() => parseGridFile({ type: 'Feature' })).toThrow(FileShapeError);
    expect(() => parseGridFile([])).toThrow(FileShapeError);
  });
});

describe('geometryHash', () => {
  it('ignores differences below 1e-9° and sees anything larger', () => {
    const moved = ring.map(([x, y]) => [x! + 1e-11, y!] as [number, number]);
    const shifted = ring.map(([x, y]) => [x! + 1e-6, y!] as [number, number]);
    const base = geometryHash([[ring as [number, number][]]]);
    expect(geometryHash([[moved]])).toBe(base);
    expect(geometryHash([[shifted]])).not.toBe(base);
  });
});
