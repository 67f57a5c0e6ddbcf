import { describe, expect, it } from 'vitest';
import { ACTION_TYPES } from '@civicgrid/contracts/work-orders';
import type { Category } from './model';
import {
  actionForm,
  actorKey,
  dispatchPreselect,
  buildAction,
  categoryLabel,
  categoryTree,
  deadlineInfo,
  emptyFilters,
  filtersFromParams,
  filtersToParams,
  filtersToQuery,
  followUpDeadline,
  lastRatingComment,
  photoProblem,
  lastReport,
  lastReturnDepartment,
  lastReturnReason,
  needsForm,
  signDeadline,
  splitDuration,
} from './model';

describe('list filters in the URL', () => {
  it('round-trip through the query string', () => {
    const f = { ...emptyFilters(), status: ['dispatched', 'signed'], channel: ['hotline'], category: 'event.05', district: '510105', grid: '510105001', from: '2026-03-01', to: '2026-03-31', overdue: true, open: false, q: '占道经营', sort: 'due' as const };
    const params = filtersToParams(f);
    expect(params.get('status')).toBe('dispatched,signed');
    expect(params.get('open')).toBe('false');
    expect(filtersFromParams(new URLSearchParams(params.toString()))).toEqual(f);
  });

  it('ignore malformed dates and flags instead of sending them to the server', () => {
    const f = filtersFromParams(new URLSearchParams('from=yesterday&to=2026-13&overdue=yes&sort=weird&status=,,'));
    expect(f).toEqual(emptyFilters());
  });

  it('turn days into China-time instants with an inclusive end', () => {
    const q = filtersToQuery({ ...emptyFilters(), from: '2026-02-28', to: '2026-02-28', supervised: true });
    expect(q).toEqual({ sort: 'created', from: '2026-02-28T00:00:00+08:00', to: '2026-03-01T00:00:00+08:00', supervised: 'true' });
    expect(filtersToQuery({ ...emptyFilters(), to: '2026-12-31' }).to).toBe('2027-01-01T00:00:00+08:00');
  });

  it('carry the closing days and the warning flag (the overview links to them)', () => {
    const f = filtersFromParams(new URLSearchParams('closedFrom=2026-11-23&closedTo=2026-11-23&warned=true&overdue=false&open=true&closedTo2=x'));
    expect(f).toEqual({ ...emptyFilters(), closedFrom: '2026-11-23', closedTo: '2026-11-23', warned: true, overdue: false, open: true });
    expect(filtersToQuery(f)).toEqual({
      sort: 'created',
      closedFrom: '2026-11-23T00:00:00+08:00',
      closedTo: '2026-11-24T00:00:00+08:00',
      warned: 'true',
      overdue: 'false',
      open: 'true',
    });
    expect(filtersFromParams(new URLSearchParams('closedFrom=today')).closedFrom).toBeUndefined();
  });
});

