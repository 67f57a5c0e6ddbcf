/**
 * open311: issue 7's speed figures, through HTTP on 127.0.0.1 (keep-alive) against the full app.
 *  (a) GET requests p95 — `GET /open311/v2/requests.json` and `.xml` without filters (the spec's default: the last
 *      90 days, at most 1,000 records) with 1M orders in the database (bulk-loaded by the work-orders bench's
 *      generate_series loader: a year of history, 25% component/event reports, which Open311 lists);
 *  (b) POST throughput — form-encoded Open311 POST requests (API key, FixMyStreet-style fields) against the
 *      work-order API (POST /api/v1/work-orders as an agent, JSON), same count, concurrency and kind of order, same run.
 * Quick mode (BENCH_OPEN311_QUICK=1): 20,000 orders and fewer requests, for a run while working.
 */
import type { Server } from 'node:http';
import os from 'node:os';
import { sql } from 'kysely';
import type { AppContext } from '../src/app-context.js';
import { buildApp } from '../src/http/app.js';
import { startAuditChainer } from '../src/modules/audit/index.js';
import { createApiKey } from '../src/modules/identity/index.js';
import { createModules } from '../src/modules/registry.js';
import { runLoad, type LoadResult } from './load.js';
import { benchJurisdiction, bulkLoad } from './work-orders.js';

const QUICK = process.env.BENCH_OPEN311_QUICK === '1';
const ORDERS = Number(process.env.BENCH_OPEN311_ORDERS ?? (QUICK ? 20_000 : 1_000_000));
const GETS = Number(process.env.BENCH_OPEN311_GETS ?? (QUICK ? 30 : 200));
const GET_CONCURRENCY = 2;
const POSTS = Number(process.env.BENCH_OPEN311_POSTS ?? (QUICK ? 300 : 2000));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = QUICK ? 30 : 100;
const J = 'bench-o311.example';
const SERVICE = 'event.01';

interface GetStep extends LoadResult {
  /** Records in one answer (the default page: at most 1,000). */
  records: number;
  bytes: number;
}

export interface Open311BenchResult {
  figures: {
    orders: number;
    loadSeconds: number;
    /** Orders Open311 lists in the default window (last 90 days, component/event/open311). */
    visibleInWindow: number;
    getJson: GetStep;
    getXml: GetStep;
    postOpen311: LoadResult;
    postWorkOrders: LoadResult;
    /** Open311 form POSTs per second ÷ work-order API POSTs per second. */
    ratio: number;
  };
  notes: string[];
}

const description = (i: number) => `路边垃圾堆积 ${i}，影响通行`;

/** A FixMyStreet-style form: key, jurisdiction, service, address, reporter, a photo link. */
const formBody = (key: string) => (i: number) =>
  new URLSearchParams({
    api_key: key,
    jurisdiction_id: J,
    service_code: SERVICE,
    address_string: `基准路 ${i % 997} 号`,
    description: description(i),
    first_name: '四',
    last_name: '李',
    phone: `1390000${String(i % 10_000).padStart(4, '0')}`,
    media_url: `https://photos.example.com/${i}.jpg`,
  }).toString();

/** The same order through the work-order API. */
const jsonBody = (i: number) =>
  JSON.stringify({
    requestType: 'event',
    categoryCode: SERVICE,
    title: description(i).slice(0, 20),
    description: description(i),
    address: `基准路 ${i % 997} 号`,
    urgency: 'normal',
    reporter: { name: '李四', phone: `1390000${String(i % 10_000).padStart(4, '0')}` },
  });

