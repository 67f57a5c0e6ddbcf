/** Work-order categories: the standard tree, local categories, rename/reorder/deactivate rules, deletion only when unused, the public list. */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCategory, standardCategories } from '../src/modules/work-orders/index.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let j2: string;
let admin: Session;
let inspector: Session;
let resident: Session;
let otherAdmin: Session;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (s: Session | null, method: Method, url: string, payload?: object, lang = 'en') =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...(s?.bearer ?? {}), 'accept-language': lang }, ...(payload ? { payload } : {}) });

interface Item {
  code: string;
  parentCode: string | null;
  kind: string;
  nameZh: string;
  nameEn: string | null;
  componentSubclass: string | null;
  sortOrder: number;
  active: boolean;
  source: string;
}
interface Node extends Item {
  children: Node[];
}
const flat = async (s: Session = admin) => (await api(s, 'GET', '/work-order-categories')).json().items as Item[];
const audits = (action: string) => t.ctx.db.selectFrom('audit_log').select(['object_id', 'details']).where('action', '=', action).where('jurisdiction_id', '=', j).execute();
const events = async (name: string) =>
  (await sql<{ payload: Record<string, unknown> }>`SELECT payload FROM events WHERE name = ${name} AND jurisdiction_id = ${j} ORDER BY id`.execute(t.ctx.db)).rows.map((r) => r.payload);

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  j2 = (await makeJurisdiction(t.ctx.db)).id;
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  inspector = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: ['51010400100101'] } }] }));
  resident = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] }));
  otherAdmin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j2, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
});
afterAll(async () => {
  await t?.close();
});

describe('the standard tree', () => {
  it('is built from the code tables and the 12345 categories, with parents, kinds and component subclasses', () => {
    const all = standardCategories();
    const byCode = new Map(all.map((c) => [c.code, c]));
    expect(all).toHaveLength(1 + 6 + 64 + 1 + 5 + 26 + 18);
    expect(byCode.get('component.01.0102')).toMatchObject({ parentCode: 'component.01', kind: 'component', nameZh: '污水井盖', componentSubclass: '0102' });
    expect(byCode.get('event.01.01')).toMatchObject({ parentCode: 'event.01', kind: 'event', nameZh: '暴露垃圾', componentSubclass: null });
    expect(byCode.get('event.05.10')).toMatchObject({ nameZh: '露天烧烤' });
    expect(byCode.get('utilities.water')).toMatchObject({ parentCode: 'utilities', kind: 'hotline', nameZh: '供水' });
    for (const c of all) {
      expect(c.code).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)*$/);
      if (c.parentCode) expect(byCode.get(c.parentCode)?.kind, c.code).toBe(c.kind);
      expect(c.nameEn, c.code).toBeTruthy();
    }
  });

  it('is added once per jurisdiction by an administrator, even by racing requests, audited and published', async () => {
    expect((await api(inspector, 'POST', '/work-order-categories/standard')).statusCode).toBe(403);
    // Six clicks at once (on PostgreSQL, six transactions): one adds the tree, the others find it.
    const racing = await Promise.all([1, 2, 3, 4, 5, 6].map(() => api(admin, 'POST', '/work-order-categories/standard')));
    for (const r of racing) expect(r.statusCode, r.body).toBe(200);
    expect(racing.map((r) => r.json().added).sort((a, b) => b - a)).toEqual([standardCategories().length, 0, 0, 0, 0, 0]);
    expect((await api(admin, 'POST', '/work-order-categories/standard')).json()).toEqual({ added: 0 });
    expect(await audits('work_order_category.seed')).toHaveLength(1);
    expect(await events('work_order_category.changed')).toEqual([{ action: 'seed', added: standardCategories().length }]);
    // Another jurisdiction has none until its administrator adds them.
    expect((await api(otherAdmin, 'GET', '/work-order-categories')).json().items).toEqual([]);
  });

  it('is read by staff, flat (parents first, by sort order) or nested', async () => {
    const items = await flat(inspector);
    expect(items.map((i) => i.code).slice(0, 4)).toEqual(['component', 'component.01', 'component.01.0101', 'component.01.0102']);
    expect(items.find((i) => i.code === 'component.01.0102')).toMatchObject({ kind: 'component', componentSubclass: '0102', active: true, source: 'standard', nameEn: 'Sewer manhole cover' });
    const seen = new Set<string>();
    for (const i of items) {
      if (i.parentCode) expect(seen.has(i.parentCode), i.code).toBe(true);
      seen.add(i.code);
    }
    const tree = (await api(inspector, 'GET', '/work-order-categories?view=tree')).json().tree as Node[];
    expect(tree.map((n) => n.code)).toEqual(standardCategories().filter((c) => c.parentCode === null).map((c) => c.code));
    const component = tree.find((n) => n.code === 'component')!;
    expect(component.children.map((c) => c.code)).toEqual(['component.01', 'component.02', 'component.03', 'component.04', 'component.05', 'component.06']);
    expect(tree.find((n) => n.code === 'utilities')!.children.map((c) => c.nameZh)).toEqual(['供水', '供电', '燃气', '供暖']);
  });

  it('is not for residents or anonymous callers through the staff endpoint', async () => {
    expect((await api(resident, 'GET', '/work-order-categories')).statusCode).toBe(403);
    expect((await api(null, 'GET', '/work-order-categories')).statusCode).toBe(401);
  });
});

