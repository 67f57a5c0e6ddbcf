/**
 * work-orders: issue 6's speed goals, measured through HTTP on 127.0.0.1 (keep-alive) against the full app.
 *  (a) creates/s and p50/p99 of POST /api/v1/work-orders (agent Bearer token, each with its own Idempotency-Key)
 *      at a fixed concurrency, against a bare Fastify POST doing one INSERT into a similar table, measured in
 *      alternation in the same run; then both at each concurrency of a sweep (capacity: each endpoint's most
 *      requests per second over the same levels — the goals compare those peaks, and the fixed level is reported too);
 *  (b) create latency at a fixed offered rate (open loop, 500/s by default, bounded count);
 *  (c) list-query p95 of GET /api/v1/work-orders with a typical filter (open orders of one district, newest first),
 *      first page and a deep keyset page, at 100k orders and — with BENCH_WO_1M=1 — at 1M orders (bulk-loaded with
 *      INSERT … SELECT generate_series: a year of orders, recent ones more frequent, statuses by age, skewed districts).
 * On PostgreSQL it also samples pg_stat_activity during (a) to see what the create transactions wait for: the
 * per-jurisdiction daily ticket counter row (work_order_code_counters) or the audit chain's advisory lock.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../src/app-context.js';
import { buildApp } from '../src/http/app.js';
import { startAuditChainer } from '../src/modules/audit/index.js';
import { createUser, sessionReader } from '../src/modules/identity/index.js';
import { createModules } from '../src/modules/registry.js';
import { createWriter, intakeReader } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { keptAgent, runLoad, runLoadRounds, runOpenLoop, type LoadOptions, type LoadResult, type OpenLoopResult } from './load.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
/** The create and the bare INSERT are measured in alternation, BENCH_REQUESTS / BENCH_ROUNDS requests a round each. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const OPEN_REQUESTS = Number(process.env.BENCH_OPEN_REQUESTS ?? 2500);
const LIST_REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 300);
const LIST_CONCURRENCY = 2;
const WITH_1M = process.env.BENCH_WO_1M === '1';
/**
 * The capacity sweep: both endpoints at each of these concurrencies (alternating rounds, as at CONCURRENCY). The bare
 * INSERT is at its plateau from 16 on; the create keeps gaining up to ≈ 128, where its statements carry the most
 * creates each (group commit).
 */
const SWEEP = (process.env.BENCH_SWEEP ?? '16,64,128').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
/**
 * The capacity check: after the sweep, CONFIRM_ROUNDS paired rounds of CONFIRM_REQUESTS requests each — the bare
 * INSERT at its best level, then the create at its own — over connections opened beforehand; the goals compare the
 * medians (one slow spell of the shared machine moves a single round, not the result).
 */
const CONFIRM_ROUNDS = Number(process.env.BENCH_CONFIRM_ROUNDS ?? 7);
const CONFIRM_REQUESTS = Number(process.env.BENCH_CONFIRM_REQUESTS ?? 3000);
/** `BENCH_WO_PARTS=create` measures only (a): quicker while working on the create path. */
const PARTS = new Set((process.env.BENCH_WO_PARTS ?? 'create,open,list').split(','));
const WARMUP = 200;
const PROFILE_CREATES_ONLY = process.env.BENCH_PROFILE_CREATES === '1';
const J = 'bench-wo.example';
/** The spread run's jurisdictions: one counter row each (the audit chain stays one for all). */
const SPREAD = 4;
const DISTRICTS = Array.from({ length: 10 }, (_, i) => `5101${String(i + 4).padStart(2, '0')}`);
const OPEN = ['received', 'accepted', 'dispatched', 'signed', 'in_progress'];
const LIST_FILTER = `status=${OPEN.join(',')}&district=510105&limit=50`;

export const GOALS = { createsPerSecond: 1000, ratioToBare: 0.5, p99AtRateMs: 100, listGrowth: 2 };

interface LockSamples {
  samples: number;
  /** Mean number of create transactions waiting on each lock per sample. */
  waitingOnCounter: number;
  waitingOnAuditChain: number;
  waitingOnOtherLocks: number;
  active: number;
  idleInTransaction: number;
}

/** One level of the capacity sweep. */
interface SweepStep {
  concurrency: number;
  create: LoadResult & { pgCpuMsPerRequest?: number };
  bareInsert: LoadResult & { pgCpuMsPerRequest?: number };
  ratio: number;
}

