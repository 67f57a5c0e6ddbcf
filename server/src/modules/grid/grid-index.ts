/**
 * The in-memory point → grid index: a packed Hilbert R-tree (flatbush) over grid bounding boxes, then the
 * exact covers test on the few candidates. Immutable once built; a new layer version builds a new one and
 * swaps it in. Where grids overlap, the lowest code wins (the PostGIS reference query does the same).
 */
import Flatbush from 'flatbush';
import { covers, type FlatMultiPolygon } from './geometry.js';

export interface IndexedGrid<T> {
  code: string;
  shape: FlatMultiPolygon;
  value: T;
}

export class GridIndex<T> {
  readonly size: number;
  readonly #tree: Flatbush | null;
  readonly #grids: IndexedGrid<T>[];

  constructor(grids: readonly IndexedGrid<T>[]) {
    // Sorted by code, so the lowest position among candidates is the lowest code.
    this.#grids = [...grids].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    this.size = this.#grids.length;
    if (this.size === 0) {
      this.#tree = null;
      return;
    }
    const tree = new Flatbush(this.size);
    for (const g of this.#grids) tree.add(g.shape.bbox[0], g.shape.bbox[1], g.shape.bbox[2], g.shape.bbox[3]);
    tree.finish();
    this.#tree = tree;
  }

  /** The grid covering (lng, lat), or undefined. */
  locate(lng: number, lat: number): IndexedGrid<T> | undefined {
    if (!this.#tree) return undefined;
    const candidates = this.#tree.search(lng, lat, lng, lat);
    let best = -1;
    for (const i of candidates) {
      if ((best === -1 || i < best) && covers(this.#grids[i]!.shape, lng, lat)) best = i;
    }
    return best === -1 ? undefined : this.#grids[best];
  }
}
