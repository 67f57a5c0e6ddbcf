/** A city's grids, hierarchy, responsible people and components survive a logical backup and restore intact. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/context.js';
import type { Storage } from '../src/db/storage.js';
import { GridLocator, importGrids, seedStandardComponentClasses } from '../src/modules/grid/index.js';
import { backup, restore } from '../src/ops/backup.js';
import { systemActor } from '../src/shared/actor.js';
import { testConfig } from './app.js';
import { createTestStorage } from './db.js';
import { makeJurisdiction, makeUser } from './factories.js';

const opened: Storage[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});

const sq = (x: number, y: number, d: number) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];

describe('grid data in a backup', () => {
  it('restores grids (holes included), units, responsible people, component classes and components exactly', async () => {
    const source = await createTestStorage();
    opened.push(source);
    const ctx = createContext(testConfig({ storageKind: source.kind }), source);
    const j = (await makeJurisdiction(ctx.db)).id;
    const features = [
      { type: 'Feature', properties: { community_code: '510104001001', street_name: '春熙路街道' }, geometry: { type: 'Polygon', coordinates: [sq(104, 30.6, 0.01), sq(104.003, 30.603, 0.004).reverse()] } },
      { type: 'Feature', properties: { community_code: '510104001001' }, geometry: { type: 'Polygon', coordinates: [sq(104.01, 30.6, 0.01)] } },
    ];
    const actor = systemActor('test');
    expect((await importGrids(ctx, j, { type: 'FeatureCollection', features }, actor, { checks: 'validity' })).applied).toBe(true);
    const user = await makeUser(ctx.db, { jurisdictionId: j });
    const grid = await ctx.db.selectFrom('grids').select('id').where('code', '=', '51010400100101').executeTakeFirstOrThrow();
    await ctx.db.insertInto('grid_inspectors').values({ jurisdiction_id: j, grid_id: grid.id, user_id: user.id }).execute();
    await seedStandardComponentClasses(ctx, j, actor);
    await sql`INSERT INTO components (jurisdiction_id, code, county_code, class_code, location, grid_code)
              VALUES (${j}, '5101040102000001', '510104', '0102', ST_SetSRID(ST_MakePoint(104.001, 30.601), 4326), '51010400100101')`.execute(ctx.db);

    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'grid-backup-')), 'city.jsonl.gz');
    await backup(ctx.db, source.kind, file);
    const target = await createTestStorage();
    opened.push(target);
    await restore(target.db, file);

    const digest = (s: Storage) =>
      sql<{ t: string }>`SELECT string_agg(code || ':' || geom_hash || ':' || ST_AsEWKT(geom), ',' ORDER BY code) AS t FROM grids`.execute(s.db).then((r) => r.rows[0]!.t);
    expect(await digest(target)).toBe(await digest(source));
    for (const table of ['grid_units', 'grid_inspectors', 'grid_layers', 'component_classes', 'components'] as const) {
      const count = (s: Storage) => sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(s.db).then((r) => Number(r.rows[0]!.n));
      expect(await count(target), table).toBe(await count(source));
    }
    const restored = new GridLocator(target.db);
    expect((await restored.locate(j, 104.001, 30.601))?.inspectors).toHaveLength(1);
    // The hole came back as a hole.
    expect(await restored.locate(j, 104.005, 30.605)).toBeNull();
  }, 120_000);
});
