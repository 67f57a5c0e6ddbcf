import { describe, expect, it } from 'vitest';
import { catalogs, type Tree } from '../../shared/locale-catalog';
import { ACTION_KEYS, answeredAtIntake, codeGroups, normaliseCode, progressOf, STATUS_KEYS, stepStates, STEPS, TICKET_CODE } from '../track/progress';
import { hrefFor, parseHash } from './hash-route';
import {
  buildBody,
  categoryChoices,
  effectiveTitle,
  emptyDraft,
  last4,
  MAX_DESCRIPTION,
  newIdempotencyKey,
  pointInAny,
  searchCategories,
  validateDetails,
  type PolygonLike,
  type ReportDraft,
} from './model';

const draft = (patch: Partial<ReportDraft>): ReportDraft => ({ ...emptyDraft(), ...patch });

function has(tree: Tree, key: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' && node.trim() !== '';
}

describe('validateDetails', () => {
  it('needs a description and a phone unless anonymous', () => {
    expect(validateDetails(draft({}))).toEqual({ description: 'residentReport.errors.descriptionRequired', phone: 'residentReport.errors.phoneRequired' });
    expect(validateDetails(draft({ description: '井盖丢了', phone: '138 0013 8000' }))).toEqual({});
    expect(validateDetails(draft({ description: '井盖丢了', anonymous: true }))).toEqual({});
  });

  it('refuses a malformed phone and over-long fields', () => {
    const e = validateDetails(draft({ description: 'x'.repeat(MAX_DESCRIPTION + 1), phone: '12ab', title: 't'.repeat(201), name: 'n'.repeat(51), address: 'a'.repeat(501) }));
    expect(e).toEqual({
      description: 'residentReport.errors.descriptionTooLong',
      phone: 'residentReport.errors.phoneInvalid',
      title: 'residentReport.errors.titleTooLong',
      name: 'residentReport.errors.nameTooLong',
      address: 'residentReport.errors.addressTooLong',
    });
    // Exactly at the limit is fine.
    expect(validateDetails(draft({ description: 'x'.repeat(MAX_DESCRIPTION), anonymous: true }))).toEqual({});
  });

  it('returns keys that exist in both languages', () => {
    const e = validateDetails(draft({ description: 'x'.repeat(MAX_DESCRIPTION + 1), phone: '1', title: 't'.repeat(201), name: 'n'.repeat(51), address: 'a'.repeat(501) }));
    const keys = [...Object.values(e), 'residentReport.errors.descriptionRequired', 'residentReport.errors.phoneRequired'];
    for (const k of keys) {
      expect(has(catalogs['zh-CN'], k), `zh-CN ${k}`).toBe(true);
      expect(has(catalogs.en, k), `en ${k}`).toBe(true);
    }
  });
});

describe('buildBody', () => {
  it('sends the reporter with a cleaned phone, the point rounded, photos and category', () => {
    const body = buildBody(
      draft({
        description: '人行道上的井盖缺失，晚上很危险\n已经三天了',
        phone: '138-0013-8000',
        name: ' 张三 ',
        point: { lng: 104.0665123456, lat: 30.5723987654 },
        address: '  天府大道 1 号 ',
        attachmentIds: ['a1'],
        categoryCode: 'component.01.0102',
        requestType: 'report',
      }),
      'J1',
      'web',
    );
    expect(body).toEqual({
      jurisdictionId: 'J1',
      requestType: 'report',
      categoryCode: 'component.01.0102',
      title: '人行道上的井盖缺失，晚上很危险',
      description: '人行道上的井盖缺失，晚上很危险\n已经三天了',
      location: { lng: 104.066512, lat: 30.572399 },
      address: '天府大道 1 号',
      attachmentIds: ['a1'],
      reporter: { phone: '13800138000', name: '张三' },
      channel: 'web',
    });
  });

  it('leaves the reporter out when anonymous, and optional fields out when empty', () => {
    const body = buildBody(draft({ description: 'd', title: ' 我的标题 ', anonymous: true, phone: '13800138000', name: '李四' }), 'J1', 'mobile');
    expect(body).toEqual({ jurisdictionId: 'J1', requestType: 'complaint', title: '我的标题', description: 'd', channel: 'mobile' });
  });
});

