import { describe, expect, it } from 'vitest';
import { defaultPeriod, exportHref, ordersQuery, percent, periodFromParams, periodProblem, periodQuery, periodToParams, pickedPeriod, rankingQuery, signed, termText, workOrdersHref } from './model';

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
