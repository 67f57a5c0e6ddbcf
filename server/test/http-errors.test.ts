/**
 * The error contract every route shares: malformed JSON → 400, unknown fields → 400 naming them, too-large
 * bodies → 413, validation → 400 with details, unexpected errors → 500 without internals — all as
 * `{ code, message, details?, requestId }` in the caller's language.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createContext } from '../src/context.js';
import type { Storage } from '../src/db/storage.js';
import { buildApp } from '../src/http/app.js';
import { AppError } from '../src/shared/errors.js';
import { testConfig } from './app.js';
import { createTestStorage } from './db.js';

let app: FastifyInstance;
let storage: Storage;

beforeAll(async () => {
  storage = await createTestStorage();
  const config = testConfig({ bodyLimitBytes: 2048 });
  const ctx = createContext(config, storage);
  app = await buildApp(ctx, [
    {
      routes(api) {
        const r = api.withTypeProvider<ZodTypeProvider>();
        r.post(
          '/echo',
          { schema: { body: z.strictObject({ name: z.string().min(1), nested: z.strictObject({ n: z.number() }).optional() }) } },
          async (request) => ({ name: request.body.name }),
        );
        r.get('/conflict', async () => {
          throw new AppError('conflict', 'request.invalid', {}, { current: 'dispatched' });
        });
        r.get('/boom', async () => {
          throw new Error('secret internals: password=hunter2');
        });
      },
    },
  ]);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await storage?.close();
});

const post = (payload: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/echo', payload, headers: { 'content-type': 'application/json', ...headers } });

describe('error format', () => {
  it('accepts a valid body', async () => {
    const res = await post(JSON.stringify({ name: '张三' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ name: '张三' });
  });

  it('answers malformed JSON with 400 request.malformed_json', async () => {
    const res = await post('{"name": "x",');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'request.malformed_json', message: '请求体不是有效的 JSON', requestId: expect.any(String) });
  });

  it('names unknown fields, also nested ones, in the chosen language', async () => {
    const res = await post(JSON.stringify({ name: 'x', colour: 'red', nested: { n: 1, extra: true } }), { 'accept-language': 'en' });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('request.unknown_fields');
    expect(body.message).toContain('colour');
    expect(body.message).toContain('nested.extra');
  });

  it('answers invalid values with 400 request.invalid and the failing paths', async () => {
    const res = await post(JSON.stringify({ name: '' }));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('request.invalid');
    expect(body.details.issues[0]).toMatchObject({ path: 'body.name', issue: 'too_small' });
  });

  it('answers a body over the limit with 413 request.too_large', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(5000) }), { 'accept-language': 'en' });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'request.too_large', message: 'The request body is too large (limit 2048 bytes)' });
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/echo', payload: 'name=x', headers: { 'content-type': 'text/csv' } });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('request.unsupported_media_type');
  });

  it('maps AppError kinds to statuses and keeps details', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json().details).toEqual({ current: 'dispatched' });
  });

  it('hides internals of unexpected errors behind 500 internal with the request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/boom', headers: { 'x-request-id': 'trace-12345678' } });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ code: 'internal', requestId: 'trace-12345678' });
    expect(body.message).toContain('trace-12345678');
    expect(res.body).not.toContain('hunter2');
  });

  it('ignores a request id that does not look like one', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/conflict', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.json().requestId).not.toBe('bad id with spaces');
    expect(res.json().requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