describe('effectiveTitle', () => {
  it('cuts a long first line at 30 characters, counting code points', () => {
    const long = '路灯'.repeat(20);
    expect(effectiveTitle({ title: '', description: long })).toBe(`${'路灯'.repeat(15)}…`);
    expect(effectiveTitle({ title: '', description: '😀'.repeat(31) })).toBe(`${'😀'.repeat(30)}…`);
    expect(effectiveTitle({ title: '', description: '短' })).toBe('短');
    // No blank before the ellipsis.
    expect(effectiveTitle({ title: '', description: 'Please add a bench at the bus stop on the square' })).toBe('Please add a bench at the bus…');
  });
});

describe('idempotency keys and phone digits', () => {
  it('are fresh per report and acceptable to the server', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9._:-]{8,200}$/);
    expect(newIdempotencyKey((x) => x.fill(0xab))).toBe(`report-${'ab'.repeat(16)}`);
  });

  it('takes the last four digits of a phone as typed', () => {
    expect(last4('+86 138-0013-8123')).toBe('8123');
    expect(last4('12')).toBeNull();
  });
});

describe('pointInAny', () => {
  const square: PolygonLike = { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]] };
  const multi: PolygonLike = { type: 'MultiPolygon', coordinates: [[[[20, 20], [30, 20], [30, 30], [20, 30], [20, 20]]]] };
  it('is inside the outer ring, outside holes and elsewhere', () => {
    expect(pointInAny({ lng: 1, lat: 1 }, [square])).toBe(true);
    expect(pointInAny({ lng: 5, lat: 5 }, [square])).toBe(false);
    expect(pointInAny({ lng: 11, lat: 5 }, [square])).toBe(false);
    expect(pointInAny({ lng: 25, lat: 25 }, [square, multi])).toBe(true);
    expect(pointInAny({ lng: 15, lat: 15 }, [square, multi])).toBe(false);
  });
});

describe('category search', () => {
  const items = [
    { code: 'component', parentCode: null, kind: 'component', nameZh: '部件', nameEn: 'Components' },
    { code: 'component.01', parentCode: 'component', kind: 'component', nameZh: '公用设施', nameEn: 'Public utilities' },
    { code: 'component.01.0102', parentCode: 'component.01', kind: 'component', nameZh: '污水井盖', nameEn: 'Sewage manhole cover' },
    { code: 'component.01.0101', parentCode: 'component.01', kind: 'component', nameZh: '上水井盖', nameEn: null },
    { code: 'utilities.water', parentCode: 'utilities', kind: 'hotline', nameZh: '供水', nameEn: 'Water' },
  ];
  it('shows each category with its ancestors in the UI language', () => {
    const zh = categoryChoices(items, 'zh-CN');
    expect(zh.find((c) => c.code === 'component.01.0102')!.path).toBe('部件 › 公用设施 › 污水井盖');
    const en = categoryChoices(items, 'en');
    expect(en.find((c) => c.code === 'component.01.0102')!.path).toBe('Components › Public utilities › Sewage manhole cover');
    // No English name: the Chinese one stands in.
    expect(en.find((c) => c.code === 'component.01.0101')!.name).toBe('上水井盖');
    // A parent missing from the list does not break the path.
    expect(zh.find((c) => c.code === 'utilities.water')!.path).toBe('供水');
  });

  it('finds by name words, best (name) matches first, and nothing for an empty query', () => {
    const zh = categoryChoices(items, 'zh-CN');
    expect(searchCategories(zh, '井盖').map((c) => c.code)).toEqual(['component.01.0102', 'component.01.0101']);
    expect(searchCategories(zh, '公用设施').map((c) => c.code)).toEqual(['component.01', 'component.01.0102', 'component.01.0101']);
    expect(searchCategories(zh, '公用 污水').map((c) => c.code)).toEqual(['component.01.0102']);
    expect(searchCategories(zh, '  ')).toEqual([]);
  });
});

