/**
 * Open311 GeoReport v2 through HTTP, both formats: every JSON response is validated with ajv against the reference
 * schemas in ../shared/ref/open311/ and every XML response is parsed. Real-client behaviours: FixMyStreet sends
 * jurisdiction_id on every call and api_key only on POST, form-encoded, with attribute[CODE] and attribute[CODE][].
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, openPersonal } from '../src/modules/identity/index.js';
import { seedDemoOpen311 } from '../src/modules/open311/index.js';
import { createWorkOrder, seedStandardCategories } from '../src/modules/work-orders/index.js';
import { systemActor } from '../src/shared/actor.js';
import { createTestApp, type TestApp } from './app.js';
import { loginAs, makeDepartment, makeJurisdiction, makeUser, type Session } from './factories.js';

/** Parsed XML and JSON documents are walked freely in the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const REF = path.resolve(import.meta.dirname, '../../../shared/ref/open311');
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
for (const name of ['service', 'request']) ajv.addSchema(JSON.parse(readFileSync(path.join(REF, `${name}.json`), 'utf8')) as object, `${name}.json`);
const schema = (name: string): ValidateFunction => ajv.compile(JSON.parse(readFileSync(path.join(REF, `${name}.json`), 'utf8')) as object);
const valid = { services: schema('services'), definition: schema('service-definition'), requests: schema('requests') };
const errorsSchema = ajv.compile({ type: 'array', minItems: 1, items: { type: 'object', required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } }, additionalProperties: false } });

function expectValid(validate: ValidateFunction, body: unknown) {
  const ok = validate(body);
  expect(validate.errors ?? [], JSON.stringify(body).slice(0, 400)).toEqual([]);
  expect(ok).toBe(true);
}

const xml = new XMLParser({ ignoreDeclaration: false, parseTagValue: false, isArray: (name) => ['service', 'attribute', 'value', 'request', 'error', 'request_update', 'endpoint', 'format', 'note'].includes(name) });
function parseXml(body: string): Record<string, Loose> {
  expect(body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  return xml.parse(body) as Record<string, Loose>;
}

let t: TestApp;
let j: string;
let j2: string;
let key: string;
let keyNoScope: string;
let keyOther: string;
let agent: Session;
let dispatcher: Session;
let admin: Session;
let handler: Session;
let dept: string;
const CENTRE = { lng: 104.05, lat: 30.65 };
const square = { type: 'MultiPolygon', coordinates: [[[[104.0, 30.6], [104.1, 30.6], [104.1, 30.7], [104.0, 30.7], [104.0, 30.6]]]] };

const form = (fields: Record<string, string | string[]>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p.toString();
};
const post = (url: string, fields: Record<string, string | string[]>) =>
  t.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, payload: form(fields) });
const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

/** A FixMyStreet-style report: jurisdiction_id and api_key in the form, a point, an attribute, reporter fields. */
const fmsReport = (extra: Record<string, string | string[]> = {}) => ({
  api_key: key,
  jurisdiction_id: j,
  service_code: 'component.01.0102',
  lat: String(CENTRE.lat),
  long: String(CENTRE.lng),
  'attribute[condition]': 'missing',
  description: '人民路口污水井盖缺失\n晚上很危险，请尽快处理。',
  first_name: '三',
  last_name: '张',
  email: 'zhangsan@example.com',
  phone: '+86 138 0013 8000',
  media_url: 'https://photos.example.com/a.jpg',
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  j = (await makeJurisdiction(t.ctx.db, { divisionCode: '510100' })).id;
  j2 = (await makeJurisdiction(t.ctx.db, { divisionCode: '510100' })).id;
  const actor = systemActor('test', j);
  await t.ctx.db.transaction().execute((tx) => seedStandardCategories(tx, t.ctx, j, actor));
  await t.ctx.db.insertInto('divisions').values({ jurisdiction_id: j, code: '510100', parent_code: null, level: 'city', name_zh: '测试市', name_en: 'Test City', boundary: null }).execute();
  await t.ctx.db.insertInto('divisions').values({ jurisdiction_id: j, code: '510104', parent_code: '510100', level: 'district', name_zh: '锦江区', name_en: 'Jinjiang', boundary: null }).execute();
  for (const code of ['510100', '510104']) {
    await t.ctx.db
      .updateTable('divisions')
      .set({ boundary: (eb) => eb.fn('ST_SetSRID', [eb.fn('ST_GeomFromGeoJSON', [eb.val(JSON.stringify(square))]), eb.lit(4326)]) as never })
      .where('jurisdiction_id', '=', j)
      .where('code', '=', code)
      .execute();
  }
  expect(await seedDemoOpen311(t.ctx.db, j, actor)).toBe(3);
  expect(await seedDemoOpen311(t.ctx.db, j, actor)).toBe(0);
  dept = (await makeDepartment(t.ctx.db, { jurisdictionId: j, nameZh: '城市管理局', nameEn: 'Urban Management Bureau' })).id;
  const system = { kind: 'system' as const, id: null, name: 'test', jurisdictionId: j };
  key = (await createApiKey(t.ctx, { jurisdictionId: j, name: 'fixmystreet', scopes: ['open311.*'] }, system)).key;
  keyNoScope = (await createApiKey(t.ctx, { jurisdictionId: j, name: 'reader', scopes: ['work_order.read'] }, system)).key;
  keyOther = (await createApiKey(t.ctx, { jurisdictionId: j2, name: 'other city', scopes: ['open311.submit'] }, { ...system, jurisdictionId: j2 })).key;
  const city = { kind: 'jurisdiction' } as const;
  const a = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'agent', scope: city }] });
  const ad = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'admin', scope: city }] });
  const di = await makeUser(t.ctx.db, { jurisdictionId: j, grants: [{ role: 'dispatcher', scope: city }] });
  dispatcher = await loginAs(t.app, di);
  agent = await loginAs(t.app, a);
  admin = await loginAs(t.app, ad);
  handler = await loginAs(t.app, await makeUser(t.ctx.db, { jurisdictionId: j, departmentId: dept, grants: [{ role: 'handler', scope: { kind: 'department', departmentId: dept } }] }));
}, 120_000);

