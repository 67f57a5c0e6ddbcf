/** The responsibility list (清单化定责): rule CRUD with checks and audit, the preview, suggestDepartment, and the demo rule set. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_JURISDICTION, seedDemo } from '../src/modules/demo/index.js';
import { seedDemoWorkOrderSetup, standardCategories, suggestDepartment } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let j: string;
let admin: Session;
let dispatcher: Session;
let agent: Session;
let inspector: Session;
let resident: Session;
let otherAdmin: Session;
const dept: Record<string, MadeDepartment> = {};

const COMMUNITY = '510104001001';
const sq = (x: number, y: number, d = 0.01) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
/** Inside grid 51010400100101 (district 510104). */
const IN_GRID_1 = { lat: 30.605, lng: 104.005 };
/** Inside district 510105, where no grid lies. */
const IN_510105 = { lat: 30.61, lng: 104.06 };

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (s: Session | null, method: Method, url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...(s?.bearer ?? {}), 'accept-language': 'en' }, ...(payload ? { payload } : {}) });
const audits = (action: string) => t.ctx.db.selectFrom('audit_log').select(['object_id', 'details']).where('action', '=', action).where('jurisdiction_id', '=', j).orderBy('id').execute();
const events = async () =>
  (await sql<{ payload: { action: string; ruleId: string } }>`SELECT payload FROM events WHERE name = 'responsibility_rule.changed' AND jurisdiction_id = ${j} ORDER BY id`.execute(t.ctx.db)).rows.map((r) => r.payload);
const preview = async (s: Session, body: object) => {
  const res = await api(s, 'POST', '/responsibility-rules/preview', body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { facts: Record<string, string | null>; suggestion: null | { departmentId: string; departmentName: string; departmentNameEn: string; ruleId: string; unique: boolean; fallback: boolean; candidates: { ruleId: string; departmentId: string }[] } };
};
const create = async (body: object) => {
  const res = await api(admin, 'POST', '/responsibility-rules', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().rule as { id: string; department: { id: string; code: string } };
};

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  const mp = (ring: number[][]) => JSON.stringify({ type: 'MultiPolygon', coordinates: [[ring]] });
  await sql`INSERT INTO divisions (jurisdiction_id, code, parent_code, level, name_zh) VALUES (${j}, '510100', NULL, 'city', '测试市')`.execute(t.ctx.db);
  for (const [code, name, ring] of [['510104', '锦江区', sq(104.0, 30.6, 0.02)], ['510105', '青羊区', sq(104.05, 30.6, 0.02)]] as const) {
    await sql`INSERT INTO divisions (jurisdiction_id, code, parent_code, level, name_zh, boundary)
              VALUES (${j}, ${code}, '510100', 'district', ${name}, ST_SetSRID(ST_GeomFromGeoJSON(${mp(ring as unknown as number[][])}), 4326))`.execute(t.ctx.db);
  }
  for (const code of ['cgj', 'district', 'water', 'hotline', 'community', 'transport', 'closed']) dept[code] = await makeDepartment(t.ctx.db, { jurisdictionId: j, code, nameZh: `部门-${code}`, nameEn: `Dept ${code}` });
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  dispatcher = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] }));
  agent = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] }));
  inspector = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: [`${COMMUNITY}01`] } }] }));
  resident = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] }));
  const j2 = (await makeJurisdiction(t.ctx.db)).id;
  otherAdmin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j2, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  const features = [0, 1].map((col) => ({ type: 'Feature', properties: { community_code: COMMUNITY }, geometry: { type: 'Polygon', coordinates: [sq(104 + col * 0.01, 30.6)] } }));
  const grids = await api(admin, 'POST', '/grids/import', { geojson: { type: 'FeatureCollection', features }, checks: 'validity' });
  expect(grids.statusCode, grids.body).toBe(200);
  expect((await api(admin, 'POST', '/work-order-categories/standard')).statusCode).toBe(200);
  expect((await api(admin, 'POST', '/work-order-categories', { code: 'component.01.covers', nameZh: '井盖（综合）', componentSubclass: '0114' })).statusCode).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

