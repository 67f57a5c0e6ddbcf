/** The demo city's generated grids: thousands of 0.5 km² cells over the central districts, coded, with responsible people; idempotent. */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_INSPECTOR_GRIDS, DEMO_JURISDICTION, seedDemo } from '../src/modules/demo/index.js';
import { locatorFor } from '../src/modules/grid/index.js';
import { TEST_DEMO_PASSWORD, useTestDemo } from './app.js';

const demo = useTestDemo();
const J = DEMO_JURISDICTION.id;

describe('demo grids', () => {
  it('covers the five central districts with about 0.5 km² cells, coded county+street+community+sequence', async () => {
    const r = await sql<{ district: string; n: number; median_m2: number; bad: number }>`
      SELECT left(code, 6) AS district, count(*)::int AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Area(geom::geography)) AS median_m2,
             count(*) FILTER (WHERE code !~ '^51010[4-8][0-9]{3}[0-9]{3}(0[1-9]|[1-9][0-9])$')::int AS bad
      FROM grids WHERE jurisdiction_id = ${J} GROUP BY 1 ORDER BY 1`.execute(demo.ctx.db);
    expect(r.rows.map((x) => x.district)).toEqual(['510104', '510105', '510106', '510107', '510108']);
    const total = r.rows.reduce((n, x) => n + Number(x.n), 0);
    expect(total).toBeGreaterThan(1000);
    for (const row of r.rows) {
      expect(Number(row.bad)).toBe(0);
      // Whole cells are 0.5 km²; clipped ones at the edges are smaller, so the median sits at the full size.
      expect(Number(row.median_m2)).toBeGreaterThan(450_000);
      expect(Number(row.median_m2)).toBeLessThan(550_000);
    }
  });

  it("gives the demo inspector's grant real grids, with the inspector and the district government responsible", async () => {
    const hits = await sql<{ code: string }>`SELECT code FROM grids WHERE jurisdiction_id = ${J} AND code = ANY(${[...DEMO_INSPECTOR_GRIDS]}::text[]) ORDER BY code`.execute(demo.ctx.db);
    expect(hits.rows.map((x) => x.code)).toEqual([...DEMO_INSPECTOR_GRIDS].sort());
    const centre = await sql<{ lng: number; lat: number }>`
      SELECT ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat FROM grids WHERE jurisdiction_id = ${J} AND code = ${DEMO_INSPECTOR_GRIDS[0]!}`.execute(demo.ctx.db);
    const grid = await locatorFor(demo.ctx.db).locate(J, Number(centre.rows[0]!.lng), Number(centre.rows[0]!.lat));
    expect(grid).toMatchObject({ code: DEMO_INSPECTOR_GRIDS[0], street: { name: '春熙路街道' }, community: { name: '红星路社区' }, district: { code: '510104', name: '锦江区' } });
    expect(grid!.inspectors.map((i) => i.name)).toEqual(['网格监督员']);
    expect(grid!.departments.map((d) => d.name)).toEqual(['锦江区人民政府']);
  });

  it('a second seed changes nothing; the standard component classes are there', async () => {
    const before = await sql<{ n: number; v: number }>`SELECT (SELECT count(*)::int FROM grids) AS n, (SELECT version FROM grid_layers WHERE jurisdiction_id = ${J}) AS v`.execute(demo.ctx.db);
    await seedDemo(demo.ctx, { password: TEST_DEMO_PASSWORD });
    const after = await sql<{ n: number; v: number }>`SELECT (SELECT count(*)::int FROM grids) AS n, (SELECT version FROM grid_layers WHERE jurisdiction_id = ${J}) AS v`.execute(demo.ctx.db);
    expect(after.rows[0]).toEqual(before.rows[0]);
    const classes = await sql<{ n: number }>`SELECT count(*)::int AS n FROM component_classes WHERE jurisdiction_id = ${J}`.execute(demo.ctx.db);
    expect(Number(classes.rows[0]!.n)).toBe(70);
  });
});
