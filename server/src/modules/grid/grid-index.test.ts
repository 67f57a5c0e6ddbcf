import { describe, expect, it } from 'vitest';
import { covers, flatten } from './geometry.js';
import { GridIndex } from './grid-index.js';
import { mulberry32 } from '../../shared/random.js';

describe('GridIndex', () => {
  it('answers like a brute-force scan (lowest code among covering grids) over thousands of overlapping shapes', () => {
    const rand = mulberry32(7);
    const grids = Array.from({ length: 3000 }, (_, i) => {
      const x = rand() * 10;
      const y = rand() * 10;
      const w = 0.05 + rand() * 0.5;
      const h = 0.05 + rand() * 0.5;
      // Triangles, so bounding boxes over-select and the exact test matters.
      const shape = flatten([[[[x, y], [x + w, y], [x, y + h], [x, y]]]]);
      return { code: String(100000 + ((i * 7919) % 3000)).padStart(14, '0'), shape, value: i };
    });
    const index = new GridIndex(grids);
    expect(index.size).toBe(3000);
    const sorted = [...grids].sort((a, b) => a.code.localeCompare(b.code));
    for (let k = 0; k < 5000; k++) {
      const x = rand() * 10.5;
      const y = rand() * 10.5;
      const expected = sorted.find((g) => covers(g.shape, x, y));
      expect(index.locate(x, y)?.code).toBe(expected?.code);
    }
  });

  it('is empty without grids', () => {
    expect(new GridIndex([]).locate(1, 1)).toBeUndefined();
  });
});
