import { describe, expect, it } from 'vitest';
import { planDistrict } from './demo-grids.js';

const cell = (i: number, j: number) => ({ i, j, geojson: JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1], [i, j]]]] }) });
const district = { code: '510104', name: '锦江区', boundary: null };
const props = (f: object) => (f as { properties: Record<string, string> }).properties;

describe('planDistrict', () => {
  it('groups 2×2 cells into communities and 3×3 communities into streets, numbered north→south then west→east', () => {
    // A 12 × 6 block of cells: two streets side by side (columns 0–5 and 6–11), each of 3 × 3 communities.
    const cells: ReturnType<typeof cell>[] = [];
    for (let j = 5; j >= 0; j--) for (let i = 0; i < 12; i++) cells.push(cell(i, j));
    const features = planDistrict(district, cells);
    const code = (i: number, j: number) => props(features[cells.findIndex((c) => c.i === i && c.j === j)]!).community_code;
    expect(code(0, 5)).toBe('510104001001'); // north-west corner
    expect(code(1, 4)).toBe('510104001001'); // same 2×2 block
    expect(code(2, 5)).toBe('510104001002'); // next block east
    expect(code(0, 3)).toBe('510104001004'); // next row of blocks south
    expect(code(5, 0)).toBe('510104001009');
    expect(code(6, 5)).toBe('510104002001'); // the eastern street
    expect(props(features[0]!)).toMatchObject({ district_name: '锦江区', street_name: '春熙路街道', community_name: '红星路社区' });
    expect(props(features[cells.findIndex((c) => c.i === 6 && c.j === 5)]!).street_name).toBe('锦江区第2街道');
    expect(new Set(features.map((f) => props(f).community_code)).size).toBe(18);
  });

  it('handles negative lattice indices (floor, not truncation)', () => {
    const features = planDistrict(district, [cell(-1, 0), cell(0, 0)]);
    expect(props(features[0]!).community_code).not.toBe(props(features[1]!).community_code);
  });
});