describe('local categories', () => {
  it('are added under an existing parent and take its kind; the next sort order follows the siblings', async () => {
    const res = await api(admin, 'POST', '/work-order-categories', { code: 'utilities.water.quality', nameZh: '水质问题', nameEn: 'Water quality' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().category).toMatchObject({ code: 'utilities.water.quality', parentCode: 'utilities.water', kind: 'hotline', source: 'local', active: true, sortOrder: 10, componentSubclass: null });
    const second = await api(admin, 'POST', '/work-order-categories', { code: 'utilities.water.pressure', nameZh: '水压不足' });
    expect(second.json().category.sortOrder).toBe(20);
    const audit = await audits('work_order_category.create');
    expect(audit.map((a) => a.object_id)).toEqual(['utilities.water.quality', 'utilities.water.pressure']);
    expect((await events('work_order_category.changed')).filter((e) => e.action === 'create')).toHaveLength(2);
  });

  it('a component category carries its subclass, from the code or given', async () => {
    const smart = await api(admin, 'POST', '/work-order-categories', { code: 'component.01.0190', nameZh: '智能井盖' });
    expect(smart.json().category).toMatchObject({ kind: 'component', componentSubclass: '0190' });
    const given = await api(admin, 'POST', '/work-order-categories', { code: 'component.01.covers', nameZh: '井盖（综合）', componentSubclass: '0114' });
    expect(given.json().category.componentSubclass).toBe('0114');
    const mismatch = await api(admin, 'POST', '/work-order-categories', { code: 'component.01.0191', nameZh: 'x', componentSubclass: '0102' });
    expect(mismatch.json()).toMatchObject({ code: 'work_order_category.subclass_mismatch' });
    const notComponent = await api(admin, 'POST', '/work-order-categories', { code: 'market.food', nameZh: '食品安全', componentSubclass: '0102' });
    expect(notComponent.statusCode).toBe(400);
    expect(notComponent.json().code).toBe('work_order_category.subclass_not_component');
  });

  it('a top-level category needs a kind; bad codes, missing parents, other kinds and duplicates are refused', async () => {
    const top = await api(admin, 'POST', '/work-order-categories', { code: 'tourism', nameZh: '文化旅游', kind: 'hotline', sortOrder: 175 });
    expect(top.statusCode, top.body).toBe(201);
    expect(top.json().category).toMatchObject({ parentCode: null, kind: 'hotline', sortOrder: 175 });
    const cases: [object, number, string][] = [
      [{ code: 'sports', nameZh: '体育' }, 400, 'work_order_category.kind_required'],
      [{ code: 'nosuch.child', nameZh: 'x' }, 400, 'work_order_category.parent_not_found'],
      [{ code: 'tourism.scenic', nameZh: 'x', kind: 'event' }, 400, 'work_order_category.kind_mismatch'],
      [{ code: 'tourism', nameZh: 'x', kind: 'hotline' }, 409, 'work_order_category.exists'],
      [{ code: 'utilities.water', nameZh: 'x' }, 409, 'work_order_category.exists'],
      [{ code: 'Tourism.Hotel', nameZh: 'x' }, 400, 'request.invalid'],
      [{ code: 'tourism..hotel', nameZh: 'x' }, 400, 'request.invalid'],
      [{ code: 'tourism.hotel', nameZh: '' }, 400, 'request.invalid'],
      [{ code: 'tourism.hotel', nameZh: 'x', extra: 1 }, 400, 'request.unknown_fields'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api(admin, 'POST', '/work-order-categories', body);
      expect([res.statusCode, res.json().code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await api(inspector, 'POST', '/work-order-categories', { code: 'tourism.hotel', nameZh: 'x' })).statusCode).toBe(403);
  });

  it('messages come in Chinese by default and in English', async () => {
    const zh = await api(admin, 'POST', '/work-order-categories', { code: 'nosuch.child', nameZh: 'x' }, 'zh-CN');
    expect(zh.json().message).toBe('上级分类 nosuch 不存在，请先添加');
    const en = await api(admin, 'POST', '/work-order-categories', { code: 'nosuch.child', nameZh: 'x' }, 'en');
    expect(en.json().message).toBe('The parent category nosuch does not exist; add it first');
    // Kinds are named in words; the details keep their codes.
    const kinds = { kind: 'event', parentKind: 'hotline' };
    const mismatch = await api(admin, 'POST', '/work-order-categories', { code: 'tourism.scenic', nameZh: 'x', kind: 'event' }, 'zh-CN');
    expect(mismatch.json()).toMatchObject({ message: '子分类的类型“事件”与上级分类的类型“热线诉求”不一致', details: kinds });
    const mismatchEn = await api(admin, 'POST', '/work-order-categories', { code: 'tourism.scenic', nameZh: 'x', kind: 'event' }, 'en');
    expect(mismatchEn.json()).toMatchObject({ message: "The kind “Event” differs from the parent category's kind “Hotline request”", details: kinds });
  });
});

describe('editing', () => {
  it('renames and reorders, recording before and after; an unchanged edit records nothing', async () => {
    const res = await api(admin, 'PATCH', '/work-order-categories/tourism', { nameZh: '文旅', nameEn: 'Culture and tourism', sortOrder: 5 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ category: { code: 'tourism', nameZh: '文旅', nameEn: 'Culture and tourism', sortOrder: 5 }, changed: [] });
    const roots = (await flat()).filter((i) => i.parentCode === null).map((i) => i.code);
    expect(roots.indexOf('tourism')).toBe(0);
    const [audit] = await audits('work_order_category.update');
    expect(audit!.details).toMatchObject({ code: 'tourism', nameZh: '文旅', sortOrder: 5, before: { nameZh: '文化旅游', sortOrder: 175 } });
    await api(admin, 'PATCH', '/work-order-categories/tourism', { nameZh: '文旅' });
    expect(await audits('work_order_category.update')).toHaveLength(1);
    expect((await api(admin, 'PATCH', '/work-order-categories/tourism', {})).statusCode).toBe(400);
    expect((await api(admin, 'PATCH', '/work-order-categories/nosuch', { nameZh: 'x' })).json().code).toBe('work_order_category.not_found');
    expect((await api(otherAdmin, 'PATCH', '/work-order-categories/tourism', { nameZh: 'x' })).json().code).toBe('work_order_category.not_found');
  });

  it('a category with active children is deactivated only with them; a child comes back only under an active parent', async () => {
    const refused = await api(admin, 'PATCH', '/work-order-categories/utilities.water', { active: false });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'work_order_category.has_active_children', details: { children: ['utilities.water.pressure', 'utilities.water.quality'] } });
    // Deactivating the children first works, then the parent alone.
    expect((await api(admin, 'PATCH', '/work-order-categories/utilities.water.pressure', { active: false })).json().changed).toEqual(['utilities.water.pressure']);
    expect((await api(admin, 'PATCH', '/work-order-categories/utilities.water.quality', { active: false })).json().changed).toEqual(['utilities.water.quality']);
    expect((await api(admin, 'PATCH', '/work-order-categories/utilities.water', { active: false })).json().changed).toEqual(['utilities.water']);
    expect((await api(admin, 'PATCH', '/work-order-categories/utilities.water.quality', { active: true })).json().code).toBe('work_order_category.parent_inactive');
    expect((await api(admin, 'POST', '/work-order-categories', { code: 'utilities.water.meter', nameZh: '水表' })).json().code).toBe('work_order_category.parent_inactive');
    // Reactivating the parent brings back the parent only.
    expect((await api(admin, 'PATCH', '/work-order-categories/utilities.water', { active: true })).json().changed).toEqual(['utilities.water']);
    expect((await api(admin, 'PATCH', '/work-order-categories/utilities.water.quality', { active: true })).json().changed).toEqual(['utilities.water.quality']);
    // A whole subtree at once.
    const subtree = await api(admin, 'PATCH', '/work-order-categories/utilities', { active: false, includeChildren: true });
    expect(subtree.statusCode, subtree.body).toBe(200);
    expect(subtree.json().changed).toEqual(['utilities', 'utilities.gas', 'utilities.heating', 'utilities.power', 'utilities.water', 'utilities.water.quality']);
    const items = await flat();
    expect(items.filter((i) => i.code.startsWith('utilities')).every((i) => !i.active)).toBe(true);
    expect((await api(admin, 'GET', '/work-order-categories?includeInactive=false')).json().items.some((i: Item) => i.code.startsWith('utilities'))).toBe(false);
    const lastUpdate = (await audits('work_order_category.update')).at(-1)!;
    expect(lastUpdate.details).toMatchObject({ code: 'utilities', active: false, changed: subtree.json().changed });
  });

  it('findCategory (for intake) returns the category with its active flag, or undefined', async () => {
    expect(await findCategory(t.ctx.db, j, 'utilities.water')).toMatchObject({ code: 'utilities.water', active: false, kind: 'hotline' });
    expect(await findCategory(t.ctx.db, j, 'event.01.01')).toMatchObject({ active: true, nameZh: '暴露垃圾' });
    expect(await findCategory(t.ctx.db, j, 'no.such')).toBeUndefined();
    expect(await findCategory(t.ctx.db, j2, 'event.01.01')).toBeUndefined();
    expect(await findCategory(t.ctx.db, j, 'x'.repeat(100))).toBeUndefined();
  });
});

describe('deleting', () => {
  it('is refused for a category in use by an order or a responsibility rule, or with children; an unused leaf goes', async () => {
    await sql`INSERT INTO work_orders (jurisdiction_id, code, channel, request_type, category_code, title, description, urgency, anonymous, sla_started_at)
              VALUES (${j}, 'CD20260101000001', 'web', 'complaint', 'event.01.01', '垃圾', '小区门口垃圾堆积', 'normal', true, now())`.execute(t.ctx.db);
    const inUse = await api(admin, 'DELETE', '/work-order-categories/event.01.01');
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json()).toMatchObject({ code: 'work_order_category.in_use', details: { orders: 1, rules: 0 } });
    expect(inUse.json().message).toContain('deactivate it instead');

    const dept = await makeDepartment(t.ctx.db, { jurisdictionId: j });
    expect((await api(admin, 'POST', '/responsibility-rules', { categoryPrefix: 'tourism', departmentId: dept.id })).statusCode).toBe(201);
    const ruled = await api(admin, 'DELETE', '/work-order-categories/tourism');
    expect(ruled.json()).toMatchObject({ code: 'work_order_category.in_use', details: { orders: 0, rules: 1 } });

    expect((await api(admin, 'DELETE', '/work-order-categories/event.01')).json().code).toBe('work_order_category.has_children');
    expect((await api(inspector, 'DELETE', '/work-order-categories/event.02.01')).statusCode).toBe(403);
    const gone = await api(admin, 'DELETE', '/work-order-categories/event.02.01');
    expect(gone.statusCode).toBe(204);
    expect(await findCategory(t.ctx.db, j, 'event.02.01')).toBeUndefined();
    expect((await audits('work_order_category.delete')).map((a) => a.object_id)).toEqual(['event.02.01']);
    expect((await api(admin, 'DELETE', '/work-order-categories/event.02.01')).statusCode).toBe(404);
    // The standard seed puts a deleted standard category back.
    expect((await api(admin, 'POST', '/work-order-categories/standard')).json()).toEqual({ added: 1 });
  });
});

