/**
 * The demo's evaluation seed on a real database: a published default-template system, the 680-city data set
 * flagged synthetic and one completed run with sensitivity; a second seed (a restart) adds nothing, and a seed
 * interrupted after the data set only adds the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATASET_NAME, DEMO_SYSTEM_CODE, ensureDemoEvaluation } from '../src/modules/evaluation/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser } from './factories.js';

let t: TestApp;
let jurisdictionId = '';

beforeAll(async () => {
  t = await createTestApp();
  jurisdictionId = (await makeJurisdiction(t.ctx.db)).id;
});
afterAll(async () => {
  await t?.close();
});

const count = async (table: 'evaluation_systems' | 'evaluation_datasets' | 'evaluation_runs') =>
  Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('jurisdiction_id', '=', jurisdictionId).executeTakeFirstOrThrow()).n);

describe('demo evaluation seed', () => {
  it('seeds a published system, the synthetic data set and a completed run, once', async () => {
    const actor = systemActor('demo-seed', jurisdictionId);
    const first = await ensureDemoEvaluation(t.ctx, jurisdictionId, actor);
    expect(first.created).toBe(true);
    const again = await ensureDemoEvaluation(t.ctx, jurisdictionId, actor);
    expect(again).toEqual({ runId: first.runId, created: false });
    expect([await count('evaluation_systems'), await count('evaluation_datasets'), await count('evaluation_runs')]).toEqual([1, 1, 1]);

    const leader = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId, grants: [{ role: 'leader', scope: { kind: 'jurisdiction' } }] }));
    const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: leader.bearer });
    const systems = (await get('/evaluation/systems')).json().items;
    expect(systems).toMatchObject([{ code: DEMO_SYSTEM_CODE, versions: [{ version: 1, status: 'published' }] }]);
    const run = (await get(`/evaluation/runs/${first.runId}`)).json().run;
    expect(run.summary.entities).toBe(680);
    expect(run.sensitivity.draws).toBe(1000);
    const dataset = (await get(`/evaluation/datasets/${run.datasetId}`)).json().dataset;
    expect(dataset).toMatchObject({ name: DEMO_DATASET_NAME, synthetic: true, rowCount: 680 });
    expect(dataset.name).toContain('合成');
    const top = (await get(`/evaluation/runs/${first.runId}/results?limit=1`)).json().items[0];
    expect(top).toMatchObject({ rank: 1, tier: 'A' });
    expect(top.name).toMatch(/^合成城市\d{3}$/);
  });

  it('finishes an interrupted seed: with the data set there, only the run is added', async () => {
    await t.ctx.db.deleteFrom('evaluation_results').execute();
    await t.ctx.db.deleteFrom('evaluation_runs').where('jurisdiction_id', '=', jurisdictionId).execute();
    const r = await ensureDemoEvaluation(t.ctx, jurisdictionId, systemActor('demo-seed', jurisdictionId));
    expect(r.created).toBe(true);
    expect([await count('evaluation_systems'), await count('evaluation_datasets'), await count('evaluation_runs')]).toEqual([1, 1, 1]);
  });
});