describe('deadline bar', () => {
  const base = { status: 'in_progress', createdAt: '2026-03-02T00:00:00Z', slaStartedAt: '2026-03-02T00:00:00Z', dueAt: '2026-03-12T00:00:00Z', warnAt: '2026-03-10T00:00:00Z', overdue: false, warned: false };

  it('is green before the warning, amber after it, red when overdue', () => {
    expect(deadlineInfo(base, new Date('2026-03-04T00:00:00Z'))).toEqual({ tone: 'ok', percent: 20, remainingMs: 8 * 86_400_000 });
    expect(deadlineInfo(base, new Date('2026-03-11T00:00:00Z')).tone).toBe('warn');
    expect(deadlineInfo(base, new Date('2026-03-13T00:00:00Z'))).toMatchObject({ tone: 'overdue', percent: 100 });
  });

  it("trusts the server's working-time flags over the local clock", () => {
    expect(deadlineInfo({ ...base, warned: true }, new Date('2026-03-03T00:00:00Z')).tone).toBe('warn');
    expect(deadlineInfo({ ...base, overdue: true }, new Date('2026-03-03T00:00:00Z')).tone).toBe('overdue');
  });

  it('shows the sign-for deadline only while the order waits to be signed for; late by the server flag or the clock', () => {
    const dispatched = { status: 'dispatched', signDueAt: '2026-03-03T03:00:00Z', signOverdue: false };
    expect(signDeadline(dispatched, new Date('2026-03-03T02:00:00Z'))).toEqual({ at: '2026-03-03T03:00:00Z', late: false });
    expect(signDeadline(dispatched, new Date('2026-03-03T03:00:00Z'))?.late).toBe(true);
    expect(signDeadline({ ...dispatched, signOverdue: true }, new Date('2026-03-03T02:00:00Z'))?.late).toBe(true);
    expect(signDeadline({ ...dispatched, status: 'signed' }, new Date('2026-03-03T02:00:00Z'))).toBeNull();
    expect(signDeadline({ ...dispatched, signDueAt: null }, new Date('2026-03-03T02:00:00Z'))).toBeNull();
  });

  it('shows the follow-up deadline (回访时限) the list row carries, late (回访超期) once passed; nothing without one', () => {
    const row = { followUpDueAt: '2026-12-02T08:00:00.000Z' };
    expect(followUpDeadline(row, new Date('2026-12-02T07:59:00Z'))).toEqual({ at: '2026-12-02T08:00:00.000Z', late: false });
    expect(followUpDeadline(row, new Date('2026-12-02T08:00:00Z'))).toEqual({ at: '2026-12-02T08:00:00.000Z', late: true });
    expect(followUpDeadline({ followUpDueAt: null }, new Date('2026-12-02T08:00:00Z'))).toBeNull();
  });

  it('shows paused, finished and deadline-less orders as such', () => {
    expect(deadlineInfo({ ...base, status: 'suspended' }, new Date('2026-03-13T00:00:00Z')).tone).toBe('paused');
    expect(deadlineInfo({ ...base, status: 'closed' }, new Date('2026-03-13T00:00:00Z')).tone).toBe('done');
    // Under review (finished, clock stopped), even past its old deadline and still flagged by it.
    expect(deadlineInfo({ ...base, status: 'under_review', overdue: true }, new Date('2026-03-13T00:00:00Z'))).toEqual({ tone: 'done', percent: 100, remainingMs: null, ending: 'finishedLate' });
    // Finished in time or late, or ended without a result (it said 已办结 for all of them).
    expect(deadlineInfo({ ...base, status: 'rated' }, new Date('2026-03-13T00:00:00Z')).ending).toBe('finished');
    expect(deadlineInfo({ ...base, status: 'closed', overdue: true }, new Date('2026-03-13T00:00:00Z')).ending).toBe('finishedLate');
    for (const status of ['cancelled', 'rejected', 'merged', 'transferred']) expect(deadlineInfo({ ...base, status }, new Date('2026-03-13T00:00:00Z')).ending, status).toBe('ended');
    expect(deadlineInfo({ ...base, dueAt: null }, new Date('2026-03-03T00:00:00Z')).tone).toBe('none');
    // Suspended, the server gives no deadline until the order is resumed: the clock is paused, not absent.
    expect(deadlineInfo({ ...base, status: 'suspended', dueAt: null, warnAt: null }, new Date('2026-03-03T00:00:00Z'))).toEqual({ tone: 'paused', percent: 0, remainingMs: null });
  });

  it('splits durations into days, hours and minutes', () => {
    expect(splitDuration(-(2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 59_000))).toEqual({ d: 2, h: 3, m: 4 });
  });
});

describe('action forms', () => {
  it('ask for what the server requires', () => {
    expect(actionForm('dispatch')).toMatchObject({ department: true, text: { field: 'note', required: false } });
    expect(actionForm('return').text).toEqual({ field: 'reason', required: true });
    expect(actionForm('report')).toMatchObject({ photos: true, text: { field: 'note', required: true } });
    expect(actionForm('request_extension')).toMatchObject({ days: true, text: { field: 'reason', required: true } });
    expect(actionForm('rate')).toMatchObject({ rating: true, text: { field: 'comment', required: false } });
    expect(actionForm('merge').parent).toBe(true);
    expect(needsForm('sign')).toBe(false);
    expect(needsForm('cancel')).toBe(true);
    // Every action the server knows has a form.
    for (const a of ACTION_TYPES) expect(actionForm(a)).toBeTruthy();
  });

  it('build the request body, leaving out empty optional text', () => {
    expect(buildAction('sign', { text: '  ' })).toEqual({ type: 'sign' });
    expect(buildAction('dispatch', { departmentId: 'd1', text: '请尽快' })).toEqual({ type: 'dispatch', departmentId: 'd1', note: '请尽快' });
    expect(buildAction('report', { text: ' 已清理 ', photos: ['p1'] })).toEqual({ type: 'report', note: '已清理', photos: ['p1'] });
    expect(buildAction('verify_pass', { photos: [] })).toEqual({ type: 'verify_pass' });
    expect(buildAction('request_extension', { days: 3, text: '需采购配件' })).toEqual({ type: 'request_extension', days: 3, reason: '需采购配件' });
    expect(buildAction('rate', { rating: 'satisfied' })).toEqual({ type: 'rate', rating: 'satisfied' });
    expect(buildAction('merge', { parentId: 'p' })).toEqual({ type: 'merge', parentId: 'p' });
  });
});

