/** Users admin API, API keys, and the service functions the CLI calls (audit + events in the same transaction). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createUser, resetPassword, revokeApiKey } from '../src/modules/identity/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type MadeDepartment, type Session } from './factories.js';

let t: TestApp;
let j: string;
let k: string;
let dept: MadeDepartment;
let admin: Session;
const cli = systemActor('cli');

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  k = (await makeJurisdiction(t.ctx.db)).id;
  dept = await makeDepartment(t.ctx.db, { jurisdictionId: j, code: 'cgj' });
  const a = await makeUser(t.ctx.db, { jurisdictionId: j, username: 'users-admin', grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
  admin = await loginAs(t.app, a);
});
afterAll(async () => {
  await t?.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, headers = admin.bearer) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: { ...headers, 'accept-language': 'en' }, ...(payload ? { payload } : {}) });

async function audited(objectId: string) {
  return (await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_kind', 'actor_name']).where('object_id', '=', objectId).orderBy('id').execute());
}

describe('users admin API', () => {
  it('creates, reads, updates, disables and enables a user, auditing each step', async () => {
    const created = await api('POST', '/users', {
      username: 'zhang.san',
      displayName: '张三',
      password: 'Good-Pass-123',
      departmentId: dept.id,
      grants: [{ role: 'handler', scope: { kind: 'department', departmentId: dept.id } }, { role: 'inspector', scope: { kind: 'grids', gridCodes: ['51010400100101'] } }],
    });
    expect(created.statusCode).toBe(201);
    const user = created.json().user;
    expect(user).toMatchObject({ username: 'zhang.san', displayName: '张三', mustChangePassword: true, department: { code: 'cgj' }, status: 'active', locked: false });
    expect(user.grants).toHaveLength(2);
    expect(JSON.stringify(created.json())).not.toContain('argon2');

    expect((await api('GET', `/users/${user.id}`)).json().user.username).toBe('zhang.san');
    const dup = await api('POST', '/users', { username: 'ZHANG.SAN', displayName: 'x', password: 'Good-Pass-123' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'user.username_taken', message: 'The username ZHANG.SAN is already taken' });

    const renamed = await api('PATCH', `/users/${user.id}`, { displayName: '张三丰', departmentId: null });
    expect(renamed.json().user).toMatchObject({ displayName: '张三丰', department: null });

    // A new user must change the password first; signing in still works.
    const s = await loginAs(t.app, { username: 'zhang.san', password: 'Good-Pass-123' });
    expect((await api('POST', `/users/${user.id}/disable`)).json().user.status).toBe('disabled');
    expect((await api('GET', '/auth/me', undefined, s.bearer)).statusCode).toBe(401);
    expect((await api('POST', `/users/${user.id}/enable`)).json().user.status).toBe('active');

    expect((await audited(user.id)).map((a) => a.action)).toEqual(['user.create', 'user.update', 'auth.login', 'user.disable', 'user.enable']);
    const events = await t.ctx.db.selectFrom('events').select('name').where('name', 'like', 'user.%').execute();
    expect(events.map((e) => e.name)).toEqual(expect.arrayContaining(['user.created', 'user.updated', 'user.disabled', 'user.enabled']));
  });

  it('lists with pagination and filters', async () => {
    for (let i = 0; i < 3; i++) await makeUser(t.ctx.db, { jurisdictionId: j, username: `page-${i}`, departmentId: dept.id, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] });
    const page1 = await api('GET', '/users?q=page-&pageSize=2');
    expect(page1.json()).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.json().items.map((x: { username: string }) => x.username)).toEqual(['page-0', 'page-1']);
    const page2 = await api('GET', '/users?q=page-&pageSize=2&page=2');
    expect(page2.json().items.map((x: { username: string }) => x.username)).toEqual(['page-2']);
    expect((await api('GET', '/users?role=agent&q=page')).json().total).toBe(3);
    expect((await api('GET', '/users?role=leader&q=page')).json().total).toBe(0);
    expect((await api('GET', `/users?departmentId=${dept.id}&q=page-1`)).json().total).toBe(1);
    expect((await api('GET', '/users?q=%25')).json().total).toBe(0);
    expect((await api('GET', '/users?sort=name')).statusCode).toBe(400);
  });

  it('validates grants and passwords with clear codes', async () => {
    const bad = async (payload: object) => (await api('POST', '/users', { username: 'bad-user', displayName: 'x', password: 'Good-Pass-123', ...payload })).json().code;
    expect(await bad({ grants: [{ role: 'resident', scope: { kind: 'jurisdiction' } }] })).toBe('user.grant_scope_invalid');
    // The message names the role and the scope in words; the details keep their codes.
    const scopeInvalid = await api('POST', '/users', { username: 'bad-user', displayName: 'x', password: 'Good-Pass-123', grants: [{ role: 'enterprise', scope: { kind: 'grids', gridCodes: ['510104'] } }] });
    expect(scopeInvalid.json()).toMatchObject({ message: 'The role “Enterprise” cannot have the data scope “Selected grids”', details: { role: 'enterprise', scope: 'grids' } });
    expect(await bad({ grants: [{ role: 'inspector', scope: { kind: 'grids', gridCodes: ['12'] } }] })).toBe('user.grant_grids_invalid');
    expect(await bad({ grants: [{ role: 'pope', scope: { kind: 'self' } }] })).toBe('request.invalid');
    expect(await bad({ departmentId: '00000000-0000-4000-8000-00000000dead' })).toBe('user.department_not_found');
    expect(await bad({ password: 'bad-user' })).toBe('auth.password_equals_username');
    expect(await bad({ password: 'short' })).toBe('auth.password_too_short');
  });

  it('assigns and revokes grants; an admin cannot remove their own admin role or disable themselves', async () => {
    const target = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [] });
    const added = await api('POST', `/users/${target.id}/grants`, { role: 'leader', scope: { kind: 'jurisdiction' } });
    expect(added.statusCode).toBe(200);
    const grantId = added.json().user.grants[0].id;
    expect((await api('DELETE', `/users/${target.id}/grants/${grantId}`)).json().user.grants).toEqual([]);
    expect((await api('DELETE', `/users/${target.id}/grants/${grantId}`)).statusCode).toBe(404);
    const me = (await api('GET', '/auth/me')).json().user;
    expect((await api('DELETE', `/users/${me.id}/grants/${me.grants[0].id}`)).json().code).toBe('user.cannot_revoke_own_admin');
    expect((await api('POST', `/users/${me.id}/disable`)).json().code).toBe('user.cannot_disable_self');
    expect((await audited(target.id)).map((a) => a.action)).toEqual(['user.grant_add', 'user.grant_revoke']);
  });

  it('resets a password: old one stops working, sessions end, user must change it', async () => {
    const target = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] });
    const s = await loginAs(t.app, target);
    const res = await api('POST', `/users/${target.id}/password`, { newPassword: 'Reset-Pass-999' });
    expect(res.json().user.mustChangePassword).toBe(true);
    expect((await api('GET', '/auth/me', undefined, s.bearer)).statusCode).toBe(401);
    await expect(loginAs(t.app, target)).rejects.toThrow(/401/);
    const temp = await loginAs(t.app, { username: target.username, password: 'Reset-Pass-999' });
    // With a temporary password the user may see who they are and change it — nothing else.
    expect((await api('GET', '/auth/me', undefined, temp.bearer)).statusCode).toBe(200);
    const blocked = await api('GET', '/departments', undefined, temp.bearer);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('auth.password_change_required');
    const changed = await api('POST', '/auth/password', { currentPassword: 'Reset-Pass-999', newPassword: 'Own-Choice-2026' }, temp.bearer);
    expect(changed.statusCode).toBeLessThan(300);
    expect((await api('GET', '/departments', undefined, temp.bearer)).statusCode).toBe(200);
  });

  it('never answers 500 for unknown ids', async () => {
    expect((await api('GET', '/users/not-a-uuid')).statusCode).toBe(400);
    expect((await api('GET', '/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

describe('service functions for the CLI', () => {
  it('createUser and resetPassword run with a system actor, audited', async () => {
    const user = await createUser(t.ctx, { jurisdictionId: j, username: 'cli-made', displayName: 'CLI', password: 'Cli-Pass-1234', departmentCode: 'cgj', grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] }, cli);
    expect(user).toMatchObject({ username: 'cli-made', department: { code: 'cgj' }, grants: [{ role: 'dispatcher', scope: { kind: 'jurisdiction' } }] });
    await resetPassword(t.ctx, { username: 'CLI-made', newPassword: 'Cli-Pass-5678' }, cli);
    await loginAs(t.app, { username: 'cli-made', password: 'Cli-Pass-5678' });
    expect((await audited(user.id)).slice(0, 2)).toEqual([
      { action: 'user.create', actor_kind: 'system', actor_name: 'cli' },
      { action: 'user.reset_password', actor_kind: 'system', actor_name: 'cli' },
    ]);
    await expect(createUser(t.ctx, { jurisdictionId: 'nowhere.gov.cn', username: 'x-user', displayName: 'x', password: 'Cli-Pass-1234' }, cli)).rejects.toMatchObject({ code: 'user.jurisdiction_not_found' });
    await expect(resetPassword(t.ctx, { username: 'nobody-at-all', newPassword: 'Cli-Pass-1234' }, cli)).rejects.toMatchObject({ code: 'user.not_found' });
  });

  it('a failed write leaves no row, no audit entry, no event', async () => {
    const before = await t.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(createUser(t.ctx, { jurisdictionId: j, username: 'half-made', displayName: 'x', password: 'Cli-Pass-1234', grants: [{ role: 'handler', scope: { kind: 'department', departmentCode: 'no-such' } }] }, cli)).rejects.toMatchObject({ code: 'user.department_not_found' });
    const after = await t.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(await t.ctx.db.selectFrom('users').select('id').where('username', '=', 'half-made').execute()).toEqual([]);
  });
});

describe('API keys', () => {
  it('created once, hashed at rest, authenticate by X-Api-Key or Bearer, scoped to permissions and jurisdiction', async () => {
    const created = await createApiKey(t.ctx, { jurisdictionId: j, name: 'open311 gateway', scopes: ['user.read'] }, cli);
    expect(created.key).toMatch(/^cgk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(`cgk_${created.prefix}_`)).toBe(true);
    const row = await t.ctx.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.key.split('_').pop());

    const viaHeader = await api('GET', '/users', undefined, { 'x-api-key': created.key });
    expect(viaHeader.statusCode).toBe(200);
    expect(viaHeader.json().total).toBeGreaterThan(0);
    expect(viaHeader.json().items.every((x: { jurisdictionId: string }) => x.jurisdictionId === j)).toBe(true);
    expect((await api('GET', '/users', undefined, { authorization: `Bearer ${created.key}` })).statusCode).toBe(200);
    // Writes need no CSRF token but do need the permission.
    expect((await api('POST', '/users', { username: 'by-key', displayName: 'x', password: 'Good-Pass-123' }, { 'x-api-key': created.key })).statusCode).toBe(403);
    // Keys are not users.
    expect((await api('GET', '/auth/me', undefined, { 'x-api-key': created.key })).json().code).toBe('auth.user_required');
    // A tampered secret with a valid prefix fails.
    const tampered = `${created.key.slice(0, -3)}${created.key.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await api('GET', '/users', undefined, { 'x-api-key': tampered })).statusCode).toBe(401);

    const revoked = await revokeApiKey(t.ctx, { idOrPrefix: created.prefix }, cli);
    expect(revoked.revokedAt).not.toBeNull();
    expect((await api('GET', '/users', undefined, { 'x-api-key': created.key })).statusCode).toBe(401);
    expect((await audited(created.id)).map((a) => a.action)).toEqual(['apikey.create', 'apikey.revoke']);
  });

  it('admin routes: create shows the key once, list hides it, revoke; other jurisdictions’ keys are invisible', async () => {
    const res = await api('POST', '/api-keys', { name: 'sensor gateway', scopes: ['sensors.*'] });
    expect(res.statusCode).toBe(201);
    const { id, key } = res.json();
    const list = await api('GET', '/api-keys');
    expect(list.json().items.map((x: { id: string }) => x.id)).toContain(id);
    expect(JSON.stringify(list.json())).not.toContain(key);
    expect((await api('POST', '/api-keys', { name: 'bad', scopes: ['Not A Scope'] })).json().code).toBe('apikey.scope_invalid');
    const foreign = await createApiKey(t.ctx, { jurisdictionId: k, name: 'other city', scopes: ['user.read'] }, cli);
    expect((await api('DELETE', `/api-keys/${foreign.id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/api-keys/${id}`)).json().apiKey.revokedAt).not.toBeNull();
    expect((await api('GET', '/api-keys')).json().items.map((x: { id: string }) => x.id)).not.toContain(id);
    expect((await api('GET', '/api-keys?includeRevoked=true')).json().items.map((x: { id: string }) => x.id)).toContain(id);
  });
});
