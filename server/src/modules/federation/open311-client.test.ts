/**
 * The tolerant Open311 parsers on every real capture in ../shared/ref/open311/captures/ (each file has its
 * expectation below; a new file without one fails the test) and on the variants real servers produce.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDiscovery, parseDocument, parseErrors, parseRequests, parseServiceDefinition, parseServices, parseUpdates } from './open311-client.js';

const CAPTURES = path.resolve(import.meta.dirname, '../../../../../shared/ref/open311/captures');
const read = (name: string) => parseDocument(readFileSync(path.join(CAPTURES, name), 'utf8'));

const EXPECT: Record<string, (doc: unknown) => void> = {
  'boston-err-submitrequest-base_is_duplicate.xml': (doc) => {
    expect(parseErrors(doc)).toEqual([{ code: '400', description: 'Invalid service request: base is a duplicate.' }]);
  },
  'boston-submitrequest-token.xml': (doc) => {
    expect(parseErrors(doc)).toBeNull();
    expect(parseRequests(doc)).toMatchObject([{ token: '503fc045901932078800163c', serviceRequestId: null }]);
  },
  // An HTTP preamble before the document, and a bare <error> with text only.
  'cfa-403.xml': (doc) => {
    expect(parseErrors(doc)).toEqual([{ code: '', description: "Invalid api_key received -- can't proceed with create_request." }]);
  },
  'cfa-get_service_request_not_found.xml': (doc) => {
    expect(parseErrors(doc)).toEqual([{ code: '404', description: 'Service request not found with id or token not-an-id' }]);
  },
  'cfa-post_service_request.xml': (doc) => {
    const [r] = parseRequests(doc);
    expect(r).toMatchObject({ serviceRequestId: '293944', token: null });
    expect(r!.serviceNotice).toMatch(/^The City will inspect .* Public Works Code$/);
  },
  'cfa-request_id_from_token.xml': (doc) => {
    expect(parseRequests(doc)).toMatchObject([{ serviceRequestId: '638344', token: '12345' }]);
  },
  // Attributes without an <attributes> wrapper.
  'cfa-service_definition.xml': (doc) => {
    expect(parseServiceDefinition(doc)).toEqual({
      serviceCode: 'DMV66',
      attributes: [
        {
          code: 'WHISHETN',
          variable: true,
          datatype: 'singlevaluelist',
          required: true,
          description: 'What is the ticket/tag/DL number?',
          order: 1,
          values: [
            { key: '123', name: 'Ford' },
            { key: '124', name: 'Chrysler' },
          ],
        },
      ],
    });
  },
  'cfa-service_requests.xml': (doc) => {
    const list = parseRequests(doc);
    expect(list.map((r) => [r.serviceRequestId, r.status, r.statusNotes])).toEqual([
      ['638344', 'closed', 'Duplicate request.'],
      ['638349', 'open', null],
    ]);
    expect(list[0]).toMatchObject({ serviceCode: '006', description: null, lat: 37.762221815, long: -122.4651145, mediaUrls: ['http://open311.city.gov.s3.amazonaws.com/requests/media/638344.rss'] });
    expect(list[0]!.updatedAt?.toISOString()).toBe('2010-04-14T14:37:38.000Z');
  },
  // San Francisco: namespaces on the root, metadata "false", empty keywords.
  'cfa-services.xml': (doc) => {
    const list = parseServices(doc);
    expect(list).toHaveLength(36);
    expect(list[0]).toMatchObject({ code: '001', name: 'Cans_Left_Out_24x7', metadata: false, type: 'realtime', group: 'Litter Receptacles', keywords: [] });
  },
  // With the <attributes> wrapper and an empty <values />.
  'dc-services-S0301.xml': (doc) => {
    const def = parseServiceDefinition(doc);
    expect(def.serviceCode).toBe('S0301');
    expect(def.attributes).toHaveLength(6);
    expect(def.attributes.find((a) => a.code === 'DSITR001')).toMatchObject({ datatype: 'text', variable: false, required: false, order: 9, values: [] });
    expect(def.attributes.find((a) => a.code === 'ISITHAZA')!.values.map((v) => v.key)).toEqual(['NO001', 'UNKNOWN', 'YES001']);
    expect(def.attributes.reduce((n, a) => n + a.values.length, 0)).toBe(13);
  },
  'dc-services.xml': (doc) => {
    const list = parseServices(doc);
    expect(list).toHaveLength(86);
    expect(list[0]).toMatchObject({ code: 'CSRREPIS', metadata: true, keywords: ['311', 'Online', 'Reported', 'Issues'] });
  },
  'discovery-boston.json': (doc) => {
    const d = parseDiscovery(doc);
    expect(d.endpoints.map((e) => [e.type, e.url])).toEqual([
      ['production', 'https://mayors24.cityofboston.gov/open311/v2'],
      ['test', 'https://mayors24.cityofboston.gov:6443/open311/v2'],
    ]);
    expect(d.endpoints[0]!.formats).toEqual(['text/xml', 'application/json']);
  },
  'discovery-dc.xml': (doc) => {
    const d = parseDiscovery(doc);
    expect(d.endpoints.map((e) => e.url)).toEqual(['http://app.311.dc.gov/cwi/Open311/v2', 'http://app.311.dc.gov/cwi/Open311']);
    expect(d.endpoints[0]!.formats).toEqual(['text/xml']);
    expect(d.contact).toMatch(/octo@dc.gov/);
  },
  'service-request.xml': (doc) => {
    expect(parseRequests(doc)).toMatchObject([{ serviceRequestId: '638344', status: 'closed', mediaUrls: ['http://city.gov.s3.amazonaws.com/requests/media/638344.jpg'] }]);
  },
  'service-requests.xml': (doc) => {
    expect(parseRequests(doc).map((r) => r.serviceRequestId)).toEqual(['638344', '638349']);
  },
  'token.xml': (doc) => {
    expect(parseRequests(doc)).toMatchObject([{ serviceRequestId: '638344', token: '12345' }]);
  },
};

describe('Open311 client parsers on real captures', () => {
  const files = readdirSync(CAPTURES).filter((f) => f !== 'README.md');
  it('has an expectation for every capture', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECT).sort());
  });
  for (const file of files) it(file, () => EXPECT[file]!(read(file)));
});

describe('Open311 client parsers on variants', () => {
  it('reads JSON lists bare, wrapped in an object, and a lone object', () => {
    const item = { service_request_id: 7, status: 'OPEN', media_url: ['https://a/1.jpg', ' ', 'https://a/2.jpg'] };
    for (const doc of [[item], { service_requests: [item] }, { requests: { request: item } }, { service_requests: { request: [item] } }, item]) {
      expect(parseRequests(doc)).toEqual([expect.objectContaining({ serviceRequestId: '7', status: 'open', mediaUrls: ['https://a/1.jpg', 'https://a/2.jpg'] })]);
    }
    expect(parseRequests([])).toEqual([]);
    expect(parseRequests({ service_requests: '' })).toEqual([]);
  });

  it('reads booleans and numbers given as strings, and tolerates missing optional fields', () => {
    expect(parseServices({ services: [{ service_code: 'A', metadata: 'TRUE' }, { service_code: 'B', metadata: 0, service_name: 'Bee' }, { service_name: 'no code' }] })).toEqual([
      { code: 'A', name: 'A', description: null, group: null, metadata: true, type: null, keywords: [] },
      { code: 'B', name: 'Bee', description: null, group: null, metadata: false, type: null, keywords: [] },
    ]);
    expect(parseServiceDefinition({ service_code: 'X', attributes: [{ code: 'c', required: 'false', variable: 'true', order: '2', values: [{ key: 1, name: 'one' }] }] }).attributes).toEqual([
      { code: 'c', variable: true, datatype: 'string', required: false, description: null, order: 2, values: [{ key: '1', name: 'one' }] },
    ]);
    expect(parseRequests([{ service_request_id: 'x', lat: 'n/a', updated_datetime: 'yesterday' }])[0]).toMatchObject({ lat: null, updatedAt: null, statusNotes: null, mediaUrls: [] });
  });

  it('reads XML with several media_url elements and mySociety updates', () => {
    const doc = parseDocument(
      '<?xml version="1.0"?><service_request_updates><request_update><update_id>9</update_id><service_request_id>CD1</service_request_id><status>FIXED</status><updated_datetime>2026-01-02T03:04:05+08:00</updated_datetime><description>已修复</description><media_url>https://a/1.jpg</media_url><media_url>https://a/2.jpg</media_url></request_update></service_request_updates>',
    );
    expect(parseUpdates(doc)).toEqual([{ updateId: '9', serviceRequestId: 'CD1', status: 'fixed', updatedAt: new Date('2026-01-01T19:04:05Z'), description: '已修复', mediaUrls: ['https://a/1.jpg', 'https://a/2.jpg'] }]);
    expect(parseUpdates(parseDocument('<service_request_updates/>'))).toEqual([]);
  });

  it('recognises error documents in both formats, and only those', () => {
    expect(parseErrors([{ code: 403, description: 'bad key' }])).toEqual([{ code: '403', description: 'bad key' }]);
    expect(parseErrors({ errors: [{ code: 400, description: 'x' }, { code: 400, description: 'y' }] })).toHaveLength(2);
    expect(parseErrors({ error: 'nope' })).toEqual([{ code: '', description: 'nope' }]);
    expect(parseErrors(parseDocument('<errors><error><code>400</code><description>a</description></error><error><code>404</code><description>b</description></error></errors>'))).toHaveLength(2);
    expect(parseErrors([{ service_request_id: '1', status: 'open' }])).toBeNull();
    expect(parseErrors([])).toBeNull();
    expect(() => parseDocument('')).toThrow();
    expect(() => parseDocument('oops')).toThrow();
    expect(() => parseDocument('{"a":')).toThrow();
  });
});
