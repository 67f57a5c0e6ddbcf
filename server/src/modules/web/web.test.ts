import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.js';
import { buildApp } from '../../http/app.js';
import { createModules } from '../registry.js';
import { cacheControlFor, createWebModule } from './index.js';

function fakeDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-web-'));
  mkdirSync(path.join(dir, 'assets'));
  mkdirSync(path.join(dir, 'console'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>resident</title><script type="module" src="/assets/resident-AbCd1234.js"></script>');
  writeFileSync(path.join(dir, 'console', 'index.html'), '<!doctype html><title>console</title>');
  mkdirSync(path.join(dir, 'inspector'));
  writeFileSync(path.join(dir, 'inspector', 'index.html'), '<!doctype html><title>inspector</title>');
  writeFileSync(path.join(dir, 'assets', 'resident-AbCd1234.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

describe('cacheControlFor', () => {
  it('caches hashed assets forever, revalidates HTML, keeps the rest an hour', () => {
    expect(cacheControlFor('assets/console-jGhAW696.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('assets/CityMap-CusPgbjD.css')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlFor('console/index.html')).toBe('no-cache');
    expect(cacheControlFor('favicon.svg')).toBe('public, max-age=3600');
  });
});

describe('web module on the real app', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let dist: string;
  let bare: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp();
    dist = fakeDist();
    // The real module list, with the web module pointed at a fake build.
    const modules = [...createModules(t.ctx).filter((m) => !m.root), createWebModule(t.ctx, { distDir: dist })];
    app = await buildApp(t.ctx, modules);
    await app.ready();
    bare = await buildApp(t.ctx, [createWebModule(t.ctx, { distDir: path.join(dist, 'missing') })]);
    await bare.ready();
  });

  afterAll(async () => {
    await app?.close();
    await bare?.close();
    await t?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('serves the resident portal at / with a strict CSP and no long cache', async () => {
    const r = await app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/html/);
    expect(r.body).toContain('<title>resident</title>');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it('answers every /console path with the console entry, and redirects /console', async () => {
    for (const url of ['/console/', '/console/users', '/console/departments/x/y']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).toContain('<title>console</title>');
    }
    const redirect = await app.inject({ method: 'GET', url: '/console' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
  });

  it("serves the inspectors' patrol app at /inspector/ and redirects /inspector", async () => {
    const r = await app.inject({ method: 'GET', url: '/inspector/' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<title>inspector</title>');
    expect(r.headers['cache-control']).toBe('no-cache');
    const redirect = await app.inject({ method: 'GET', url: '/inspector' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/inspector/');
  });

  it('caches hashed assets for a year', async () => {
    const r = await app.inject({ method: 'GET', url: '/assets/resident-AbCd1234.js' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const head = await app.inject({ method: 'HEAD', url: '/favicon.svg' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('serves a rebuild at once: assets that appear after start-up, and the new entry', async () => {
    writeFileSync(path.join(dist, 'assets', 'console-ZyXw9876.js'), 'console.log(2)');
    writeFileSync(path.join(dist, 'console', 'index.html'), '<!doctype html><title>console 2</title><script type="module" src="/assets/console-ZyXw9876.js"></script>');
    const asset = await app.inject({ method: 'GET', url: '/assets/console-ZyXw9876.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(2)');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await app.inject({ method: 'GET', url: '/console/work-orders' })).body).toContain('<title>console 2</title>');
    for (const url of ['/assets/.hidden', '/assets/..%2Fpackage.json', '/assets/', '/index.html/x']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type'], url).toMatch(/application\/json/);
    }
  });

  it('never swallows the API, health, metrics, Open311 or unknown paths', async () => {
    const api = await app.inject({ method: 'GET', url: '/api/v1/does-not-exist' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ code: 'route.not_found' });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toContain('# HELP');
    for (const url of ['/open311/v2/services.json', '/nope', '/assets/missing-AAAAAAAA.js', '/assets/../package.json']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type'], url).toMatch(/application\/json/);
    }
    const openapi = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(openapi.statusCode).toBe(200);
  });

  it('starts without a build and says how to make one', async () => {
    const r = await bare.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build -w web');
    expect((await bare.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
