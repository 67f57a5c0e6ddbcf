/**
 * Evaluation results for the drill-down, through the HTTP API: each result carries the entity's indicator values as
 * imported, and GET /evaluation/runs/:id/results/:entity explains every score (value → normalised score → weight →
 * contribution) so that the leaves' contributions add up to the total, also with a missing indicator renormalised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetToCsv, DEFAULT_TEMPLATE, demoCities } from '../src/modules/evaluation/index.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let analyst: Session;
let leader: Session;
let otherAnalyst: Session;
let runId = '';

const LEAF_CODES = DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code);

const api = (who: Session, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...who.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp();
  const j = (await makeJurisdiction(t.ctx.db)).id;
  const other = (await makeJurisdiction(t.ctx.db)).id;
  const user = (jurisdictionId: string, role: 'analyst' | 'leader') =>
    makeUser(t.ctx.db, { jurisdictionId, grants: [{ role, scope: { kind: 'jurisdiction' } }] }).then((u) => loginAs(t.app, u));
  analyst = await user(j, 'analyst');
  leader = await user(j, 'leader');
  otherAnalyst = await user(other, 'analyst');
  const system = await api(analyst, 'POST', '/evaluation/systems', { code: 'idx', nameZh: '指数', nameEn: 'Index', template: 'default' });
  const version = (await api(analyst, 'POST', `/evaluation/systems/${system.json().system.id}/publish`)).json().version.id;
  const cities = demoCities(11, 40);
  // City 1 misses G31 (按期结案率) for sure: its weight is shared among G32 and G33.
  cities[0]!.values.G31 = null;
  const dataset = await api(analyst, 'POST', '/evaluation/datasets', { name: 'forty', csv: datasetToCsv(LEAF_CODES, cities) });
  const run = await api(analyst, 'POST', '/evaluation/runs', { systemVersionId: version, datasetId: dataset.json().dataset.id });
  expect(run.statusCode, run.body).toBe(201);
  runId = run.json().run.id;
});
afterAll(async () => {
  await t?.close();
});

describe('evaluation results drill-down', () => {
  it('lists results with the raw indicator values next to the normalised leaf scores', async () => {
    const page = await api(leader, 'GET', `/evaluation/runs/${runId}/results?limit=1000`);
    expect(page.statusCode, page.body).toBe(200);
    const first = page.json().items.find((r: { code: string }) => r.code === 'SYN001');
    const city = demoCities(11, 40)[0]!;
    for (const code of LEAF_CODES) {
      if (code === 'G31' || city.values[code] === null) expect(first.values[code]).toBeUndefined();
      else expect(first.values[code]).toBe(city.values[code]);
    }
    expect(first.nodeScores.G31).toBeNull();
    expect(first.nodeScores.D11).toBeGreaterThanOrEqual(0);
  });

  it('explains one entity: values, scores, weights and contributions that add up to the total', async () => {
    const res = await api(leader, 'GET', `/evaluation/runs/${runId}/results/SYN001`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ aggregation: 'weighted_sum', missingPolicy: 'renormalize', version: 1, result: { code: 'SYN001' } });
    expect(body.nodes).toHaveLength(42);
    const byCode = new Map(body.nodes.map((n: { code: string }) => [n.code, n]));
    const g31 = byCode.get('G31') as Record<string, unknown>;
    expect(g31).toMatchObject({ leaf: true, value: null, score: null, usedWeight: 0, contribution: null, missing: { code: 'G31', handling: 'renormalized' }, source: { kind: 'platform', metric: 'work_orders.on_time_closure_rate' } });
    // G31's nominal third of G3 goes to its two scored siblings.
    const g32 = byCode.get('G32') as { weight: number; usedWeight: number; value: number; score: number; nameZh: string };
    expect(g32.nameZh).toBe('结案率');
    expect(g32.usedWeight).toBeCloseTo(g32.weight / ((byCode.get('G32') as { weight: number }).weight + (byCode.get('G33') as { weight: number }).weight), 6);
    expect(g32.value).toBe(body.result.values.G32);
    expect(g32.score).toBe(body.result.nodeScores.G32);
    const leaves = body.nodes.filter((n: { leaf: boolean }) => n.leaf);
    const sum = leaves.reduce((a: number, n: { contribution: number | null }) => a + (n.contribution ?? 0), 0);
    expect(sum).toBeCloseTo(body.result.total, 2);
    // A first-level node's contribution is the sum of its leaves'.
    const d = byCode.get('D') as { contribution: number };
    const dLeaves = leaves.filter((n: { code: string }) => n.code.startsWith('D'));
    expect(dLeaves.reduce((a: number, n: { contribution: number }) => a + n.contribution, 0)).toBeCloseTo(d.contribution, 3);
  });

  it('an unknown entity or another jurisdiction gets 404 with a stable code', async () => {
    const missing = await api(leader, 'GET', `/evaluation/runs/${runId}/results/NOPE`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'evaluation.entity_not_found', message: 'No result for entity NOPE in this run' });
    const zh = await t.app.inject({ method: 'GET', url: `/api/v1/evaluation/runs/${runId}/results/NOPE`, headers: { ...leader.bearer, 'accept-language': 'zh-CN' } });
    expect(zh.json().message).toBe('本次评估没有对象 NOPE 的结果');
    const foreign = await api(otherAnalyst, 'GET', `/evaluation/runs/${runId}/results/SYN001`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('evaluation.run_not_found');
  });

  it('documents the drill-down in the OpenAPI schema', async () => {
    const doc = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(doc.statusCode).toBe(200);
    const path = doc.json().paths['/api/v1/evaluation/runs/{id}/results/{entity}'];
    expect(path?.get).toBeDefined();
    expect(JSON.stringify(path.get.responses['200'])).toContain('effectiveWeight');
  });
});
