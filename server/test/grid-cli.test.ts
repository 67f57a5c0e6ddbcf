/** `civicgrid import grids FILE`: report on stdout, progress and summary on stderr, exit codes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbf, shpPolygons } from './shapefile-fixtures.js';
import type { AppContext } from '../src/app-context.js';
import { createContext } from '../src/context.js';
import { runCommand } from '../src/ops/command.js';
import { COMMANDS } from '../src/ops/commands.js';
import { testConfig } from './app.js';
import { createTestStorage } from './db.js';
import { makeJurisdiction } from './factories.js';

let ctx: AppContext;
let close: () => Promise<void>;
let j: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'grid-cli-'));

const sq = (x: number, y: number) => [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]];
const write = (name: string, content: unknown) => {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};
const layer = (features: object[]) => ({ type: 'FeatureCollection', features });
const feature = (x: number, props: object = { community_code: '510104001001' }) => ({ type: 'Feature', properties: props, geometry: { type: 'Polygon', coordinates: [sq(x, 30.6)] } });
const run = (args: object) => runCommand(ctx, COMMANDS, 'import grids', { jurisdiction: j, ...args }, { locale: 'en' });

beforeAll(async () => {
  const storage = await createTestStorage();
  ctx = createContext(testConfig({ storageKind: storage.kind }), storage);
  close = () => storage.close();
  j = (await makeJurisdiction(ctx.db)).id;
});
afterAll(async () => {
  await close?.();
});

describe('import grids command', () => {
  it('imports, printing the report as JSON on stdout and progress on stderr', async () => {
    const file = write('ok.geojson', layer([feature(104), feature(104.01), feature(104.02)]));
    const r = await run({ file });
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ applied: true, inserted: 3, total: 3 });
    expect(r.stderr).toMatch(/parsed 3 features/);
    expect(r.stderr).toMatch(/Imported: 3 new, 0 updated, 0 removed \(layer version 1\)/);
    const dry = await run({ file, dryRun: true });
    expect(dry.exitCode).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ applied: false, unchanged: 3 });
    expect(dry.stderr).toMatch(/Dry run: nothing changed/);
  });

  it('exits 1 naming each rejected feature, and changes nothing', async () => {
    const file = write('bad.geojson', layer([feature(104), feature(104.01, {})]));
    const r = await run({ file });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/rejected feature #1: Neither a 14-digit grid code nor a 12-digit community code/);
    expect(r.stderr).toMatch(/Nothing changed/);
    expect(await ctx.db.selectFrom('grids').select('code').where('jurisdiction_id', '=', j).execute()).toHaveLength(3);
  });

  it('reads codes from a named field', async () => {
    const file = write('coded.geojson', layer([feature(104, { WGBM: '51010400200107' })]));
    const r = await run({ file, codeField: 'WGBM', checks: 'validity' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await ctx.db.selectFrom('grids').select('code').where('jurisdiction_id', '=', j).execute()).map((g) => g.code)).toEqual(['51010400200107']);
  });

  it('exits 2 with one line for a missing, malformed or non-GeoJSON file, or an unknown jurisdiction', async () => {
    const missing = await run({ file: path.join(dir, 'nope.geojson') });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read .*nope\.geojson/);
    const malformed = await run({ file: write('broken.geojson', '{"type": "FeatureColl') });
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toMatch(/Cannot read/);
    const notFc = await run({ file: write('feature.geojson', feature(104)) });
    expect(notFc.exitCode).toBe(2);
    expect(notFc.stderr).toMatch(/not a GeoJSON FeatureCollection/);
    const unknown = await runCommand(ctx, COMMANDS, 'import grids', { jurisdiction: 'nowhere.example', file: write('x.geojson', layer([feature(104)])) }, { locale: 'en' });
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/No such jurisdiction: nowhere.example/);
    const relative = await runCommand(ctx, COMMANDS, 'import grids', { jurisdiction: j, file: 'relative.geojson' }, { locale: 'en' });
    expect(relative.exitCode).toBe(2);
  });

  it('imports a Shapefile (.shp with its .dbf in UTF-8 and a .prj) with holes and Chinese attributes', async () => {
    // Shapefile rings: outer clockwise, holes counter-clockwise.
    const outer = (x: number) => [[x, 30.7], [x + 0.01, 30.7], [x + 0.01, 30.69], [x, 30.69], [x, 30.7]];
    const hole = (x: number) => [[x + 0.003, 30.697], [x + 0.003, 30.693], [x + 0.007, 30.693], [x + 0.007, 30.697], [x + 0.003, 30.697]];
    const base = path.join(dir, 'grids');
    writeFileSync(`${base}.shp`, shpPolygons([[outer(104), hole(104)], [outer(104.01)]]));
    writeFileSync(`${base}.dbf`, dbf(['SQBM', 'SQMC'], [['510104001003', '红星路社区'], ['510104001003', '红星路社区']]));
    writeFileSync(`${base}.cpg`, 'UTF-8');
    writeFileSync(`${base}.prj`, 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]');
    const r = await run({ file: `${base}.shp`, communityField: 'SQBM', checks: 'validity' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ applied: true, accepted: 2 });
    const rows = await ctx.db
      .selectFrom('grids')
      .select(['code', sql<number>`ST_NumInteriorRings(ST_GeometryN(geom, 1))`.as('holes')])
      .where('jurisdiction_id', '=', j)
      .where('community_code', '=', '510104001003')
      .orderBy('code')
      .execute();
    expect(rows.map((x) => [x.code, Number(x.holes)])).toEqual([
      ['51010400100301', 1],
      ['51010400100302', 0],
    ]);
    const bad = await run({ file: write('broken.shp', 'not a shapefile') });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/Cannot read the shapefile/);
  });
});
