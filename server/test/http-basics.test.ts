import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('system endpoints', () => {
  it('healthz reports the storage kind', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', storage: t.storage.kind });
  });

  it('readyz checks the database and that migrations are current', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'ready', database: 'ok', storage: t.storage.kind });
    expect(body.migrations.pending).toEqual([]);
    expect(body.migrations.applied).toBeGreaterThanOrEqual(5);
  });

  it('metrics are in Prometheus text format and count requests', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/civicgrid_http_requests_total\{route="\/healthz",method="GET",status="200"\} \d+/);
    // Queue depth comes from the database at scrape time.
    expect(res.body).toMatch(/civicgrid_jobs\{state="pending"\} \d+/);
  });

  it('serves OpenAPI 3.1 and a docs page', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toBe('3.1.0');
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('answers unknown routes with the error format in the requested language', async () => {
    const zh = await t.app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(zh.statusCode).toBe(404);
    expect(zh.json()).toEqual({ code: 'route.not_found', message: '请求的接口不存在', requestId: expect.any(String) });
    const en = await t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.json().message).toBe('No such endpoint');
    expect(en.headers['x-request-id']).toBe(en.json().requestId);
  });

  it('sets security headers on every reply, errors included; the docs page keeps its own policy', async () => {
    for (const url of ['/healthz', '/api/v1/nope', '/api/v1/work-orders']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['content-security-policy'], url).toBe(
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data: blob:;" +
          "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests;worker-src 'self' blob:;connect-src 'self'",
      );
      expect(res.headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(res.headers['cross-origin-embedder-policy'], url).toBeUndefined();
    }
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.headers['content-security-policy']).toContain('validator.swagger.io');
  });
});
