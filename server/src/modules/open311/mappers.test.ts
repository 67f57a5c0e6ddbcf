import { describe, expect, it } from 'vitest';
import { STATUSES } from '../work-orders/index.js';
import {
  EXTENDED_STATUSES,
  INCOMING_STATUS,
  attributesOf,
  checkAttributes,
  containsHtml,
  extendedStatus,
  fieldsFromJson,
  fieldsFromPairs,
  normalisePhone,
  openOrClosed,
  readPost,
  readRequestFilters,
  redactPersonal,
  reporterName,
  splitFormat,
  titleFor,
  worst,
  type AttributeDefinition,
} from './mappers.js';
import { render, renderErrors } from './presenters.js';

const NOW = new Date('2025-06-01T00:00:00Z');
const DAY = 86_400_000;

describe('status tables', () => {
  it('maps every lifecycle status: closed exactly for the final ones, an extended status for each', () => {
    for (const s of STATUSES) expect(EXTENDED_STATUSES).toContain(extendedStatus(s));
    expect(STATUSES.filter((s) => openOrClosed(s) === 'closed').sort()).toEqual(['answered', 'cancelled', 'closed', 'merged', 'rated', 'rejected', 'transferred', 'under_review']);
    // 复核中: closed once, its result stands until the dispatcher reopens it (as the city's own figures count it).
    expect(openOrClosed('under_review')).toBe('closed');
    expect(extendedStatus('under_review')).toBe('fixed');
    expect(openOrClosed('verified')).toBe('open');
    expect(extendedStatus('transferred')).toBe('internal_referral');
    expect(extendedStatus('merged')).toBe('duplicate');
    expect(extendedStatus('in_progress')).toBe('in_progress');
    expect(extendedStatus('rejected')).toBe('not_councils_responsibility');
    for (const e of EXTENDED_STATUSES) expect(STATUSES).toContain(INCOMING_STATUS[e]);
    expect(INCOMING_STATUS.fixed).toBe('closed');
    expect(INCOMING_STATUS.reopen).toBe('under_review');
  });
});

describe('fields', () => {
  it('reads suffixes, repeated form keys and both attribute spellings', () => {
    expect(splitFormat('component.01.0102.json')).toEqual({ name: 'component.01.0102', format: 'json' });
    expect(splitFormat('GD1.XML')).toEqual({ name: 'GD1', format: 'xml' });
    expect(splitFormat('x.html')).toBeUndefined();
    const f = fieldsFromPairs([
      ['attribute[a]', 'x'],
      ['attribute[b][]', 'y'],
      ['attribute[b][]', 'z'],
      ['attribute[c]', ' '],
      ['media_url', 'u1'],
    ]);
    expect(attributesOf(f)).toEqual({ a: 'x', b: ['y', 'z'] });
    expect(attributesOf(fieldsFromJson({ attribute: { a: 'x', b: ['y', 'z'], n: 2 } }))).toEqual({ a: 'x', b: ['y', 'z'], n: '2' });
    expect(fieldsFromJson({ media_url: ['a', 'b'], lat: 30.5, gone: null }).get('media_url')).toEqual(['a', 'b']);
    expect(fieldsFromJson({ lat: 30.5, gone: null }).has('gone')).toBe(false);
  });
});