export async function open311Bench(ctx: AppContext): Promise<Open311BenchResult> {
  const loadBefore = os.loadavg()[0]!;
  const password = 'bench-password-1';
  const agent = await benchJurisdiction(ctx, J, password);
  await sql`INSERT INTO work_order_categories (jurisdiction_id, code, parent_code, kind, name_zh, source)
            VALUES (${J}, 'event', NULL, 'event', '事件', 'standard'), (${J}, ${SERVICE}, 'event', 'event', '市容环境', 'standard')
            ON CONFLICT DO NOTHING`.execute(ctx.db);
  const system = { kind: 'system' as const, id: null, name: 'bench', jurisdictionId: J };
  const key = (await createApiKey(ctx, { jurisdictionId: J, name: 'bench-open311', scopes: ['open311.*'] }, system)).key;

  const started = process.hrtime.bigint();
  const have = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM work_orders WHERE jurisdiction_id = ${J}`.execute(ctx.db)).rows[0]!.n);
  for (let start = have + 1; start <= ORDERS; start += 100_000) await bulkLoad(ctx, start, Math.min(ORDERS, start + 99_999), J);
  await sql`ANALYZE work_orders`.execute(ctx.db);
  const loadSeconds = Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100;
  process.stderr.write(`open311: ${ORDERS} orders (${Math.max(0, ORDERS - have)} bulk-loaded in ${loadSeconds} s)\n`);
  const visibleInWindow = Number(
    (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM work_orders w WHERE w.jurisdiction_id = ${J} AND w.created_at >= now() - interval '90 days'
                                 AND (w.channel = 'open311' OR w.request_type IN ('component', 'event'))`.execute(ctx.db)
    ).rows[0]!.n,
  );

  const app = await buildApp(ctx, createModules(ctx));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const chainer = startAuditChainer(ctx.db, ctx.log);
  const base = `http://127.0.0.1:${((app.server as Server).address() as { port: number }).port}`;
  try {
    // (a) GET requests, both formats: one answer read whole to count records, a warm-up, then the measured run.
    const getStep = async (format: 'json' | 'xml'): Promise<GetStep> => {
      const url = `${base}/open311/v2/requests.${format}?jurisdiction_id=${J}`;
      const res = await fetch(url);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${format}: ${res.status} ${text.slice(0, 200)}`);
      const records = format === 'json' ? (JSON.parse(text) as unknown[]).length : (text.match(/<request>/g) ?? []).length;
      await runLoad({ url, requests: Math.min(10, GETS), concurrency: GET_CONCURRENCY });
      const load = await runLoad({ url, requests: GETS, concurrency: GET_CONCURRENCY });
      if (load.errors > 0) throw new Error(`GET ${format}: ${load.errors} errors`);
      return { ...load, records, bytes: Buffer.byteLength(text) };
    };
    const getJson = await getStep('json');
    const getXml = await getStep('xml');

    // (b) POSTs: Open311 form-encoded vs the work-order API, each warmed up, then measured one after the other.
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: agent.username, password }) });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const bearer = { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
    let run = 0;
    const open311Posts = (requests: number) => ({ url: `${base}/open311/v2/requests.json`, requests, concurrency: CONCURRENCY, contentType: 'application/x-www-form-urlencoded', body: formBody(key) });
    const workOrderPosts = (requests: number) => {
      const r = `w${run++}-${Date.now().toString(36)}`;
      return { url: `${base}/api/v1/work-orders`, requests, concurrency: CONCURRENCY, expectStatus: 201, body: jsonBody, headersFor: (i: number) => Object.assign({ 'idempotency-key': `bench-${r}-${i}` }, bearer) };
    };
    await runLoad(open311Posts(WARMUP));
    await runLoad(workOrderPosts(WARMUP));
    const postOpen311 = await runLoad(open311Posts(POSTS));
    const postWorkOrders = await runLoad(workOrderPosts(POSTS));
    if (postOpen311.errors > 0 || postWorkOrders.errors > 0) throw new Error(`POST errors: open311 ${postOpen311.errors}, work orders ${postWorkOrders.errors}`);
    const ratio = Math.round((postOpen311.perSecond / postWorkOrders.perSecond) * 1000) / 1000;
    process.stdout.write(`GET requests (1,000 records) p95: JSON ${getJson.p95Ms} ms, XML ${getXml.p95Ms} ms at ${ORDERS} orders; POST: Open311 form ${postOpen311.perSecond}/s vs work-order API ${postWorkOrders.perSecond}/s (${ratio}×)\n`);
    return {
      figures: { orders: ORDERS, loadSeconds, visibleInWindow, getJson, getXml, postOpen311, postWorkOrders, ratio },
      notes: [
        `mode: ${QUICK ? 'quick (BENCH_OPEN311_QUICK=1)' : 'full'}; ${ORDERS} orders bulk-loaded with the work-orders bench's loader (a year, recent days denser; 25% component/event, listed by Open311)`,
        `getJson/getXml: GET /open311/v2/requests.{json,xml}?jurisdiction_id=… (no filters: the last 90 days, newest 1,000 records, status_notes from the latest public note, photo links), ${GETS} requests at concurrency ${GET_CONCURRENCY}`,
        'postOpen311: POST /open311/v2/requests.json form-encoded with api_key, service_code, address_string, description, reporter name and phone, one media_url (the order, its Open311 row, a media_links timeline entry, audit, events — one transaction), no Idempotency-Key (as FixMyStreet)',
        'postWorkOrders: POST /api/v1/work-orders as an agent (Bearer), JSON, the same kind of order (event, same category, address, reporter), own Idempotency-Key each (as the hotline console)',
        `both POST runs: ${POSTS} requests at concurrency ${CONCURRENCY} after ${WARMUP} warm-up requests each, one after the other in the same process`,
        'load generator, server and database share the machine (see machine); the events worker is not running, so jobs accumulate as pending',
        `1-minute load average of the machine: ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end (${os.cpus().length} cores): figures from a busy machine are low`,
      ],
    };
  } finally {
    await app.close();
    await chainer.stop();
  }
}
