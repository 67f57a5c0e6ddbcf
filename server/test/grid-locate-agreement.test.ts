/**
 * The in-memory point → grid index agrees with PostGIS `ST_Covers` (the source of truth) on 100,000 random
 * points over generated district grids (clipped cells with ragged edges) and hand-made grids with holes,
 * islands in holes and multipolygons — plus every vertex of every grid, where boundary handling matters.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/app-context.js';
import { createContext } from '../src/context.js';
import { readDistricts } from '../src/modules/demo/index.js';
import { demoGridFeatures, GridLocator, importGrids } from '../src/modules/grid/index.js';
import { systemActor } from '../src/shared/actor.js';
import { testConfig } from './app.js';
import { createTestStorage } from './db.js';
import { makeJurisdiction } from './factories.js';
import { mulberry32 } from '../src/shared/random.js';

let ctx: AppContext;
let close: () => Promise<void>;
let j: string;

const sq = (x: number, y: number, d: number) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
const HAND = '510199001001';
/** Hand-made grids east of the districts: a donut, an island inside its hole, a two-part grid, a triangle. */
const handMade = [
  { coordinates: [[sq(104.3, 30.6, 0.02), sq(104.305, 30.605, 0.01).reverse()]], type: 'MultiPolygon' },
  { coordinates: [sq(104.3075, 30.6075, 0.005)], type: 'Polygon' },
  { coordinates: [[sq(104.33, 30.6, 0.005)], [sq(104.34, 30.61, 0.005)]], type: 'MultiPolygon' },
  { coordinates: [[[104.33, 30.62], [104.35, 30.62], [104.34, 30.63], [104.33, 30.62]]], type: 'Polygon' },
];

beforeAll(async () => {
  const storage = await createTestStorage();
  ctx = createContext(testConfig({ storageKind: storage.kind }), storage);
  close = () => storage.close();
  j = (await makeJurisdiction(ctx.db)).id;
  // Cells over two districts, as the demo generates them.
  const districts = readDistricts().filter((x) => x.code === '510104' || x.code === '510107');
  const features = await demoGridFeatures(ctx, districts.map((d) => ({ code: d.code, name: d.nameZh, boundary: d.boundary })));
  for (const g of handMade) features.push({ type: 'Feature', properties: { community_code: HAND }, geometry: g });
  const report = await importGrids(ctx, j, { type: 'FeatureCollection', features }, systemActor('test'), { checks: 'validity' });
  expect(report.applied, JSON.stringify(report.rejected.slice(0, 3))).toBe(true);
  expect(report.accepted).toBeGreaterThan(250);
}, 120_000);
afterAll(async () => {
  await close?.();
});

async function postgisAnswers(xs: number[], ys: number[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let k = 0; k < xs.length; k += 10_000) {
    const px = xs.slice(k, k + 10_000);
    const py = ys.slice(k, k + 10_000);
    const r = await sql<{ i: number; code: string | null }>`
      SELECT t.i, (SELECT min(s.code) FROM (SELECT g.code FROM grids g
                   WHERE g.jurisdiction_id = ${j} AND ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326)) OFFSET 0) s) AS code
      FROM unnest(${px}::float8[], ${py}::float8[]) WITH ORDINALITY AS t(x, y, i)
      ORDER BY t.i`.execute(ctx.db);
    out.push(...r.rows.map((row) => row.code));
  }
  return out;
}

describe('point → grid agrees with PostGIS ST_Covers', () => {
  it('on 100,000 random points and on every grid vertex', async () => {
    const locator = new GridLocator(ctx.db);
    const index = await locator.indexFor(j);
    const ext = await sql<{ x0: number; y0: number; x1: number; y1: number }>`
      SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1
      FROM (SELECT ST_Extent(geom)::geometry AS e FROM grids WHERE jurisdiction_id = ${j}) s`.execute(ctx.db);
    const { x0, y0, x1, y1 } = ext.rows[0]!;
    const rand = mulberry32(20260522);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let k = 0; k < 100_000; k++) {
      // A tenth of the points fall on the hand-made grids, where holes and islands are.
      if (k % 10 === 0) {
        xs.push(104.295 + rand() * 0.06);
        ys.push(30.595 + rand() * 0.04);
      } else {
        xs.push(Number(x0) - 0.01 + rand() * (Number(x1) - Number(x0) + 0.02));
        ys.push(Number(y0) - 0.01 + rand() * (Number(y1) - Number(y0) + 0.02));
      }
    }
    const vertices = await sql<{ x: number; y: number }>`
      SELECT ST_X(p.geom) AS x, ST_Y(p.geom) AS y FROM grids g, ST_DumpPoints(g.geom) p WHERE g.jurisdiction_id = ${j}`.execute(ctx.db);
    const vx = vertices.rows.map((v) => Number(v.x));
    const vy = vertices.rows.map((v) => Number(v.y));

    const allX = [...xs, ...vx];
    const allY = [...ys, ...vy];
    const expected = await postgisAnswers(allX, allY);
    const got = allX.map((x, k) => index.locate(x, allY[k]!)?.code ?? null);
    const disagreements = got.map((g, k) => (g === expected[k] ? null : { k, x: allX[k], y: allY[k], memory: g, postgis: expected[k] })).filter((d) => d !== null);
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The sample exercised both answers, holes and islands included.
    const inside = expected.slice(0, 100_000).filter((c) => c !== null).length;
    expect(inside).toBeGreaterThan(20_000);
    expect(inside).toBeLessThan(99_000);
    expect(new Set(expected.filter((c) => c?.startsWith(HAND))).size).toBe(handMade.length);
    // Every vertex is covered (boundary counts as inside).
    expect(got.slice(100_000).every((c) => c !== null)).toBe(true);
  }, 600_000);
});