describe('readPost', () => {
  const base = { service_code: 'x', lat: '30.6', long: '104.1' };
  const read = (o: Record<string, string | string[]>) => readPost(fieldsFromJson(o));

  it('needs a location and a service code; empty counts as absent', () => {
    expect(read(base).problems).toEqual([]);
    expect(read({ address_id: '42', service_code: 'x' }).problems).toEqual([]);
    expect(read({ service_code: '', address_string: ' ' }).problems.map((p) => p.key)).toEqual(['open311.location_required', 'open311.service_code_required']);
    expect(read({ ...base, long: '' }).problems.map((p) => p.key)).toEqual(['open311.coordinate_pair']);
    expect(read({ ...base, lat: '91' }).problems.map((p) => p.key)).toEqual(['open311.coordinate_invalid']);
  });

  it('keeps descriptions plain text and at most 4,000 characters', () => {
    expect(read({ ...base, description: '井'.repeat(4000) }).problems).toEqual([]);
    expect(read({ ...base, description: '井'.repeat(4001) }).problems.map((p) => p.key)).toEqual(['open311.description_too_long']);
    for (const html of ['<p>hi</p>', 'x<br/>y', '<img src=x onerror=1>', 'a &amp; b', 'a &#60; b', '<!-- c -->']) expect(containsHtml(html)).toBe(true);
    for (const text of ['a < b', '3<5 and 6>2', '<<重要>>', 'R&D', '价格 > 10 元']) expect(containsHtml(text)).toBe(false);
  });

  it('checks media URLs and e-mail', () => {
    expect(read({ ...base, media_url: ['https://a/1.jpg', 'http://b/2.png'] }).input.mediaUrls).toEqual(['https://a/1.jpg', 'http://b/2.png']);
    expect(read({ ...base, media_url: 'javascript:alert(1)' }).problems.map((p) => p.key)).toEqual(['open311.media_url_invalid']);
    expect(read({ ...base, media_url: Array.from({ length: 11 }, (_, i) => `https://a/${i}`) }).problems.map((p) => p.key)).toEqual(['open311.media_url_too_many']);
    expect(read({ ...base, email: 'nope' }).problems.map((p) => p.key)).toEqual(['open311.email_invalid']);
  });
});

describe('checkAttributes', () => {
  const defs: AttributeDefinition[] = [
    { code: 'kind', variable: true, datatype: 'singlevaluelist', required: true, datatypeDescription: null, order: 1, description: 'k', values: [{ key: 'a', name: 'A' }, { key: 'b', name: 'B' }] },
    { code: 'many', variable: true, datatype: 'multivaluelist', required: false, datatypeDescription: null, order: 2, description: 'm', values: [{ key: 'x', name: 'X' }, { key: 'y', name: 'Y' }] },
    { code: 'n', variable: true, datatype: 'number', required: false, datatypeDescription: null, order: 3, description: 'n', values: [] },
    { code: 'when', variable: true, datatype: 'datetime', required: false, datatypeDescription: null, order: 4, description: 'w', values: [] },
    { code: 'info', variable: false, datatype: 'text', required: true, datatypeDescription: null, order: 5, description: 'i', values: [] },
  ];
  it('keeps valid values of known attributes and reports every problem', () => {
    expect(checkAttributes(defs, { kind: 'a', many: ['x', 'y', 'x'], n: '2.5', when: '2025-01-01T08:00:00+08:00', other: 'z' })).toEqual({ kept: { kind: 'a', many: ['x', 'y'], n: '2.5', when: '2025-01-01T08:00:00+08:00' }, problems: [] });
    const bad = checkAttributes(defs, { many: ['x', 'q'], n: 'two', when: 'soon' });
    expect(bad.problems.map((p) => [p.key, p.params?.code])).toEqual([
      ['open311.attribute_required', 'kind'],
      ['open311.attribute_value', 'many'],
      ['open311.attribute_number', 'n'],
      ['open311.attribute_datetime', 'when'],
    ]);
    expect(checkAttributes(defs, { kind: ['a', 'b'] }).problems.map((p) => p.key)).toEqual(['open311.attribute_single']);
  });
});

