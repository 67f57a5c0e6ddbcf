import { describe, expect, it } from 'vitest';
import { hrefFor, newKey, parseHash, patrolCategories, remaining, requestTypeOf, searchCategories, type Category } from './model';

describe('inspector model', () => {
  it('round-trips routes through the hash', () => {
    const id = '0b6b8c5e-2f0e-4a51-9c3e-1d2f3a4b5c6d';
    for (const r of [{ page: 'tasks' }, { page: 'task', id }, { page: 'report' }, { page: 'map' }, { page: 'queue' }] as const) {
      expect(parseHash(hrefFor(r))).toEqual(r);
    }
    expect(parseHash('#/task/not-an-id')).toEqual({ page: 'tasks' });
  });

  it('reads a deadline as time left or time overdue', () => {
    const now = Date.parse('2026-11-22T08:00:00Z');
    expect(remaining('2026-11-22T09:30:00Z', now)).toEqual({ overdue: false, hours: 1, minutes: 30 });
    expect(remaining('2026-11-22T07:55:00Z', now)).toEqual({ overdue: true, hours: 0, minutes: 5 });
    expect(remaining('2026-11-22T08:00:00Z', now).overdue).toBe(true);
  });

  it('makes keys the server accepts, different each time', () => {
    const a = newKey();
    expect(a).toMatch(/^[A-Za-z0-9._:-]{8,200}$/);
    expect(newKey()).not.toBe(a);
  });

  it('offers leaf 部件/事件 categories, searched in either language', () => {
    const all: Category[] = [
      { code: 'component', parentCode: null, kind: 'component', nameZh: '部件', nameEn: 'Components' },
      { code: 'component.01', parentCode: 'component', kind: 'component', nameZh: '公用设施', nameEn: 'Public utilities' },
      { code: 'component.01.0118', parentCode: 'component.01', kind: 'component', nameZh: '路灯', nameEn: 'Street lamp' },
      { code: 'event.05.04', parentCode: null, kind: 'event', nameZh: '店外经营', nameEn: 'Trading outside shops' },
      { code: 'housing', parentCode: null, kind: 'hotline', nameZh: '住房', nameEn: 'Housing' },
    ];
    const leaves = patrolCategories(all);
    expect(leaves.map((c) => c.code)).toEqual(['component.01.0118', 'event.05.04']);
    expect(searchCategories(leaves, '路灯').map((c) => c.code)).toEqual(['component.01.0118']);
    expect(searchCategories(leaves, 'street LAMP').map((c) => c.code)).toEqual(['component.01.0118']);
    expect(searchCategories(leaves, '  ')).toEqual([]);
    expect(requestTypeOf(leaves[0]!)).toBe('component');
    expect(requestTypeOf(null)).toBe('event');
  });
});
