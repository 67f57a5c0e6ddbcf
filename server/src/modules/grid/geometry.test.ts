import { describe, expect, it } from 'vitest';
import { covers, decodeWkbMultiPolygon, flatten, WkbError } from './geometry.js';

const square = (x0: number, y0: number, x1: number, y1: number) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

// A 10×10 square with a 2×2 hole at (4,4)–(6,6), and a separate triangle further east.
const donutAndTriangle = flatten([
  [square(0, 0, 10, 10), square(4, 4, 6, 6).reverse()],
  [
    [
      [20, 0],
      [30, 0],
      [25, 10],
      [20, 0],
    ],
  ],
]);

describe('covers', () => {
  it('is true inside a shell, false inside a hole and outside', () => {
    expect(covers(donutAndTriangle, 1, 1)).toBe(true);
    expect(covers(donutAndTriangle, 5, 5)).toBe(false);
    expect(covers(donutAndTriangle, 11, 5)).toBe(false);
    expect(covers(donutAndTriangle, -0.0001, 5)).toBe(false);
    expect(covers(donutAndTriangle, 25, 5)).toBe(true);
    expect(covers(donutAndTriangle, 21, 9)).toBe(false);
  });

  it('counts every boundary point as covered (shell edges, hole edges, vertices, slanted edges)', () => {
    for (const [x, y] of [
      [0, 5], [10, 5], [5, 0], [5, 10], // shell edges
      [0, 0], [10, 10], [0, 10], // shell vertices
      [4, 5], [6, 5], [5, 4], [5, 6], [4, 4], [6, 6], // hole edges and vertices
      [25, 10], [22.5, 5], [27.5, 5], [20, 0], [25, 0], // triangle apex, slanted edges, base
    ] as const) {
      expect(covers(donutAndTriangle, x, y), `${x},${y}`).toBe(true);
    }
  });

  it('handles a point on the line of a vertex without double counting', () => {
    // The ray from (-1, 10) passes through the shell's top edge; (12, 0) through the bottom vertices.
    expect(covers(donutAndTriangle, -1, 10)).toBe(false);
    expect(covers(donutAndTriangle, 15, 0)).toBe(false);
    expect(covers(donutAndTriangle, 12, 10)).toBe(false);
    const diamond = flatten([[[[0, -1], [1, 0], [0, 1], [-1, 0], [0, -1]]]]);
    expect(covers(diamond, -2, 0)).toBe(false);
    expect(covers(diamond, 0.5, 0)).toBe(true);
    expect(covers(diamond, 1.5, 0)).toBe(false);
  });
});

function wkbPolygon(little: boolean, rings: number[][][]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(9);
  head.writeUInt8(little ? 1 : 0, 0);
  if (little) {
    head.writeUInt32LE(3, 1);
    head.writeUInt32LE(rings.length, 5);
  } else {
    head.writeUInt32BE(3, 1);
    head.writeUInt32BE(rings.length, 5);
  }
  parts.push(head);
  for (const r of rings) {
    const b = Buffer.alloc(4 + r.length * 16);
    if (little) b.writeUInt32LE(r.length, 0);
    else b.writeUInt32BE(r.length, 0);
    r.forEach(([x, y], i) => {
      if (little) {
        b.writeDoubleLE(x!, 4 + i * 16);
        b.writeDoubleLE(y!, 12 + i * 16);
      } else {
        b.writeDoubleBE(x!, 4 + i * 16);
        b.writeDoubleBE(y!, 12 + i * 16);
      }
    });
    parts.push(b);
  }
  return Buffer.concat(parts);
}

describe('decodeWkbMultiPolygon', () => {
  it('decodes a MultiPolygon of mixed byte orders with holes', () => {
    const head = Buffer.alloc(9);
    head.writeUInt8(1, 0);
    head.writeUInt32LE(6, 1);
    head.writeUInt32LE(2, 5);
    const wkb = Buffer.concat([head, wkbPolygon(true, [square(0, 0, 10, 10), square(4, 4, 6, 6)]), wkbPolygon(false, [square(20, 0, 21, 1)])]);
    const g = decodeWkbMultiPolygon(new Uint8Array(wkb));
    expect([...g.ringEnds]).toEqual([5, 10, 15]);
    expect(g.bbox).toEqual([0, 0, 21, 10]);
    expect(g.coords[20]).toBe(20);
    expect(covers(g, 5, 5)).toBe(false);
    expect(covers(g, 20.5, 0.5)).toBe(true);
  });

  it('decodes a bare Polygon and refuses other types, truncation and trailing bytes', () => {
    const poly = wkbPolygon(true, [square(0, 0, 1, 1)]);
    expect(decodeWkbMultiPolygon(poly).ringEnds.length).toBe(1);
    expect(() => decodeWkbMultiPolygon(poly.subarray(0, poly.length - 3))).toThrow(WkbError);
    expect(() => decodeWkbMultiPolygon(Buffer.concat([poly, Buffer.from([0])]))).toThrow(/trailing/);
    const point = Buffer.alloc(21);
    point.writeUInt8(1, 0);
    point.writeUInt32LE(1, 1);
    expect(() => decodeWkbMultiPolygon(point)).toThrow(/type 1/);
    expect(() => decodeWkbMultiPolygon(Buffer.from([7, 0, 0, 0, 0]))).toThrow(/byte order/);
  });
});
