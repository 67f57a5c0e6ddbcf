/**
 * Residents' notifications on WeChat (公众号 template messages) and e-mail besides SMS: the channel follows what the
 * resident gave on the public report, every message lands in the outbox with its channel and delivery state, a
 * failed delivery is retried by the job with backoff, a permanent refusal is not, and one event never sends twice.
 * The gateways are real local servers: an HTTP server speaking WeChat's token + message/template/send API, and an
 * SMTP server (smtp-server) on 127.0.0.1, port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobWorker } from '../src/modules/events/index.js';
import { createTestApp, type TestApp } from './app.js';
import { testStorageKind } from './db.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';

interface WeChatCall { path: string; query: URLSearchParams; body: Record<string, unknown> | null }

/** A stand-in for api.weixin.qq.com/cgi-bin: tokens, template sends, and scripted failures. */
class FakeWeChat {
  calls: WeChatCall[] = [];
  delivered: { touser: string; data: Record<string, { value: string }> }[] = [];
  /** Replies to the next template sends, in order (then success). */
  script: ({ status: number } | { errcode: number })[] = [];
  tokens = 0;
  server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
      this.calls.push({ path: url.pathname, query: url.searchParams, body });
      const json = (status: number, payload: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      if (url.pathname === '/cgi-bin/token') {
        if (url.searchParams.get('appid') !== 'wx-app' || url.searchParams.get('secret') !== 'wx-secret') return json(200, { errcode: 40013, errmsg: 'invalid appid' });
        this.tokens += 1;
        return json(200, { access_token: `token-${this.tokens}`, expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/template/send') {
        if (!url.searchParams.get('access_token')?.startsWith('token-')) return json(200, { errcode: 40001, errmsg: 'invalid credential' });
        const next = this.script.shift();
        if (next && 'status' in next) return json(next.status, { errmsg: 'busy' });
        if (next) return json(200, { errcode: next.errcode, errmsg: 'refused' });
        this.delivered.push(body as never);
        return json(200, { errcode: 0, errmsg: 'ok', msgid: 1000 + this.delivered.length });
      }
      return json(404, {});
    });
  });
}

let t: TestApp;
let j: string;
let admin: Session;
const wechat = new FakeWeChat();
const mails: { to: string[]; raw: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  onData(stream, session, callback) {
    let raw = '';
    stream.on('data', (c: Buffer) => (raw += c.toString()));
    stream.on('end', () => {
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
      callback();
    });
  },
});
let worker: JobWorker;

const listen = (server: { listen: (port: number, host: string, cb: () => void) => unknown }, address: () => AddressInfo | string | null) =>
  new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((address() as AddressInfo).port)));

beforeAll(async () => {
  const wechatPort = await listen(wechat.server, () => wechat.server.address());
  const smtpPort = await listen(smtp, () => smtp.server.address());
  t = await createTestApp({
    notifications: {
      wechat: { appId: 'wx-app', appSecret: 'wx-secret', templateId: 'tmpl-1', apiBase: `http://127.0.0.1:${wechatPort}/cgi-bin`, tokenUrl: `http://127.0.0.1:${wechatPort}/cgi-bin/token` },
      email: { host: '127.0.0.1', port: smtpPort, secure: false, auth: undefined, from: '12345@city.example' },
      maxAttempts: 3,
      timeoutMs: 5_000,
    },
  });
  j = (await makeJurisdiction(t.ctx.db)).id;
  admin = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] }));
  worker = new JobWorker({ db: t.ctx.db, handlers: t.ctx.handlers, log: pino({ level: 'silent' }), outbox: t.ctx.outbox, pollIntervalMs: 50, housekeeping: false });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => wechat.server.close(() => resolve()));
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

