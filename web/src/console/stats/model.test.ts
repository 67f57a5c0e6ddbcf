import { describe, expect, it } from 'vitest';
import { chinaToday, dailySeries, exportFileName, exportQuery, formatRate, periodFromParams, periodInstants, periodProblem, periodToParams, pickedPeriod, presetPeriod, statsQuery } from './model';

// 2026-03-04 23:30 UTC is Thursday 2026-03-05 07:30 in China.
const NOW = new Date('2026-03-04T23:30:00Z');

describe('periods in China time', () => {
  it('takes today from UTC+8, not from the browser clock', () => {
    expect(chinaToday(NOW)).toBe('2026-03-05');
    expect(chinaToday(new Date('2026-03-04T15:59:59Z'))).toBe('2026-03-04');
  });

  it('starts this week on Monday, this month on the 1st, the last 30 days 29 days ago; all end today', () => {
    expect(presetPeriod('week', NOW)).toEqual({ preset: 'week', from: '2026-03-02', to: '2026-03-05' });
    expect(presetPeriod('month', NOW)).toEqual({ preset: 'month', from: '2026-03-01', to: '2026-03-05' });
    expect(presetPeriod('last30', NOW)).toEqual({ preset: 'last30', from: '2026-02-04', to: '2026-03-05' });
    // A Sunday belongs to the week that began six days before.
    expect(presetPeriod('week', new Date('2026-03-08T04:00:00Z')).from).toBe('2026-03-02');
    expect(presetPeriod('week', new Date('2026-03-09T04:00:00Z')).from).toBe('2026-03-09');
  });

  it('turns days into the instants the API takes (the last day inclusive)', () => {
    expect(periodInstants({ from: '2026-02-27', to: '2026-02-28' })).toEqual({ from: '2026-02-27T00:00:00+08:00', to: '2026-03-01T00:00:00+08:00' });
    expect(statsQuery({ preset: 'custom', from: '2026-01-01', to: '2026-01-31' })).toMatchObject({ from: '2026-01-01T00:00:00+08:00', to: '2026-02-01T00:00:00+08:00' });
    expect(String(statsQuery(presetPeriod('week', NOW)).groupBy).split(',')).toEqual(expect.arrayContaining(['day', 'category', 'district', 'status', 'department']));
    expect(exportQuery({ preset: 'custom', from: '2026-01-01', to: '2026-01-01' }, 'xlsx')).toEqual({ from: '2026-01-01T00:00:00+08:00', to: '2026-01-02T00:00:00+08:00', format: 'xlsx' });
  });

  it('refuses bad, reversed and too long custom periods', () => {
    expect(periodProblem({ from: '2026-01-01', to: '2026-12-31' })).toBeNull();
    expect(periodProblem({ from: '2026-01-01', to: '2027-01-01' })).toBeNull(); // 366 days, the most the server takes
    expect(periodProblem({ from: '2026-01-01', to: '2027-01-02' })).toBe('tooLong');
    expect(periodProblem({ from: '2026-03-02', to: '2026-03-01' })).toBe('reversed');
    expect(periodProblem({ from: '2026-3-1', to: '2026-03-02' })).toBe('invalid');
    expect(periodProblem({ from: '2026-02-30', to: '2026-03-02' })).toBe('invalid');
  });

  it('makes a custom period of two picked days only when the server would take it', () => {
    expect(pickedPeriod({ from: '2026-01-05', to: '2026-01-09' })).toEqual({ preset: 'custom', from: '2026-01-05', to: '2026-01-09' });
    expect(pickedPeriod({ from: '2026-01-05', to: '2026-01-05' })).toEqual({ preset: 'custom', from: '2026-01-05', to: '2026-01-05' });
    // Half picked, the end before the start, or longer than 366 days: no period (the page keeps the one it shows).
    expect(pickedPeriod({ from: '2026-01-05', to: '' })).toBeNull();
    expect(pickedPeriod({ from: '2026-01-09', to: '2026-01-05' })).toBeNull();
    expect(pickedPeriod({ from: '2020-01-01', to: '2021-03-01' })).toBeNull();
    // What it makes goes into the URL as its days.
    expect(periodToParams(pickedPeriod({ from: '2026-01-05', to: '2026-01-09' })!).toString()).toBe('from=2026-01-05&to=2026-01-09');
  });

  it('keeps the period in the URL: a preset by name (moves with today), a custom range by its days', () => {
    expect(periodFromParams(new URLSearchParams('period=month'), NOW)).toEqual(presetPeriod('month', NOW));
    expect(periodFromParams(new URLSearchParams('from=2026-01-05&to=2026-01-09'), NOW)).toEqual({ preset: 'custom', from: '2026-01-05', to: '2026-01-09' });
    expect(periodFromParams(new URLSearchParams('from=2026-01-09&to=2026-01-05'), NOW)).toEqual(presetPeriod('last30', NOW));
    expect(periodFromParams(new URLSearchParams(''), NOW)).toEqual(presetPeriod('last30', NOW));
    expect(periodToParams({ preset: 'week', from: 'x', to: 'y' }).toString()).toBe('period=week');
    expect(periodToParams({ preset: 'custom', from: '2026-01-05', to: '2026-01-09' }).toString()).toBe('from=2026-01-05&to=2026-01-09');
  });
});

describe('figures', () => {
  it('gives every day of the period a point, 0 where no order was created', () => {
    const row = (key: string, total: number, closed: number) => ({ key, label: null, total, closed, closedOnTime: 0, onTimeRate: null, overdue: 0, satisfactionRate: null });
    expect(dailySeries([row('2026-02-27', 3, 1), row('2026-03-01', 2, 2)], { from: '2026-02-27', to: '2026-03-02' })).toEqual([
      { day: '2026-02-27', total: 3, closed: 1 },
      { day: '2026-02-28', total: 0, closed: 0 },
      { day: '2026-03-01', total: 2, closed: 2 },
      { day: '2026-03-02', total: 0, closed: 0 },
    ]);
  });

  it('formats rates as percentages with one decimal, and no rate as a dash', () => {
    expect(formatRate(0.8667)).toBe('86.7%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(null)).toBe('—');
  });

  it('saves the export under the server\'s file name, else one made from the period', () => {
    expect(exportFileName('attachment; filename="work-orders-20260305.xlsx"', { from: 'a', to: 'b' }, 'xlsx')).toBe('work-orders-20260305.xlsx');
    expect(exportFileName("attachment; filename*=UTF-8''%E5%B7%A5%E5%8D%95.csv", { from: 'a', to: 'b' }, 'csv')).toBe('工单.csv');
    expect(exportFileName(null, { from: '2026-03-01', to: '2026-03-05' }, 'csv')).toBe('work-orders-2026-03-01_2026-03-05.csv');
  });
});
