/**
 * Evaluation through the HTTP API on a real database: a system from the default template, draft → publish
 * (published versions immutable, also in the database), CSV import with a reject report, a run with sensitivity,
 * change against a previous run, results paging and filters, policies (analyst manages, leader reads, others
 * refused) and jurisdiction isolation; audit entries and events in the same transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetToCsv, DEFAULT_TEMPLATE, demoCities } from '../src/modules/evaluation/index.js';
import { createTestApp, type TestApp } from './app.js';
import { makeEvaluationPeople, type Session } from './factories.js';

let t: TestApp;
let analyst: Session;
let leader: Session;
let handler: Session;
let otherAnalyst: Session;

const LEAF_CODES = DEFAULT_TEMPLATE.nodes.filter((n) => n.direction).map((n) => n.code);

beforeAll(async () => {
  t = await createTestApp();
  ({ analyst, leader, handler, otherAnalyst } = await makeEvaluationPeople(t.ctx.db, t.app));
});
afterAll(async () => {
  await t?.close();
});

const api = (who: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...who.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

describe('evaluation API', () => {
  let systemId = '';
  let v1 = '';

  it('creates a system from the default template as draft 1 and publishes it', async () => {
    const created = await api(analyst, 'POST', '/evaluation/systems', { code: 'gov-index', nameZh: '治理指数', nameEn: 'Governance index', template: 'default' });
    expect(created.statusCode, created.body).toBe(201);
    systemId = created.json().system.id;
    expect(created.json().system.versions).toMatchObject([{ version: 1, status: 'draft' }]);

    const dup = await api(analyst, 'POST', '/evaluation/systems', { code: 'gov-index', nameZh: 'x', nameEn: 'x', template: 'default' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'evaluation.system_code_taken' });

    const notPublished = await api(analyst, 'GET', `/evaluation/systems/${systemId}/versions/1`);
    expect(notPublished.json().version.definition.nodes).toHaveLength(42);

    const published = await api(analyst, 'POST', `/evaluation/systems/${systemId}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().version).toMatchObject({ version: 1, status: 'published' });
    v1 = published.json().version.id;
    expect((await api(analyst, 'POST', `/evaluation/systems/${systemId}/publish`)).json().code).toBe('evaluation.no_draft');
  });

  it('edits go to a new draft version; the published one cannot change, even by SQL', async () => {
    const nodes = DEFAULT_TEMPLATE.nodes.map((n) => (n.code === 'G' ? { ...n, weight: 0.4 } : n));
    const saved = await api(analyst, 'PUT', `/evaluation/systems/${systemId}/draft`, { nodes, settings: DEFAULT_TEMPLATE.settings });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toMatchObject({ version: 2, status: 'draft' });
    const again = await api(analyst, 'PUT', `/evaluation/systems/${systemId}/draft`, { nodes, settings: DEFAULT_TEMPLATE.settings });
    expect(again.json().version.version).toBe(2);
    const v1Body = await api(leader, 'GET', `/evaluation/systems/${systemId}/versions/1`);
    expect(v1Body.json().version.definition.nodes.find((n: { code: string }) => n.code === 'G').weight).toBe(0.3);
    await expect(t.ctx.db.updateTable('evaluation_system_versions').set({ tree: '[]' }).where('id', '=', v1).execute()).rejects.toThrow(/published/);

    const bad = await api(analyst, 'PUT', `/evaluation/systems/${systemId}/draft`, { nodes: [...nodes, { code: 'X1', parent: 'nope', nameZh: 'x', nameEn: 'x', weight: 1 }], settings: DEFAULT_TEMPLATE.settings });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'evaluation.parent_unknown', message: 'Indicator X1 names a parent nope that is not in the system' });
    const ahp = await api(analyst, 'PUT', `/evaluation/systems/${systemId}/draft`, {
      nodes: nodes.map((n) => (n.code === 'G1' ? { ...n, pairwise: [[1, 9], [1 / 9, 1]] } : n)),
      settings: DEFAULT_TEMPLATE.settings,
    });
    expect(ahp.json().version.ahp).toMatchObject([{ node: 'G1', consistent: true }]);
    expect(ahp.json().version.ahp[0].weights[0]).toBeCloseTo(0.9, 9);
  });

  it('imports CSV with a reject report, runs with sensitivity, compares with a previous run', async () => {
    const cities = demoCities(5, 120);
    const csv = `${datasetToCsv(LEAF_CODES, cities)}BAD1,,,,,${'x,'.repeat(26)}1\n`;
    const imported = await api(analyst, 'POST', '/evaluation/datasets', { name: 'synthetic 120', csv });
    expect(imported.statusCode, imported.body).toBe(201);
    const dataset = imported.json().dataset;
    expect(dataset).toMatchObject({ rowCount: 120, rejectsTruncated: false });
    expect(dataset.rejects).toHaveLength(1);
    expect(dataset.rejects[0].line).toBe(122);

    const draft = await api(analyst, 'POST', '/evaluation/runs', { systemVersionId: (await api(analyst, 'GET', `/evaluation/systems/${systemId}`)).json().system.versions[1].id, datasetId: dataset.id });
    expect(draft.json()).toMatchObject({ code: 'evaluation.version_not_published' });

    const first = await api(analyst, 'POST', '/evaluation/runs', { systemVersionId: v1, datasetId: dataset.id });
    expect(first.statusCode, first.body).toBe(201);
    const run = first.json().run;
    expect(run.summary.entities).toBe(120);
    expect(Object.values(run.summary.tierCounts as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(120);

    const second = await api(analyst, 'POST', '/evaluation/runs', { systemVersionId: v1, datasetId: dataset.id, previousRunId: run.id, sensitivity: { draws: 200, seed: 7, concentration: 100 } });
    expect(second.statusCode, second.body).toBe(201);
    const run2 = second.json().run;
    expect(run2.sensitivity.influence).toHaveLength(27);

    const page = await api(leader, 'GET', `/evaluation/runs/${run2.id}/results?limit=5`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json().total).toBe(120);
    const top = page.json().items;
    expect(top.map((r: { rank: number }) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    // Same data and version: no change against the previous run; the sensitivity interval is stored per entity.
    expect(top[0].flags.change).toEqual({ total: 0, rank: 0, tierFrom: top[0].tier });
    expect(top[0].flags.sensitivity.rankP05).toBeGreaterThanOrEqual(1);
    expect(Object.keys(top[0].nodeScores)).toHaveLength(42);

    const east = await api(leader, 'GET', `/evaluation/runs/${run2.id}/results?region=${encodeURIComponent('华东')}&limit=1000`);
    expect(east.json().items.every((r: { region: string }) => r.region === '华东')).toBe(true);
    expect(east.json().total).toBe(run2.summary.byRegion['华东'].count);

    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('action', 'like', 'evaluation_%').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['evaluation_system.create', 'evaluation_system.publish', 'evaluation_dataset.import', 'evaluation_run.create']));
    const events = await t.ctx.db.selectFrom('events').select('name').where('name', '=', 'evaluation.run_completed').execute();
    expect(events).toHaveLength(2);
  });

  it('leaders read but do not change; other roles and other jurisdictions see nothing', async () => {
    expect((await api(leader, 'GET', '/evaluation/systems')).json().items).toHaveLength(1);
    expect((await api(leader, 'POST', `/evaluation/systems/${systemId}/publish`)).statusCode).toBe(403);
    expect((await api(handler, 'GET', '/evaluation/systems')).statusCode).toBe(403);
    expect((await api(otherAnalyst, 'GET', '/evaluation/systems')).json().items).toEqual([]);
    const hidden = await api(otherAnalyst, 'GET', `/evaluation/systems/${systemId}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('evaluation.system_not_found');
    const foreignRun = await api(otherAnalyst, 'POST', '/evaluation/runs', { systemVersionId: v1, datasetId: v1 });
    expect(foreignRun.statusCode).toBe(404);
    const unknown = await api(analyst, 'POST', '/evaluation/systems', { code: 'x', nameZh: 'x', nameEn: 'x', template: 'default', extra: 1 });
    expect(unknown.statusCode).toBe(400);
  });
});