describe('categories', () => {
  const items: Category[] = [
    { code: 'event', parentCode: null, kind: 'event', nameZh: '事件', nameEn: 'Events', active: true },
    { code: 'event.05', parentCode: 'event', kind: 'event', nameZh: '街面秩序', nameEn: 'Street order', active: true },
    { code: 'event.05.01', parentCode: 'event.05', kind: 'event', nameZh: '无照经营游商', nameEn: null, active: true },
    { code: 'utilities', parentCode: null, kind: 'hotline', nameZh: '水电气暖', nameEn: 'Utilities', active: true },
  ];

  it('form a tree by parent code', () => {
    const tree = categoryTree(items, 'zh-CN');
    expect(tree.map((n) => n.value)).toEqual(['event', 'utilities']);
    expect(tree[0]!.children![0]!.children![0]).toEqual({ value: 'event.05.01', title: '无照经营游商' });
  });

  it('label a code with its parent, in the UI language', () => {
    const byCode = new Map(items.map((c) => [c.code, c]));
    expect(categoryLabel('event.05.01', byCode, 'zh-CN')).toBe('街面秩序 / 无照经营游商');
    expect(categoryLabel('event.05', byCode, 'en')).toBe('Events / Street order');
    expect(categoryLabel('unknown.1', byCode, 'en')).toBe('unknown.1');
  });
});

it('finds the latest return reason in a timeline', () => {
  expect(lastReturnReason([{ action: 'return', note: '不属本部门' }, { action: 'dispatch', note: null }, { action: 'return', note: '应由区城管处理' }])).toBe('应由区城管处理');
  expect(lastReturnReason([{ action: 'dispatch', note: null }])).toBeNull();
  expect(lastReturnDepartment([{ action: 'return', data: { departmentId: 'd1' } }, { action: 'dispatch', data: { departmentId: 'd2' } }, { action: 'return', data: { departmentId: 'd2' } }])).toBe('d2');
  expect(lastReturnDepartment([{ action: 'dispatch', data: { departmentId: 'd1' } }])).toBeNull();
});

it("finds the handler's latest report in a timeline (a rework's, not the first)", () => {
  const entry = (action: string, note: string | null, photos: string[] = []) => ({ action, note, photos });
  expect(lastReport([entry('report', '已清理', ['p1']), entry('verify_fail', '仍有垃圾'), entry('report', '已彻底清理', ['p2', 'p3'])])).toEqual({ note: '已彻底清理', photos: 2 });
  expect(lastReport([entry('dispatch', null)])).toBeNull();
});

it('dispatch form: pre-selects the suggested department, unless that department returned the order', () => {
  const returned = [{ action: 'dispatch', data: { departmentId: 'd-a' } }, { action: 'return', data: { departmentId: 'd-a' } }];
  expect(dispatchPreselect({ departmentId: 'd-a', unique: true }, returned)).toEqual({ departmentId: null, hint: 'suggestedReturned' });
  expect(dispatchPreselect({ departmentId: 'd-b', unique: true }, returned)).toEqual({ departmentId: 'd-b', hint: 'suggested' });
  expect(dispatchPreselect({ departmentId: 'd-a', unique: false }, [])).toEqual({ departmentId: 'd-a', hint: 'suggestedTie' });
  // A list row (no timeline): the suggestion as it is.
  expect(dispatchPreselect({ departmentId: 'd-a', unique: true }, undefined)).toEqual({ departmentId: 'd-a', hint: 'suggested' });
});

it("finds the resident's latest rating comment for the review queue (复核中)", () => {
  const entry = (action: string, note: string | null) => ({ action, note });
  expect(lastRatingComment([entry('close', '已处理'), entry('rate', '  井盖还是松的  '), entry('reopen', null), entry('close', '已加固'), entry('rate', '还是会响')])).toBe('还是会响');
  expect(lastRatingComment([entry('close', '已处理'), entry('rate', '  ')])).toBeNull();
  expect(lastRatingComment([entry('close', '已处理')])).toBeNull();
});

it('says per reason what to do about a photo that failed to upload: the accepted types, the size limit, or try again', async () => {
  const { ApiError } = await import('../../shared/api');
  expect(photoProblem(new ApiError(415, 'unsupported_media_type', 'x', undefined, 'r1'))).toEqual({ key: 'photoWrongType' });
  expect(photoProblem(new ApiError(413, 'too_large', 'x', { limit: 10485760, limitMb: 10 }, 'r2'))).toEqual({ key: 'photoTooLarge', limitMb: 10 });
  // A proxy's 413 has no body of ours: no limit to name.
  expect(photoProblem(new ApiError(413, 'http_413', 'x'))).toEqual({ key: 'photoTooLargeNoLimit' });
  expect(photoProblem(new ApiError(503, 'unavailable', 'x', undefined, 'r3'))).toEqual({ key: 'photoFailed' });
  expect(photoProblem(new ApiError(0, 'network', 'x'))).toEqual({ key: 'photoFailed' });
  const { catalogs } = await import('../../shared/locale-catalog');
  type Tree = { [k: string]: string | Tree };
  const get = (tree: Tree, key: string) => key.split('.').reduce<Tree | string | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
  for (const lang of ['zh-CN', 'en'] as const) {
    const text = (k: string) => String(get(catalogs[lang] as Tree, `workOrders.form.${k}`));
    expect(text('photoWrongType'), lang).toMatch(/JPEG、PNG、WebP 或 HEIC|JPEG, PNG, WebP or HEIC/);
    expect(text('photoTooLarge'), lang).toContain('{{limitMb}} MB');
    // Adding the same file again cannot help for these two.
    for (const k of ['photoWrongType', 'photoTooLarge', 'photoTooLargeNoLimit']) expect(text(k), `${lang} ${k}`).not.toMatch(/add it again|重新添加/);
  }
});

