/**
 * Each role sees and acts only inside its scope. Objects here are departments and users (the modules that own
 * work orders, grids, … add their own). Tree: 市政府 → A (城管局) → A1 (执法大队); 市政府 → B (住建局).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type MadeDepartment, type MadeUser, type Session } from './factories.js';

let t: TestApp;
let j: string;
let gov: MadeDepartment, A: MadeDepartment, A1: MadeDepartment, B: MadeDepartment, foreignDept: MadeDepartment;
const u: Record<string, MadeUser> = {};
const s: Record<string, Session> = {};

beforeAll(async () => {
  t = await createTestApp();
  const db = t.ctx.db;
  j = (await makeJurisdiction(db)).id;
  const k = (await makeJurisdiction(db)).id;
  gov = await makeDepartment(db, { jurisdictionId: j, code: 'gov', kind: 'government' });
  A = await makeDepartment(db, { jurisdictionId: j, parent: gov, code: 'cgj' });
  A1 = await makeDepartment(db, { jurisdictionId: j, parent: A, code: 'cgj-zfdd', kind: 'unit' });
  B = await makeDepartment(db, { jurisdictionId: j, parent: gov, code: 'zjj' });
  foreignDept = await makeDepartment(db, { jurisdictionId: k, code: 'gov', kind: 'government' });
  const dept = (d: MadeDepartment) => ({ kind: 'department' as const, departmentId: d.id });
  u.cityAdmin = await makeUser(db, { jurisdictionId: j, departmentId: gov.id, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
  u.adminA = await makeUser(db, { jurisdictionId: j, departmentId: A.id, grants: [{ role: 'admin', scope: dept(A) }] });
  u.handlerA = await makeUser(db, { jurisdictionId: j, departmentId: A.id, grants: [{ role: 'handler', scope: dept(A) }] });
  u.inA1 = await makeUser(db, { jurisdictionId: j, departmentId: A1.id, grants: [{ role: 'handler', scope: dept(A1) }] });
  u.inB = await makeUser(db, { jurisdictionId: j, departmentId: B.id, grants: [{ role: 'handler', scope: dept(B) }] });
  u.auditor = await makeUser(db, { jurisdictionId: j, grants: [{ role: 'auditor', scope: { kind: 'jurisdiction' } }] });
  u.resident = await makeUser(db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] });
  u.inspector = await makeUser(db, { jurisdictionId: j, grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: ['51010400100101'] } }] });
  u.foreignAdmin = await makeUser(db, { jurisdictionId: k, departmentId: foreignDept.id, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
  for (const [name, user] of Object.entries(u)) s[name] = await loginAs(t.app, user);
});
afterAll(async () => {
  await t?.close();
});

const get = (who: string, url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: s[who]!.bearer });
const send = (who: string, method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: s[who]!.bearer, ...(payload ? { payload } : {}) });
const codes = (res: { json(): { items: { code: string }[] } }) => res.json().items.map((d) => d.code);
const usernames = (res: { json(): { items: { username: string }[] } }) => res.json().items.map((x) => x.username).sort();

describe('a handler of department A', () => {
  it('sees A’s subtree of the department tree and nothing of B', async () => {
    expect(codes(await get('handlerA', '/departments'))).toEqual(['cgj', 'cgj-zfdd']);
    expect((await get('handlerA', `/departments/${A1.id}`)).statusCode).toBe(200);
    const hidden = await get('handlerA', `/departments/${B.id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('department.not_found');
  });

  it('cannot change departments or read users at all (403)', async () => {
    expect((await send('handlerA', 'PATCH', `/departments/${A.id}`, { nameZh: 'x' })).statusCode).toBe(403);
    expect((await send('handlerA', 'PATCH', `/departments/${B.id}`, { nameZh: 'x' })).statusCode).toBe(403);
    expect((await get('handlerA', '/users')).statusCode).toBe(403);
    expect((await get('handlerA', `/users/${u.inB!.id}`)).statusCode).toBe(403);
  });
});

describe('an admin of department A', () => {
  it('lists only users of A’s subtree', async () => {
    const res = await get('adminA', '/users');
    expect(res.statusCode).toBe(200);
    expect(usernames(res)).toEqual([u.adminA!.username, u.handlerA!.username, u.inA1!.username].sort());
    expect(res.json().total).toBe(3);
  });

  it('cannot read or act on B’s users — they do not exist for them (404)', async () => {
    expect((await get('adminA', `/users/${u.inA1!.id}`)).statusCode).toBe(200);
    for (const res of [
      await get('adminA', `/users/${u.inB!.id}`),
      await send('adminA', 'PATCH', `/users/${u.inB!.id}`, { displayName: 'hijacked' }),
      await send('adminA', 'POST', `/users/${u.inB!.id}/disable`),
      await send('adminA', 'POST', `/users/${u.inB!.id}/password`, { newPassword: 'Hijacked-Pass-1' }),
      await send('adminA', 'POST', `/users/${u.inB!.id}/grants`, { role: 'admin', scope: { kind: 'department', departmentId: A.id } }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('user.not_found');
    }
    const row = await t.ctx.db.selectFrom('users').select(['display_name', 'status']).where('id', '=', u.inB!.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ display_name: u.inB!.username, status: 'active' });
  });

  it('cannot create users outside A, move users out of A, or grant wider scopes', async () => {
    const base = { displayName: 'New', password: 'Good-Pass-123', mustChangePassword: false };
    const inB = await send('adminA', 'POST', '/users', { ...base, username: 'new-in-b', departmentId: B.id });
    expect(inB.statusCode).toBe(403);
    expect(inB.json().code).toBe('auth.out_of_scope');
    const wide = await send('adminA', 'POST', '/users', { ...base, username: 'new-wide', departmentId: A1.id, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] });
    expect(wide.statusCode).toBe(403);
    expect(wide.json().code).toBe('user.grant_beyond_scope');
    const bGrant = await send('adminA', 'POST', '/users', { ...base, username: 'new-bgrant', departmentId: A1.id, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: B.id } }] });
    expect(bGrant.json().code).toBe('user.grant_beyond_scope');
    const moveOut = await send('adminA', 'PATCH', `/users/${u.inA1!.id}`, { departmentId: B.id });
    expect(moveOut.statusCode).toBe(403);
    const ok = await send('adminA', 'POST', '/users', { ...base, username: 'new-in-a1', departmentId: A1.id, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: A1.id } }] });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().user).toMatchObject({ username: 'new-in-a1', department: { id: A1.id }, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: A1.id } }] });
    expect(await t.ctx.db.selectFrom('users').select('id').where('username', 'in', ['new-in-b', 'new-wide', 'new-bgrant']).execute()).toEqual([]);
  });

  it('manages departments inside A only', async () => {
    expect((await send('adminA', 'PATCH', `/departments/${B.id}`, { nameZh: 'x' })).statusCode).toBe(404);
    expect((await send('adminA', 'POST', `/departments/${A1.id}/move`, { parentId: B.id })).statusCode).toBe(404);
    expect((await send('adminA', 'POST', `/departments/${A1.id}/move`, { parentId: null })).statusCode).toBe(403);
    const root = await send('adminA', 'POST', '/departments', { code: 'rogue-root', kind: 'functional', nameZh: '新部门', nameEn: 'Rogue' });
    expect(root.statusCode).toBe(403);
    const created = await send('adminA', 'POST', '/departments', { parentId: A.id, code: 'cgj-new', kind: 'unit', nameZh: '新科室', nameEn: 'New unit' });
    expect(created.statusCode).toBe(201);
    expect(created.json().department.path).toBe(`${A.path}${created.json().department.id}/`);
  });
});

describe('jurisdiction-wide roles and other tenants', () => {
  it('an auditor reads every user of the jurisdiction, none of another, and changes nothing', async () => {
    const res = await get('auditor', '/users?pageSize=200');
    const names = usernames(res);
    expect(names).toContain(u.inB!.username);
    expect(names).toContain(u.inA1!.username);
    expect(names).not.toContain(u.foreignAdmin!.username);
    expect((await send('auditor', 'POST', `/users/${u.inB!.id}/disable`)).statusCode).toBe(403);
  });

  it('an admin of another jurisdiction sees nothing of this one', async () => {
    expect((await get('foreignAdmin', `/users/${u.inA1!.id}`)).statusCode).toBe(404);
    expect((await get('foreignAdmin', `/departments/${A.id}`)).statusCode).toBe(404);
    expect(codes(await get('foreignAdmin', '/departments'))).toEqual(['gov']);
    expect((await send('foreignAdmin', 'POST', `/users/${u.inA1!.id}/disable`)).statusCode).toBe(404);
    expect((await send('foreignAdmin', 'POST', '/departments', { parentId: A.id, code: 'x-intruder', kind: 'unit', nameZh: 'x', nameEn: 'x' })).statusCode).toBe(404);
  });

  it('a resident reads no department and no user; an inspector’s grid scope covers no department', async () => {
    expect((await get('resident', '/departments')).statusCode).toBe(403);
    expect((await get('resident', '/users')).statusCode).toBe(403);
    expect((await get('resident', '/divisions')).statusCode).toBe(200);
    expect(codes(await get('inspector', '/departments'))).toEqual([]);
  });

  it('a city admin sees the whole tree depth-first', async () => {
    const res = await get('cityAdmin', '/departments');
    expect(res.json().items.map((d: { code: string; depth: number }) => `${d.code}:${d.depth}`)).toEqual(['gov:0', 'cgj:1', 'cgj-new:2', 'cgj-zfdd:2', 'zjj:1']);
  });
});
