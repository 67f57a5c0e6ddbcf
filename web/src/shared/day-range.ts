/**
 * A period of calendar days picked on a screen (YYYY-MM-DD, China days, both inclusive) — the statistics and the
 * performance pages — and the rules a picked period must meet before the page asks the server for it: two real days,
 * the end not before the start, at most the page's server's longest period. Each page passes its own limit (it
 * mirrors its own endpoint's). Pure, unit-tested in day-range.test.ts.
 */

export interface DayRange {
  from: string;
  to: string;
}

export type DayRangeProblem = 'invalid' | 'reversed' | 'tooLong';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD naming a day that exists (not 2026-02-30). */
function realDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const t = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === day;
}

/** Days from `from` to `to`, both counted (1 for a single day). */
export function dayCount(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** Why two days do not make a period of at most `maxDays` days, or null when they do. */
export function dayRangeProblem(r: DayRange, maxDays: number): DayRangeProblem | null {
  if (!realDay(r.from) || !realDay(r.to)) return 'invalid';
  if (r.to < r.from) return 'reversed';
  if (dayCount(r.from, r.to) > maxDays) return 'tooLong';
  return null;
}

/**
 * The period two picked days make, or null while they do not make one the server takes (a day missing or
 * malformed, the end before the start, too long): the page keeps showing the period it had, and says why.
 */
export function pickedDayRange(r: DayRange, maxDays: number): DayRange | null {
  return dayRangeProblem(r, maxDays) === null ? { from: r.from, to: r.to } : null;
}

/** The days of a period kept in a URL as ?from=&to=, or null when absent or not a valid period. */
export function dayRangeFromParams(params: URLSearchParams, maxDays: number): DayRange | null {
  return pickedDayRange({ from: params.get('from') ?? '', to: params.get('to') ?? '' }, maxDays);
}
