/** Department tree administration: create, rename, move with subtree path maintenance, cycles, deactivation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  await t.ctx.db.insertInto('divisions').values({ jurisdiction_id: j, code: '510100', level: 'city', name_zh: '成都市', name_en: 'Chengdu', parent_code: null }).execute();
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
});
afterAll(async () => {
  await t?.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...admin.bearer, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

async function create(code: string, parentId: string | null, kind = 'functional', divisionCode?: string) {
  const res = await api('POST', '/departments', { code, parentId, kind, nameZh: code, nameEn: code, ...(divisionCode ? { divisionCode } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().department as { id: string; path: string };
}

const paths = async () =>
  new Map((await t.ctx.db.selectFrom('departments').select(['code', 'path']).where('jurisdiction_id', '=', j).execute()).map((r) => [r.code, r.path]));

describe('department tree', () => {
  it('moves a subtree, rewriting every descendant path, and refuses cycles', async () => {
    const gov = await create('gov', null, 'government', '510100');
    const a = await create('a', gov.id);
    const a1 = await create('a1', a.id, 'unit');
    const a11 = await create('a11', a1.id, 'unit');
    const b = await create('b', gov.id);
    expect(a11.path).toBe(`/${gov.id}/${a.id}/${a1.id}/${a11.id}/`);

    const moved = await api('POST', `/departments/${a1.id}/move`, { parentId: b.id });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().department).toMatchObject({ parentId: b.id, path: `/${gov.id}/${b.id}/${a1.id}/` });
    const p = await paths();
    expect(p.get('a11')).toBe(`/${gov.id}/${b.id}/${a1.id}/${a11.id}/`);
    expect(p.get('a')).toBe(`/${gov.id}/${a.id}/`);

    for (const target of [a1.id, a11.id]) {
      const cycle = await api('POST', `/departments/${a1.id}/move`, { parentId: target });
      expect(cycle.statusCode).toBe(409);
      expect(cycle.json().code).toBe('department.move_cycle');
    }
    const toRoot = await api('POST', `/departments/${a1.id}/move`, { parentId: null });
    expect(toRoot.json().department.path).toBe(`/${a1.id}/`);
    expect((await paths()).get('a11')).toBe(`/${a1.id}/${a11.id}/`);

    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'details']).where('object_id', '=', a1.id).where('action', '=', 'department.move').execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]!.details).toMatchObject({ fromParentId: a.id, toParentId: b.id, subtreeSize: 2 });
    const events = await t.ctx.db.selectFrom('events').select('name').where('name', '=', 'department.moved').execute();
    expect(events).toHaveLength(2);
  });

  it('renames; refuses taken codes, bad codes and unknown divisions', async () => {
    const d = await create('renameme', null);
    const renamed = await api('PATCH', `/departments/${d.id}`, { nameZh: '城市管理局', nameEn: 'Urban Management' });
    expect(renamed.json().department).toMatchObject({ nameZh: '城市管理局', nameEn: 'Urban Management' });
    expect((await api('PATCH', `/departments/${d.id}`, {})).statusCode).toBe(400);
    const taken = await api('POST', '/departments', { code: 'renameme', kind: 'unit', nameZh: 'x', nameEn: 'x' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'department.code_taken', message: 'The department code renameme is already used' });
    expect((await api('POST', '/departments', { code: 'Bad Code', kind: 'unit', nameZh: 'x', nameEn: 'x' })).statusCode).toBe(400);
    expect((await api('POST', '/departments', { code: 'okcode', kind: 'office', nameZh: 'x', nameEn: 'x' })).statusCode).toBe(400);
    const div = await api('POST', '/departments', { code: 'nodiv', kind: 'district', nameZh: 'x', nameEn: 'x', divisionCode: '510199' });
    expect(div.json().code).toBe('department.division_not_found');
  });

  it('deactivates leaves first, hides inactive departments by default, refuses children under inactive parents', async () => {
    const p = await create('parent-x', null);
    const c = await create('child-x', p.id, 'unit');
    expect((await api('POST', `/departments/${p.id}/deactivate`)).json().code).toBe('department.has_active_children');
    expect((await api('POST', `/departments/${c.id}/deactivate`)).json().department.active).toBe(false);
    expect((await api('POST', `/departments/${p.id}/deactivate`)).json().department.active).toBe(false);
    const listed = (await api('GET', '/departments')).json().items.map((x: { code: string }) => x.code);
    expect(listed).not.toContain('parent-x');
    const all = (await api('GET', '/departments?includeInactive=true')).json().items.map((x: { code: string }) => x.code);
    expect(all).toEqual(expect.arrayContaining(['parent-x', 'child-x']));
    const under = await api('POST', '/departments', { code: 'late-child', parentId: p.id, kind: 'unit', nameZh: 'x', nameEn: 'x' });
    expect(under.json().code).toBe('department.parent_inactive');
    expect((await api('POST', `/departments/${c.id}/activate`)).json().code).toBe('department.parent_inactive');
    expect((await api('POST', `/departments/${p.id}/activate`)).json().department.active).toBe(true);
  });

  it('lists divisions of my jurisdiction', async () => {
    const res = await api('GET', '/divisions');
    expect(res.json().items).toEqual([{ code: '510100', parentCode: null, level: 'city', nameZh: '成都市', nameEn: 'Chengdu' }]);
  });
});
