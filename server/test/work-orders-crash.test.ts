/**
 * kill -9 during a burst of creates: a real server process (bin/civicgrid.js serve, on PGlite in a temporary
 * DATA_DIR, or on PostgreSQL when TEST_DATABASE_URL is set) takes 200 creates, 16 in flight, each with its own
 * Idempotency-Key, and is SIGKILLed in the middle. A second process on the same data then answers the retries of
 * every request that got no answer. Afterwards: every order that got a 201 exists exactly once (by id and code),
 * each key has exactly one order, the daily ticket counter has no gap, ticket codes are unique, every order has its
 * timeline entry, audit entry, event and stored idempotent answer, and the audit chain verifies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedDataDir, openPglite, openPostgres, type Storage } from '../src/db/storage.js';
import { verifyAuditLog } from '../src/modules/audit/index.js';
import { testStorageKind } from './db.js';
import { makeJurisdiction, makeUser, type MadeUser } from './factories.js';
import { ensurePgliteTemplate, postgresTemplateName, withDatabase } from './template.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/civicgrid.js');
const SECRET_KEY = 'crash-secret-key-crash-secret-key-0123456789';
const TOTAL = 200;
const IN_FLIGHT = 16;
const KILL_AFTER = 60; // 201s seen before the SIGKILL

let dir: string;
let databaseUrl = '';
let dropDatabase: (() => Promise<void>) | undefined;
let jurisdictionId: string;
let agent: MadeUser;
const servers: ChildProcess[] = [];

function openData(): Promise<Storage> {
  return databaseUrl ? openPostgres(databaseUrl, { max: 2 }) : openPglite({ dataDir: embeddedDataDir(dir) });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cg-crash-'));
  let seed: Storage;
  if (testStorageKind === 'postgres') {
    const admin = process.env.TEST_DATABASE_URL!;
    const name = `civicgrid_test_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${postgresTemplateName()}"`);
    await client.end();
    databaseUrl = withDatabase(admin, name);
    dropDatabase = async () => {
      const again = new pg.Client({ connectionString: admin });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await again.end();
    };
    seed = await openData();
  } else {
    seed = await openPglite({ dataDir: embeddedDataDir(dir), loadDataDir: new Blob([readFileSync(await ensurePgliteTemplate())]) });
  }
  try {
    jurisdictionId = (await makeJurisdiction(seed.db, { nameZh: '崩溃市' })).id;
    agent = await makeUser(seed.db, { jurisdictionId, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] });
    await seed.db
      .insertInto('work_order_categories')
      .values([
        { jurisdiction_id: jurisdictionId, code: 'utilities', parent_code: null, kind: 'hotline', name_zh: '水电气暖', source: 'standard' },
        { jurisdiction_id: jurisdictionId, code: 'utilities.water', parent_code: 'utilities', kind: 'hotline', name_zh: '供水', source: 'standard' },
      ])
      .execute();
  } finally {
    await seed.close();
  }
});

afterAll(async () => {
  for (const s of servers) {
    if (s.exitCode === null && s.signalCode === null) {
      s.kill('SIGKILL');
      await once(s, 'exit');
    }
  }
  await dropDatabase?.();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `civicgrid serve` on the test's data and resolves with its URL once it listens. */
