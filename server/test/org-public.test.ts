/** Jurisdictions and administrative divisions are public geography: the resident portal reads them signed out. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeJurisdiction, makeUser } from './factories.js';

let t: TestApp;
const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { 'accept-language': 'en', ...headers } });

async function addDistrict(jurisdictionId: string, code: string, name: string) {
  await t.ctx.db
    .insertInto('divisions')
    .values({ jurisdiction_id: jurisdictionId, code, parent_code: null, level: 'district', name_zh: name, name_en: null, boundary: null })
    .execute();
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('public geography', () => {
  it('serves the only jurisdiction without sign-in, and asks which one once there are several', async () => {
    const a = await makeJurisdiction(t.ctx.db, { id: 'alpha.gov.cn', divisionCode: '510100' });
    await addDistrict(a.id, '510104', '锦江区');
    const one = await get('/divisions?level=district');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual({ jurisdictionId: 'alpha.gov.cn', items: [expect.objectContaining({ code: '510104', nameZh: '锦江区' })] });

    const b = await makeJurisdiction(t.ctx.db, { id: 'beta.gov.cn', divisionCode: '440300' });
    await addDistrict(b.id, '440303', '罗湖区');
    const ambiguous = await get('/divisions');
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().code).toBe('jurisdiction.required');
    const named = await get('/divisions?jurisdiction=beta.gov.cn');
    expect(named.json().items.map((d: { code: string }) => d.code)).toEqual(['440303']);
    const unknown = await get('/divisions?jurisdiction=nowhere.gov.cn');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('jurisdiction.not_found');

    const list = await get('/jurisdictions');
    expect(list.json().items.map((j: { id: string }) => j.id)).toEqual(['alpha.gov.cn', 'beta.gov.cn']);
  });

  it('gives a signed-in caller their own jurisdiction and never another one', async () => {
    const u = await makeUser(t.ctx.db, { jurisdictionId: 'beta.gov.cn', grants: [{ role: 'resident', scope: { kind: 'self' } }] });
    const s = await loginAs(t.app, u);
    const own = await get('/divisions', s.bearer);
    expect(own.json().jurisdictionId).toBe('beta.gov.cn');
    expect((await get('/divisions?jurisdiction=alpha.gov.cn', s.bearer)).statusCode).toBe(404);
  });
});
