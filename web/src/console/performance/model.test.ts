import { describe, expect, it } from 'vitest';
import { choiceFromParams, choiceToParams, defaultPeriod, exportHref, ordersQuery, percent, periodFromParams, periodProblem, periodQuery, periodToParams, pickedPeriod, rankingQuery, signed, termText, workOrdersHref, type Scheme } from './model';

describe('performance page model', () => {
  it('defaults to the last 30 days in China time', () => {
    // 2026-03-01 20:00 UTC is already 2 March in China.
    expect(defaultPeriod(new Date('2026-03-01T20:00:00Z'))).toEqual({ from: '2026-02-01', to: '2026-03-02' });
  });
  it('turns inclusive days into the API instants', () => {
    expect(periodQuery({ from: '2026-01-05', to: '2026-01-11' })).toEqual({ from: '2026-01-05T00:00:00+08:00', to: '2026-01-12T00:00:00+08:00' });
  });
  it('checks a period', () => {
    expect(periodProblem({ from: '2026-01-05', to: '2026-01-04' })).toBe('performance.period.backwards');
    expect(periodProblem({ from: '2024-01-01', to: '2025-01-01' })).toBe('performance.period.tooLong');
    expect(periodProblem({ from: '2025-01-02', to: '2026-01-02' })).toBeNull(); // 366 days
    expect(periodProblem({ from: '', to: '2026-01-02' })).toBe('performance.period.incomplete');
    expect(periodProblem({ from: '2026-02-30', to: '2026-03-02' })).toBe('performance.period.incomplete');
  });
  it('makes a period of two picked days only when the server would take it', () => {
    expect(pickedPeriod({ from: '2026-01-05', to: '2026-01-11' })).toEqual({ from: '2026-01-05', to: '2026-01-11' });
    expect(pickedPeriod({ from: '2025-01-02', to: '2026-01-02' })).toEqual({ from: '2025-01-02', to: '2026-01-02' }); // 366 days
    // Half picked, the end before the start, or longer than 366 days: no period (the page keeps the one it shows).
    expect(pickedPeriod({ from: '2026-01-05', to: '' })).toBeNull();
    expect(pickedPeriod({ from: '2026-01-11', to: '2026-01-05' })).toBeNull();
    expect(pickedPeriod({ from: '2024-01-01', to: '2025-01-01' })).toBeNull();
  });
  it('keeps a picked period in the URL by its days; without one (or a refused one) the last 30 days', () => {
    const now = new Date('2026-03-01T20:00:00Z');
    expect(periodToParams({ from: '2026-01-05', to: '2026-01-11' }).toString()).toBe('from=2026-01-05&to=2026-01-11');
    expect(periodFromParams(new URLSearchParams('from=2026-01-05&to=2026-01-11'), now)).toEqual({ from: '2026-01-05', to: '2026-01-11' });
    expect(periodFromParams(new URLSearchParams(''), now)).toEqual(defaultPeriod(now));
    expect(periodFromParams(new URLSearchParams('from=2024-01-01&to=2025-01-01'), now)).toEqual(defaultPeriod(now));
    expect(periodFromParams(new URLSearchParams('from=2026-01-11&to=2026-01-05'), now)).toEqual(defaultPeriod(now));
  });
  it('keeps the ranked dimension and the scheme in the URL beside the period; one the page does not offer is ignored', () => {
    const schemes: Scheme[] = [
      { key: 'jinniu', version: 1, nameZh: '金牛', nameEn: 'Jinniu', isDefault: false, builtIn: true },
      { key: 'closure', version: 2, nameZh: '办结', nameEn: 'Closure', isDefault: true, builtIn: false },
    ];
    const url = (q: string, known: Scheme[] | null = schemes) => choiceFromParams(new URLSearchParams(q), known);
    expect(url('from=2026-01-05&to=2026-01-11&dimension=street&scheme=closure@2')).toEqual({ dimension: 'street', scheme: 'closure@2' });
    expect(url('')).toEqual({ dimension: 'department', scheme: null });
    // Not a dimension, a version not in the list, a bare key (its latest, not a version the list names), not a reference.
    expect(url('dimension=city&scheme=closure@3')).toEqual({ dimension: 'department', scheme: null });
    expect(url('dimension=Street&scheme=closure')).toEqual({ dimension: 'department', scheme: null });
    expect(url('scheme=../closure@2')).toEqual({ dimension: 'department', scheme: null });
    // The list not loaded yet: a well-formed reference is asked for as it is (the list decides once it is there).
    expect(url('scheme=closure@3', null)).toEqual({ dimension: 'department', scheme: 'closure@3' });
    expect(url('scheme=closure%203', null)).toEqual({ dimension: 'department', scheme: null });

    // Written beside the period (kept), the defaults left out; picking a period keeps the choice.
    const period = new URLSearchParams('from=2026-01-05&to=2026-01-11');
    expect(choiceToParams({ dimension: 'grid', scheme: 'jinniu@1' }, period).toString()).toBe('from=2026-01-05&to=2026-01-11&dimension=grid&scheme=jinniu%401');
    expect(choiceToParams({ dimension: 'department', scheme: null }, new URLSearchParams('dimension=grid&scheme=jinniu@1&from=2026-01-05')).toString()).toBe('from=2026-01-05');
    expect(periodToParams({ from: '2026-02-01', to: '2026-02-07' }, new URLSearchParams('dimension=grid&from=2026-01-05&to=2026-01-11')).toString()).toBe('dimension=grid&from=2026-02-01&to=2026-02-07');
    // What is written reads back the same.
    expect(url(choiceToParams({ dimension: 'agent', scheme: 'closure@2' }).toString())).toEqual({ dimension: 'agent', scheme: 'closure@2' });
  });
  it('builds the queries and links', () => {
    const s = { period: { from: '2026-01-05', to: '2026-01-11' }, dimension: 'department' as const, scheme: null };
    expect(rankingQuery(s)).toEqual({ from: '2026-01-05T00:00:00+08:00', to: '2026-01-12T00:00:00+08:00', dimension: 'department', scheme: undefined });
    expect(ordersQuery(s, 'handled', 'd1', 'toHandle')).toMatchObject({ count: 'handled', within: 'toHandle', dimension: 'department', key: 'd1' });
    expect(ordersQuery(s, 'closed', null)).not.toHaveProperty('dimension');
    expect(exportHref({ ...s, scheme: 'closure@2' })).toBe('/api/v1/performance/ranking.xlsx?from=2026-01-05T00%3A00%3A00%2B08%3A00&to=2026-01-12T00%3A00%3A00%2B08%3A00&dimension=department&scheme=closure%402');
    expect(workOrdersHref('grid', '51010400100101', s.period)).toBe('/work-orders?grid=51010400100101&from=2026-01-05&to=2026-01-11');
    expect(workOrdersHref('district', '510104', s.period)).toBe('/work-orders?district=510104&from=2026-01-05&to=2026-01-11');
  });
  it('formats rates, changes and score terms', () => {
    expect([percent(0.9372), percent(null), percent(1), percent(0)]).toEqual(['93.72%', '—', '100.00%', '0.00%']);
    expect([signed(3), signed(-2), signed(0)]).toEqual(['+3', '−2', '0']);
    expect(termText({ rate: 'reworkRate', weight: 20, invert: true, value: 0.1, points: 18 }, '返工率')).toBe('(1 − 返工率 10.00%) × 20 = 18.00');
    expect(termText({ rate: 'handleRate', weight: 30, invert: false, value: null, points: null }, '处置率')).toBe('处置率 — × 30');
  });
});