async function startServer(): Promise<{ proc: ChildProcess; url: string; log: () => string; exited: Promise<[number | null, NodeJS.Signals | null]> }> {
  const proc = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, DATA_DIR: dir, DATABASE_URL: databaseUrl, SECRET_KEY, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(proc);
  const exited = once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let log = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (log += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log}`)), 90_000);
    proc.on('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening: ${log}`)));
    proc.stderr!.setEncoding('utf8').on('data', (c: string) => {
      log += c;
      const m = /listening on (http:\/\/\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
  return { proc, url, log: () => log, exited };
}

async function signIn(url: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: agent.username, password: agent.password }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return { authorization: `Bearer ${((await res.json()) as { accessToken: string }).accessToken}` };
}

const bodyOf = (i: number) => ({
  requestType: 'complaint',
  categoryCode: 'utilities.water',
  title: `爆发测试 ${i}`,
  description: `第 ${i} 号来电：小区停水两天，无人处理`,
  address: `测试路 ${i} 号`,
  reporter: { name: '王五', phone: `1380013${String(i).padStart(4, '0')}` },
});
const keyOf = (run: string, i: number) => `crash-${run}-${String(i).padStart(4, '0')}`;

interface Answer {
  status: number;
  id: string;
  code: string;
  replayed: boolean;
}

/** One create; null when the connection died before a whole answer arrived. */
async function create(url: string, auth: Record<string, string>, run: string, i: number): Promise<Answer | null> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${url}/api/v1/work-orders`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': keyOf(run, i) },
      body: JSON.stringify(bodyOf(i)),
    });
    text = await res.text();
  } catch {
    return null;
  }
  expect(res.status, text).toBe(201);
  const body = JSON.parse(text) as { order: { id: string; code: string } };
  return { status: res.status, id: body.order.id, code: body.order.code, replayed: res.headers.get('idempotent-replayed') === 'true' };
}

describe(`kill -9 during a burst of creates (${testStorageKind})`, () => {
  it('loses no answered order, stores none twice, and retries with the same key give exactly one order each', async () => {
    const run = randomBytes(4).toString('hex');
    const first = await startServer();
    const auth = await signIn(first.url);

    // The burst: TOTAL creates, IN_FLIGHT at a time; SIGKILL as soon as KILL_AFTER of them have been answered.
    const answered = new Map<number, Answer>();
    let next = 0;
    let killed = false;
    const cutOff = new Set<number>(); // sent, but the connection died with the process: no answer
    const worker = async () => {
      while (!killed && next < TOTAL) {
        const i = next++;
        const a = await create(first.url, auth, run, i);
        if (a === null) {
          expect(killed, 'a request failed before the kill').toBe(true);
          cutOff.add(i);
          continue;
        }
        answered.set(i, a);
        if (answered.size >= KILL_AFTER && !killed) {
          killed = true;
          first.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const [, signal] = await first.exited;
    expect(signal).toBe('SIGKILL');
    expect(killed).toBe(true);
    // The kill really happened mid-burst: requests were in flight, and others were never sent.
    expect(cutOff.size).toBeGreaterThan(0);
    expect(answered.size).toBeLessThan(TOTAL);
    const unanswered = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !answered.has(i));

    // Restart on the same data; retry every request that got no answer, with its own key and body.
    const second = await startServer();
    const auth2 = await signIn(second.url);
    const retried = new Map<number, Answer>();
    const queue = [...unanswered];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const a = await create(second.url, auth2, run, i);
          expect(a, `retry ${i}`).not.toBeNull();
          retried.set(i, a!);
        }
      }),
    );
    expect(retried.size).toBe(unanswered.length);
    // Only a request that was cut off can have committed unanswered; its retry replays that order (a request never
    // sent is created now).
    for (const [i, a] of retried) if (a.replayed) expect(cutOff.has(i), `retry ${i} replayed`).toBe(true);
    // A retry of an answered request replays the same order.
    for (const i of [...answered.keys()].slice(0, 10)) {
      const again = await create(second.url, auth2, run, i);
      expect(again).toEqual({ ...answered.get(i)!, replayed: true });
    }
    second.proc.kill('SIGTERM');
    const [code] = await second.exited;
    expect(code, second.log()).toBe(0);
    const storage = await openData();
    try {
      const db = storage.db;
      const orders = await db.selectFrom('work_orders').select(['id', 'code', 'title']).where('jurisdiction_id', '=', jurisdictionId).execute();
      // Exactly one order per request (key): none lost, none twice.
      expect(orders).toHaveLength(TOTAL);
      const byTitle = new Map(orders.map((o) => [o.title, o]));
      expect(byTitle.size).toBe(TOTAL);
      expect(new Set(orders.map((o) => o.code)).size).toBe(TOTAL);
      expect(new Set(orders.map((o) => o.id)).size).toBe(TOTAL);
      // Every answer (before the crash or after it) names the order stored for that request, by id and by code.
      for (const [i, a] of [...answered, ...retried]) {
        const o = byTitle.get(`爆发测试 ${i}`);
        expect(o, `request ${i}`).toBeDefined();
        expect({ id: o!.id, code: o!.code }).toEqual({ id: a.id, code: a.code });
      }

      // Numbers are taken before a create's transaction (the counter row is not held to COMMIT): a create killed
      // in flight leaves its number unused, so the day may have gaps — at most one per request cut off by the kill.
      const counters = await db.selectFrom('work_order_code_counters').select('last_seq').where('jurisdiction_id', '=', jurisdictionId).execute();
      const issued = counters.reduce((n, c) => n + c.last_seq, 0);
      expect(issued).toBeGreaterThanOrEqual(TOTAL);
      expect(issued - TOTAL).toBeLessThanOrEqual(cutOff.size);

      const ids = orders.map((o) => o.id);
      const timeline = await db.selectFrom('work_order_timeline').select('work_order_id').where('work_order_id', 'in', ids).where('action', '=', 'create').execute();
      expect(timeline).toHaveLength(TOTAL);
      expect(new Set(timeline.map((t) => t.work_order_id)).size).toBe(TOTAL);
      const audit = await db.selectFrom('audit_log').select('object_id').where('action', '=', 'work_order.create').where('jurisdiction_id', '=', jurisdictionId).execute();
      expect(audit).toHaveLength(TOTAL);
      expect(new Set(audit.map((a) => a.object_id))).toEqual(new Set(ids));
      const events = await sql<{ id: string }>`SELECT payload->>'workOrderId' AS id FROM events WHERE name = 'work_order.created' AND jurisdiction_id = ${jurisdictionId}`.execute(db);
      expect(events.rows).toHaveLength(TOTAL);
      expect(new Set(events.rows.map((e) => e.id))).toEqual(new Set(ids));
      const keys = await sql<{ key: string; status: number; id: string }>`
        SELECT key, status, response::json->>'id' AS id FROM idempotency_keys WHERE scope = ${`user:${agent.id}`} AND key LIKE ${`crash-${run}-%`}`.execute(db);
      expect(keys.rows).toHaveLength(TOTAL);
      for (const k of keys.rows) {
        expect(k.status).toBe(201);
        expect(k.id).toBe(byTitle.get(`爆发测试 ${Number(k.key.slice(-4))}`)!.id);
      }

      const verified = await verifyAuditLog(db);
      expect(verified).toMatchObject({ ok: true });
    } finally {
      await storage.close();
    }
  }, 240_000);
});
