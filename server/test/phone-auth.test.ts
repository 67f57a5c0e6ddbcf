/** Residents sign in with a mobile number and a one-time code; admins read the (masked) outbound messages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { PRUNE_PHONE_CODES } from '../src/modules/identity/index.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser, type MadeUser } from './factories.js';

let t: TestApp;
let j: string;
let admin: MadeUser;

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db)).id;
  admin = await makeUser(t.ctx.db, { jurisdictionId: j, username: 'phone-admin', grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
});
afterAll(async () => {
  await t?.close();
});

let ip = 1;
const freshIp = () => `198.51.100.${ip++}`;
let seq = 0;
/** A fresh valid mainland number per test: 139 + 8 digits. */
const freshPhone = () => `139${String(10_000_000 + seq++ * 7919).slice(-8)}`;

function requestCode(phone: string, remoteAddress = freshIp(), jurisdiction: string | undefined = j) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/phone/code', payload: { phone, jurisdiction }, remoteAddress, headers: { 'accept-language': 'en' } });
}
function phoneLogin(phone: string, code: string, remoteAddress = freshIp()) {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/phone/login', payload: { phone, code, jurisdiction: j }, remoteAddress, headers: { 'accept-language': 'en' } });
}

/** The newest code sent to a number, read from the outbox the way a test (or an SMS gateway) would. */
async function sentCode(phone: string): Promise<string> {
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  const row = await t.ctx.db.selectFrom('outbound_messages').select('body').where('recipient_masked', '=', masked).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  return /\d{6}/.exec(row.body)![0];
}
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** Lets the next code be requested without waiting the minute (backdates the previous one). */
async function allowResend(): Promise<void> {
  await t.ctx.db.updateTable('phone_codes').set({ created_at: new Date(Date.now() - 120_000) }).execute();
}

async function auditFor(action: string) {
  return t.ctx.db.selectFrom('audit_log').select(['action', 'details', 'object_id', 'actor_kind']).where('action', '=', action).orderBy('id').execute();
}