describe('readRequestFilters', () => {
  const read = (o: Record<string, string>) => readRequestFilters(fieldsFromJson(o), NOW);
  it('defaults to the last 90 days and 1,000 requests', () => {
    const { filters, problems } = read({});
    expect(problems).toEqual([]);
    expect(filters).toMatchObject({ to: NOW, from: new Date(NOW.getTime() - 90 * DAY), limit: 1000, offset: 0, ids: null, statuses: null, extensions: false });
  });
  it('opens a 90-day window from a single date and refuses longer or reversed windows', () => {
    expect(read({ start_date: '2025-01-01T00:00:00Z' }).filters.to).toEqual(new Date('2025-04-01T00:00:00Z'));
    expect(read({ end_date: '2025-04-01' }).filters.from).toEqual(new Date('2025-01-01T00:00:00Z'));
    expect(read({ start_date: '2025-01-01', end_date: '2025-04-01' }).problems).toEqual([]);
    expect(read({ start_date: '2025-01-01', end_date: '2025-04-02' }).problems.map((p) => p.key)).toEqual(['open311.date_window']);
    expect(read({ start_date: '2025-02-01', end_date: '2025-01-01' }).problems.map((p) => p.key)).toEqual(['open311.date_order']);
  });
  it('reads status, ids, paging and the extensions', () => {
    const f = read({ status: 'open', service_request_id: 'A1, B2', page: '3', page_size: '50', bbox: '104,30,105,31', extensions: 'true', q: '井盖' }).filters;
    expect(f.statuses).not.toContain('closed');
    expect(f.statuses).toContain('received');
    expect(f).toMatchObject({ ids: ['A1', 'B2'], limit: 50, offset: 100, bbox: { minLng: 104, minLat: 30, maxLng: 105, maxLat: 31 }, extensions: true, q: '井盖' });
    expect(read({ page: '2' }).filters).toMatchObject({ limit: 100, offset: 100 });
    expect(read({ page_size: '501', status: 'pending', bbox: '1,2,3' }).problems.map((p) => p.key)).toEqual(['open311.status_invalid', 'open311.integer_invalid', 'open311.bbox_invalid']);
  });
  it('answers the worst status: 403 before 404 before 400', () => {
    expect(worst([{ status: 400, key: 'a' }, { status: 404, key: 'b' }, { status: 400, key: 'c' }])).toEqual({ status: 404, problems: [{ status: 404, key: 'b' }] });
  });
});

describe('text helpers', () => {
  it('titles, names, phones and redaction', () => {
    expect(titleFor('\n  井盖缺失\n很危险', '污水井盖')).toBe('井盖缺失');
    expect(titleFor('', '污水井盖')).toBe('污水井盖');
    expect([...titleFor('长'.repeat(80), 'x')]).toHaveLength(60);
    expect(reporterName('三', '张')).toBe('张三');
    expect(reporterName('Jane', 'Doe')).toBe('Jane Doe');
    expect(reporterName(undefined, undefined)).toBeNull();
    expect(normalisePhone('+86 (138) 0013-8000')).toBe('+8613800138000');
    expect(redactPersonal('电话13800138000，座机028-12345678，身份证51010019900101123X，邮箱a@b.cn，井盖编号 2024001')).toBe('电话[*]，座机[*]，身份证[*]，邮箱[*]，井盖编号 2024001');
  });
});

describe('presenters', () => {
  it('renders JSON by the Spark convention and XML with the declaration, escaping and list wrappers', () => {
    const doc = [{ service_code: 'a&b', metadata: true, description: null, attributes: [{ code: 'x', values: [{ key: '1', name: '<一>' }] }] }];
    expect(render('json', 'services', doc)).toBe(JSON.stringify(doc));
    expect(render('xml', 'services', doc)).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<services><service><service_code>a&amp;b</service_code><metadata>true</metadata><description/><attributes><attribute><code>x</code><values><value><key>1</key><name>&lt;一&gt;</name></value></values></attribute></attributes></service></services>',
    );
    expect(renderErrors('xml', [{ code: 403, description: 'bad key' }])).toBe('<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>403</code><description>bad key</description></error></errors>');
    expect(render('xml', 'x', { v: 'a\u0001b' })).toContain('<v>ab</v>');
  });
});
