/** Grid layer import (numbering, re-import, rejections, checks), locate, responsible people, scopes. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridLocator } from '../src/modules/grid/index.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let admin: Session;
let inspector: Session;
let inspectorId: string;

const COMMUNITY = '510104001001';
const D = 0.01;
const square = (x0: number, y0: number, d = D) => [
  [x0, y0],
  [x0 + d, y0],
  [x0 + d, y0 + d],
  [x0, y0 + d],
  [x0, y0],
];
/** A 3×2 lattice of cells, row 0 the northern one. */
const cell = (col: number, row: number, props: object = {}) => ({
  type: 'Feature',
  properties: { community_code: COMMUNITY, district_name: '锦江区', street_name: '春熙路街道', community_name: '红星路社区', ...props },
  geometry: { type: 'Polygon', coordinates: [square(104 + col * D, 30.6 - row * D)] },
});
const lattice = () => [cell(0, 0), cell(1, 0), cell(2, 0), cell(0, 1), cell(1, 1), cell(2, 1)];
const fc = (features: unknown[]) => ({ type: 'FeatureCollection', features });

const api = (s: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...s.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

async function importLayer(features: unknown[], extra: object = {}) {
  const res = await api(admin, 'POST', '/grids/import', { geojson: fc(features), ...extra });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().report;
}

const locate = (lat: number, lng: number, s: Session = admin) => api(s, 'GET', `/grids/locate?lat=${lat}&lng=${lng}`);
const codes = async () => (await t.ctx.db.selectFrom('grids').select(['id', 'code']).where('jurisdiction_id', '=', j).orderBy('code').execute());

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  // The jurisdiction outline: a box around columns 0–3.
  await sql`INSERT INTO divisions (jurisdiction_id, code, level, name_zh, boundary)
            VALUES (${j}, '510100', 'city', '成都市', ST_Multi(ST_MakeEnvelope(103.9, 30.5, 104.035, 30.7, 4326)))`.execute(t.ctx.db);
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  const u = await makeUser(t.ctx.db, { jurisdictionId: j, displayName: '网格员甲', grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: [`${COMMUNITY}01`] } }] });
  inspectorId = u.id;
  inspector = await loginAs(t.app, u);
});
afterAll(async () => {
  await t?.close();
});

