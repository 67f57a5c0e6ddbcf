/**
 * One point → grid locator per database handle (so the routes, the import service and the admin channel of a
 * process share it). It keeps one GridIndex per jurisdiction and the layer version it was built from.
 *
 * How processes learn of a change: every change bumps `grid_layers.version` in its transaction. A locator
 * re-reads that one row at most every `checkIntervalMs` (default 1 s), on use, and rebuilds the index when the
 * version moved — so an answer is never more than about a second behind a commit made by another process. In
 * the process that made the change, `invalidate` makes the next lookup wait for the new index.
 */
import type { Db } from '../../app-context.js';
import { decodeWkbMultiPolygon } from './geometry.js';
import { GridIndex } from './grid-index.js';
import * as repo from './grid.repo.js';

export interface Named {
  code: string;
  name: string;
}

export interface LocatedGrid {
  id: string;
  code: string;
  name: string;
  community: Named;
  street: Named;
  district: Named;
  inspectors: { id: string; name: string }[];
  departments: { id: string; name: string }[];
}

interface Entry {
  version: number;
  index: GridIndex<LocatedGrid>;
  checkedAt: number;
  forceReload: boolean;
}

export class GridLocator {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<Entry>>();
  /** Bumped by invalidate, so a check that started before the change cannot pass for fresh. */
  readonly #generation = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly checkIntervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  async locate(jurisdictionId: string, lng: number, lat: number): Promise<LocatedGrid | null> {
    const index = await this.indexFor(jurisdictionId);
    return index.locate(lng, lat)?.value ?? null;
  }

  /** The current index (checking the version first when the interval has passed). */
  async indexFor(jurisdictionId: string): Promise<GridIndex<LocatedGrid>> {
    const e = this.#entries.get(jurisdictionId);
    if (e && !e.forceReload && this.now() - e.checkedAt < this.checkIntervalMs) return e.index;
    return (await this.#refresh(jurisdictionId)).index;
  }

  /** The version the current index was built from (0 = no grids yet, or not loaded). */
  loadedVersion(jurisdictionId: string): number {
    return this.#entries.get(jurisdictionId)?.version ?? 0;
  }

  invalidate(jurisdictionId: string): void {
    this.#generation.set(jurisdictionId, (this.#generation.get(jurisdictionId) ?? 0) + 1);
    const e = this.#entries.get(jurisdictionId);
    if (e) e.forceReload = true;
  }

  #refresh(jurisdictionId: string): Promise<Entry> {
    // Single flight: concurrent lookups share one version check / rebuild.
    let p = this.#inflight.get(jurisdictionId);
    if (!p) {
      p = this.#check(jurisdictionId).finally(() => this.#inflight.delete(jurisdictionId));
      this.#inflight.set(jurisdictionId, p);
    }
    return p;
  }

  async #check(jurisdictionId: string): Promise<Entry> {
    const generation = this.#generation.get(jurisdictionId) ?? 0;
    const current = this.#entries.get(jurisdictionId);
    const version = await repo.findVersion(this.db, jurisdictionId);
    if (current && !current.forceReload && current.version === version) {
      current.checkedAt = this.now();
      return current;
    }
    const entry = await this.#build(jurisdictionId);
    entry.forceReload = (this.#generation.get(jurisdictionId) ?? 0) !== generation;
    this.#entries.set(jurisdictionId, entry);
    return entry;
  }

  async #build(jurisdictionId: string): Promise<Entry> {
    // Version and rows from one snapshot, so the index is exactly that version.
    const { version, rows, responsible } = await this.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (tx) => ({
        version: await repo.findVersion(tx, jurisdictionId),
        rows: await repo.listForIndex(tx, jurisdictionId),
        responsible: await repo.listResponsible(tx, jurisdictionId),
      }));
    const people = new Map<string, { inspectors: LocatedGrid['inspectors']; departments: LocatedGrid['departments'] }>();
    for (const r of responsible) {
      let p = people.get(r.grid_id);
      if (!p) people.set(r.grid_id, (p = { inspectors: [], departments: [] }));
      (r.kind === 'inspector' ? p.inspectors : p.departments).push({ id: r.id, name: r.name });
    }
    const index = new GridIndex(
      rows.map((r) => ({
        code: r.code,
        shape: decodeWkbMultiPolygon(r.wkb),
        value: {
          id: r.id,
          code: r.code,
          name: r.name,
          community: { code: r.community_code, name: r.community_name },
          street: { code: r.street_code, name: r.street_name },
          district: { code: r.district_code, name: r.district_name },
          inspectors: people.get(r.id)?.inspectors ?? [],
          departments: people.get(r.id)?.departments ?? [],
        },
      })),
    );
    return { version, index, checkedAt: this.now(), forceReload: false };
  }
}

const locators = new WeakMap<Db, GridLocator>();

export function locatorFor(db: Db): GridLocator {
  let l = locators.get(db);
  if (!l) locators.set(db, (l = new GridLocator(db)));
  return l;
}