/** Each endpoint's most requests per second over the sweep, and at which concurrency. */
interface Capacity {
  createPerSecond: number;
  createConcurrency: number;
  barePerSecond: number;
  bareConcurrency: number;
  ratio: number;
}

/** The capacity check at the sweep's best levels: paired rounds (bare, then create) and their medians. */
interface CapacityCheck {
  rounds: number;
  requestsPerRound: number;
  createConcurrency: number;
  bareConcurrency: number;
  /** Each round's requests per second, in order (bare round i ran just before create round i). */
  createRounds: number[];
  bareRounds: number[];
  /** create round i / bare round i. */
  ratios: number[];
  createPerSecond: number;
  barePerSecond: number;
  /** The median of `ratios`. */
  ratio: number;
}

interface ListStep {
  orders: number;
  matching: number;
  loadSeconds: number;
  firstPage: LoadResult;
  deepPage: LoadResult & { offset: number };
}

export interface WorkOrdersBenchResult {
  figures: {
    create: LoadResult & { createsPerStatement: number; largestStatement: number };
    /** The same creates with every write statement alone (group commit off), in the same run. */
    createUnbatched: LoadResult;
    createSpread: LoadResult;
    bareInsert: LoadResult;
    /** create / bareInsert at CONCURRENCY. */
    ratio: number;
    sweep: SweepStep[];
    capacity: Capacity;
    capacityCheck: CapacityCheck;
    openLoop: OpenLoopResult | null;
    list100k: ListStep | null;
    list1m: ListStep | null;
    locks: LockSamples | null;
    locksSpread: LockSamples | null;
    goals: Record<string, { goal: string; measured: string; met: boolean | null }>;
  };
  notes: string[];
}

const createBody = (i: number) =>
  JSON.stringify({
    requestType: 'complaint',
    categoryCode: 'utilities.water',
    title: `基准工单 ${i}：小区停水`,
    description: `第 ${i} 号来电反映小区停水两天，物业称不知道何时恢复供水，请尽快处理。`,
    address: `基准路 ${i % 500} 号`,
    districtCode: DISTRICTS[i % DISTRICTS.length],
    reporter: { name: '李四', phone: `1390000${String(i % 10_000).padStart(4, '0')}` },
  });

export async function benchJurisdiction(ctx: AppContext, id: string, password: string) {
  await sql`INSERT INTO jurisdictions (id, name_zh, name_en, division_code)
            VALUES (${id}, '工单基准市', 'Work-order Bench City', '510100') ON CONFLICT DO NOTHING`.execute(ctx.db);
  await sql`INSERT INTO work_order_categories (jurisdiction_id, code, parent_code, kind, name_zh, source)
            VALUES (${id}, 'utilities', NULL, 'hotline', '水电气暖', 'standard'), (${id}, 'utilities.water', 'utilities', 'hotline', '供水', 'standard')
            ON CONFLICT DO NOTHING`.execute(ctx.db);
  return createUser(
    ctx,
    { jurisdictionId: id, username: `bench-agent-${Date.now().toString(36)}`, displayName: 'Bench agent', password, grants: [{ role: 'agent', scope: { kind: 'jurisdiction' } }] },
    systemActor('bench'),
  );
}

