/**
 * scoped-read: an authenticated, scoped read through the full stack — `GET /api/v1/users/:id` with a Bearer
 * token (principal resolution, permission and scope check, Zod response, presenter) — against a bare Fastify
 * route running the same single-row query on the same database. Both servers run in this process on
 * 127.0.0.1 and are driven one after the other with the same request count and concurrency.
 */
import type { Server } from 'node:http';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { AppContext } from '../src/app-context.js';
import { buildApp } from '../src/http/app.js';
import { createUser } from '../src/modules/identity/index.js';
import { createModules } from '../src/modules/registry.js';
import { systemActor } from '../src/shared/actor.js';
import { runLoad, type LoadResult } from './load.js';

export interface ScopedReadResult {
  figures: { fullStack: LoadResult; baseline: LoadResult; ratio: number };
  notes: string[];
}

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 4000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 300;

export async function scopedRead(ctx: AppContext): Promise<ScopedReadResult> {
  await sql`INSERT INTO jurisdictions (id, name_zh, name_en, division_code)
            VALUES ('bench.example', '基准市', 'Bench City', '510100') ON CONFLICT DO NOTHING`.execute(ctx.db);
  const password = 'bench-password-1';
  const admin = await createUser(
    ctx,
    { jurisdictionId: 'bench.example', username: 'bench-admin', displayName: 'Bench', password, grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] },
    systemActor('bench'),
  );

  const app = await buildApp(ctx, createModules(ctx));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const bare = Fastify({ logger: false });
  bare.get<{ Params: { id: string } }>('/bare/users/:id', async (request, reply) => {
    const row = await ctx.db
      .selectFrom('users')
      .select(['id', 'jurisdiction_id', 'username', 'display_name', 'department_id', 'status'])
      .where('id', '=', request.params.id)
      .executeTakeFirst();
    return row ? row : reply.status(404).send({});
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const portOf = (s: { server: Server }) => (s.server.address() as { port: number }).port;

  try {
    const login = await fetch(`http://127.0.0.1:${portOf(app)}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-admin', password }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const full = { url: `http://127.0.0.1:${portOf(app)}/api/v1/users/${admin.id}`, headers: { authorization: `Bearer ${accessToken}` } };
    const base = { url: `http://127.0.0.1:${portOf(bare)}/bare/users/${admin.id}` };

    await runLoad({ ...full, requests: WARMUP, concurrency: CONCURRENCY });
    await runLoad({ ...base, requests: WARMUP, concurrency: CONCURRENCY });
    const baseline = await runLoad({ ...base, requests: REQUESTS, concurrency: CONCURRENCY });
    const fullStack = await runLoad({ ...full, requests: REQUESTS, concurrency: CONCURRENCY });
    if (fullStack.errors > 0 || baseline.errors > 0) throw new Error(`errors: full ${fullStack.errors}, baseline ${baseline.errors}`);
    return {
      figures: { fullStack, baseline, ratio: Math.round((fullStack.perSecond / baseline.perSecond) * 1000) / 1000 },
      notes: [
        'fullStack: GET /api/v1/users/:id with a Bearer token (session lookup, permission + scope check, presenter)',
        'baseline: bare Fastify route, one SELECT of the same row through the same Kysely instance',
        'ratio = fullStack.perSecond / baseline.perSecond (same run, same database)',
      ],
    };
  } finally {
    await bare.close();
    await app.close();
  }
}