describe('POST /auth/phone/code', () => {
  it('issues a code: recorded in the outbox (masked, encrypted recipient), stored only as an HMAC, audited', async () => {
    const phone = freshPhone();
    const res = await requestCode(`+86${phone}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sent: true, expiresInSeconds: 300, resendAfterSeconds: 60 });
    const code = await sentCode(phone);
    expect(code).toMatch(/^\d{6}$/);
    const msg = await t.ctx.db.selectFrom('outbound_messages').selectAll().where('recipient_masked', '=', `${phone.slice(0, 3)}****${phone.slice(-4)}`).executeTakeFirstOrThrow();
    expect(msg).toMatchObject({ channel: 'sms', status: 'recorded', purpose: 'phone_code', jurisdiction_id: j });
    expect(msg.recipient_enc).not.toContain(phone);
    const codes = await t.ctx.db.selectFrom('phone_codes').selectAll().execute();
    expect(JSON.stringify(codes)).not.toContain(code);
    expect(JSON.stringify(codes)).not.toContain(phone);
    const audit = await auditFor('auth.phone_code_sent');
    expect(JSON.stringify(audit)).not.toContain(phone);
    expect(JSON.stringify(audit)).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
  });

  it('answers the same for a number with and without an account', async () => {
    const known = freshPhone();
    await requestCode(known);
    expect((await phoneLogin(known, await sentCode(known))).statusCode).toBe(200);
    await allowResend();
    const a = await requestCode(known);
    const b = await requestCode(freshPhone());
    expect(a.statusCode).toBe(b.statusCode);
    expect(a.json()).toEqual(b.json());
  });

  it('refuses invalid numbers and unknown jurisdictions', async () => {
    for (const phone of ['12345678901', '1381234567', '2381234567x', '+1 555 0100']) {
      const res = await requestCode(phone);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('phone.invalid_number');
    }
    const res = await requestCode(freshPhone(), freshIp(), 'nowhere.gov.cn');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('phone.jurisdiction_unknown');
  });

  it('one code per number per minute: 429 with Retry-After', async () => {
    const phone = freshPhone();
    expect((await requestCode(phone)).statusCode).toBe(200);
    const again = await requestCode(phone);
    expect(again.statusCode).toBe(429);
    expect(again.json().code).toBe('phone.code_rate_limited');
    const retry = Number(again.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    // The wait in the body too (a browser's fetch reads it there), and that it is this number's: another is not held.
    expect(again.json().details).toEqual({ retryAfterSeconds: retry, scope: 'phone' });
    expect((await requestCode(freshPhone())).statusCode).toBe(200);
  });

  it('two racing requests for one number issue one code', async () => {
    const phone = freshPhone();
    const statuses = (await Promise.all([requestCode(phone), requestCode(phone), requestCode(phone)])).map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 429, 429]);
  });

  it('bounds the codes issued to one address', async () => {
    const addr = freshIp();
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await requestCode(freshPhone(), addr)).statusCode;
    expect(last).toBe(429);
    const res = await requestCode(freshPhone(), addr);
    expect(res.json().code).toBe('phone.rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json().details).toEqual({ retryAfterSeconds: Number(res.headers['retry-after']), scope: 'client' });
  });
});

describe('POST /auth/phone/login', () => {
  it('creates the resident once (encrypted phone, resident/self), signs in like password login, reuses the user', async () => {
    const phone = freshPhone();
    await requestCode(phone);
    const res = await phoneLogin(phone, await sentCode(phone));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.phone).toBe(`****${phone.slice(-4)}`);
    expect(body.user).toMatchObject({ jurisdictionId: j, displayName: `居民 ****${phone.slice(-4)}`, grants: [{ role: 'resident', scope: { kind: 'self' } }] });
    expect(body.user.username).toMatch(/^r[0-9a-f]{10}$/);
    expect(res.body).not.toContain(phone);
    const cookies = res.cookies as { name: string; value: string; httpOnly?: boolean }[];
    expect(cookies.find((c) => c.name === 'cg_session')).toMatchObject({ value: body.accessToken, httpOnly: true });
    expect(cookies.find((c) => c.name === 'cg_csrf')?.value).toBe(body.csrfToken);

    // The session works: /auth/me and the masked phone.
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(me.json().user.id).toBe(body.user.id);
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/auth/phone', headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(mine.json()).toEqual({ phone: `****${phone.slice(-4)}` });
    // Cookie session with CSRF: sign out.
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: `cg_session=${body.accessToken}; cg_csrf=${body.csrfToken}`, 'x-csrf-token': body.csrfToken } });
    expect(out.statusCode).toBe(204);

    // The phone is never stored in plain text, anywhere in the identity tables.
    const stored = await t.ctx.db.selectFrom('user_phones').selectAll().where('user_id', '=', body.user.id).executeTakeFirstOrThrow();
    expect(stored.phone_last4).toBe(phone.slice(-4));
    expect(JSON.stringify(stored)).not.toContain(phone);
    const users = await t.ctx.db.selectFrom('users').selectAll().execute();
    expect(JSON.stringify(users)).not.toContain(phone);
    const auditRows = await t.ctx.db.selectFrom('audit_log').select('details').execute();
    expect(JSON.stringify(auditRows)).not.toContain(phone);
    const messages = await t.ctx.db.selectFrom('outbound_messages').select(['recipient_enc', 'recipient_masked', 'body']).execute();
    expect(JSON.stringify(messages)).not.toContain(phone);

    // A code cannot be used twice.
    const code = await sentCode(phone);
    expect((await phoneLogin(phone, code)).statusCode).toBe(401);

    // Second sign-in: same user, no second account.
    await allowResend();
    await requestCode(phone);
    const again = await phoneLogin(phone, await sentCode(phone));
    expect(again.statusCode).toBe(200);
    expect(again.json().user.id).toBe(body.user.id);
    const count = await t.ctx.db.selectFrom('user_phones').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', body.user.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);

    // Audited: account creation once, two phone sign-ins.
    const created = (await auditFor('user.create')).filter((a) => a.object_id === body.user.id);
    expect(created).toHaveLength(1);
    expect(created[0]!.details).toMatchObject({ via: 'phone', phone: `${phone.slice(0, 3)}****${phone.slice(-4)}` });
    const logins = (await auditFor('auth.login')).filter((a) => a.object_id === body.user.id);
    expect(logins).toHaveLength(2);
    expect(logins[0]!.details).toMatchObject({ method: 'phone' });

    // The resident cannot sign in with a password.
    const pw = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: body.user.username, password: '!phone-sign-in-only' }, remoteAddress: freshIp() });
    expect(pw.statusCode).toBe(401);
  });

  it('a wrong code is a generic 401, counted; after 5 attempts even the right code fails', async () => {
    const phone = freshPhone();
    await requestCode(phone);
    const code = await sentCode(phone);
    const first = await phoneLogin(phone, wrong(code));
    expect(first.statusCode).toBe(401);
    expect(first.json().code).toBe('phone.invalid_code');
    for (let i = 0; i < 4; i++) expect((await phoneLogin(phone, wrong(code))).statusCode).toBe(401);
    const row = await t.ctx.db.selectFrom('phone_codes').select('attempts').where('consumed_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(row.attempts).toBe(5);
    const exhausted = await phoneLogin(phone, code);
    expect(exhausted.statusCode).toBe(401);
    expect(exhausted.json().code).toBe('phone.invalid_code');
    const reasons = (await auditFor('auth.login_failed')).map((a) => (a.details as { reason?: string }).reason);
    expect(reasons).toContain('wrong_code');
    expect(reasons).toContain('attempts_exhausted');
  });

  it('an expired code fails with the same answer', async () => {
    const phone = freshPhone();
    await requestCode(phone);
    const code = await sentCode(phone);
    await t.ctx.db.updateTable('phone_codes').set({ expires_at: new Date(Date.now() - 1000) }).where('consumed_at', 'is', null).execute();
    const res = await phoneLogin(phone, code);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('phone.invalid_code');
    expect((await auditFor('auth.login_failed')).map((a) => (a.details as { reason?: string }).reason)).toContain('expired');
  });

  it('a number that never asked for a code, or a malformed one, gets the same 401', async () => {
    for (const [phone, code] of [[freshPhone(), '123456'], ['not-a-phone', '123456'], [freshPhone(), 'abc']] as const) {
      const res = await phoneLogin(phone, code);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('phone.invalid_code');
    }
  });

  it('a new code retires the previous one', async () => {
    const phone = freshPhone();
    await requestCode(phone);
    const old = await sentCode(phone);
    await allowResend();
    await requestCode(phone);
    const fresh = await sentCode(phone);
    if (old !== fresh) expect((await phoneLogin(phone, old)).statusCode).toBe(401);
    expect((await phoneLogin(phone, fresh)).statusCode).toBe(200);
  });
});

describe('pruning dead codes', () => {
  it('issuing a code schedules no pruning timer (the retention sweep prunes: retention.test.ts)', async () => {
    await requestCode(freshPhone());
    expect(await t.ctx.db.selectFrom('jobs').select('id').where('handler', '=', PRUNE_PHONE_CODES).execute()).toEqual([]);
  });
});

describe('GET /messages', () => {
  it('administrators read messages with the recipient masked and codes redacted; the read is audited', async () => {
    const phone = freshPhone();
    await requestCode(phone);
    const code = await sentCode(phone);
    const s = await loginAs(t.app, admin);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/messages?limit=200', headers: s.bearer });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { recipient: string; body: string; channel: string; purpose: string }[];
    const mine = items.find((m) => m.recipient === `${phone.slice(0, 3)}****${phone.slice(-4)}`)!;
    expect(mine).toMatchObject({ channel: 'sms', purpose: 'phone_code' });
    expect(mine.body).not.toContain(code);
    expect(res.body).not.toContain(phone);
    expect(items.every((m) => /^1\d{2}\*{4}\d{4}$/.test(m.recipient))).toBe(true);
    const reads = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', '=', 'message.read').execute();
    expect(reads.some((r) => r.actor_id === admin.id)).toBe(true);
  });

  it('is for administrators only', async () => {
    const resident = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'resident', scope: { kind: 'self' } }] });
    const s = await loginAs(t.app, resident);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/messages', headers: s.bearer })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/messages' })).statusCode).toBe(401);
  });

  it('only shows messages of the caller’s jurisdiction', async () => {
    const other = (await makeJurisdiction(t.ctx.db)).id;
    const phone = freshPhone();
    await requestCode(phone, freshIp(), other);
    const s = await loginAs(t.app, admin);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/messages?limit=200', headers: s.bearer });
    expect(res.body).not.toContain(`****${phone.slice(-4)}`);
    await sql`SELECT 1`.execute(t.ctx.db);
  });
});