describe('rules', () => {
  it('are created by administrators with a department by id or code, audited and published', async () => {
    const byCode = await create({ categoryPrefix: 'event', departmentCode: 'cgj', note: ' 事件默认 ' });
    expect(byCode).toMatchObject({ department: { id: dept.cgj!.id, code: 'cgj' } });
    const full = await api(admin, 'POST', '/responsibility-rules', { categoryPrefix: 'event.01', districtCode: '510104', gridPrefix: '510104001', componentClassPrefix: '01', departmentId: dept.district!.id, priority: 5 });
    expect(full.json().rule).toMatchObject({ categoryPrefix: 'event.01', districtCode: '510104', gridPrefix: '510104001', componentClassPrefix: '01', priority: 5, fallback: false, active: true, note: null });
    const list = (await api(inspector, 'GET', '/responsibility-rules')).json().items as { id: string; note: string | null; department: { nameZh: string } }[];
    expect(list.map((r) => r.id).sort()).toEqual([byCode.id, full.json().rule.id].sort());
    expect(list.find((r) => r.id === byCode.id)).toMatchObject({ note: '事件默认', department: { nameZh: '部门-cgj' } });
    expect((await audits('responsibility_rule.create')).map((a) => a.object_id)).toEqual([byCode.id, full.json().rule.id]);
    expect((await events()).map((e) => [e.action, e.ruleId])).toEqual([['create', byCode.id], ['create', full.json().rule.id]]);
    await api(admin, 'DELETE', `/responsibility-rules/${full.json().rule.id}`);
  });

  it('refuse unknown categories, districts and departments, impossible grid prefixes and duplicates', async () => {
    const cases: [object, number, string][] = [
      [{ categoryPrefix: 'no.such', departmentCode: 'cgj' }, 400, 'responsibility_rule.category_not_found'],
      [{ districtCode: '510199', departmentCode: 'cgj' }, 400, 'responsibility_rule.district_not_found'],
      [{ districtCode: '510104', gridPrefix: '510105001', departmentCode: 'cgj' }, 400, 'responsibility_rule.grid_outside_district'],
      [{ districtCode: '510104', gridPrefix: '52', departmentCode: 'cgj' }, 400, 'responsibility_rule.grid_outside_district'],
      [{ categoryPrefix: 'event', departmentCode: 'nosuch' }, 400, 'responsibility_rule.department_not_found'],
      [{ categoryPrefix: 'event', departmentId: '00000000-0000-4000-8000-000000000000' }, 400, 'responsibility_rule.department_not_found'],
      [{ categoryPrefix: 'event', departmentCode: 'cgj' }, 409, 'responsibility_rule.duplicate'],
      [{ categoryPrefix: 'event' }, 400, 'request.invalid'],
      [{ categoryPrefix: 'event', departmentCode: 'cgj', departmentId: dept.cgj!.id }, 400, 'request.invalid'],
      [{ categoryPrefix: 'Event', departmentCode: 'cgj' }, 400, 'request.invalid'],
      [{ gridPrefix: '5101040010010101', departmentCode: 'cgj' }, 400, 'request.invalid'],
      [{ componentClassPrefix: '01020', departmentCode: 'cgj' }, 400, 'request.invalid'],
      [{ districtCode: '5101', departmentCode: 'cgj' }, 400, 'request.invalid'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api(admin, 'POST', '/responsibility-rules', body);
      expect([res.statusCode, res.json().code], JSON.stringify(body)).toEqual([status, code]);
    }
    // An inactive department takes no rules.
    await t.ctx.db.updateTable('departments').set({ active: false }).where('id', '=', dept.closed!.id).execute();
    expect((await api(admin, 'POST', '/responsibility-rules', { categoryPrefix: 'market', departmentCode: 'closed' })).json().code).toBe('responsibility_rule.department_not_found');
    // The same conditions as a fallback, or for another department, are different rules.
    expect((await api(admin, 'POST', '/responsibility-rules', { categoryPrefix: 'event', departmentCode: 'cgj', fallback: true })).statusCode).toBe(201);
    const second = await api(admin, 'POST', '/responsibility-rules', { categoryPrefix: 'event', departmentCode: 'water' });
    expect(second.statusCode).toBe(201);
    await api(admin, 'DELETE', `/responsibility-rules/${second.json().rule.id}`);
    // Two administrators adding the same rule at once: one gets it, the other a 409.
    const body = { categoryPrefix: 'health', districtCode: '510105', departmentCode: 'water' };
    const both = await Promise.all([api(admin, 'POST', '/responsibility-rules', body), api(admin, 'POST', '/responsibility-rules', body)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(both.find((r) => r.statusCode === 409)!.json().code).toBe('responsibility_rule.duplicate');
    await api(admin, 'DELETE', `/responsibility-rules/${both.find((r) => r.statusCode === 201)!.json().rule.id}`);
  });

  it('are changed and deleted by administrators only; each change records before and after', async () => {
    const rule = await create({ categoryPrefix: 'transport', departmentCode: 'transport' });
    const res = await api(admin, 'PATCH', `/responsibility-rules/${rule.id}`, { categoryPrefix: null, districtCode: '510104', priority: 3, departmentCode: 'community', note: '改到社区' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().rule).toMatchObject({ categoryPrefix: null, districtCode: '510104', priority: 3, note: '改到社区', department: { code: 'community' } });
    const [audit] = (await audits('responsibility_rule.update')).filter((a) => a.object_id === rule.id);
    expect(audit!.details).toMatchObject({ districtCode: '510104', departmentCode: 'community', before: { categoryPrefix: 'transport', districtCode: null, departmentCode: 'transport' } });
    // Turning it into a copy of another rule is refused.
    const event = (await api(admin, 'GET', '/responsibility-rules?categoryPrefix=event&active=true')).json().items.find((r: { fallback: boolean }) => !r.fallback);
    const dup = await api(admin, 'PATCH', `/responsibility-rules/${rule.id}`, { categoryPrefix: 'event', districtCode: null, departmentCode: 'cgj' });
    expect(dup.json()).toMatchObject({ code: 'responsibility_rule.duplicate', details: { id: event.id } });
    expect((await api(admin, 'PATCH', `/responsibility-rules/${rule.id}`, {})).statusCode).toBe(400);
    expect((await api(admin, 'PATCH', `/responsibility-rules/${rule.id}`, { gridPrefix: '510105' })).json().code).toBe('responsibility_rule.grid_outside_district');
    expect((await api(dispatcher, 'PATCH', `/responsibility-rules/${rule.id}`, { priority: 1 })).statusCode).toBe(403);
    expect((await api(otherAdmin, 'PATCH', `/responsibility-rules/${rule.id}`, { priority: 1 })).json().code).toBe('responsibility_rule.not_found');
    expect((await api(dispatcher, 'DELETE', `/responsibility-rules/${rule.id}`)).statusCode).toBe(403);
    expect((await api(admin, 'DELETE', `/responsibility-rules/${rule.id}`)).statusCode).toBe(204);
    expect((await api(admin, 'DELETE', `/responsibility-rules/${rule.id}`)).json().code).toBe('responsibility_rule.not_found');
    expect((await audits('responsibility_rule.delete')).map((a) => a.object_id)).toContain(rule.id);
    expect((await events()).filter((e) => e.ruleId === rule.id).map((e) => e.action)).toEqual(['create', 'update', 'delete']);
  });

  it('are read by staff, filtered; residents and anonymous callers are refused', async () => {
    const items = (await api(inspector, 'GET', `/responsibility-rules?departmentId=${dept.cgj!.id}`)).json().items as { department: { id: string } }[];
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((r) => r.department.id === dept.cgj!.id)).toBe(true);
    expect((await api(inspector, 'GET', '/responsibility-rules?categoryPrefix=market')).json().items).toEqual([]);
    expect((await api(resident, 'GET', '/responsibility-rules')).statusCode).toBe(403);
    expect((await api(null, 'GET', '/responsibility-rules')).statusCode).toBe(401);
    expect((await api(otherAdmin, 'GET', '/responsibility-rules')).json().items).toEqual([]);
  });
});

describe('suggestions', () => {
  it('are read from the rule set: most specific, then priority; fallback last; ties flagged', async () => {
    // Rules from the previous tests: event → cgj, event (fallback) → cgj.
    const district = await create({ categoryPrefix: 'event.01', districtCode: '510104', departmentCode: 'district' });
    const fallback = await create({ fallback: true, departmentCode: 'hotline' });
    const water = await create({ categoryPrefix: 'component', componentClassPrefix: '0101', departmentCode: 'water' });
    const components = await create({ categoryPrefix: 'component', departmentCode: 'cgj' });
    const grid2 = await create({ categoryPrefix: 'component', gridPrefix: `${COMMUNITY}02`, departmentCode: 'community' });

    // A point in grid 01: grid and district come from the grid layer.
    const inGrid = await preview(dispatcher, { categoryCode: 'event.01.01', ...IN_GRID_1 });
    expect(inGrid.facts).toEqual({ categoryCode: 'event.01.01', districtCode: '510104', gridCode: `${COMMUNITY}01`, componentSubclass: null });
    expect(inGrid.suggestion).toMatchObject({ departmentId: dept.district!.id, departmentName: '部门-district', departmentNameEn: 'Dept district', ruleId: district.id, unique: true, fallback: false });
    expect(inGrid.suggestion!.candidates.map((c) => c.departmentId)).toEqual([dept.district!.id, dept.cgj!.id, dept.cgj!.id, dept.hotline!.id]);
    // Outside every grid: the district comes from the division boundaries.
    const qingyang = await preview(agent, { categoryCode: 'event.01.01', ...IN_510105 });
    expect(qingyang.facts).toMatchObject({ districtCode: '510105', gridCode: null });
    expect(qingyang.suggestion).toMatchObject({ departmentId: dept.cgj!.id, unique: true });
    // Nothing ordinary matches: the fallback.
    expect((await preview(admin, { categoryCode: 'utilities.water' })).suggestion).toMatchObject({ departmentId: dept.hotline!.id, fallback: true, ruleId: fallback.id, unique: true });
    // The subclass follows from the category: 2 conditions beat 1.
    const cover = await preview(admin, { categoryCode: 'component.01.0101' });
    expect(cover.facts.componentSubclass).toBe('0101');
    expect(cover.suggestion).toMatchObject({ departmentId: dept.water!.id, ruleId: water.id });
    expect((await preview(admin, { categoryCode: 'component.01.0102' })).suggestion).toMatchObject({ ruleId: components.id });
    // A longer grid prefix wins among rules with as many conditions; given codes win over the point's.
    expect((await preview(admin, { categoryCode: 'component.01.0102', gridCode: `${COMMUNITY}02` })).suggestion!.ruleId).toBe(grid2.id);
    expect((await preview(admin, { categoryCode: 'component.01.0102', gridCode: `${COMMUNITY}02`, ...IN_GRID_1 })).facts.gridCode).toBe(`${COMMUNITY}02`);

    // A tie between departments is not unique.
    const rival = await create({ categoryPrefix: 'event.01', districtCode: '510104', departmentCode: 'community' });
    const tied = (await preview(dispatcher, { categoryCode: 'event.01.02', districtCode: '510104' })).suggestion!;
    expect(tied.unique).toBe(false);
    expect(tied.candidates.slice(0, 2).map((c) => c.ruleId).sort()).toEqual([district.id, rival.id].sort());
    // Priority settles it.
    await api(admin, 'PATCH', `/responsibility-rules/${rival.id}`, { priority: 1 });
    expect((await preview(dispatcher, { categoryCode: 'event.01.02', districtCode: '510104' })).suggestion).toMatchObject({ ruleId: rival.id, unique: true });
    // Inactive rules and rules of inactive departments are left out.
    await api(admin, 'PATCH', `/responsibility-rules/${rival.id}`, { active: false });
    expect((await preview(dispatcher, { categoryCode: 'event.01.02', districtCode: '510104' })).suggestion!.ruleId).toBe(district.id);
    await t.ctx.db.updateTable('departments').set({ active: false }).where('id', '=', dept.district!.id).execute();
    expect((await preview(dispatcher, { categoryCode: 'event.01.02', districtCode: '510104' })).suggestion!.departmentId).toBe(dept.cgj!.id);
    await t.ctx.db.updateTable('departments').set({ active: true }).where('id', '=', dept.district!.id).execute();
  });

  it('suggestDepartment (for intake and dispatch) derives the district from a grid code and the subclass from the category', async () => {
    const s = await suggestDepartment(t.ctx.db, j, { categoryCode: 'event.01.03', gridCode: `${COMMUNITY}01` });
    expect(s).toMatchObject({ departmentId: dept.district!.id, departmentName: '部门-district', unique: true, fallback: false });
    expect(s!.candidates[0]).toMatchObject({ ruleId: s!.ruleId, categoryPrefix: 'event.01', districtCode: '510104' });
    // A local category standing for subclass 0114: a rule on class 0114 reaches it.
    const ownerless = await create({ categoryPrefix: 'component', componentClassPrefix: '0114', departmentCode: 'transport' });
    expect((await suggestDepartment(t.ctx.db, j, { categoryCode: 'component.01.covers' }))!.ruleId).toBe(ownerless.id);
    expect((await suggestDepartment(t.ctx.db, j, { categoryCode: 'component.01.0114' }))!.ruleId).toBe(ownerless.id);
    // No category at all: only rules without a category condition apply.
    expect(await suggestDepartment(t.ctx.db, j, {})).toMatchObject({ departmentId: dept.hotline!.id, fallback: true });
    const empty = (await makeJurisdiction(t.ctx.db)).id;
    expect(await suggestDepartment(t.ctx.db, empty, { categoryCode: 'event.01.01' })).toBeNull();
  });

  it('previews are for administrators, dispatchers and agents; bad input is refused', async () => {
    expect((await api(inspector, 'POST', '/responsibility-rules/preview', { categoryCode: 'event' })).statusCode).toBe(403);
    expect((await api(resident, 'POST', '/responsibility-rules/preview', { categoryCode: 'event' })).statusCode).toBe(403);
    const unknown = await api(agent, 'POST', '/responsibility-rules/preview', { categoryCode: 'no.such' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([400, 'responsibility_rule.category_not_found']);
    expect((await api(agent, 'POST', '/responsibility-rules/preview', { lat: 30.6 })).json().code).toBe('request.invalid');
    expect((await api(agent, 'POST', '/responsibility-rules/preview', { lat: 91, lng: 104 })).json().code).toBe('request.invalid');
    expect((await api(agent, 'POST', '/responsibility-rules/preview', { gridCode: '5101' })).json().code).toBe('request.invalid');
    const nothing = await preview(agent, { ...IN_510105, categoryCode: 'market' });
    expect(nothing.suggestion).toMatchObject({ departmentId: dept.hotline!.id, fallback: true });
  });
});

describe('the dispatcher board', () => {
  const order = async (body: object) => {
    const res = await api(agent, 'POST', '/work-orders', { requestType: 'complaint', title: '路面有坑', description: '路面有坑，请处理', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().order.id as string;
  };
  const board = async (s: Session, ids: string[]) => api(s, 'GET', `/work-orders/dispatch-suggestions?ids=${ids.join(',')}`);

  it("gets a page's suggestions in one request: category, department, duplicates; only orders the viewer may read", async () => {
    const near = { lat: IN_GRID_1.lat + 0.0001, lng: IN_GRID_1.lng };
    const a = await order({ categoryCode: 'event.01.01', location: { lng: IN_GRID_1.lng, lat: IN_GRID_1.lat } });
    const b = await order({ categoryCode: 'event.01.01', location: { lng: near.lng, lat: near.lat } });
    const guessed = await order({ location: { lng: IN_510105.lng, lat: IN_510105.lat } });
    const unguessed = await order({});
    // What the classifier suggested at intake is kept on the order (this jurisdiction has no model: set it here).
    await t.ctx.db.updateTable('work_orders').set({ suggested_category: 'utilities.water', suggested_confidence: 0.8 }).where('id', '=', guessed).execute();
    const foreign = (await makeJurisdiction(t.ctx.db)).id;
    const res = await board(dispatcher, [b, a, guessed, unguessed, '00000000-0000-4000-8000-000000000000']);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Array<{ id: string; category: { categoryCode: string; confidence: number } | null; categoryCode: string | null; department: { departmentId: string; fallback: boolean; unique: boolean } | null; duplicates: number }>;
    // In the order asked for; unknown ids left out.
    expect(items.map((i) => i.id)).toEqual([b, a, guessed, unguessed]);
    const [ib, ia, ig, iu] = items;
    // The order's own category, its grid's district: the district rule; each of the two is the other's duplicate.
    expect(ia).toMatchObject({ category: null, categoryCode: 'event.01.01', department: { departmentId: dept.district!.id, unique: true, fallback: false }, duplicates: 1 });
    expect(ib).toMatchObject({ categoryCode: 'event.01.01', department: { departmentId: dept.district!.id }, duplicates: 1 });
    // No category: the classifier's stored guess, and the department for it (the fallback here).
    expect(ig).toMatchObject({ category: { categoryCode: 'utilities.water', confidence: 0.8 }, categoryCode: 'utilities.water', department: { departmentId: dept.hotline!.id, fallback: true }, duplicates: 0 });
    expect(iu).toMatchObject({ category: null, categoryCode: null, department: { departmentId: dept.hotline!.id, fallback: true }, duplicates: 0 });
    // The same as the preview a dispatcher would have asked for order by order.
    expect(ia!.department).toEqual((await preview(dispatcher, { categoryCode: 'event.01.01', ...IN_GRID_1 })).suggestion);

    // A dispatcher whose scope is one grid: the orders outside it are left out, and so are their duplicates.
    const gridDispatcher = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'dispatcher', scope: { kind: 'grids', gridCodes: [`${COMMUNITY}01`] } }] }));
    expect(((await board(gridDispatcher, [a, guessed, unguessed])).json().items as { id: string }[]).map((i) => i.id)).toEqual([a]);
    // Another jurisdiction's dispatcher sees none of them.
    const stranger = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: foreign, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] }));
    expect((await board(stranger, [a, b])).json().items).toEqual([]);
  });

  it("counts the page's duplicates as each order's own duplicate search lists them: window, category, status, scope", async () => {
    // Near the line between grid 01 and grid 02 (lng 104.01); 0.0001° is ≈ 10 m here, the radius 50 m.
    const at = (lng: number, dlat = 0) => ({ location: { lng, lat: 30.603 + dlat } });
    const X = 'event.01.03';
    const Y = 'event.01.04';
    const old = await order({ categoryCode: X, ...at(104.0098) });
    const x1 = await order({ categoryCode: X, ...at(104.0098) });
    const x2 = await order({ categoryCode: X, ...at(104.0098, 0.0001) });
    const x3 = await order({ categoryCode: X, ...at(104.0102) }); // grid 02, ≈ 40 m away
    const cancelled = await order({ categoryCode: X, ...at(104.0098, 0.0001) });
    const far = await order({ categoryCode: X, ...at(104.005) });
    const unlocated = await order({ categoryCode: X });
    const y1 = await order({ categoryCode: Y, ...at(104.0098) });
    const y2 = await order({ categoryCode: Y, ...at(104.0098) });
    // Filed 80 hours ago: outside the others' 72-hour window, while they are all inside its own.
    await t.ctx.db.updateTable('work_orders').set({ created_at: new Date(Date.now() - 80 * 3600_000) }).where('id', '=', old).execute();
    await t.ctx.db.updateTable('work_orders').set({ status: 'cancelled' }).where('id', '=', cancelled).execute();
    const page = [old, x1, x2, x3, far, unlocated, y1, y2];
    const counts = async (s: Session) => {
      const res = await board(s, page);
      expect(res.statusCode, res.body).toBe(200);
      return Object.fromEntries((res.json().items as { id: string; duplicates: number }[]).map((i) => [i.id, i.duplicates]));
    };
    const searched = async (s: Session, ids: string[]) =>
      Object.fromEntries(
        await Promise.all(
          ids.map(async (id) => {
            const res = await api(s, 'GET', `/work-orders/${id}/duplicates`);
            expect(res.statusCode, res.body).toBe(200);
            return [id, (res.json().items as unknown[]).length] as const;
          }),
        ),
      );

    const all = await counts(dispatcher);
    expect(all).toEqual({ [old]: 3, [x1]: 2, [x2]: 2, [x3]: 2, [far]: 0, [unlocated]: 0, [y1]: 1, [y2]: 1 });
    expect(all).toEqual(await searched(dispatcher, page));
    // A dispatcher of grid 01 sees neither x3 nor its counting.
    const gridDispatcher = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'dispatcher', scope: { kind: 'grids', gridCodes: [`${COMMUNITY}01`] } }] }));
    const inGrid = await counts(gridDispatcher);
    expect(inGrid).toEqual({ [old]: 2, [x1]: 1, [x2]: 1, [far]: 0, [y1]: 1, [y2]: 1 });
    expect(inGrid).toEqual(await searched(gridDispatcher, Object.keys(inGrid)));
  });

  it('is for dispatchers, agents and administrators; bad ids are refused', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await board(inspector, [id])).statusCode).toBe(403);
    expect((await board(resident, [id])).statusCode).toBe(403);
    expect((await api(null, 'GET', `/work-orders/dispatch-suggestions?ids=${id}`)).statusCode).toBe(401);
    for (const ids of ['', 'nope', `${id},x`, Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',')]) {
      const res = await api(agent, 'GET', `/work-orders/dispatch-suggestions?ids=${ids}`);
      expect([res.statusCode, res.json().code], ids.slice(0, 40)).toEqual([400, 'request.invalid']);
    }
    expect((await api(agent, 'GET', '/work-orders/dispatch-suggestions')).json().code).toBe('request.invalid');
  });
});

