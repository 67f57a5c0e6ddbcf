/** The demo seed: Chengdu, its 20 districts, departments, one account per role; idempotent. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../src/modules/demo/index.js';
import { DEMO_ORDER_COUNT } from '../src/modules/work-orders/index.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs } from './factories.js';

let t: TestApp;
const password = 'Demo-Pass-2026';
const ROLES = ['admin', 'agent', 'dispatcher', 'handler', 'inspector', 'operator', 'steward', 'analyst', 'leader', 'auditor', 'resident'];

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const count = async (table: 'users' | 'departments' | 'divisions' | 'audit_log' | 'role_grants') =>
  Number((await t.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('seedDemo', () => {
  it('seeds once even when two starts race, and a later start seeds nothing', async () => {
    const [a, b] = await Promise.all([seedDemo(t.ctx, { password }), seedDemo(t.ctx, { password })]);
    expect([a.seeded, b.seeded].sort()).toEqual([false, true]);
    expect(a.accounts.map((x) => x.username)).toEqual(ROLES);
    const before = { users: await count('users'), departments: await count('departments'), audit: await count('audit_log') };
    expect(before.users).toBe(11);
    const again = await seedDemo(t.ctx, { password });
    expect(again.seeded).toBe(false);
    expect({ users: await count('users'), departments: await count('departments'), audit: await count('audit_log') }).toEqual(before);
    // Everything the demo adds after the city (grids, knowledge, classifier, work orders) is seeded once too.
    const orders = await t.ctx.db.selectFrom('work_orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBeGreaterThan(0);
    expect(Number(orders.n)).toBeLessThan(2 * DEMO_ORDER_COUNT);
  }, 300_000);

  it('stores the city and its 20 districts as MultiPolygons in EPSG:4326', async () => {
    const rows = await t.ctx.db
      .selectFrom('divisions')
      .select(['code', 'level', 'parent_code', 'name_zh', sql<string>`GeometryType(boundary)`.as('type'), sql<number>`ST_SRID(boundary)`.as('srid'), sql<boolean>`ST_IsValid(boundary)`.as('valid')])
      .where('jurisdiction_id', '=', 'chengdu.gov.cn')
      .orderBy('code')
      .execute();
    expect(rows).toHaveLength(21);
    expect(rows[0]).toMatchObject({ code: '510100', level: 'city', parent_code: null, name_zh: '成都市', type: 'MULTIPOLYGON', srid: 4326 });
    expect(rows.filter((r) => r.level === 'district')).toHaveLength(20);
    expect(rows.every((r) => r.type === 'MULTIPOLYGON' && r.srid === 4326 && r.valid)).toBe(true);
    expect(rows.find((r) => r.code === '510104')!.name_zh).toBe('锦江区');
    // 天府广场 lies in 青羊区.
    const hit = await sql<{ code: string }>`SELECT code FROM divisions WHERE level = 'district' AND ST_Contains(boundary, ST_SetSRID(ST_MakePoint(104.0657, 30.6574), 4326))`.execute(t.ctx.db);
    expect(hit.rows.map((r) => r.code)).toEqual(['510105']);
  });

  it('builds the department tree: city → functional departments and 20 district governments → streets → communities', async () => {
    const depts = await t.ctx.db.selectFrom('departments').select(['code', 'kind', 'path', 'division_code']).where('jurisdiction_id', '=', 'chengdu.gov.cn').execute();
    const byCode = new Map(depts.map((d) => [d.code, d]));
    expect(depts.filter((d) => d.kind === 'district')).toHaveLength(20);
    for (const code of ['cd-cgj', 'cd-zjj', 'cd-jtj', 'cd-sthjj', 'cd-swj', 'cd-scjgj', 'cd-12345']) expect(byCode.get(code)?.kind).toBe('functional');
    const community = byCode.get('cd-510104-chunxilu-hongxing')!;
    expect(community.kind).toBe('community');
    expect(community.path.startsWith(byCode.get('cd-510104-chunxilu')!.path)).toBe(true);
    expect(community.path.startsWith(byCode.get('cd-gov')!.path)).toBe(true);
    expect(byCode.get('cd-510104')!.division_code).toBe('510104');
  });

  it('creates one working account per role, each in its scope', async () => {
    for (const role of ROLES) {
      const s = await loginAs(t.app, { username: role, password });
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.bearer });
      expect(me.json().user.grants.map((g: { role: string }) => g.role)).toEqual([role]);
    }
    const handler = await loginAs(t.app, { username: 'handler', password });
    const tree = await t.app.inject({ method: 'GET', url: '/api/v1/departments', headers: handler.bearer });
    expect(tree.json().items.map((d: { code: string }) => d.code)).toEqual(['cd-cgj', 'cd-cgj-hwc', 'cd-cgj-zfzd']);
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: (await loginAs(t.app, { username: 'inspector', password })).bearer })).json();
    expect(me.user.grants[0].scope).toEqual({ kind: 'grids', gridCodes: ['51010400100101', '51010400100102', '51010400100201'] });
    const resident = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: (await loginAs(t.app, { username: 'resident', password })).bearer })).json();
    expect(resident.user.grants[0].scope).toEqual({ kind: 'self' });
    const admin = await loginAs(t.app, { username: 'admin', password });
    const users = await t.app.inject({ method: 'GET', url: '/api/v1/users?pageSize=50', headers: admin.bearer });
    expect(users.json().total).toBe(11);
    const divisions = await t.app.inject({ method: 'GET', url: '/api/v1/divisions?level=district', headers: admin.bearer });
    expect(divisions.json().items).toHaveLength(20);
    const withShape = await t.app.inject({ method: 'GET', url: '/api/v1/divisions?parentCode=510100&withBoundary=true', headers: admin.bearer });
    expect(withShape.json().items[0].boundary.type).toBe('MultiPolygon');
  });

  it('audits what it created', async () => {
    const actions = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_name']).where('actor_name', '=', 'demo-seed').execute();
    expect(actions.filter((a) => a.action === 'user.create')).toHaveLength(11);
    expect(actions.filter((a) => a.action === 'department.create').length).toBeGreaterThan(30);
    expect(actions.filter((a) => a.action === 'jurisdiction.create')).toHaveLength(1);
  });
});
