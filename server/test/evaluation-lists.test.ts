/**
 * GET /evaluation/runs and GET /evaluation/datasets on a real database: newest first, paged with a total, runs
 * filtered by system, each jurisdiction sees only its own, readers (leaders) may list, other roles are refused,
 * bad queries answer 400 with a stable code.
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

const api = (who: Session, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...who.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

async function publishedSystem(who: Session, code: string): Promise<{ id: string; versionId: string }> {
  const created = await api(who, 'POST', '/evaluation/systems', { code, nameZh: `体系 ${code}`, nameEn: `System ${code}`, template: 'default' });
  expect(created.statusCode, created.body).toBe(201);
  const published = await api(who, 'POST', `/evaluation/systems/${created.json().system.id}/publish`);
  return { id: created.json().system.id, versionId: published.json().version.id };
}

async function dataset(who: Session, name: string, rows: number, extra = ''): Promise<string> {
  const r = await api(who, 'POST', '/evaluation/datasets', { name, csv: `${datasetToCsv(LEAF_CODES, demoCities(3, rows))}${extra}` });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().dataset.id;
}

async function run(who: Session, systemVersionId: string, datasetId: string, sensitivity?: object): Promise<string> {
  const r = await api(who, 'POST', '/evaluation/runs', { systemVersionId, datasetId, ...(sensitivity ? { sensitivity } : {}) });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().run.id;
}

let sysA: { id: string; versionId: string };
let sysB: { id: string; versionId: string };
let d1 = '';
let d2 = '';
const runIds: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  ({ analyst, leader, handler, otherAnalyst } = await makeEvaluationPeople(t.ctx.db, t.app));

  sysA = await publishedSystem(analyst, 'sys-a');
  sysB = await publishedSystem(analyst, 'sys-b');
  d1 = await dataset(analyst, 'cities 30', 30);
  // One bad row (not a number) is rejected and counted.
  d2 = await dataset(analyst, 'cities 20 + 1 bad', 20, `BAD1,坏,,,,${'x,'.repeat(26)}1\n`);
  // Runs in a known order: A·d1, B·d1, A·d2 (with sensitivity), B·d2.
  runIds.push(await run(analyst, sysA.versionId, d1));
  runIds.push(await run(analyst, sysB.versionId, d1));
  runIds.push(await run(analyst, sysA.versionId, d2, { draws: 50, seed: 1, concentration: 200 }));
  runIds.push(await run(analyst, sysB.versionId, d2));
  // Another jurisdiction's system, dataset and run must never show up here.
  const foreign = await publishedSystem(otherAnalyst, 'sys-a');
  await run(otherAnalyst, foreign.versionId, await dataset(otherAnalyst, 'foreign', 10));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('GET /evaluation/runs', () => {
  it('lists the jurisdiction runs newest first with system, version, dataset, entities and draws', async () => {
    const r = await api(leader, 'GET', '/evaluation/runs');
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.total).toBe(4);
    expect(body.items.map((x: { id: string }) => x.id)).toEqual([...runIds].reverse());
    const withSensitivity = body.items.find((x: { id: string }) => x.id === runIds[2]);
    expect(withSensitivity).toMatchObject({
      system: { id: sysA.id, code: 'sys-a', nameZh: '体系 sys-a', nameEn: 'System sys-a' },
      systemVersionId: sysA.versionId,
      version: 1,
      dataset: { id: d2, name: 'cities 20 + 1 bad', synthetic: false },
      previousRunId: null,
      entities: 20,
      draws: 50,
    });
    expect(body.items.find((x: { id: string }) => x.id === runIds[0])).toMatchObject({ entities: 30, draws: null });
    const created = body.items.map((x: { createdAt: string }) => Date.parse(x.createdAt));
    expect([...created].sort((a, b) => b - a)).toEqual(created);
  });

  it('filters by system and pages with a stable total', async () => {
    const a = await api(analyst, 'GET', `/evaluation/runs?systemId=${sysA.id}`);
    expect(a.json().total).toBe(2);
    expect(a.json().items.map((x: { id: string }) => x.id)).toEqual([runIds[2], runIds[0]]);
    const page1 = await api(analyst, 'GET', '/evaluation/runs?limit=3');
    const page2 = await api(analyst, 'GET', '/evaluation/runs?limit=3&offset=3');
    expect(page1.json().total).toBe(4);
    expect(page2.json().total).toBe(4);
    expect([...page1.json().items, ...page2.json().items].map((x: { id: string }) => x.id)).toEqual([...runIds].reverse());
    expect((await api(analyst, 'GET', '/evaluation/runs?offset=10')).json()).toEqual({ total: 4, items: [] });
  });

  it('keeps jurisdictions apart: another system id is not found, another analyst sees only their own run', async () => {
    const foreign = await api(otherAnalyst, 'GET', `/evaluation/runs?systemId=${sysA.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'evaluation.system_not_found', message: 'No such indicator system' });
    const own = await api(otherAnalyst, 'GET', '/evaluation/runs');
    expect(own.json().total).toBe(1);
    expect(runIds).not.toContain(own.json().items[0].id);
  });

  it('refuses other roles and bad queries with stable codes, in Chinese too', async () => {
    expect((await api(handler, 'GET', '/evaluation/runs')).statusCode).toBe(403);
    for (const q of ['limit=0', 'limit=201', 'offset=-1', 'systemId=nope']) {
      const r = await api(analyst, 'GET', `/evaluation/runs?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().code, q).toBe('request.invalid');
    }
    const unknown = await api(analyst, 'GET', '/evaluation/runs?sort=asc');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('request.unknown_fields');
    const zh = await t.app.inject({ method: 'GET', url: `/api/v1/evaluation/runs?systemId=${crypto.randomUUID()}`, headers: { ...analyst.bearer, 'accept-language': 'zh-CN' } });
    expect(zh.statusCode).toBe(404);
    expect(zh.json().message).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('GET /evaluation/datasets', () => {
  it('lists the jurisdiction datasets newest first with rows, indicators and rejected rows', async () => {
    const r = await api(leader, 'GET', '/evaluation/datasets');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().total).toBe(2);
    expect(r.json().items).toMatchObject([
      { id: d2, name: 'cities 20 + 1 bad', synthetic: false, rowCount: 20, indicatorCount: 27, rejectedCount: 1 },
      { id: d1, name: 'cities 30', rowCount: 30, indicatorCount: 27, rejectedCount: 0 },
    ]);
    expect(Number.isNaN(Date.parse(r.json().items[0].createdAt))).toBe(false);
  });

  it('pages, isolates jurisdictions and refuses other roles and bad queries', async () => {
    const p2 = await api(analyst, 'GET', '/evaluation/datasets?limit=1&offset=1');
    expect(p2.json()).toMatchObject({ total: 2, items: [{ id: d1 }] });
    const foreign = await api(otherAnalyst, 'GET', '/evaluation/datasets');
    expect(foreign.json().total).toBe(1);
    expect(foreign.json().items[0].name).toBe('foreign');
    expect((await api(handler, 'GET', '/evaluation/datasets')).statusCode).toBe(403);
    const bad = await api(analyst, 'GET', '/evaluation/datasets?limit=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('request.invalid');
  });
});