describe('the demo rule set', () => {
  it('is seeded with the demo city, once, and answers every standard category without ties', async () => {
    await seedDemo(t.ctx, { password: 'Demo-Pass-2026' });
    const cd = DEMO_JURISDICTION.id;
    const count = async (table: 'responsibility_rules' | 'work_order_categories') =>
      Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('jurisdiction_id', '=', cd).executeTakeFirstOrThrow()).n);
    expect(await count('work_order_categories')).toBe(standardCategories().length);
    const rules = await count('responsibility_rules');
    expect(rules).toBeGreaterThan(40);
    // A restart adds nothing.
    expect(await seedDemoWorkOrderSetup(t.ctx, cd, systemActor('demo-seed', cd))).toEqual({ categories: 0, rules: 0 });
    expect(await count('responsibility_rules')).toBe(rules);

    const code = async (s: Awaited<ReturnType<typeof suggestDepartment>>) =>
      s && (await t.ctx.db.selectFrom('departments').select('code').where('id', '=', s.departmentId).executeTakeFirstOrThrow()).code;
    const who = async (categoryCode: string, districtCode: string | null = null) => code(await suggestDepartment(t.ctx.db, cd, { categoryCode, districtCode }));
    expect(await who('event.01.01', '510104')).toBe('cd-510104-cgj');
    expect(await who('event.01.01', '510105')).toBe('cd-cgj-hwc');
    expect(await who('event.01.04', '510105')).toBe('cd-cgj-zfzd');
    expect(await who('event.04.02', '510104')).toBe('cd-swj-water');
    expect(await who('event.04.03')).toBe('cd-gas');
    expect(await who('component.01.0101')).toBe('cd-swj-water');
    expect(await who('component.01.0111')).toBe('cd-gas');
    expect(await who('component.01.0118')).toBe('cd-cgj');
    expect(await who('component.02.0210')).toBe('cd-jtj');
    expect(await who('component.03.0305', '510104')).toBe('cd-510104-cgj');
    expect(await who('utilities.water')).toBe('cd-swj-water');
    expect(await who('utilities.power')).toBe('cd-power');
    expect(await who('market')).toBe('cd-scjgj');
    expect(await who('environment')).toBe('cd-sthjj');
    expect(await who('housing')).toBe('cd-zjj');
    const other = await suggestDepartment(t.ctx.db, cd, { categoryCode: 'other' });
    expect(other).toMatchObject({ fallback: true });
    expect(await code(other)).toBe('cd-12345');
    for (const c of standardCategories()) {
      for (const district of [null, '510104', '510107']) {
        const s = await suggestDepartment(t.ctx.db, cd, { categoryCode: c.code, districtCode: district });
        expect(s?.unique, `${c.code} in ${district}`).toBe(true);
      }
    }
  }, 300_000); // seeding the demo city: minutes on a loaded machine, as in the other demo tests
});