describe('hash routes', () => {
  it('round-trip', () => {
    expect(parseHash('')).toEqual({ page: 'home' });
    expect(parseHash('#/report')).toEqual({ page: 'report' });
    expect(parseHash('#/mine')).toEqual({ page: 'mine' });
    expect(parseHash(hrefFor({ page: 'track', code: 'CD20260101000001', last4: '8123' }))).toEqual({ page: 'track', code: 'CD20260101000001', last4: '8123' });
    expect(hrefFor({ page: 'track', code: '', last4: '' })).toBe('#/track');
    expect(parseHash('#/nowhere')).toEqual({ page: 'home' });
  });
});

describe('tracking progress', () => {
  it('folds the statuses onto 受理 → 派遣 → 处置 → 核查 → 结案 → 评价', () => {
    expect(STEPS).toEqual(['accept', 'dispatch', 'handle', 'verify', 'close', 'rate']);
    expect(stepStates(progressOf('received'))).toEqual(['current', 'todo', 'todo', 'todo', 'todo', 'todo']);
    expect(stepStates(progressOf('signed'))).toEqual(['done', 'current', 'todo', 'todo', 'todo', 'todo']);
    expect(stepStates(progressOf('in_progress'))).toEqual(['done', 'done', 'current', 'todo', 'todo', 'todo']);
    expect(stepStates(progressOf('reported'))).toEqual(['done', 'done', 'done', 'current', 'todo', 'todo']);
    expect(stepStates(progressOf('closed'))).toEqual(['done', 'done', 'done', 'done', 'done', 'current']);
    expect(stepStates(progressOf('rated'))).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    expect(progressOf('rejected')).toEqual({ current: 0, stopped: 'rejected' });
    expect(progressOf('returned').current).toBe(1);
    expect(progressOf('answered').current).toBe(5);
  });

  it('marks the steps an enquiry answered at intake skipped, not done', () => {
    expect(stepStates(progressOf('answered'), true)).toEqual(['done', 'skipped', 'skipped', 'skipped', 'done', 'current']);
    expect(stepStates(progressOf('rated'), true)).toEqual(['done', 'skipped', 'skipped', 'skipped', 'done', 'done']);
    expect(answeredAtIntake([{ action: 'create' }, { action: 'answer' }, { action: 'rate' }])).toBe(true);
    expect(answeredAtIntake([{ action: 'create' }, { action: 'accept' }, { action: 'dispatch' }, { action: 'close' }])).toBe(false);
  });

  it('knows every status of the server', () => {
    for (const s of STATUS_KEYS) if (s !== 'merged') expect(progressOf(s).current, s).toBeGreaterThanOrEqual(0);
    expect(new Set(STATUS_KEYS).size).toBe(16);
  });

  it('has a label for every status and timeline action in both languages', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const s of STATUS_KEYS) expect(has(catalogs[lang], `residentReport.status.${s}`), `${lang} status ${s}`).toBe(true);
      for (const a of ACTION_KEYS) expect(has(catalogs[lang], `residentReport.action.${a}`), `${lang} action ${a}`).toBe(true);
      for (const s of STEPS) expect(has(catalogs[lang], `residentReport.track.steps.${s}`), `${lang} step ${s}`).toBe(true);
    }
  });

  it('accepts ticket codes as typed', () => {
    expect(TICKET_CODE.test(normaliseCode(' cd2026 0101 000001 '))).toBe(true);
    expect(TICKET_CODE.test(normaliseCode('CD2026'))).toBe(false);
  });

  it('splits a ticket code into prefix, day and number for display', () => {
    expect(codeGroups('CD20261123000051')).toEqual(['CD', '20261123', '000051']);
    expect(codeGroups('X20260101000001')).toEqual(['X', '20260101', '000001']);
    expect(codeGroups('not-a-code')).toEqual(['not-a-code']);
  });
});