describe('grid import', () => {
  it('numbers a fresh layer west→east, north→south, builds the hierarchy, audits and publishes', async () => {
    const report = await importLayer(lattice(), { checks: 'validity' });
    expect(report).toMatchObject({ applied: true, total: 6, accepted: 6, rejectedCount: 0, inserted: 6, removed: 0, unchanged: 0, version: 1 });
    const rows = await t.ctx.db.selectFrom('grids').select(['code', 'name', sql<number>`ST_X(ST_Centroid(geom))`.as('x')]).where('jurisdiction_id', '=', j).orderBy('code').execute();
    expect(rows.map((r) => r.code)).toEqual(['01', '02', '03', '04', '05', '06'].map((s) => `${COMMUNITY}${s}`));
    // 01–03 are the northern row from west to east.
    expect(rows.map((r) => Math.floor((Number(r.x) - 104) / D))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(rows[0]!.name).toBe('红星路社区1号网格');
    const units = await t.ctx.db.selectFrom('grid_units').select(['code', 'level', 'name']).where('jurisdiction_id', '=', j).orderBy('code').execute();
    expect(units).toEqual([
      { code: '510104', level: 'district', name: '锦江区' },
      { code: '510104001', level: 'street', name: '春熙路街道' },
      { code: COMMUNITY, level: 'community', name: '红星路社区' },
    ]);
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('jurisdiction_id', '=', j).where('action', '=', 'grid.import').execute();
    expect(audit).toHaveLength(1);
    const events = await t.ctx.db.selectFrom('events').select('payload').where('jurisdiction_id', '=', j).where('name', '=', 'grid.changed').execute();
    expect(events).toHaveLength(1);
  });

  it('locates points: inside, on a shared edge (lowest code), in a hole, outside; bad input is a 400', async () => {
    const inside = await locate(30.6 + D / 2, 104 + D * 1.5);
    expect(inside.statusCode, inside.body).toBe(200);
    expect(inside.json().grid).toMatchObject({
      code: `${COMMUNITY}02`,
      community: { code: COMMUNITY, name: '红星路社区' },
      street: { code: '510104001', name: '春熙路街道' },
      district: { code: '510104', name: '锦江区' },
      inspectors: [],
    });
    // The edge between 01 and 02 belongs to both; the lowest code answers.
    expect((await locate(30.6 + D / 2, 104 + D)).json().grid.code).toBe(`${COMMUNITY}01`);
    // The lattice's outer corner is covered.
    expect((await locate(30.6 + D, 104)).json().grid.code).toBe(`${COMMUNITY}01`);
    const outside = await locate(31, 105);
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ code: 'grid.outside' });
    for (const q of ['lat=abc&lng=104', 'lat=91&lng=104', 'lat=30', 'lat=30&lng=104&x=1']) {
      const res = await api(admin, 'GET', `/grids/locate?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code).toBeTruthy();
    }
  });

  it('assigns responsible inspectors and departments; locate shows them; bad ids are refused', async () => {
    const dept = await makeDepartment(t.ctx.db, { jurisdictionId: j, nameZh: '锦江区城管局' });
    const res = await api(admin, 'PUT', `/grids/${COMMUNITY}01/responsible`, { inspectorIds: [inspectorId], departmentIds: [dept.id] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().grid).toMatchObject({ inspectors: [{ id: inspectorId, name: '网格员甲' }], departments: [{ id: dept.id, name: '锦江区城管局' }] });
    expect((await locate(30.6 + D / 2, 104 + D / 2)).json().grid.inspectors).toEqual([{ id: inspectorId, name: '网格员甲' }]);
    const other = (await makeJurisdiction(t.ctx.db)).id;
    const stranger = await makeUser(t.ctx.db, { jurisdictionId: other });
    const bad = await api(admin, 'PUT', `/grids/${COMMUNITY}01/responsible`, { inspectorIds: [stranger.id], departmentIds: [] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('grid.inspector_not_found');
    expect((await api(admin, 'PUT', `/grids/${COMMUNITY}99/responsible`, { inspectorIds: [], departmentIds: [] })).statusCode).toBe(404);
    expect((await api(inspector, 'PUT', `/grids/${COMMUNITY}01/responsible`, { inspectorIds: [], departmentIds: [] })).statusCode).toBe(403);
  });

  it('scopes reads: an inspector lists only their grids and cannot import', async () => {
    const mine = await api(inspector, 'GET', '/grids');
    expect(mine.json().items.map((g: { code: string }) => g.code)).toEqual([`${COMMUNITY}01`]);
    expect((await api(inspector, 'GET', `/grids/${COMMUNITY}02`)).statusCode).toBe(404);
    expect((await api(admin, 'GET', '/grids?limit=4')).json()).toMatchObject({ next: `${COMMUNITY}04` });
    const page2 = await api(admin, 'GET', `/grids?after=${COMMUNITY}04&withGeometry=true`);
    expect(page2.json().items.map((g: { code: string }) => g.code)).toEqual([`${COMMUNITY}05`, `${COMMUNITY}06`]);
    expect(page2.json().items[0].geometry.type).toBe('MultiPolygon');
    expect((await api(inspector, 'POST', '/grids/import', { geojson: fc(lattice()) })).statusCode).toBe(403);
  });

  it('re-import keeps codes and rows of unchanged grids, numbers changed ones after the highest, removes absent ones', async () => {
    const before = new Map((await codes()).map((r) => [r.code, r.id]));
    // (1,0) changes shape, (2,1) is gone, a new cell (3,0) appears.
    const features = [cell(0, 0), { ...cell(1, 0), geometry: { type: 'Polygon', coordinates: [square(104 + D, 30.6, D * 0.9)] } }, cell(2, 0), cell(0, 1), cell(1, 1), cell(3, 0)];
    const report = await importLayer(features, { checks: 'validity' });
    expect(report).toMatchObject({ applied: true, unchanged: 4, inserted: 2, removed: 2, version: 3 });
    const after = await codes();
    expect(after.map((r) => r.code)).toEqual(['01', '03', '04', '05', '07', '08'].map((s) => `${COMMUNITY}${s}`));
    for (const s of ['01', '03', '04', '05']) expect(after.find((r) => r.code === `${COMMUNITY}${s}`)!.id).toBe(before.get(`${COMMUNITY}${s}`));
    // The responsible people of unchanged grid 01 survived.
    expect((await locate(30.6 + D / 2, 104 + D / 2)).json().grid.inspectors).toHaveLength(1);
    // Reading order among the new ones: (1,0) west of (3,0).
    expect((await locate(30.6 + D / 2, 104 + D * 1.45)).json().grid.code).toBe(`${COMMUNITY}07`);
    expect((await locate(30.6 + D / 2, 104 + D * 3.5)).json().grid.code).toBe(`${COMMUNITY}08`);
    // Re-importing the same file changes nothing but the version.
    const again = await importLayer(features, { checks: 'validity' });
    expect(again).toMatchObject({ unchanged: 6, inserted: 0, updated: 0, removed: 0 });
  });

  it('a file with rejected features changes nothing unless skipRejected; the report names each problem', async () => {
    const before = await codes();
    const bowtie = { type: 'Feature', properties: { community_code: COMMUNITY }, geometry: { type: 'Polygon', coordinates: [[[104, 30], [104.01, 30.01], [104.01, 30], [104, 30.01], [104, 30]]] } };
    const features = [cell(0, 0), { type: 'Feature', properties: {}, geometry: null }, bowtie, cell(1, 0, { code: `${COMMUNITY}01` })];
    const report = await importLayer(features);
    expect(report.applied).toBe(false);
    expect(report.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason])).toEqual([
      [1, 'grid.feature_not_polygon'],
      [2, 'grid.geometry_invalid'],
    ]);
    expect(report.rejected[1].message).toMatch(/Invalid geometry: Self-intersection/);
    expect(await codes()).toEqual(before);
    const partial = await importLayer(features, { skipRejected: true, checks: 'validity' });
    expect(partial).toMatchObject({ applied: true, accepted: 2, rejectedCount: 2 });
    // The given code 01 goes to cell (1,0); cell (0,0) now differs from stored 01 by place, so it is new.
    expect((await locate(30.6 + D / 2, 104 + D * 1.5)).json().grid.code).toBe(`${COMMUNITY}01`);
  });

  it('reports overlaps, gaps and grids outside the jurisdiction beyond the tolerance (dry run changes nothing)', async () => {
    const before = await codes();
    // A ring of 8 cells around a missing centre (a gap), one cell overlapping its neighbour, one reaching outside.
    const ring = [cell(0, 0), cell(1, 0), cell(2, 0), cell(0, 1), cell(2, 1), cell(0, 2), cell(1, 2), cell(2, 2)];
    const overlapping = { ...cell(0, 3), geometry: { type: 'Polygon', coordinates: [square(104.005, 30.6 - 3 * D)] } };
    const far = cell(5, 3);
    const report = await importLayer([...ring, cell(0, 3), overlapping, far], { dryRun: true, toleranceM2: 10 });
    expect(report).toMatchObject({ applied: false, dryRun: true, rejectedCount: 0 });
    expect(report.overlaps.count).toBe(1);
    expect(report.overlaps.items[0]).toMatchObject({ a: 8, b: 9 });
    expect(report.overlaps.items[0].areaM2).toBeGreaterThan(40_000);
    expect(report.gaps.count).toBe(1);
    expect(report.gaps.items[0]).toMatchObject({ district: '510104' });
    expect(report.gaps.items[0].areaM2).toBeGreaterThan(900_000);
    expect(report.outside).toMatchObject({ checked: true, count: 1, items: [{ index: 10 }] });
    expect(await codes()).toEqual(before);
  });

  it('refuses a body that is not a FeatureCollection with a clear 400', async () => {
    const res = await api(admin, 'POST', '/grids/import', { geojson: { type: 'Feature' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toHaveProperty('requestId');
  });

  it('another process learns of a change through the layer version', async () => {
    const other = new GridLocator(t.ctx.db, 0);
    const first = await other.locate(j, 104 + D * 1.5, 30.6 + D / 2);
    expect(first?.code).toBe(`${COMMUNITY}01`);
    const versionBefore = other.loadedVersion(j);
    // This import runs through the app (its own locator); `other` only sees the version row move.
    await importLayer([cell(0, 0)], { checks: 'validity' });
    expect(await other.locate(j, 104 + D * 1.5, 30.6 + D / 2)).toBeNull();
    expect((await other.locate(j, 104 + D / 2, 30.6 + D / 2))?.code).toMatch(/^510104001001/);
    expect(other.loadedVersion(j)).toBe(versionBefore + 1);
  });
});