afterAll(async () => {
  await t?.close();
});

async function act(code: string, action: Record<string, unknown>, who: () => Session = () => agent) {
  const order = await t.ctx.db.selectFrom('work_orders').select(['id', 'version']).where('jurisdiction_id', '=', j).where('code', '=', code).executeTakeFirstOrThrow();
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/work-orders/${order.id}/actions`, headers: who().bearer, payload: { version: order.version, action } });
  expect(res.statusCode, res.body).toBe(200);
}

describe('discovery and services', () => {
  it('describes the endpoint in both formats', async () => {
    const json = await get('/open311/discovery.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    const d = json.json();
    expect(d.endpoints).toEqual([expect.objectContaining({ url: 'http://localhost:80/open311/v2', specification: 'http://wiki.open311.org/GeoReport_v2', formats: ['text/xml', 'application/json'] })]);
    expect(d.contact).toContain(j);
    expect(d.contact).toContain('servicerequestupdates');
    const x = await get('/open311/discovery.xml', { 'accept-language': 'en' });
    expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
    const doc = parseXml(x.body).discovery;
    expect(doc.endpoints.endpoint[0].formats.format).toEqual(['text/xml', 'application/json']);
    expect(doc.contact).toContain('Extensions');
  });

  it('lists every active leaf category as a service (JSON valid against the schema, XML the same list)', async () => {
    // Two jurisdictions on this server: jurisdiction_id is required, and an unknown one is a 404.
    const missing = await get('/open311/v2/services.json');
    expect(missing.statusCode).toBe(400);
    expectValid(errorsSchema, missing.json());
    expect(missing.headers['x-open311-error-codes']).toBe('open311.jurisdiction_required');
    const unknown = await get('/open311/v2/services.xml?jurisdiction_id=nowhere.gov');
    expect(unknown.statusCode).toBe(404);
    expect(parseXml(unknown.body).errors.error[0]).toMatchObject({ code: '404' });
    // Empty counts as absent (the spec's optional arguments).
    expect((await get('/open311/v2/services.json?jurisdiction_id=')).statusCode).toBe(400);

    const res = await get(`/open311/v2/services.json?jurisdiction_id=${j}`);
    expect(res.statusCode).toBe(200);
    const services = res.json() as Array<Record<string, unknown>>;
    expectValid(valid.services, services);
    const byCode = new Map(services.map((s) => [s.service_code, s]));
    expect(byCode.get('component.01.0102')).toMatchObject({ service_name: '污水井盖', group: '部件', metadata: true, type: 'realtime', keywords: expect.stringContaining('井盖') });
    expect(byCode.get('event.03.01')).toMatchObject({ type: 'batch', metadata: true });
    expect(byCode.get('utilities.water')).toMatchObject({ group: '水电气暖', metadata: false });
    // Groups are not services: only leaves are.
    expect(byCode.has('utilities')).toBe(false);
    expect(byCode.has('component.01')).toBe(false);
    const en = (await get(`/open311/v2/services.json?jurisdiction_id=${j}&locale=en`)).json() as Array<Record<string, unknown>>;
    expect(en.find((s) => s.service_code === 'utilities.water')).toMatchObject({ group: 'Utilities' });

    const x = parseXml((await get(`/open311/v2/services.xml?jurisdiction_id=${j}`)).body);
    expect(x.services.service).toHaveLength(services.length);
    expect(x.services.service.find((s: Loose) => s.service_code === 'component.01.0102')).toMatchObject({ metadata: 'true', group: '部件' });
  });

  it('serves service definitions with their attributes; an unknown service is a 404', async () => {
    const res = await get(`/open311/v2/services/event.01.01.json?jurisdiction_id=${j}`);
    expect(res.statusCode).toBe(200);
    const def = res.json();
    expectValid(valid.definition, def);
    expect(def.service_code).toBe('event.01.01');
    expect(def.attributes.map((a: Loose) => [a.code, a.datatype, a.order, a.variable])).toEqual([
      ['kinds', 'multivaluelist', 1, true],
      ['volume_m3', 'number', 2, true],
      ['safety', 'text', 3, false],
    ]);
    expect(def.attributes[0].values).toContainEqual({ key: 'bulky', name: '大件垃圾' });
    const x = parseXml((await get(`/open311/v2/services/component.01.0102.xml?jurisdiction_id=${j}`)).body);
    expect(x.service_definition.service_code).toBe('component.01.0102');
    expect(x.service_definition.attributes.attribute[0]).toMatchObject({ code: 'condition', datatype: 'singlevaluelist', required: 'true' });
    expect(x.service_definition.attributes.attribute[0].values.value.map((v: Loose) => v.key)).toEqual(['missing', 'broken', 'displaced', 'noisy']);
    const empty = (await get(`/open311/v2/services/utilities.water.json?jurisdiction_id=${j}`)).json();
    expectValid(valid.definition, empty);
    expect(empty.attributes).toEqual([]);

    const nf = await get(`/open311/v2/services/nope.json?jurisdiction_id=${j}`);
    expect(nf.statusCode).toBe(404);
    expectValid(errorsSchema, nf.json());
    expect(nf.json()[0].code).toBe(404);
    expect((await get(`/open311/v2/services/component.01.0102.html?jurisdiction_id=${j}`)).statusCode).toBe(400);
  });
});

describe('POST requests', () => {
  let code: string;

  it('creates a work order from a FixMyStreet-style form post; no personal data comes back out', async () => {
    const res = await post('/open311/v2/requests.xml', fmsReport());
    expect(res.statusCode, res.body).toBe(200);
    const out = parseXml(res.body).service_requests.request[0];
    code = out.service_request_id;
    expect(code).toMatch(/^[A-Z]{1,4}\d{14}$/);
    expect(out.service_notice).toContain('2 小时');
    const order = await t.ctx.db.selectFrom('work_orders').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ channel: 'open311', request_type: 'component', category_code: 'component.01.0102', title: '人民路口污水井盖缺失', district_code: '510104', anonymous: false });
    expect(openPersonal(t.ctx.config.secretKey, order.reporter_name_enc!)).toBe('张三');
    expect(openPersonal(t.ctx.config.secretKey, order.reporter_phone_enc!)).toBe('13800138000');
    const meta = await t.ctx.db.selectFrom('open311_requests').selectAll().where('work_order_id', '=', order.id).executeTakeFirstOrThrow();
    expect(meta).toMatchObject({ service_code: 'component.01.0102', attributes: { condition: 'missing' }, media_urls: ['https://photos.example.com/a.jpg'], token: null });
    expect(meta.reporter_email_enc).not.toContain('zhangsan');
    expect(openPersonal(t.ctx.config.secretKey, meta.reporter_email_enc!)).toBe('zhangsan@example.com');
    const audit = await t.ctx.db.selectFrom('audit_log').select(['action', 'actor_kind']).where('object_id', '=', order.id).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'work_order.create', actor_kind: 'api_key' },
      { action: 'open311.request', actor_kind: 'api_key' },
    ]);

    // FixMyStreet reads without api_key but with jurisdiction_id.
    for (const url of [`/open311/v2/requests/${code}.json?jurisdiction_id=${j}`, `/open311/v2/requests.json?jurisdiction_id=${j}&service_request_id=${code}`]) {
      const r = await get(url);
      expect(r.statusCode, r.body).toBe(200);
      expectValid(valid.requests, r.json());
      const [record] = r.json();
      expect(record).toMatchObject({ service_request_id: code, status: 'open', service_code: 'component.01.0102', service_name: '污水井盖', lat: CENTRE.lat, long: CENTRE.lng, media_url: 'https://photos.example.com/a.jpg', service_notice: expect.stringContaining('井盖') });
      expect(r.body).not.toMatch(/张|13800138000|8000|zhangsan/);
    }
    const x = parseXml((await get(`/open311/v2/requests/${code}.xml?jurisdiction_id=${j}`)).body);
    expect(x.service_requests.request[0]).toMatchObject({ service_request_id: code, status: 'open' });
  });

  it('accepts JSON with multi-value attributes, several media URLs and the key in X-Api-Key', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'x-api-key': key },
      payload: { jurisdiction_id: j, service_code: 'event.01.01', address_string: '人民南路一段 12 号旁', attribute: { kinds: ['household', 'bulky'], volume_m3: 2.5 }, description: '路边堆着垃圾', media_url: ['https://p.example.com/1.jpg', 'https://p.example.com/2.jpg'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [out] = res.json();
    const meta = await t.ctx.db
      .selectFrom('open311_requests as r')
      .innerJoin('work_orders as w', 'w.id', 'r.work_order_id')
      .select(['r.attributes', 'r.media_urls', 'w.anonymous', 'w.address'])
      .where('w.code', '=', out.service_request_id)
      .executeTakeFirstOrThrow();
    expect(meta).toEqual({ attributes: { kinds: ['household', 'bulky'], volume_m3: '2.5' }, media_urls: ['https://p.example.com/1.jpg', 'https://p.example.com/2.jpg'], anonymous: true, address: '人民南路一段 12 号旁' });
    // The form spelling of a multi-value list.
    const f = await post('/open311/v2/requests.json', { api_key: key, jurisdiction_id: j, service_code: 'event.01.01', address_string: '东大街', 'attribute[kinds][]': ['household', 'construction'], description: '垃圾' });
    expect(f.statusCode, f.body).toBe(200);
  });

  it('answers 403 for a missing, wrong, out-of-scope or other-city key', async () => {
    const { api_key: _drop, ...noKey } = fmsReport();
    for (const [fields, codeKey] of [
      [noKey, 'open311.api_key_required'],
      [{ ...noKey, api_key: 'cgk_wrong_key_value' }, 'open311.api_key_invalid'],
      [{ ...noKey, api_key: keyNoScope }, 'open311.api_key_scope'],
      [{ ...noKey, api_key: keyOther }, 'open311.api_key_jurisdiction'],
    ] as const) {
      const res = await post('/open311/v2/requests.xml', fields);
      expect(res.statusCode).toBe(403);
      expect(res.headers['x-open311-error-codes']).toBe(codeKey);
      const e = parseXml(res.body).errors.error;
      expect(e).toHaveLength(1);
      expect(e[0].code).toBe('403');
      expect(e[0].description.length).toBeGreaterThan(0);
    }
  });

  it('reports several problems at once (400), an unknown service or jurisdiction as 404, and refuses markup and over-long text', async () => {
    const many = await post('/open311/v2/requests.json', { api_key: key, jurisdiction_id: j, description: '<b>x</b>', lat: '99' });
    expect(many.statusCode).toBe(400);
    expectValid(errorsSchema, many.json());
    expect(String(many.headers['x-open311-error-codes']).split(',').sort()).toEqual(['open311.coordinate_invalid', 'open311.coordinate_pair', 'open311.description_html', 'open311.service_code_required'].sort());
    expect(many.json().every((e: Loose) => e.code === 400)).toBe(true);

    const attrs = await post('/open311/v2/requests.json', fmsReport({ 'attribute[condition]': 'melted', 'attribute[on_road][]': ['yes', 'no'] }));
    expect(attrs.statusCode).toBe(400);
    expect(attrs.headers['x-open311-error-codes']).toBe('open311.attribute_value,open311.attribute_single');
    const required = await post('/open311/v2/requests.json', fmsReport({ 'attribute[condition]': '' }));
    expect(required.headers['x-open311-error-codes']).toBe('open311.attribute_required');
    const en = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' }, payload: form(fmsReport({ 'attribute[condition]': '' })) });
    expect(en.json()[0].description).toBe('Required attribute condition is missing');

    const long = await post('/open311/v2/requests.json', fmsReport({ description: '井'.repeat(4001) }));
    expect(long.headers['x-open311-error-codes']).toBe('open311.description_too_long');
    expect((await post('/open311/v2/requests.json', fmsReport({ description: 'a &amp; b' }))).headers['x-open311-error-codes']).toBe('open311.description_html');
    // Plain text with angle brackets is not markup.
    expect((await post('/open311/v2/requests.json', fmsReport({ description: '水位 < 1 米，温度 > 30 度' }))).statusCode).toBe(200);

    const svc = await post('/open311/v2/requests.json', fmsReport({ service_code: 'no.such' }));
    expect(svc.statusCode).toBe(404);
    expect(svc.json()).toEqual([{ code: 404, description: '未找到 service_code：no.such' }]);
    expect((await post('/open311/v2/requests.json', fmsReport({ jurisdiction_id: 'nowhere.gov' }))).statusCode).toBe(404);
    // No jurisdiction_id on a POST: the key's.
    expect((await post('/open311/v2/requests.json', fmsReport({ jurisdiction_id: '' }))).statusCode).toBe(200);
    // Outside the city: the work-order service's refusal, as an Open311 400.
    const outside = await post('/open311/v2/requests.json', fmsReport({ lat: '31.5', long: '105.5' }));
    expect(outside.statusCode).toBe(400);
    expectValid(errorsSchema, outside.json());
  });

  it('answers a batch service with a token that resolves to the id once the order is reviewed', async () => {
    const res = await post('/open311/v2/requests.json', { api_key: key, jurisdiction_id: j, service_code: 'event.03.01', address_string: '工地', description: '夜里 2 点还在施工', 'attribute[since]': '2025-03-01T22:00:00+08:00' });
    expect(res.statusCode, res.body).toBe(200);
    const [out] = res.json();
    expect(out.service_request_id).toBeUndefined();
    expect(out.token).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const before = await get(`/open311/v2/tokens/${out.token}.json?jurisdiction_id=${j}`);
    expect(before.json()).toEqual([{ token: out.token }]);
    const row = await t.ctx.db.selectFrom('open311_requests as r').innerJoin('work_orders as w', 'w.id', 'r.work_order_id').select('w.code').where('r.token', '=', out.token).executeTakeFirstOrThrow();
    await act(row.code, { type: 'accept', note: '已核实' });
    const after = parseXml((await get(`/open311/v2/tokens/${out.token}.xml?jurisdiction_id=${j}`)).body);
    expect(after.service_requests.request[0]).toEqual({ service_request_id: row.code, token: out.token });
    expect((await get(`/open311/v2/tokens/AAAAAAAAAAAAAAAAAAAAAAAA.json?jurisdiction_id=${j}`)).statusCode).toBe(404);
    expect((await get(`/open311/v2/tokens/${out.token}.json?jurisdiction_id=${j2}`)).statusCode).toBe(404);
  });

  it('maps the lifecycle: closed with the latest public note, the department, extended statuses; internal notes stay inside', async () => {
    const res = await post('/open311/v2/requests.json', fmsReport({ description: '井盖又坏了，联系电话 13912345678' }));
    const [{ service_request_id: id }] = res.json();
    await act(id, { type: 'accept', note: '内部：先查台账' });
    await act(id, { type: 'dispatch', departmentId: dept }, () => dispatcher);
    let [r] = (await get(`/open311/v2/requests/${id}.json?jurisdiction_id=${j}&extensions=true`)).json();
    expect(r).toMatchObject({ status: 'open', status_notes: null, agency_responsible: '城市管理局' });
    expect(r.description).toBe('井盖又坏了，联系电话 [*]');
    expect(r.extended_attributes).toMatchObject({ status: 'action_scheduled', channel: 'open311', duplicate: false, grid_code: null, district: { code: '510104', name: '锦江区' }, department: '城市管理局' });
    expect(JSON.stringify(r)).not.toContain('内部');
    const order = await t.ctx.db.selectFrom('work_orders').select(['due_at']).where('code', '=', id).executeTakeFirstOrThrow();
    expect(r.expected_datetime).toBe(order.due_at ? order.due_at.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

    const res2 = await post('/open311/v2/requests.json', fmsReport({ description: '不是我们管的' }));
    const [{ service_request_id: id2 }] = res2.json();
    await act(id2, { type: 'reject', reason: '该井盖属燃气公司，已转告' });
    [r] = (await get(`/open311/v2/requests/${id2}.json?jurisdiction_id=${j}&extensions=true&locale=en`)).json();
    expectValid(valid.requests, [r]);
    expect(r).toMatchObject({ status: 'closed', status_notes: '该井盖属燃气公司，已转告', service_name: expect.any(String) });
    expect(r.extended_attributes.status).toBe('not_councils_responsibility');
    expect(r.notes).toEqual([{ datetime: expect.any(String), status: 'not_councils_responsibility', description: '该井盖属燃气公司，已转告' }]);
    const x = parseXml((await get(`/open311/v2/requests/${id2}.xml?jurisdiction_id=${j}&extensions=true`)).body);
    expect(x.service_requests.request[0].extended_attributes.status).toBe('not_councils_responsibility');
    expect(x.service_requests.request[0].notes.note[0].description).toBe('该井盖属燃气公司，已转告');
  });
});

describe('an order under review (复核中)', () => {
  it('is closed and fixed while the unsatisfied rating is reviewed — as the city counts it — and open again once reopened', async () => {
    const [{ service_request_id: id }] = (await post('/open311/v2/requests.json', fmsReport({ description: '路灯不亮' }))).json();
    await act(id, { type: 'accept' });
    await act(id, { type: 'dispatch', departmentId: dept }, () => dispatcher);
    await act(id, { type: 'sign' }, () => handler);
    await act(id, { type: 'start' }, () => handler);
    await act(id, { type: 'report', note: '已更换灯泡' }, () => handler);
    await act(id, { type: 'verify_pass' }, () => dispatcher);
    await act(id, { type: 'close' }, () => dispatcher);
    await act(id, { type: 'rate', rating: 'unsatisfied', comment: '晚上还是不亮' });
    const one = async () => (await get(`/open311/v2/requests/${id}.json?jurisdiction_id=${j}&extensions=true`)).json()[0] as Loose;
    // (service_request_id would override the other filters, as GeoReport v2 says: the lists are read whole.)
    const listed = async (status: 'open' | 'closed') =>
      ((await get(`/open311/v2/requests.json?jurisdiction_id=${j}&status=${status}`)).json() as Loose[]).map((r) => r.service_request_id).filter((code) => code === id);
    const review = await one();
    expectValid(valid.requests, [review]);
    expect(review).toMatchObject({ status: 'closed', status_notes: '晚上还是不亮', extended_attributes: { status: 'fixed' } });
    expect(await listed('closed')).toEqual([id]);
    expect(await listed('open')).toEqual([]);

    await act(id, { type: 'reopen', reason: '居民反映夜间仍不亮，重新办理' }, () => dispatcher);
    const reopened = await one();
    expect(reopened.status).toBe('open');
    expect(reopened.extended_attributes.status).not.toBe('fixed');
    expect(await listed('open')).toEqual([id]);
    expect(await listed('closed')).toEqual([]);
  });
});

describe('GET requests', () => {
  it('filters by status, service code (with subtree), text, box and window; ids override; pages; refuses bad input', async () => {
    // A hotline enquiry is a conversation with a person: never served through Open311.
    const { order: enquiry } = await createWorkOrder(
      t.ctx,
      { jurisdictionId: j, channel: 'hotline', requestType: 'enquiry', title: '社保咨询', description: '我叫李四，想问社保', reporter: { name: '李四', phone: '13700000000' }, urgency: 'normal' },
      { principal: null, audit: { kind: 'system', id: null, name: 'test', jurisdictionId: j } },
    );
    expect((await get(`/open311/v2/requests/${enquiry.code}.json?jurisdiction_id=${j}`)).statusCode).toBe(404);

    const all = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}`)).json() as Loose[];
    expectValid(valid.requests, all);
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(all.map((r) => r.service_request_id)).not.toContain(enquiry.code);
    expect(JSON.stringify(all)).not.toMatch(/李四|张三|13800138000/);
    const sorted = [...all].sort((a, b) => b.requested_datetime.localeCompare(a.requested_datetime));
    expect(all.map((r) => r.requested_datetime)).toEqual(sorted.map((r) => r.requested_datetime));

    const closed = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&status=closed`)).json() as Loose[];
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    const open = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&status=open`)).json() as Loose[];
    expect(open.length + closed.length).toBe(all.length);

    const events = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&service_code=event`)).json() as Loose[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((r) => r.service_code.startsWith('event.'))).toBe(true);
    const two = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&service_code=event.01.01,event.03.01`)).json() as Loose[];
    expect(new Set(two.map((r) => r.service_code))).toEqual(new Set(['event.01.01', 'event.03.01']));

    const q = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&q=${encodeURIComponent('施工')}`)).json() as Loose[];
    expect(q.map((r) => r.service_code)).toEqual(['event.03.01']);
    const inBox = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&bbox=104.0,30.6,104.1,30.7`)).json() as Loose[];
    expect(inBox.length).toBeGreaterThan(0);
    expect(inBox.every((r) => r.lat !== null)).toBe(true);
    expect((await get(`/open311/v2/requests.json?jurisdiction_id=${j}&bbox=110,20,111,21`)).json()).toEqual([]);

    const old = `start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z`;
    expect((await get(`/open311/v2/requests.json?jurisdiction_id=${j}&${old}`)).json()).toEqual([]);
    const byIds = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&${old}&status=closed&service_request_id=${all[0].service_request_id},${all[1].service_request_id}`)).json() as Loose[];
    expect(byIds.map((r) => r.service_request_id).sort()).toEqual([all[0].service_request_id, all[1].service_request_id].sort());

    const p1 = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&page_size=2`)).json() as Loose[];
    const p2 = (await get(`/open311/v2/requests.json?jurisdiction_id=${j}&page_size=2&page=2`)).json() as Loose[];
    expect(p1.map((r) => r.service_request_id)).toEqual(all.slice(0, 2).map((r) => r.service_request_id));
    expect(p2.map((r) => r.service_request_id)).toEqual(all.slice(2, 4).map((r) => r.service_request_id));
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await get(`/open311/v2/requests.json?jurisdiction_id=${j}&updated_after=${future}`)).json()).toEqual([]);
    expect(((await get(`/open311/v2/requests.json?jurisdiction_id=${j}&updated_before=${future}`)).json() as Loose[]).length).toBe(all.length);

    const bad = await get(`/open311/v2/requests.xml?jurisdiction_id=${j}&start_date=2024-01-01&end_date=2024-06-01&status=pending&page_size=501&bbox=1,2`);
    expect(bad.statusCode).toBe(400);
    const errs = parseXml(bad.body).errors.error;
    expect(errs).toHaveLength(4);
    expect(bad.headers['x-open311-error-codes']).toBe('open311.date_window,open311.status_invalid,open311.integer_invalid,open311.bbox_invalid');
    expect((await get(`/open311/v2/requests.json?jurisdiction_id=${j}&start_date=yesterday`)).json()).toEqual([{ code: 400, description: 'start_date 不是有效的日期时间（ISO 8601 / W3C）' }]);
  });
});

