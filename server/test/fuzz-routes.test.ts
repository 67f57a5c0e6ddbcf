/**
 * Fuzzed input never yields a 5xx. For every route in the OpenAPI document, send seeded random path
 * parameters, query strings and bodies — shaped like the route's schema (its property names with values of the
 * wrong and right types) and plain garbage — as an administrator and anonymously; every answer must be a
 * deliberate 2xx/3xx/4xx in the error format, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser } from './factories.js';
import { mulberry32 } from '../src/shared/random.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CASES_PER_ROUTE = Number(process.env.FUZZ_CASES ?? 24);

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; enum?: unknown[] };

const STRINGS = ['', ' ', 'a', '张三', '0', '-1', '1e309', 'null', 'true', '../../etc/passwd', "'; DROP TABLE users; --",
  '<script>alert(1)</script>', '\u0000', '\ud800', 'x'.repeat(5000), '00000000-0000-0000-0000-000000000000',
  '2026-13-45T99:99:99Z', '%', '%00', '{"a":1}', 'chengdu.gov.cn', '510104', '🙂'];
const NUMBERS = [0, -1, 1, 1.5, 2 ** 31, -(2 ** 63), Number.MAX_SAFE_INTEGER, 1e308];

function randomValue(r: () => number, depth = 0, schema?: Schema): unknown {
  if (schema?.enum && r() < 0.5) return schema.enum[Math.floor(r() * schema.enum.length)];
  if (schema?.properties && r() < 0.7 && depth < 3) return randomObject(r, depth + 1, schema);
  const pick = Math.floor(r() * (depth > 2 ? 5 : 8));
  switch (pick) {
    case 0: return STRINGS[Math.floor(r() * STRINGS.length)];
    case 1: return NUMBERS[Math.floor(r() * NUMBERS.length)];
    case 2: return r() < 0.5;
    case 3: return null;
    case 4: return r().toString(36).slice(2);
    case 5: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1, schema?.items));
    default: return randomObject(r, depth + 1, schema);
  }
}

function randomObject(r: () => number, depth: number, schema?: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(schema?.properties ?? {})) if (r() < 0.8) out[key] = randomValue(r, depth, sub);
  if (r() < 0.2) out[`extra${Math.floor(r() * 10)}`] = randomValue(r, depth + 1);
  return out;
}

/** Lone surrogates cannot be percent-encoded as UTF-8; send an invalid UTF-8 sequence instead, which is nastier. */
function enc(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function fillPath(path: string, r: () => number): string {
  return path.replace(/\{[^}]+\}/g, () => enc(String(randomValue(r, 3) ?? 'x')).slice(0, 300) || 'x');
}

function randomQuery(r: () => number, params: Array<{ name: string; in: string; schema?: Schema }>): string {
  const parts = params
    .filter((p) => p.in === 'query' && r() < 0.7)
    .map((p) => `${enc(p.name)}=${enc(String(randomValue(r, 3, p.schema)))}`);
  if (r() < 0.2) parts.push('unknown=1');
  return parts.length ? `?${parts.join('&')}` : '';
}

let t: TestApp;
let bearer: Record<string, string>;
let routes: Array<{ method: string; path: string; params: Array<{ name: string; in: string; schema?: Schema }>; body?: Schema }>;

beforeAll(async () => {
  t = await createTestApp();
  const j = await makeJurisdiction(t.ctx.db);
  const admin = await makeUser(t.ctx.db, { jurisdictionId: j.id, username: 'fuzzadmin', grants: [{ role: 'admin', scope: { kind: 'jurisdiction' } }] });
  bearer = (await loginAs(t.app, admin)).bearer;
  const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<string, Record<string, { parameters?: []; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  };
  routes = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      // Logging ourselves out or changing our password would only make the rest of the run anonymous.
      .filter(([, op]) => !/auth\/(logout|password)$/.test(path) || op === undefined)
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      })),
  );
});
afterAll(async () => {
  await t?.close();
});

describe('fuzzed requests', () => {
  it('covers the API', () => {
    expect(routes.length).toBeGreaterThan(15);
  });

  it('never answer 5xx, as admin or anonymously', async () => {
    const r = mulberry32(SEED);
    const failures: string[] = [];
    for (const route of routes) {
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const url = fillPath(route.path, r) + randomQuery(r, route.params);
        const garbage = r() < 0.15;
        const payload = route.method === 'GET' || route.method === 'DELETE' ? undefined
          : garbage ? '{"broken": [1, 2,' : JSON.stringify(randomValue(r, 0, route.body));
        const headers: Record<string, string> = { ...(r() < 0.8 ? bearer : {}), 'accept-language': r() < 0.5 ? 'en' : 'zh-CN' };
        if (payload !== undefined) headers['content-type'] = 'application/json';
        const res = await t.app.inject({ method: route.method as 'GET', url, payload, headers, remoteAddress: `10.9.${i}.${routes.indexOf(route) % 250}` });
        if (res.statusCode >= 500) failures.push(`${route.method} ${url} ${payload?.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (res.statusCode >= 400 && route.path.startsWith('/open311/')) {
          // Open311 answers errors in the GeoReport v2 format (its own suite validates them against the spec's schemas).
          // Errors raised before the route runs (a malformed URL) come in the API's own format.
          const ok = res.body.includes('<errors>') || (Array.isArray(JSON.parse(res.body || 'null')) && /"description"/.test(res.body)) || /^\{"code":"[a-z_.]+","message"/.test(res.body);
          if (!ok) failures.push(`${route.method} ${url} → ${res.statusCode} without the Open311 error format: ${res.body.slice(0, 200)}`);
        } else if (res.statusCode >= 400) {
          const body = res.json() as { code?: unknown; message?: unknown; requestId?: unknown };
          if (typeof body.code !== 'string' || typeof body.message !== 'string' || typeof body.requestId !== 'string') {
            failures.push(`${route.method} ${url} → ${res.statusCode} without the error format: ${res.body.slice(0, 200)}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