export async function workOrdersBench(ctx: AppContext): Promise<WorkOrdersBenchResult> {
  const loadBefore = os.loadavg()[0]!;
  await sql`CREATE TABLE IF NOT EXISTS bench_bare_orders (
              id uuid PRIMARY KEY DEFAULT gen_random_uuid(), jurisdiction_id text NOT NULL, code text NOT NULL,
              title text NOT NULL, description text NOT NULL, address text, district_code text,
              status text NOT NULL DEFAULT 'received', created_at timestamptz NOT NULL DEFAULT now())`.execute(ctx.db);
  const password = 'bench-password-1';
  const agent = await benchJurisdiction(ctx, J, password);
  const spreadAgents = [];
  for (let k = 0; k < SPREAD; k++) spreadAgents.push(await benchJurisdiction(ctx, `bench-wo-${k}.example`, password));

  const app = await buildApp(ctx, createModules(ctx));
  await app.listen({ host: '127.0.0.1', port: 0 });
  // As in a server process: audit entries are linked into the hash chain in the background.
  const chainer = startAuditChainer(ctx.db, ctx.log);
  const bare = Fastify({ logger: false });
  let bareSeq = 0;
  bare.post<{ Body: { title: string; description: string; address?: string; districtCode?: string } }>('/bare/work-orders', async (request, reply) => {
    const b = request.body;
    const row = await ctx.db
      .insertInto('bench_bare_orders' as never)
      .values({ jurisdiction_id: J, code: `BR${String(++bareSeq).padStart(14, '0')}`, title: b.title, description: b.description, address: b.address ?? null, district_code: b.districtCode ?? null } as never)
      .returning('id' as never)
      .executeTakeFirstOrThrow();
    return reply.status(201).send(row);
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const portOf = (s: { server: Server }) => (s.server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${portOf(app)}`;

  try {
    const signIn = async (username: string) => {
      const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
      return { authorization: `Bearer ${((await login.json()) as { accessToken: string }).accessToken}` };
    };
    const headers = await signIn(agent.username);
    const spreadHeaders: Array<Record<string, string>> = [];
    for (const a of spreadAgents) spreadHeaders.push(await signIn(a.username));
    let keyRun = 0;
    /** Creates as the bench agent, or round-robin as the agents of SPREAD jurisdictions (`spread`). */
    const creates = (requests: number, concurrency: number, spread = false) => {
      const run = `r${keyRun++}-${Date.now().toString(36)}`;
      return {
        url: `${base}/api/v1/work-orders`,
        requests,
        concurrency,
        expectStatus: 201,
        body: createBody,
        headersFor: (i: number) => Object.assign({ 'idempotency-key': `bench-${run}-${i}` }, spread ? spreadHeaders[i % SPREAD]! : headers),
      };
    };
    const bareLoad = (requests: number, concurrency = CONCURRENCY) => ({ url: `http://127.0.0.1:${portOf(bare)}/bare/work-orders`, requests, concurrency, expectStatus: 201, body: createBody });

    // (a) closed loop, after a warm-up of each.
    await runLoad(creates(WARMUP, CONCURRENCY));
    await runLoad(bareLoad(WARMUP));
    // The same creates with group commit off first: what sharing the write statement gains, on the same machine.
    const writer = createWriter(ctx);
    const batchers = [writer, intakeReader(ctx.db), sessionReader(ctx.db)];
    const maxBatches = batchers.map((b) => b.maxBatch);
    for (const b of batchers) b.maxBatch = 1;
    const createUnbatched = await withPgCpu(ctx, () => runLoad(creates(REQUESTS, CONCURRENCY)));
    batchers.forEach((b, i) => (b.maxBatch = maxBatches[i]!));
    const sampler = ctx.storage.kind === 'postgres' ? startLockSampler(ctx) : null;
    const profiler = process.env.BENCH_PROFILE && !PROFILE_CREATES_ONLY ? await startProfiler() : null;
    const before = { ...writer.stats };
    // The bare INSERT and the create alternate (ROUNDS rounds each), so that a slow spell of this shared machine
    // falls on both rather than on whichever ran then: the ratio compares them under the same conditions.
    const paired = await runLoadRounds(ROUNDS, { a: bareLoad, b: (n) => creates(n, CONCURRENCY) }, REQUESTS, (run) => withPgTicks(ctx, run));
    const bareInsert = withPgTicksPerRequest(ctx, paired.a);
    const create = { ...withPgTicksPerRequest(ctx, paired.b), ...perStatement(before, writer.stats) };
    if (profiler) await profiler.stop(process.env.BENCH_PROFILE!);
    const locks = sampler ? await sampler.stop() : null;
    // The same load spread over SPREAD jurisdictions: if the daily counter row is what limits, this is faster.
    const samplerSpread = ctx.storage.kind === 'postgres' ? startLockSampler(ctx) : null;
    const createsProfiler = process.env.BENCH_PROFILE && PROFILE_CREATES_ONLY ? await startProfiler() : null;
    const createSpread = await runLoad(creates(REQUESTS, CONCURRENCY, true));
    if (createsProfiler) await createsProfiler.stop(process.env.BENCH_PROFILE!);
    const locksSpread = samplerSpread ? await samplerSpread.stop() : null;
    if (create.errors > 0 || createUnbatched.errors > 0 || createSpread.errors > 0 || bareInsert.errors > 0) {
      throw new Error(`errors: create ${create.errors}, unbatched ${createUnbatched.errors}, spread ${createSpread.errors}, bare ${bareInsert.errors}`);
    }
    // Capacity: both at each level of the sweep (the fixed level's alternating rounds above count as its step).
    const sweep: SweepStep[] = [];
    for (const concurrency of SWEEP) {
      const step =
        concurrency === CONCURRENCY
          ? { bareInsert, create }
          : await runLoadRounds(ROUNDS, { a: (n) => bareLoad(n, concurrency), b: (n) => creates(n, concurrency) }, REQUESTS, (run) => withPgTicks(ctx, run)).then((r) => ({
              bareInsert: withPgTicksPerRequest(ctx, r.a),
              create: withPgTicksPerRequest(ctx, r.b),
            }));
      if (step.create.errors > 0 || step.bareInsert.errors > 0) throw new Error(`errors at concurrency ${concurrency}: create ${step.create.errors}, bare ${step.bareInsert.errors}`);
      sweep.push({ concurrency, ...step, ratio: round3(step.create.perSecond / step.bareInsert.perSecond) });
    }
    const capacity = capacityOf(sweep.length > 0 ? sweep : [{ concurrency: CONCURRENCY, create, bareInsert, ratio: 0 }]);
    const capacityCheck = await checkCapacity(capacity, { bare: bareLoad, create: (n, concurrency) => creates(n, concurrency) });
    if (capacityCheck.ratios.length !== CONFIRM_ROUNDS) throw new Error('capacity check: a round is missing');

    // (b) open loop at a fixed offered rate.
    const openLoop = PARTS.has('open') ? await runOpenLoop({ ...creates(OPEN_REQUESTS, 256), ratePerSecond: RATE }) : null;

    // (c) list queries at 100k and (optionally) 1M orders.
    const listUrl = `${base}/api/v1/work-orders?${LIST_FILTER}`;
    const list100k = PARTS.has('list') ? await listStep(ctx, 100_000, listUrl, headers) : null;
    const list1m = list100k && WITH_1M ? await listStep(ctx, 1_000_000, listUrl, headers) : null;

    const ratio = round3(create.perSecond / bareInsert.perSecond);
    const growth = list1m && list100k ? Math.max(list1m.firstPage.p95Ms / list100k.firstPage.p95Ms, list1m.deepPage.p95Ms / list100k.deepPage.p95Ms) : null;
    const goals = {
      createsPerSecond: {
        goal: `≥ ${GOALS.createsPerSecond}/s`,
        measured: `${capacityCheck.createPerSecond}/s at ${capacityCheck.createConcurrency} concurrent, median of ${capacityCheck.rounds} rounds (${create.perSecond}/s at ${CONCURRENCY})`,
        met: capacityCheck.createPerSecond >= GOALS.createsPerSecond,
      },
      ratioToBare: {
        goal: `≥ ${GOALS.ratioToBare}× bare INSERT (capacity)`,
        measured: `${capacityCheck.ratio}×, median of ${capacityCheck.rounds} paired rounds (${Math.min(...capacityCheck.ratios)}–${Math.max(...capacityCheck.ratios)}; sweep peaks ${capacity.ratio}×, ${ratio}× at ${CONCURRENCY} concurrent)`,
        met: capacityCheck.ratio >= GOALS.ratioToBare,
      },
      p99AtRate: openLoop
        ? { goal: `p99 ≤ ${GOALS.p99AtRateMs} ms at ${RATE}/s`, measured: `${openLoop.p99Ms} ms (achieved ${openLoop.perSecond}/s)`, met: openLoop.p99Ms <= GOALS.p99AtRateMs && openLoop.errors === 0 }
        : { goal: `p99 ≤ ${GOALS.p99AtRateMs} ms at ${RATE}/s`, measured: 'not run (BENCH_WO_PARTS)', met: null },
      listGrowth: {
        goal: `list p95 at 1M ≤ ${GOALS.listGrowth}× at 100k`,
        measured: growth === null ? 'not run (BENCH_WO_1M=1)' : `${Math.round(growth * 100) / 100}×`,
        met: growth === null ? null : growth <= GOALS.listGrowth,
      },
    };
    printSummary({ sweep, capacity, capacityCheck, list100k, list1m, locks, locksSpread, goals });
    return {
      figures: { create, createUnbatched, createSpread, bareInsert, ratio, sweep, capacity, capacityCheck, openLoop, list100k, list1m, locks, locksSpread, goals },
      notes: [
        'create: POST /api/v1/work-orders as an agent (Bearer), own Idempotency-Key each, no point (district named): validation, then one read statement (settings, category, retry check, ticket number) and one write statement without a transaction (idempotency claim with the answer, order + timeline + SLA timers + audit + event + jobs, shared with the creates that arrived meanwhile), masked detail answer',
        'create: concurrent creates share their session lookup, read and write statements (group commit, shared/batcher.ts); createsPerStatement is the mean over the run (write statements); createUnbatched: the same creates with every statement alone, same run',
        `createSpread: the same creates round-robin over ${SPREAD} jurisdictions (one daily counter row each; one audit chain for all)`,
        'bareInsert: bare Fastify POST, JSON body, one INSERT … RETURNING id into bench_bare_orders through the same Kysely pool',
        `create and bareInsert are measured in alternation, ${ROUNDS} rounds of ${Math.ceil(REQUESTS / ROUNDS)} requests each (bare, create, bare, …); each figure is over its own rounds`,
        `sweep: the same alternation at each of ${SWEEP.join(', ')} concurrent requests (BENCH_SWEEP); capacity: each endpoint's most requests per second over the sweep, at whichever level that was; ratio is the one at ${CONCURRENCY}. Closed-loop latency at a high level is queueing (p99 at a fixed rate is openLoop)`,
        `capacityCheck: then ${CONFIRM_ROUNDS} paired rounds of ${CONFIRM_REQUESTS} requests (BENCH_CONFIRM_ROUNDS, BENCH_CONFIRM_REQUESTS), the bare INSERT at its capacity level and then the create at its own, over connections opened beforehand; the goals ≥ ${GOALS.createsPerSecond}/s and ≥ ${GOALS.ratioToBare}× take its medians (the create's rate; create round / bare round) — the sweep's peaks are single rounds' luck on a shared machine`,
        `openLoop: ${OPEN_REQUESTS} creates offered at ${RATE}/s, latency from each request's due time, at most 256 in flight`,
        `list: GET /api/v1/work-orders?${LIST_FILTER} (agent, jurisdiction scope), ${LIST_REQUESTS} requests at concurrency ${LIST_CONCURRENCY}; deepPage starts at a cursor 90% down the matching rows`,
        'load generator, server and database share the machine (see machine); the events worker is not running, so jobs accumulate as pending',
        `1-minute load average of the machine: ${loadBefore.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end (${os.cpus().length} cores): figures from a busy machine are low`,
        'locks: pg_stat_activity sampled every 20 ms during the closed-loop create run (PostgreSQL only); the sampler borrows a pool connection',
      ],
    };
  } finally {
    await bare.close();
    await app.close();
    await chainer.stop();
    await sql`DROP TABLE IF EXISTS bench_bare_orders`.execute(ctx.db);
  }
}

/**
 * PostgreSQL's CPU per request (`pgCpuMsPerRequest`): user + system time of this database's backends (the pool's
 * connections; PostgreSQL on this machine), read from /proc before and after the load. Like cpuMsPerRequest it moves
 * little with the machine's load; with it, both sides of a create's cost are measured. Without /proc: not given.
 */
async function withPgCpu<T extends LoadResult>(ctx: AppContext, load: () => Promise<T>): Promise<T & { pgCpuMsPerRequest?: number }> {
  const { raw: result, extra: used } = await withPgTicks(ctx, load);
  if (used === 0) return result;
  // Clock ticks are 1/100 s on Linux.
  return { ...result, pgCpuMsPerRequest: Math.round(((used * 10) / result.requests) * 100) / 100 };
}

/** A result of runLoadRounds with its rounds' PostgreSQL ticks as pgCpuMsPerRequest (as withPgCpu). */
function withPgTicksPerRequest(ctx: AppContext, result: LoadResult & { extras: number[] }): LoadResult & { pgCpuMsPerRequest?: number } {
  const { extras, ...rest } = result;
  const used = extras.reduce((a, b) => a + b, 0);
  return ctx.storage.kind !== 'postgres' || used === 0 ? rest : { ...rest, pgCpuMsPerRequest: Math.round(((used * 10) / rest.requests) * 100) / 100 };
}

/** Runs `run` and returns with its result the CPU clock ticks of this database's PostgreSQL backends meanwhile (0 on PGlite). */
async function withPgTicks<T>(ctx: AppContext, run: () => Promise<T>): Promise<{ raw: T; extra: number }> {
  if (ctx.storage.kind !== 'postgres') return { raw: await run(), extra: 0 };
  const backends = async () => (await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(ctx.db)).rows.map((r) => r.pid);
  const ticks = (pid: number): number => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      return 0;
    }
  };
  const start = new Map((await backends()).map((pid) => [pid, ticks(pid)]));
  const raw = await run();
  let used = 0;
  for (const pid of await backends()) used += ticks(pid) - (start.get(pid) ?? 0);
  return { raw, extra: used };
}

