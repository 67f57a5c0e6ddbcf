import { describe, expect, it } from 'vitest';
import { dayCount, dayRangeFromParams, dayRangeProblem, pickedDayRange } from './day-range';

describe('picked periods of days', () => {
  it('counts both ends', () => {
    expect(dayCount('2026-01-05', '2026-01-05')).toBe(1);
    expect(dayCount('2025-01-02', '2026-01-02')).toBe(366);
  });

  it('says why two days make no period of at most the given length', () => {
    expect(dayRangeProblem({ from: '2026-01-05', to: '2026-01-09' }, 366)).toBeNull();
    expect(dayRangeProblem({ from: '2026-01-05', to: '' }, 366)).toBe('invalid');
    expect(dayRangeProblem({ from: '2026-02-30', to: '2026-03-02' }, 366)).toBe('invalid');
    expect(dayRangeProblem({ from: '2026-01-09', to: '2026-01-05' }, 366)).toBe('reversed');
    expect(dayRangeProblem({ from: '2025-01-02', to: '2026-01-02' }, 366)).toBeNull();
    expect(dayRangeProblem({ from: '2025-01-01', to: '2026-01-02' }, 366)).toBe('tooLong');
    // Each page passes its own server's limit.
    expect(dayRangeProblem({ from: '2026-01-01', to: '2026-01-08' }, 7)).toBe('tooLong');
  });

  it('makes a period of picked days only when it has no problem, from the days or the URL', () => {
    expect(pickedDayRange({ from: '2026-01-05', to: '2026-01-09' }, 366)).toEqual({ from: '2026-01-05', to: '2026-01-09' });
    expect(pickedDayRange({ from: '2026-01-09', to: '2026-01-05' }, 366)).toBeNull();
    expect(dayRangeFromParams(new URLSearchParams('from=2026-01-05&to=2026-01-09&x=1'), 366)).toEqual({ from: '2026-01-05', to: '2026-01-09' });
    expect(dayRangeFromParams(new URLSearchParams('from=2026-01-05'), 366)).toBeNull();
    expect(dayRangeFromParams(new URLSearchParams('from=2020-01-01&to=2021-03-01'), 366)).toBeNull();
  });
});
