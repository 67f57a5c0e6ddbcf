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
import { check } from '../src/http/validation-messages.js';
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
        r.post(
          '/fields',
          {
            schema: {
              querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() }),
              body: z.strictObject({
                title: z.string().trim().min(1).max(10),
                urgency: z.enum(['emergency', 'normal']),
                count: z.number().int().positive(),
                tags: z.array(z.string()).max(2).optional(),
                at: z.iso.datetime({ offset: true }).optional(),
                id: z.string().regex(/^[0-9a-f-]{36}$/, check('uuid')).optional(),
                lat: z.number().refine((n) => n >= -90 && n <= 90, check('between', { min: -90, max: 90 })).optional(),
              }),
            },
          },
          async () => ({ ok: true }),
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

  it('names each failed field in words, in Chinese by default and in English, with its bounds', async () => {
    const bad = { title: 'x'.repeat(11), urgency: 'soon', count: 'three', tags: ['a', 'b', 'c'], at: 'yesterday', id: 'nope', lat: 91 };
    const answer = async (lang?: string, url = '/api/v1/fields') => {
      const res = await app.inject({ method: 'POST', url, payload: bad, headers: lang ? { 'accept-language': lang } : {} });
      expect(res.statusCode).toBe(400);
      return Object.fromEntries((res.json().details.issues as Array<{ path: string; message: string }>).map((i) => [i.path, i.message]));
    };
    expect(await answer()).toEqual({
      'body.title': '最多 10 个字符',
      'body.urgency': '应为以下之一："emergency" | "normal"',
      'body.count': '应为数字',
      'body.tags': '最多 2 项',
      'body.at': '应为带时区的 ISO 8601 时间（如 2026-11-24T08:00:00+08:00）',
      'body.id': '应为 UUID（如 123e4567-e89b-12d3-a456-426614174000）',
      'body.lat': '应在 -90 到 90 之间',
    });
    expect(await answer('en')).toEqual({
      'body.title': 'At most 10 characters',
      'body.urgency': 'Must be one of: "emergency" | "normal"',
      'body.count': 'Must be a number',
      'body.tags': 'At most 2 items',
      'body.at': 'Must be an ISO 8601 time with its offset (e.g. 2026-11-24T08:00:00+08:00)',
      'body.id': 'Must be a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)',
      'body.lat': 'Must be between -90 and 90',
    });
    // A missing field is 必填 (not "expected string, received undefined"); an empty one 不能为空; numbers name their bound.
    const res = await app.inject({ method: 'POST', url: '/api/v1/fields?limit=0', payload: { title: '井盖', urgency: 'normal', count: 1 } });
    const issues = Object.fromEntries((res.json().details.issues as Array<{ path: string; message: string }>).map((i) => [i.path, i.message]));
    expect(issues).toEqual({ 'querystring.limit': '不能小于 1' });
    const body = await app.inject({ method: 'POST', url: '/api/v1/fields', payload: { title: ' ', count: 0 }, headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    expect(Object.fromEntries((body.json().details.issues as Array<{ path: string; message: string }>).map((i) => [i.path, i.message]))).toEqual({
      'body.title': 'Must not be empty',
      'body.urgency': 'Required',
      'body.count': 'Must be greater than 0',
    });
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