describe('the public list', () => {
  it('gives residents and anonymous callers the active categories only, without internal fields', async () => {
    const anon = await api(null, 'GET', `/public/work-order-categories?jurisdiction=${j}`);
    expect(anon.statusCode, anon.body).toBe(200);
    const body = anon.json() as { jurisdictionId: string; items: Record<string, unknown>[] };
    expect(body.jurisdictionId).toBe(j);
    expect(Object.keys(body.items[0]!).sort()).toEqual(['code', 'kind', 'nameEn', 'nameZh', 'parentCode']);
    const codes = body.items.map((i) => i.code);
    expect(codes).toContain('event.01.01');
    expect(codes).toContain('tourism');
    expect(codes.some((c) => String(c).startsWith('utilities'))).toBe(false);
    const active = (await flat()).filter((i) => i.active).map((i) => i.code);
    expect([...codes].sort()).toEqual([...active].sort());
    // Signed in, a resident gets their own jurisdiction.
    const mine = await api(resident, 'GET', '/public/work-order-categories');
    expect(mine.json().items).toEqual(body.items);
    expect((await api(resident, 'GET', `/public/work-order-categories?jurisdiction=${j2}`)).statusCode).toBe(404);
  });

  it('needs the jurisdiction named when the server hosts several, and refuses an unknown one', async () => {
    const none = await api(null, 'GET', '/public/work-order-categories');
    expect([none.statusCode, none.json().code]).toEqual([400, 'work_order_category.jurisdiction_required']);
    const unknown = await api(null, 'GET', '/public/work-order-categories?jurisdiction=nowhere.gov.cn');
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'work_order_category.jurisdiction_not_found']);
    expect((await api(null, 'GET', `/public/work-order-categories?jurisdiction=${j2}`)).json().items).toEqual([]);
  });
});
