/** Sign-in, sessions, CSRF and password change through the HTTP API. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/http/app.js';
import { createIdentityModule, principalOf, requirePermission, sessionReader } from '../src/modules/identity/index.js';
import { createTestApp, type TestApp } from './app.js';
import { sha256 } from './hash.js';
import { loginAs, makeJurisdiction, makeUser, TEST_PASSWORD, type MadeUser } from './factories.js';

let t: TestApp;
let j: string;
let admin: MadeUser;

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  admin = await makeUser(t.ctx.db, { jurisdictionId: j, username: 'auth-admin', grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
});
afterAll(async () => {
  await t?.close();
});

let ip = 1;
const freshIp = () => `192.0.2.${ip++}`;

function login(username: string, password: string, remoteAddress = freshIp()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress, headers: { 'accept-language': 'en' } });
}

async function auditActions(userId: string): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', userId).orderBy('id').execute();
  return rows.map((r) => r.action);
}

describe('POST /auth/login', () => {
  it('signs in: HttpOnly SameSite cookie, readable CSRF cookie, token, user without secrets', async () => {
    const res = await login(admin.username, TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'auth-admin', jurisdictionId: j, status: 'active' });
    expect(JSON.stringify(body)).not.toMatch(/argon2|password_hash|passwordHash/);
    expect(body.accessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookies = res.cookies as { name: string; value: string; httpOnly?: boolean; sameSite?: string; secure?: boolean }[];
    const session = cookies.find((c) => c.name === 'cg_session')!;
    expect(session.value).toBe(body.accessToken);
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    expect(session.secure).toBeFalsy();
    const csrf = cookies.find((c) => c.name === 'cg_csrf')!;
    expect(csrf.value).toBe(body.csrfToken);
    expect(csrf.httpOnly).toBeFalsy();
    // Only the hash of the token is stored.
    const stored = await t.ctx.db.selectFrom('sessions').select('id_hash').where('user_id', '=', admin.id).execute();
    expect(stored.map((s) => s.id_hash)).not.toContain(body.accessToken);
    expect(await auditActions(admin.id)).toContain('auth.login');
  });

  it('marks the cookie Secure behind an https proxy', async () => {
    const proxied = await createTestApp({ trustProxy: true });
    try {
      const u = await makeJurisdiction(proxied.ctx.db).then(({ id }) => makeUser(proxied.ctx.db, { jurisdictionId: id, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] }));
      const res = await proxied.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: u.username, password: TEST_PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
      expect(res.statusCode).toBe(200);
      expect((res.cookies as { name: string; secure?: boolean }[]).find((c) => c.name === 'cg_session')!.secure).toBe(true);
    } finally {
      await proxied.close();
    }
  });

  it('answers wrong password, unknown user and disabled user with the same message', async () => {
    const disabled = await makeUser(t.ctx.db, { jurisdictionId: j, status: 'disabled', grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] });
    const wrong = await login(admin.username, 'not-the-password');
    const unknown = await login('nobody-here', 'not-the-password');
    const off = await login(disabled.username, TEST_PASSWORD);
    for (const res of [wrong, unknown, off]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'auth.invalid_credentials' });
    }
    expect(new Set([wrong, unknown, off].map((r) => r.json().message)).size).toBe(1);
    expect(await auditActions(disabled.id)).toEqual(['auth.login_failed']);
    const unknownAudit = await t.ctx.db.selectFrom('audit_log').select(['actor_kind', 'details']).where('action', '=', 'auth.login_failed').where('actor_name', '=', 'nobody-here').executeTakeFirst();
    expect(unknownAudit).toMatchObject({ actor_kind: 'anonymous', details: { reason: 'unknown_user' } });
  });

  it('locks the account after 5 consecutive failures, even for the right password, and an admin enable unlocks it', async () => {
    const victim = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] });
    for (let i = 0; i < 4; i++) expect((await login(victim.username, `wrong-${i}-password`)).statusCode).toBe(401);
    // A success before the limit resets the count.
    expect((await login(victim.username, TEST_PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await login(victim.username, `wrong-${i}-password`)).statusCode).toBe(401);
    const locked = await login(victim.username, TEST_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json().code).toBe('auth.invalid_credentials');
    const row = await t.ctx.db.selectFrom('users').select(['locked_until']).where('id', '=', victim.id).executeTakeFirstOrThrow();
    expect(new Date(row.locked_until!).getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    const adminSession = await loginAs(t.app, admin);
    const view = await t.app.inject({ method: 'GET', url: `/api/v1/users/${victim.id}`, headers: adminSession.bearer });
    expect(view.json().user.locked).toBe(true);
    const events = await t.ctx.db.selectFrom('events').select('payload').where('name', '=', 'user.locked').execute();
    expect(events.some((e) => (e.payload as { userId: string }).userId === victim.id)).toBe(true);
    // Disabling then enabling lifts the lock.
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/users/${victim.id}/disable`, headers: adminSession.bearer })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/users/${victim.id}/enable`, headers: adminSession.bearer })).statusCode).toBe(200);
    expect((await login(victim.username, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('rate-limits failed sign-ins per address with 429 and Retry-After; successes do not count', async () => {
    const address = '198.51.100.7';
    for (let i = 0; i < 25; i++) expect((await login(admin.username, TEST_PASSWORD, address)).statusCode).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await login(`nobody-${i}`, 'whatever-password', address)).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    const limited = await login(admin.username, TEST_PASSWORD, address);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('auth.rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is unaffected.
    expect((await login(admin.username, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('validates the body: unknown fields → 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a', password: 'b', remember: true }, remoteAddress: freshIp() });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('request.unknown_fields');
  });
});

describe('sessions', () => {
  it('the access token works as a Bearer token; /auth/me lists permissions', async () => {
    const s = await loginAs(t.app, admin);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.bearer });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe('auth-admin');
    expect(me.json().permissions).toEqual(expect.arrayContaining(['user.manage', 'user.read', 'department.manage']));
    expect(me.json().csrfToken).toBeNull();
    const perms = await t.app.inject({ method: 'GET', url: '/api/v1/auth/permissions', headers: s.bearer });
    expect(perms.json().permissions).toMatchObject({ 'user.manage': ['admin'], 'department.read': expect.arrayContaining(['handler']) });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/permissions' })).statusCode).toBe(401);
    const viaCookie = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.cookieOnly });
    expect(viaCookie.json().csrfToken).toBe(s.csrfToken);
  });

  it('without credentials, or with a bad token → 401', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer not-a-real-session-token-xxxxxxxxxxxxx' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('auth.unauthenticated');
  });

  it('cookie-authenticated writes need the CSRF header; bearer writes do not', async () => {
    const s = await loginAs(t.app, admin);
    const payload = { nameZh: '改名', nameEn: 'Renamed' };
    const dept = await t.ctx.db.insertInto('departments').values({ id: '00000000-0000-4000-8000-000000000001', jurisdiction_id: j, path: '/00000000-0000-4000-8000-000000000001/', code: 'csrf-test', kind: 'functional', name_zh: '测试', name_en: 'Test' }).returning('id').executeTakeFirstOrThrow();
    const url = `/api/v1/departments/${dept.id}`;
    const missing = await t.app.inject({ method: 'PATCH', url, payload, headers: s.cookieOnly });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('auth.csrf');
    const wrong = await t.app.inject({ method: 'PATCH', url, payload, headers: { ...s.cookieOnly, 'x-csrf-token': `${s.csrfToken.slice(0, -2)}xx` } });
    expect(wrong.json().code).toBe('auth.csrf');
    const other = await loginAs(t.app, admin);
    const foreign = await t.app.inject({ method: 'PATCH', url, payload, headers: { ...s.cookieOnly, 'x-csrf-token': other.csrfToken } });
    expect(foreign.json().code).toBe('auth.csrf');
    expect((await t.app.inject({ method: 'PATCH', url, payload, headers: s.cookie })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'PATCH', url, payload: { nameZh: '再改' }, headers: s.bearer })).statusCode).toBe(200);
    // Reads need no CSRF token.
    expect((await t.app.inject({ method: 'GET', url, headers: s.cookieOnly })).statusCode).toBe(200);
  });

  it('concurrent requests share the session lookup, and each gets its own principal or 401', async () => {
    const users = await Promise.all(['甲', '乙', '丙'].map((n, i) => makeUser(t.ctx.db, { jurisdictionId: j, username: `batch-${i}`, displayName: n, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] })));
    const live = await Promise.all(users.map((u) => loginAs(t.app, u)));
    const ended = await loginAs(t.app, users[0]!);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: ended.cookie })).statusCode).toBe(204);
    const unknown = { authorization: 'Bearer unknown-session-token-xxxxxxxxxxxxxxxx' };
    const cases = Array.from({ length: 40 }, (_, i) =>
      i % 5 === 3 ? { headers: ended.bearer, expect: null } : i % 5 === 4 ? { headers: unknown, expect: null } : { headers: live[i % 5]!.bearer, expect: users[i % 5]!.username },
    );
    const lookups = sessionReader(t.ctx.db);
    const before = { ...lookups.stats };
    const answers = await Promise.all(cases.map((c) => t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: c.headers })));
    answers.forEach((res, i) => {
      const want = cases[i]!.expect;
      expect(res.statusCode).toBe(want === null ? 401 : 200);
      if (want !== null) expect(res.json().user.username).toBe(want);
    });
    expect(lookups.stats.operations - before.operations).toBe(cases.length);
    // On PostgreSQL lookups that arrive while one is in flight share the next statement.
    if (process.env.TEST_DATABASE_URL) expect(lookups.stats.statements - before.statements).toBeLessThan(cases.length);
  });

  it('logout ends the session and clears the cookies', async () => {
    const s = await loginAs(t.app, admin);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.cookie });
    expect(out.statusCode).toBe(204);
    const cleared = (out.cookies as { name: string; value: string }[]).filter((c) => c.name === 'cg_session');
    expect(cleared[0]?.value).toBe('');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.bearer })).statusCode).toBe(401);
    expect(await auditActions(admin.id)).toContain('auth.logout');
  });

  it('expires at the absolute TTL and after the idle timeout', async () => {
    const a = await loginAs(t.app, admin);
    const b = await loginAs(t.app, admin);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: a.bearer })).statusCode).toBe(200);
    await t.ctx.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('id_hash', '=', sha256(a.token)).execute();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: a.bearer })).statusCode).toBe(401);
    await t.ctx.db.updateTable('sessions').set({ last_seen_at: new Date(Date.now() - 3 * 3600_000) }).where('id_hash', '=', sha256(b.token)).execute();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: b.bearer })).statusCode).toBe(401);
  });
});

describe('POST /auth/password', () => {
  it('changes the password, keeps this session and ends the others', async () => {
    const u = await makeUser(t.ctx.db, { jurisdictionId: j, username: 'changer', grants: [{ role: 'analyst', scope: { kind: 'jurisdiction' } }] });
    const mine = await loginAs(t.app, u);
    const elsewhere = await loginAs(t.app, u);
    const url = '/api/v1/auth/password';
    const wrongCurrent = await t.app.inject({ method: 'POST', url, payload: { currentPassword: 'nope-nope', newPassword: 'Brand-New-Pass-1' }, headers: mine.cookie });
    expect(wrongCurrent.statusCode).toBe(400);
    expect(wrongCurrent.json().code).toBe('auth.current_password_wrong');
    const short = await t.app.inject({ method: 'POST', url, payload: { currentPassword: TEST_PASSWORD, newPassword: 'short' }, headers: mine.cookie });
    expect(short.json().code).toBe('auth.password_too_short');
    const same = await t.app.inject({ method: 'POST', url, payload: { currentPassword: TEST_PASSWORD, newPassword: 'CHANGER' }, headers: mine.cookie });
    expect(same.json().code).toBe('auth.password_too_short');
    const asName = await t.app.inject({ method: 'POST', url, payload: { currentPassword: TEST_PASSWORD, newPassword: 'Changer' }, headers: mine.cookie });
    expect(asName.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url, payload: { currentPassword: TEST_PASSWORD, newPassword: 'Brand-New-Pass-1' }, headers: mine.cookie });
    expect(ok.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: mine.bearer })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: elsewhere.bearer })).statusCode).toBe(401);
    expect((await login('changer', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login('changer', 'Brand-New-Pass-1')).statusCode).toBe(200);
    expect(await auditActions(u.id)).toContain('auth.password_change');
    const ev = await t.ctx.db.selectFrom('events').select('payload').where('name', '=', 'auth.password_changed').execute();
    expect(ev.some((e) => (e.payload as { userId: string }).userId === u.id)).toBe(true);
  });
});

describe('principal resolution for other modules', () => {
  it('reaches routes registered after identity, also inside child plugins, and guards their writes with CSRF', async () => {
    const later = {
      routes: async (app: FastifyInstance) => {
        app.get('/probe', { preHandler: requirePermission('user.read') }, async (request) => ({ who: principalOf(request).jurisdictionId }));
        await app.register(async (child) => {
          child.post('/child/probe', async (request) => ({ who: request.principal?.kind ?? null }));
        });
      },
    };
    const app = await buildApp(t.ctx, [createIdentityModule(t.ctx), later]);
    try {
      const s = await loginAs(app, admin);
      expect((await app.inject({ method: 'GET', url: '/api/v1/probe', headers: s.bearer })).json()).toEqual({ who: j });
      expect((await app.inject({ method: 'GET', url: '/api/v1/probe' })).statusCode).toBe(401);
      expect((await app.inject({ method: 'POST', url: '/api/v1/child/probe', headers: s.bearer })).json()).toEqual({ who: 'user' });
      expect((await app.inject({ method: 'POST', url: '/api/v1/child/probe', headers: s.cookieOnly })).json().code).toBe('auth.csrf');
      expect((await app.inject({ method: 'POST', url: '/api/v1/child/probe' })).json()).toEqual({ who: null });
    } finally {
      await app.close();
    }
  });

  it('refuses to guard a route with a permission no policy declares', () => {
    expect(() => requirePermission('nothing.declared')).toThrow(/no policy declares/);
  });
});