/** Creates per write statement between two readings of the writer's counters. */
function perStatement(before: { statements: number; operations: number }, after: { statements: number; operations: number; largest: number }) {
  const statements = after.statements - before.statements;
  return { createsPerStatement: statements === 0 ? 0 : Math.round(((after.operations - before.operations) / statements) * 100) / 100, largestStatement: after.largest };
}

/**
 * BENCH_PROFILE=FILE: a V8 CPU profile of the closed-loop create and bare rounds (open it in Chrome DevTools); with
 * BENCH_PROFILE_CREATES=1, of the spread run instead, which has creates only.
 */
async function startProfiler(): Promise<{ stop: (file: string) => Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** Samples every 20 ms (bounded to 30 000 samples) what the create transactions of this database are waiting for. */
function startLockSampler(ctx: AppContext): { stop: () => Promise<LockSamples> } {
  const sums = { counter: 0, audit: 0, other: 0, active: 0, idleTx: 0 };
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && samples < 30_000) {
      const { rows } = await sql<{ counter: number; audit: number; locks: number; active: number; idle_tx: number }>`
        SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND query ILIKE '%work_order_code_counters%')::int AS counter,
               count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory')::int AS audit,
               count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS locks,
               count(*) FILTER (WHERE state = 'active')::int AS active,
               count(*) FILTER (WHERE state = 'idle in transaction')::int AS idle_tx
          FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(ctx.db);
      const r = rows[0]!;
      sums.counter += r.counter;
      sums.audit += r.audit;
      sums.other += r.locks - r.counter - r.audit;
      sums.active += r.active;
      sums.idleTx += r.idle_tx;
      samples++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const mean = (n: number) => Math.round((n / Math.max(1, samples)) * 100) / 100;
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { samples, waitingOnCounter: mean(sums.counter), waitingOnAuditChain: mean(sums.audit), waitingOnOtherLocks: mean(sums.other), active: mean(sums.active), idleInTransaction: mean(sums.idleTx) };
    },
  };
}

/** Bulk-loads orders up to `target` in the jurisdiction, then measures the first and a deep page of the list. */
async function listStep(ctx: AppContext, target: number, listUrl: string, headers: Record<string, string>): Promise<ListStep> {
  const started = process.hrtime.bigint();
  const have = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM work_orders WHERE jurisdiction_id = ${J}`.execute(ctx.db)).rows[0]!.n);
  const from = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM work_orders WHERE jurisdiction_id = ${J} AND code LIKE 'BL%'`.execute(ctx.db)).rows[0]!.n) + 1;
  const missing = Math.max(0, target - have);
  for (let start = from; start < from + missing; start += 100_000) await bulkLoad(ctx, start, Math.min(from + missing - 1, start + 99_999));
  await sql`ANALYZE work_orders`.execute(ctx.db);
  const loadSeconds = Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100;
  process.stderr.write(`work-orders: ${target} orders (${missing} bulk-loaded in ${loadSeconds} s)\n`);

  const statusList = sql.join(OPEN);
  const matching = Number(
    (await sql<{ n: number }>`SELECT count(*)::int AS n FROM work_orders WHERE jurisdiction_id = ${J} AND status IN (${statusList}) AND district_code = '510105'`.execute(ctx.db)).rows[0]!.n,
  );
  const offset = Math.floor(matching * 0.9);
  const deep = (
    await sql<{ created_at: Date; id: string }>`
      SELECT created_at, id FROM work_orders WHERE jurisdiction_id = ${J} AND status IN (${statusList}) AND district_code = '510105'
       ORDER BY created_at DESC, id DESC OFFSET ${offset} LIMIT 1`.execute(ctx.db)
  ).rows[0]!;
  const cursor = Buffer.from(`${new Date(deep.created_at).toISOString()}|${deep.id}`).toString('base64url');
  const load = (url: string) => ({ url, headers, requests: LIST_REQUESTS, concurrency: LIST_CONCURRENCY });
  await runLoad({ ...load(listUrl), requests: 50 });
  const firstPage = await runLoad(load(listUrl));
  const deepPage = await runLoad(load(`${listUrl}&cursor=${cursor}`));
  if (firstPage.errors > 0 || deepPage.errors > 0) throw new Error(`list errors: first ${firstPage.errors}, deep ${deepPage.errors}`);
  return { orders: target, matching, loadSeconds, firstPage, deepPage: { ...deepPage, offset } };
}

/**
 * Orders BL…start‥end: a year of history (recent days denser), statuses by age, ten districts (skewed), no personal
 * data; 25% are component/event reports (what Open311 lists). Also the open311 bench's loader (its jurisdiction).
 */
export async function bulkLoad(ctx: AppContext, start: number, end: number, jurisdictionId = J): Promise<void> {
  await sql`
    INSERT INTO work_orders (jurisdiction_id, code, channel, request_type, category_code, title, description, address, district_code,
                             anonymous, urgency, status, rating, sla_started_at, warn_at, due_at, closed_at, created_at, updated_at, search_text)
    SELECT ${jurisdictionId}, 'BL' || lpad(g::text, 14, '0'),
           (ARRAY['hotline','hotline','hotline','web','mobile','wechat','inspector','api'])[1 + (g % 8)],
           CASE WHEN r3 < 0.40 THEN 'complaint' WHEN r3 < 0.60 THEN 'report' WHEN r3 < 0.75 THEN 'enquiry' WHEN r3 < 0.85 THEN 'help'
                WHEN r3 < 0.95 THEN 'component' ELSE 'event' END,
           CASE WHEN r3 < 0.5 THEN 'utilities.water' ELSE NULL END,
           '批量工单 ' || g, '批量导入的历史工单 ' || g, '历史路 ' || (g % 997) || ' 号',
           '5101' || lpad((4 + floor(10 * r1 * r1))::int::text, 2, '0'),
           true,
           CASE WHEN r4 < 0.85 THEN 'normal' WHEN r4 < 0.95 THEN 'urgent' WHEN r4 < 0.98 THEN 'emergency' ELSE 'complex' END,
           st, CASE WHEN st = 'rated' THEN 'satisfied' END,
           created, created + interval '4 days', created + interval '5 days',
           CASE WHEN st IN ('closed', 'rated') THEN created + interval '3 days' END, created, created, ''
      FROM (SELECT g, r1, r3, r4, created,
                   CASE WHEN created > now() - interval '14 days' THEN
                          CASE WHEN r2 < 0.15 THEN 'received' WHEN r2 < 0.25 THEN 'accepted' WHEN r2 < 0.45 THEN 'dispatched'
                               WHEN r2 < 0.55 THEN 'signed' WHEN r2 < 0.75 THEN 'in_progress' WHEN r2 < 0.82 THEN 'reported'
                               WHEN r2 < 0.87 THEN 'answered' WHEN r2 < 0.95 THEN 'closed' ELSE 'rated' END
                        ELSE
                          CASE WHEN r2 < 0.02 THEN 'in_progress' WHEN r2 < 0.04 THEN 'dispatched' WHEN r2 < 0.14 THEN 'answered'
                               WHEN r2 < 0.16 THEN 'cancelled' WHEN r2 < 0.18 THEN 'rejected' WHEN r2 < 0.65 THEN 'closed' ELSE 'rated' END
                   END AS st
              FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                           now() - interval '1 minute' - power(random(), 1.5) * interval '365 days' AS created
                      FROM generate_series(${start}::int, ${end}::int) AS g) raw) s`.execute(ctx.db);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Paired rounds at the sweep's best levels (see CONFIRM_ROUNDS): each endpoint gets its own kept connections,
 * opened and warmed by an untimed run first, so that a round measures requests, not connection set-up.
 */
async function checkCapacity(capacity: Capacity, loads: { bare: (n: number, concurrency: number) => LoadOptions; create: (n: number, concurrency: number) => LoadOptions }): Promise<CapacityCheck> {
  const levels = { bare: capacity.bareConcurrency, create: capacity.createConcurrency };
  const agents = { bare: keptAgent(levels.bare), create: keptAgent(levels.create) };
  const load = (side: 'bare' | 'create') => (n: number) => ({ ...loads[side](n, levels[side]), agent: agents[side] });
  try {
    for (const side of ['bare', 'create'] as const) {
      const warm = await runLoad(load(side)(levels[side] * 4));
      if (warm.errors > 0) throw new Error(`capacity check: ${warm.errors} errors warming the ${side} connections`);
    }
    const r = await runLoadRounds(CONFIRM_ROUNDS, { a: load('bare'), b: load('create') }, CONFIRM_ROUNDS * CONFIRM_REQUESTS, async (run) => ({ raw: await run(), extra: 0 }));
    if (r.a.errors > 0 || r.b.errors > 0) throw new Error(`capacity check errors: create ${r.b.errors}, bare ${r.a.errors}`);
    const ratios = r.b.roundsPerSecond.map((c, i) => round3(c / r.a.roundsPerSecond[i]!));
    return {
      rounds: CONFIRM_ROUNDS,
      requestsPerRound: CONFIRM_REQUESTS,
      createConcurrency: levels.create,
      bareConcurrency: levels.bare,
      createRounds: r.b.roundsPerSecond,
      bareRounds: r.a.roundsPerSecond,
      ratios,
      createPerSecond: Math.round(median(r.b.roundsPerSecond)),
      barePerSecond: Math.round(median(r.a.roundsPerSecond)),
      ratio: round3(median(ratios)),
    };
  } finally {
    agents.bare.destroy();
    agents.create.destroy();
  }
}

/** Each endpoint's peak over the sweep. */
function capacityOf(sweep: readonly SweepStep[]): Capacity {
  const best = (pick: (s: SweepStep) => number) => sweep.reduce((a, b) => (pick(b) > pick(a) ? b : a));
  const c = best((s) => s.create.perSecond);
  const b = best((s) => s.bareInsert.perSecond);
  return {
    createPerSecond: c.create.perSecond,
    createConcurrency: c.concurrency,
    barePerSecond: b.bareInsert.perSecond,
    bareConcurrency: b.concurrency,
    ratio: round3(c.create.perSecond / b.bareInsert.perSecond),
  };
}

function printSummary(f: { sweep: readonly SweepStep[]; capacity: Capacity; capacityCheck: CapacityCheck; list100k: ListStep | null; list1m: ListStep | null; locks: LockSamples | null; locksSpread: LockSamples | null; goals: Record<string, { goal: string; measured: string; met: boolean | null }> }): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out('capacity sweep (closed loop, create and bare INSERT in alternation at each level):');
  for (const s of f.sweep) {
    out(`  ${String(s.concurrency).padStart(4)} concurrent: create ${String(s.create.perSecond).padStart(5)}/s (p50 ${s.create.p50Ms} ms, p99 ${s.create.p99Ms} ms), bare ${String(s.bareInsert.perSecond).padStart(5)}/s (p50 ${s.bareInsert.p50Ms} ms, p99 ${s.bareInsert.p99Ms} ms), ratio ${s.ratio}`);
  }
  const c = f.capacity;
  out(`  capacity: create ${c.createPerSecond}/s (at ${c.createConcurrency}), bare ${c.barePerSecond}/s (at ${c.bareConcurrency}), ratio ${c.ratio}`);
  const k = f.capacityCheck;
  out(`capacity check (${k.rounds} paired rounds of ${k.requestsPerRound}, create at ${k.createConcurrency}, bare at ${k.bareConcurrency}, kept connections):`);
  out(`  create ${k.createRounds.join(' ')}/s, bare ${k.bareRounds.join(' ')}/s`);
  out(`  ratios ${k.ratios.join(' ')}: median ${k.ratio} (create median ${k.createPerSecond}/s, bare median ${k.barePerSecond}/s)`);
  out('list query (GET /api/v1/work-orders, open orders of one district):');
  for (const step of [f.list100k, f.list1m]) {
    if (!step) continue;
    out(`  ${String(step.orders).padStart(8)} orders (${step.matching} matching, load ${step.loadSeconds} s): first page p50 ${step.firstPage.p50Ms} / p95 ${step.firstPage.p95Ms} ms, deep page (offset ${step.deepPage.offset}) p50 ${step.deepPage.p50Ms} / p95 ${step.deepPage.p95Ms} ms`);
  }
  for (const [label, l] of [['one jurisdiction', f.locks], [`${SPREAD} jurisdictions`, f.locksSpread]] as const) {
    if (l) out(`create waits, ${label} (mean sessions per sample, ${l.samples} samples): counter row ${l.waitingOnCounter}, audit chain ${l.waitingOnAuditChain}, other locks ${l.waitingOnOtherLocks}; active ${l.active}, idle in transaction ${l.idleInTransaction}`);
  }
  out('goals (issue 6):');
  for (const [name, g] of Object.entries(f.goals)) out(`  ${name.padEnd(17)} ${g.goal.padEnd(34)} ${g.measured.padEnd(30)} ${g.met === null ? '—' : g.met ? 'met' : 'NOT met'}`);
}
