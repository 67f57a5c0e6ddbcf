/**
 * A database outage survived without a restart (PRODUCT.md, reliability): a server process runs against PostgreSQL
 * through a TCP proxy that the test can take down (connections cut and refused, as when PostgreSQL restarts) or turn
 * into a black hole (connections accepted and never answered, as when the network drops packets). Meanwhile requests
 * get 503 `db.unavailable` in the caller's language with a Retry-After — not a 500, and never a hang —, /readyz says
 * not ready, and nothing already accepted is lost; afterwards the same process serves again, a create retried with its
 * Idempotency-Key is stored once, and the background audit chainer links what was written before and after.
 *
 * PostgreSQL only (TEST_DATABASE_URL): the embedded database has no connection to lose.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../src/modules/audit/index.js';
import { startServer, type RunningServer } from '../src/server.js';
import { testConfig } from './app.js';
import { adminQuery } from './db.js';
import { loginAs, makeJurisdiction, makeUser, type Session } from './factories.js';
import { ensurePostgresTemplate, withDatabase } from './template.js';

const url = process.env.TEST_DATABASE_URL;

/** A TCP proxy to PostgreSQL with three states: up, down (cut and refused) and black hole (accepted, never answered). */
class DatabaseProxy {
  readonly #target: URL;
  readonly #sockets = new Set<net.Socket>();
  #server: net.Server | null = null;
  #blackHole = false;
  port = 0;

  constructor(target: string) {
    this.#target = new URL(target);
  }

  async up(): Promise<void> {
    this.#blackHole = false;
    if (this.#server) return;
    const server = net.createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: this.port }, () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** PostgreSQL goes away: every connection is cut and new ones are refused. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    this.#cutAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The network drops everything: open connections are cut, new ones are accepted and never answered. */
  blackHole(): void {
    this.#blackHole = true;
    this.#cutAll();
  }

  #cutAll(): void {
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
  }

  #accept(client: net.Socket): void {
    this.#track(client);
    if (this.#blackHole) return;
    const upstream = net.connect({ host: this.#target.hostname, port: Number(this.#target.port || 5432) });
    this.#track(upstream);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
  }

  #track(socket: net.Socket): void {
    this.#sockets.add(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
  }
}

describe.skipIf(!url)('a database outage (PostgreSQL)', () => {
  const dbName = `civicgrid_outage_${randomBytes(6).toString('hex')}`;
  const proxy = new DatabaseProxy(url ?? 'postgres://127.0.0.1:5432/postgres');
  let server: RunningServer;
  let agent: Session;
  let jurisdictionId: string;

  const create = (title: string, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: '/api/v1/work-orders',
      headers: { ...agent.bearer, ...headers },
      payload: { requestType: 'complaint', title, description: `${title}，请尽快处理。`, reporter: { name: '王五', phone: '13900001111' } },
    });

  beforeAll(async () => {
    await adminQuery(url!, `CREATE DATABASE "${dbName}" TEMPLATE "${await ensurePostgresTemplate(url!)}"`);
    await proxy.up();
    const proxied = new URL(withDatabase(url!, dbName));
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    server = await startServer(testConfig({ databaseUrl: proxied.toString(), storageKind: 'postgres', host: '127.0.0.1', port: 0, workerEnabled: true, dbConnectTimeoutMs: 1000 }));
    jurisdictionId = (await makeJurisdiction(server.ctx.db)).id;
    const user = await makeUser(server.ctx.db, { jurisdictionId, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] });
    agent = await loginAs(server.app, user);
  });

  afterAll(async () => {
    await proxy.up();
    await server?.stop();
    await proxy.down();
    await adminQuery(url!, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  });

  it('answers 503 while PostgreSQL is down, and the same process serves again when it is back', async () => {
    const before = await create('停电前的工单');
    expect(before.statusCode, before.body).toBe(201);

    await proxy.down();
    const during = await create('停电时的工单', { 'idempotency-key': 'outage-create-1' });
    expect(during.statusCode).toBe(503);
    expect(during.headers['retry-after']).toBe('5');
    expect(during.json()).toMatchObject({ code: 'db.unavailable', message: expect.stringContaining('数据库') });
    const english = await server.app.inject({ method: 'GET', url: '/api/v1/work-orders', headers: { ...agent.bearer, 'accept-language': 'en' } });
    expect(english.statusCode).toBe(503);
    expect(english.json()).toMatchObject({ code: 'db.unavailable', message: expect.stringContaining('database') });
    const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ database: 'unreachable', status: 'not_ready' });

    await proxy.up();
    // The retry with the same key creates the order once; a second retry replays it.
    const retried = await create('停电时的工单', { 'idempotency-key': 'outage-create-1' });
    expect(retried.statusCode).toBe(201);
    const replayed = await create('停电时的工单', { 'idempotency-key': 'outage-create-1' });
    expect(replayed.statusCode).toBe(201);
    expect(replayed.json().id).toBe(retried.json().id);

    const list = await server.app.inject({ method: 'GET', url: '/api/v1/work-orders?limit=50', headers: agent.bearer });
    expect(list.statusCode).toBe(200);
    const titles = (list.json() as { items: { title: string }[] }).items.map((o) => o.title).sort();
    expect(titles).toEqual(['停电前的工单', '停电时的工单']);
    expect((await server.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);

    // The background chainer, whose passes failed during the outage, links what was written before and after it.
    const unchained = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL`.execute(server.ctx.db)).rows[0]!.n;
    for (let i = 0; i < 100 && (await unchained()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await unchained()).toBe(0);
    expect(await verifyAuditLog(server.ctx.db, { chainPending: false })).toMatchObject({ ok: true });
  });

  // Bounded by the connect timeout (1 s here), not by TCP's minutes-long retries: without it the request hangs and
  // the test's own timeout fails it.
  it('answers 503 after the connect timeout when the network drops everything, instead of hanging', { timeout: 20_000 }, async () => {
    proxy.blackHole();
    // The pool notices its cut connections (their sockets close) and drops them: the request needs a new one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const during = await create('断网时的工单');
    expect(during.statusCode).toBe(503);
    expect(during.json()).toMatchObject({ code: 'db.unavailable' });

    await proxy.up();
    const after = await create('恢复后的工单');
    expect(after.statusCode).toBe(201);
  });
});
