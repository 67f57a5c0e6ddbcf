/** City components: class table (standard + local), 16-digit codes from the grid at the location, status history, scopes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let admin: Session;
let inspector: Session;
let other: Session;

const COMMUNITY = '510104001001';
const sq = (x: number, y: number) => [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]];
const api = (s: Session, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...s.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  inspector = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: [`${COMMUNITY}01`] } }] }));
  const j2 = (await makeJurisdiction(t.ctx.db)).id;
  other = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j2, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  const features = [0, 1].map((col) => ({ type: 'Feature', properties: { community_code: COMMUNITY }, geometry: { type: 'Polygon', coordinates: [sq(104 + col * 0.01, 30.6)] } }));
  const res = await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features }, checks: 'validity' });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

describe('component classes', () => {
  it('seeds the standard table once, and lets administrators add local classes and subclasses', async () => {
    const seeded = await api(admin, 'POST', '/component-classes/standard');
    expect(seeded.json()).toEqual({ added: 70 });
    expect((await api(admin, 'POST', '/component-classes/standard')).json()).toEqual({ added: 0 });
    const list = (await api(inspector, 'GET', '/component-classes')).json().items as { code: string; nameZh: string; parentCode: string | null }[];
    expect(list.find((c) => c.code === '0102')).toMatchObject({ nameZh: '污水井盖', parentCode: '01' });
    expect(list.find((c) => c.code === '01')).toMatchObject({ nameZh: '公用设施', parentCode: null });
    const local = await api(admin, 'POST', '/component-classes', { code: '0190', nameZh: '智能井盖', nameEn: 'Smart manhole cover' });
    expect(local.statusCode, local.body).toBe(201);
    expect(local.json().class).toMatchObject({ code: '0190', source: 'local' });
    expect((await api(admin, 'POST', '/component-classes', { code: '0190', nameZh: 'x' })).json().code).toBe('component.class_exists');
    expect((await api(admin, 'POST', '/component-classes', { code: '2101', nameZh: 'x' })).json().code).toBe('component.class_parent_missing');
    expect((await api(admin, 'POST', '/component-classes', { code: '21', nameZh: '本地设施' })).statusCode).toBe(201);
    expect((await api(admin, 'POST', '/component-classes', { code: '2100', nameZh: 'x' })).json().code).toBe('component.class_code_invalid');
    expect((await api(inspector, 'POST', '/component-classes', { code: '22', nameZh: 'x' })).statusCode).toBe(403);
  });
});

describe('components', () => {
  it('assigns county + subclass + serial from the grid at the location, counting serials per county and subclass', async () => {
    const dept = await makeDepartment(t.ctx.db, { jurisdictionId: j });
    const a = await api(admin, 'POST', '/components', { classCode: '0102', lat: 30.605, lng: 104.005, name: '污水井盖 A', ownerDepartmentId: dept.id });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json().component).toMatchObject({ code: '5101040102000001', countyCode: '510104', classCode: '0102', gridCode: `${COMMUNITY}01`, status: 'normal', ownerDepartmentId: dept.id });
    const b = await api(admin, 'POST', '/components', { classCode: '0102', lat: 30.605, lng: 104.015 });
    expect(b.json().component).toMatchObject({ code: '5101040102000002', gridCode: `${COMMUNITY}02` });
    const c = await api(admin, 'POST', '/components', { classCode: '0190', lat: 30.605, lng: 104.015 });
    expect(c.json().component.code).toBe('5101040190000001');
    // An inventory from another system keeps its codes; the next serial continues after them.
    const given = await api(admin, 'POST', '/components', { classCode: '0102', lat: 30.605, lng: 104.006, code: '5101040102048188' });
    expect(given.statusCode, given.body).toBe(201);
    expect((await api(admin, 'POST', '/components', { classCode: '0102', lat: 30.605, lng: 104.007 })).json().component.code).toBe('5101040102048189');
    expect((await api(admin, 'POST', '/components', { classCode: '0102', lat: 30.605, lng: 104.006, code: '5101040102048188' })).json().code).toBe('component.code_taken');
  });

  it('outside every grid needs a county code; wrong class, county or department are refused', async () => {
    expect((await api(admin, 'POST', '/components', { classCode: '0102', lat: 31, lng: 105 })).json().code).toBe('component.county_unknown');
    const outside = await api(admin, 'POST', '/components', { classCode: '0102', lat: 31, lng: 105, countyCode: '510105' });
    expect(outside.json().component).toMatchObject({ code: '5101050102000001', gridCode: null });
    expect((await api(admin, 'POST', '/components', { classCode: '0102', lat: 30.605, lng: 104.005, countyCode: '510105' })).json().code).toBe('component.county_mismatch');
    expect((await api(admin, 'POST', '/components', { classCode: '0199', lat: 30.605, lng: 104.005 })).json().code).toBe('component.class_not_found');
    expect((await api(admin, 'POST', '/components', { classCode: '01', lat: 30.605, lng: 104.005 })).statusCode).toBe(400);
    expect((await api(admin, 'POST', '/components', { classCode: '0103', lat: 30.605, lng: 104.005, code: '5101040102000009' })).json().code).toBe('component.code_class_mismatch');
    const missingDept = await api(admin, 'POST', '/components', { classCode: '0102', lat: 30.605, lng: 104.005, ownerDepartmentId: '00000000-0000-4000-8000-000000000000' });
    expect(missingDept.json().code).toBe('component.department_not_found');
  });

  it('records status changes with history and audit; inspectors act only within their grids', async () => {
    const res = await api(inspector, 'POST', '/components/5101040102000001/status', { status: 'missing', note: '井盖丢失' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().component.status).toBe('missing');
    await api(admin, 'POST', '/components/5101040102000001/status', { status: 'under_repair' });
    const detail = (await api(admin, 'GET', '/components/5101040102000001')).json().component;
    expect(detail.history.map((h: { action: string; toStatus: string }) => `${h.action}:${h.toStatus}`)).toEqual(['status:under_repair', 'status:missing', 'create:normal']);
    expect(detail.history[1]).toMatchObject({ fromStatus: 'normal', note: '井盖丢失' });
    // 000002 lies in grid 02, outside the inspector's scope: hidden.
    expect((await api(inspector, 'POST', '/components/5101040102000002/status', { status: 'damaged' })).statusCode).toBe(404);
    expect((await api(inspector, 'GET', '/components')).json().items.map((c: { code: string }) => c.code)).toEqual(['5101040102000001', '5101040102048188', '5101040102048189']);
    expect((await api(other, 'GET', '/components/5101040102000001')).statusCode).toBe(404);
    const audits = await t.ctx.db.selectFrom('audit_log').select('action').where('jurisdiction_id', '=', j).where('action', 'like', 'component.%').execute();
    expect(audits.filter((a) => a.action === 'component.status')).toHaveLength(2);
    const filtered = (await api(admin, 'GET', '/components?status=under_repair')).json().items;
    expect(filtered.map((c: { code: string }) => c.code)).toEqual(['5101040102000001']);
    expect((await api(admin, 'GET', '/components?classCode=0190')).json().items).toHaveLength(1);
    expect((await api(admin, 'POST', '/components/5101040102000001/status', { status: 'gone' })).statusCode).toBe(400);
  });
});