describe('mySociety servicerequestupdates', () => {
  it('lists status changes with extended statuses (public notes only) and records client updates once, without moving the lifecycle', async () => {
    const res = await get(`/open311/v2/servicerequestupdates.json?jurisdiction_id=${j}`);
    expect(res.statusCode).toBe(200);
    const updates = res.json() as Loose[];
    expect(updates.length).toBeGreaterThanOrEqual(3);
    for (const u of updates) {
      expect(Object.keys(u).sort()).toEqual(['description', 'media_url', 'service_request_id', 'status', 'update_id', 'updated_datetime']);
      expect(u.updated_datetime).toMatch(/Z$/);
    }
    expect(updates.map((u) => u.status)).toEqual(expect.arrayContaining(['investigating', 'action_scheduled', 'not_councils_responsibility']));
    expect(JSON.stringify(updates)).not.toContain('内部');
    expect(updates.find((u) => u.status === 'not_councils_responsibility').description).toBe('该井盖属燃气公司，已转告');
    const x = parseXml((await get(`/open311/v2/servicerequestupdates.xml?jurisdiction_id=${j}`)).body);
    expect(x.service_request_updates.request_update).toHaveLength(updates.length);

    const target = updates.find((u) => u.status === 'action_scheduled').service_request_id as string;
    const order = await t.ctx.db.selectFrom('work_orders').select(['id', 'status', 'version']).where('code', '=', target).executeTakeFirstOrThrow();
    const update = { api_key: key, jurisdiction_id: j, service_request_id: target, update_id: 'fms-777', updated_datetime: '2025-03-02T10:00:00+00:00', status: 'FIXED', description: '看起来已经修好了', first_name: 'San', last_name: 'Zhang', email: 'z@example.com' };
    const first = await post('/open311/v2/servicerequestupdates.xml', update);
    expect(first.statusCode, first.body).toBe(200);
    const id = parseXml(first.body).service_request_updates.request_update[0].update_id;
    const again = await post('/open311/v2/servicerequestupdates.json', update);
    expect(again.json()).toEqual([{ update_id: id }]);
    const rows = await t.ctx.db.selectFrom('open311_updates').selectAll().where('work_order_id', '=', order.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'fixed', mapped_status: 'closed', description: '看起来已经修好了', client_update_id: 'fms-777' });
    expect(openPersonal(t.ctx.config.secretKey, rows[0]!.reporter_email_enc!)).toBe('z@example.com');
    expect(await t.ctx.db.selectFrom('work_orders').select(['status', 'version']).where('id', '=', order.id).executeTakeFirstOrThrow()).toEqual({ status: order.status, version: order.version });
    expect(await t.ctx.db.selectFrom('audit_log').select('action').where('object_id', '=', order.id).where('action', '=', 'open311.update').execute()).toHaveLength(1);

    const { api_key: _k, ...noKey } = update;
    expect((await post('/open311/v2/servicerequestupdates.json', noKey)).statusCode).toBe(403);
    const bad = await post('/open311/v2/servicerequestupdates.json', { api_key: key, jurisdiction_id: j, service_request_id: 'XX00000000000000', status: 'melted' });
    expect(bad.statusCode).toBe(404);
    const bad400 = await post('/open311/v2/servicerequestupdates.json', { api_key: key, jurisdiction_id: j, service_request_id: target, status: 'melted' });
    expect(bad400.statusCode).toBe(400);
    expect(String(bad400.headers['x-open311-error-codes']).split(',')).toEqual(['open311.field_required', 'open311.update_status_invalid', 'open311.field_required']);
    expect((await get(`/open311/v2/servicerequestupdates.json?jurisdiction_id=${j}&start_date=2024-01-01&end_date=2024-12-31`)).statusCode).toBe(400);
  });
});