let ip = 0;
async function report(over: object): Promise<{ code: string }> {
  ip += 1;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/public/work-orders',
    payload: { jurisdictionId: j, requestType: 'complaint', title: '路灯不亮', description: '小区门口路灯三晚不亮', address: '人民路 1 号', ...over },
    remoteAddress: `10.20.0.${ip}`,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const messagesFor = (code: string) =>
  t.ctx.db.selectFrom('outbound_messages').selectAll().where('jurisdiction_id', '=', j).where('body', 'like', `%${code}%`).orderBy('created_at').execute();

/** Makes every pending delivery retry due now (instead of waiting out the backoff) and runs the worker. */
async function retryNow(): Promise<void> {
  await t.ctx.db.updateTable('jobs').set({ run_at: new Date() }).where('handler', '=', 'messages.deliver').where('status', '=', 'pending').execute();
  await worker.drain(10_000);
}

const OPENID = 'oWx_abcdefghijklmnop123';

describe(`notifications on WeChat and e-mail (${testStorageKind})`, () => {
  it('sends a WeChat template message to the openid the resident gave, once, and records it as sent', async () => {
    const { code } = await report({ channel: 'wechat', reporter: { name: '王五', phone: '13912345678' }, contact: { wechatOpenId: OPENID } });
    await worker.drain(10_000);
    await worker.drain(10_000);
    const rows = await messagesFor(code);
    expect(rows.map((r) => [r.channel, r.status, r.attempts])).toEqual([['wechat', 'sent', 1]]);
    expect(rows[0]!.recipient_masked).toBe('oWx_****p123');
    expect(rows[0]!.recipient_enc).not.toContain(OPENID);
    const sent = wechat.delivered.filter((d) => JSON.stringify(d).includes(code));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ touser: OPENID, template_id: 'tmpl-1' });
    expect(sent[0]!.data.remark!.value).toContain(code);
    expect(rows[0]!.provider_ref).toMatch(/^\d+$/);
    // Running the notification job of that event again records and sends nothing more.
    const event = await t.ctx.db.selectFrom('events').select('id').where('name', '=', 'work_order.created').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('jobs').set({ status: 'pending', attempts: 0, run_at: new Date(), finished_at: null }).where('event_id', '=', event.id).where('handler', '=', 'work_orders.notify-created').execute();
    await worker.drain(10_000);
    expect(await messagesFor(code)).toHaveLength(1);
    expect(wechat.delivered.filter((d) => JSON.stringify(d).includes(code))).toHaveLength(1);
  });

  it('e-mails a resident who gave an address, and keeps SMS for one who gave only a phone', async () => {
    const byMail = await report({ reporter: { name: '李四', phone: '13800001111' }, contact: { email: 'li.si@example.org' } });
    const bySms = await report({ reporter: { name: '赵六', phone: '13800002222' } });
    await worker.drain(10_000);
    expect((await messagesFor(byMail.code)).map((r) => [r.channel, r.status, r.recipient_masked])).toEqual([['email', 'sent', 'l***@example.org']]);
    const mail = mails.find((m) => m.raw.includes('li.si@example.org'));
    expect(mail?.to).toEqual(['li.si@example.org']);
    expect(mail?.raw).toMatch(/From: 12345@city\.example/);
    // No SMS gateway is configured: the SMS is recorded (as before), not queued.
    expect((await messagesFor(bySms.code)).map((r) => [r.channel, r.status, r.recipient_masked])).toEqual([['sms', 'recorded', '138****2222']]);
  });

  it('retries a failed delivery with backoff until the gateway takes it, and sends it only once', async () => {
    wechat.script = [{ status: 503 }, { errcode: -1 }];
    const { code } = await report({ contact: { wechatOpenId: 'oWx_retry_0123456789' } });
    await worker.drain(10_000);
    let [row] = await messagesFor(code);
    expect(row).toMatchObject({ channel: 'wechat', status: 'queued', attempts: 1, last_error: 'wechat: HTTP 503' });
    // The retry waits out its backoff (at least 15 s): running the worker now does nothing.
    const next = await t.ctx.db.selectFrom('jobs').select(['run_at', 'dedupe_key']).where('handler', '=', 'messages.deliver').where('status', '=', 'pending').executeTakeFirstOrThrow();
    expect(next.dedupe_key).toBe(`${row!.id}#2`);
    expect(new Date(next.run_at).getTime()).toBeGreaterThan(Date.now() + 10_000);
    await worker.drain(10_000);
    expect((await messagesFor(code))[0]!.attempts).toBe(1);
    await retryNow();
    [row] = await messagesFor(code);
    expect(row).toMatchObject({ status: 'queued', attempts: 2, last_error: 'wechat errcode -1: refused' });
    await retryNow();
    [row] = await messagesFor(code);
    expect(row).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(wechat.delivered.filter((d) => d.touser === 'oWx_retry_0123456789')).toHaveLength(1);
    await retryNow();
    expect(wechat.delivered.filter((d) => d.touser === 'oWx_retry_0123456789')).toHaveLength(1);
  });

  it('gives up after the last attempt, and at once on a permanent refusal (an unknown openid)', async () => {
    wechat.script = [{ status: 500 }, { status: 500 }, { status: 500 }];
    const down = await report({ contact: { wechatOpenId: 'oWx_down_0123456789' } });
    await worker.drain(10_000);
    await retryNow();
    await retryNow();
    expect((await messagesFor(down.code)).map((r) => [r.status, r.attempts])).toEqual([['failed', 3]]);
    expect(await t.ctx.db.selectFrom('jobs').select('id').where('handler', '=', 'messages.deliver').where('status', '=', 'pending').execute()).toEqual([]);
    wechat.script = [{ errcode: 40003 }];
    const unknown = await report({ contact: { wechatOpenId: 'oWx_nobody_0123456789' } });
    await worker.drain(10_000);
    expect((await messagesFor(unknown.code)).map((r) => [r.status, r.attempts, r.last_error])).toEqual([['failed', 1, 'wechat errcode 40003: refused']]);
  });

  it('fetches a new access token when the cached one is refused', async () => {
    const before = wechat.tokens;
    wechat.script = [{ errcode: 42001 }];
    const { code } = await report({ contact: { wechatOpenId: 'oWx_token_0123456789' } });
    await worker.drain(10_000);
    expect((await messagesFor(code)).map((r) => [r.status, r.attempts])).toEqual([['sent', 1]]);
    expect(wechat.tokens).toBe(before + 1);
  });

  it('shows administrators the outbox with channel and delivery state, recipients masked, filtered', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/messages?channel=wechat&status=failed', headers: admin.bearer });
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { channel: string; status: string; attempts: number; lastError: string | null; recipient: string }[];
    expect(items.length).toBe(2);
    expect(items.every((m) => m.channel === 'wechat' && m.status === 'failed' && m.attempts >= 1 && m.lastError)).toBe(true);
    expect(JSON.stringify(items)).not.toContain('oWx_nobody_0123456789');
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/messages?channel=fax', headers: admin.bearer });
    expect(bad.statusCode).toBe(400);
  });

  it('refuses a malformed openid or e-mail address with field errors', async () => {
    for (const contact of [{ wechatOpenId: 'short' }, { email: 'not-an-address' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/public/work-orders', payload: { jurisdictionId: j, requestType: 'complaint', title: 't', description: 'd', address: 'a', contact }, remoteAddress: '10.21.0.1' });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('request.invalid');
      expect(JSON.stringify(res.json().details)).toContain('contact');
    }
  });
});
