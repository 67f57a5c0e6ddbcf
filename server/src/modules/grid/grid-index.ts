/**
 * The in-memory point → grid index: a packed Hilbert R-tree (flatbush) over grid bounding boxes, then the
 * exact covers test on the few candidates. Immutable once built; a new layer version builds a new one and
 * swaps it in. Where grids overlap, the lowest code wins (the PostGIS reference query does the same).
 *
 * The point query walks flatbush's packed arrays itself with a preallocated stack: `search` allocates two
 * arrays per call, which is most of the cost at hundreds of thousands of lookups a second. The walk is the
 * one in flatbush's own `search` (flatbush is pinned to 4.x, whose layout this reads).
 */
import Flatbush from 'flatbush';
import { coversRings, type FlatMultiPolygon } from './geometry.js';

export interface IndexedGrid<T> {
  code: string;
  shape: FlatMultiPolygon;
  value: T;
}

const NODE_SIZE = 16;

export class GridIndex<T> {
  readonly size: number;
  readonly #tree: Flatbush | null;
  readonly #grids: IndexedGrid<T>[];
  readonly #stack: Int32Array;
  /** Every grid's coordinates in one array, ring ends in global point numbers, each grid's first ring. */
  readonly #coords: Float64Array;
  readonly #ringEnds: Uint32Array;
  readonly #firstRing: Uint32Array;

  constructor(grids: readonly IndexedGrid<T>[]) {
    // Sorted by code, so the lowest position among candidates is the lowest code.
    this.#grids = [...grids].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    this.size = this.#grids.length;
    let points = 0;
    let rings = 0;
    for (const g of this.#grids) {
      points += g.shape.coords.length / 2;
      rings += g.shape.ringEnds.length;
    }
    this.#coords = new Float64Array(points * 2);
    this.#ringEnds = new Uint32Array(rings);
    this.#firstRing = new Uint32Array(this.size + 1);
    let p = 0;
    let r = 0;
    this.#grids.forEach((g, i) => {
      this.#firstRing[i] = r;
      this.#coords.set(g.shape.coords, p * 2);
      for (const end of g.shape.ringEnds) this.#ringEnds[r++] = p + end;
      p += g.shape.coords.length / 2;
    });
    this.#firstRing[this.size] = r;
    if (this.size === 0) {
      this.#tree = null;
      this.#stack = new Int32Array(0);
      return;
    }
    const tree = new Flatbush(this.size, NODE_SIZE);
    for (const g of this.#grids) tree.add(g.shape.bbox[0], g.shape.bbox[1], g.shape.bbox[2], g.shape.bbox[3]);
    tree.finish();
    this.#tree = tree;
    // Depth-first: at most NODE_SIZE children waiting per level, two numbers each.
    this.#stack = new Int32Array(2 * NODE_SIZE * (tree._levelBounds.length + 1));
  }

  /** The grid covering (lng, lat), or undefined. */
  locate(lng: number, lat: number): IndexedGrid<T> | undefined {
    const tree = this.#tree;
    if (!tree) return undefined;
    const boxes = tree._boxes;
    const indices = tree._indices;
    const levelBounds = tree._levelBounds;
    const numItems4 = tree.numItems * 4;
    const stack = this.#stack;
    const coords = this.#coords;
    const ringEnds = this.#ringEnds;
    const firstRing = this.#firstRing;
    let sp = 0;
    stack[sp++] = boxes.length - 4;
    stack[sp++] = levelBounds.length - 1;
    let best = -1;
    while (sp > 0) {
      const level = stack[--sp]!;
      const nodeIndex = stack[--sp]!;
      const end = Math.min(nodeIndex + NODE_SIZE * 4, levelBounds[level]!);
      const isNode = nodeIndex >= numItems4;
      for (let pos = nodeIndex; pos < end; pos += 4) {
        if (lng < boxes[pos]! || lat < boxes[pos + 1]! || lng > boxes[pos + 2]! || lat > boxes[pos + 3]!) continue;
        const index = indices[pos >> 2]! | 0;
        if (isNode) {
          stack[sp++] = index;
          stack[sp++] = level - 1;
        } else if (best === -1 || index < best) {
          const r0 = firstRing[index]!;
          if (coversRings(coords, ringEnds, r0, firstRing[index + 1]!, r0 === 0 ? 0 : ringEnds[r0 - 1]!, lng, lat)) best = index;
        }
      }
    }
    return best === -1 ? undefined : this.#grids[best];
  }
}