describe('configuration by administrators', () => {
  it('lets an administrator configure a service (audited) and refuses others and inconsistent definitions', async () => {
    const body = {
      type: 'realtime',
      serviceNotice: '停水问题 24 小时内答复',
      attributes: [
        { code: 'scope', datatype: 'singlevaluelist', required: true, order: 1, description: '停水范围', values: [{ key: 'home', name: '仅本户' }, { key: 'building', name: '整栋楼' }] },
        { code: 'since', datatype: 'datetime', order: 2, description: '开始时间' },
      ],
    };
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/open311/services/utilities.water', headers: agent.bearer, payload: body })).statusCode).toBe(403);
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/open311/services/utilities.water', headers: admin.bearer, payload: body });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ code: 'utilities.water', type: 'realtime', serviceNotice: '停水问题 24 小时内答复', attributes: [expect.objectContaining({ code: 'scope', required: true }), expect.objectContaining({ code: 'since', required: false, values: [] })] });
    const svc = ((await get(`/open311/v2/services.json?jurisdiction_id=${j}`)).json() as Loose[]).find((s) => s.service_code === 'utilities.water');
    expect(svc.metadata).toBe(true);
    const def = (await get(`/open311/v2/services/utilities.water.json?jurisdiction_id=${j}`)).json();
    expectValid(valid.definition, def);
    expect(def.attributes.map((a: Loose) => a.code)).toEqual(['scope', 'since']);
    expect(await t.ctx.db.selectFrom('audit_log').select('action').where('object_type', '=', 'open311_service').where('object_id', '=', 'utilities.water').execute()).toEqual([{ action: 'open311.configure' }]);

    const noValues = await t.app.inject({ method: 'PUT', url: '/api/v1/open311/services/utilities.water', headers: admin.bearer, payload: { attributes: [{ code: 'x', datatype: 'singlevaluelist', order: 1, description: 'x' }] } });
    expect(noValues.statusCode).toBe(400);
    expect(noValues.json().code).toBe('open311.config_values');
    const dup = await t.app.inject({ method: 'PUT', url: '/api/v1/open311/services/utilities.water', headers: admin.bearer, payload: { attributes: [{ code: 'x', datatype: 'string', order: 1, description: 'x' }, { code: 'x', datatype: 'string', order: 2, description: 'y' }] } });
    expect(dup.json().code).toBe('open311.config_attribute_duplicate');
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/open311/services/utilities', headers: admin.bearer, payload: {} })).statusCode).toBe(404);
  });

  it('keeps /open311 paths the API’s (no SPA fallback) and lists the routes in OpenAPI', async () => {
    const res = await get('/open311/v2/nothing.json');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).not.toContain('text/html');
    const spec = (await get('/api/openapi.json')).json();
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/open311/v2/requests.{format}', '/open311/v2/services/{file}', '/api/v1/open311/services/{code}']));
  });
});