describe('locale keys built at run time', () => {
  it('word the inbox header and the confirmations naturally: no space before 的, no "Return: done"', async () => {
    const { catalogs } = await import('../../shared/locale-catalog');
    type Tree = { [k: string]: string | Tree };
    const get = (tree: Tree, key: string) => key.split('.').reduce<Tree | string | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
    expect(get(catalogs['zh-CN'] as Tree, 'workOrders.inbox.scope')).toMatch(/^\{\{name\}\}的/);
    expect(get(catalogs.en as Tree, 'workOrders.actions.done.return')).toBe('Order returned');
  });

  it('name every status, action, channel, type, urgency, rating and reveal purpose in both languages', async () => {
    const { catalogs } = await import('../../shared/locale-catalog');
    const codes = await import('@civicgrid/contracts/work-orders');
    type Tree = { [k: string]: string | Tree };
    const get = (tree: Tree, key: string) => key.split('.').reduce<Tree | string | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
    const keys = [
      ...codes.STATUSES.map((s) => `workOrders.status.${s}`),
      ...[...codes.ACTION_TYPES, 'create', 'parent_closed', 'sla_warning', 'overdue', 'sign_overdue'].map((a) => `workOrders.action.${a}`),
      // What the console says once an action went through, in each language's own words (not "Return: done").
      ...codes.ACTION_TYPES.map((a) => `workOrders.actions.done.${a}`),
      ...codes.CHANNELS.map((c) => `workOrders.channel.${c}`),
      ...codes.REQUEST_TYPES.map((c) => `workOrders.requestType.${c}`),
      ...codes.URGENCIES.map((c) => `workOrders.urgency.${c}`),
      ...codes.RATINGS.map((c) => `workOrders.rating.${c}`),
      ...codes.REVEAL_PURPOSES.map((c) => `workOrders.reveal.purposes.${c}`),
      ...['reason', 'note', 'comment'].map((f) => `workOrders.form.${f}`),
      ...['suggested', 'suggestedTie', 'suggestedReturned'].map((h) => `workOrders.dispatch.${h}`),
    ];
    for (const lang of ['zh-CN', 'en'] as const) expect(keys.filter((k) => typeof get(catalogs[lang] as Tree, k) !== 'string'), lang).toEqual([]);
  });

  it('name who made each timeline entry, staff or not (public, system, an API key, an import)', async () => {
    const { catalogs } = await import('../../shared/locale-catalog');
    const { ROLES } = await import('@civicgrid/contracts/identity');
    type Tree = { [k: string]: string | Tree };
    const get = (tree: Tree, key: string) => key.split('.').reduce<Tree | string | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
    expect(actorKey('dispatcher')).toBe('roles.dispatcher');
    expect(actorKey('public')).toBe('workOrders.detail.actor.public');
    expect(actorKey(null)).toBe('workOrders.detail.actor.system');
    expect(actorKey('something_new')).toBe('workOrders.detail.actor.unknown');
    const keys = [...ROLES, 'public', 'api_key', 'import', 'system', 'something_new', null].map(actorKey);
    for (const lang of ['zh-CN', 'en'] as const) expect(keys.filter((k) => typeof get(catalogs[lang] as Tree, k) !== 'string'), lang).toEqual([]);
    expect(get(catalogs['zh-CN'] as Tree, actorKey('public'))).toBe('公众（未登录）');
  });

  it('count in English without a plural noun after the number (it read "1 possible duplicates")', async () => {
    const { catalogs } = await import('../../shared/locale-catalog');
    type Tree = { [k: string]: string | Tree };
    const get = (key: string) => key.split('.').reduce<Tree | string | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), catalogs.en as Tree) as string;
    for (const key of ['workOrders.board.duplicates', 'hotline.history.count']) expect(get(key), key).not.toMatch(/\{\{\s*(n|count)\s*\}\}\s+[\w ]*s\b/);
    // The photo hint says what the 9 counts (it ended "up to 9").
    expect(get('workOrders.form.photosHint')).toBe('JPEG, PNG, WebP or HEIC, up to 9 photos');
  });
});
