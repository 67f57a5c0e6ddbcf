/**
 * Pure helpers of the statistics page (unit-tested in model.test.ts): the period presets in China time (UTC+8, no
 * daylight saving), the query GET /work-orders/stats and /work-orders/export take for a period, the daily series
 * with the days that had no orders filled in, rate formatting, and the export's file name.
 */
import type { StatsGroupRow } from '@civicgrid/contracts/work-orders';
import type { Query } from '../../shared/api';
import { dayCount, dayRangeFromParams, dayRangeProblem, pickedDayRange, type DayRangeProblem } from '../../shared/day-range';
import { addDays, jurisdictionDay } from '../../shared/time';

export type Preset = 'week' | 'month' | 'last30' | 'custom';
export const PRESETS: readonly Preset[] = ['week', 'month', 'last30', 'custom'];

/** Calendar days (YYYY-MM-DD, China time), both inclusive. */
export interface Period {
  preset: Preset;
  from: string;
  to: string;
}

/** The server refuses longer periods (stats.ts MAX_DAYS). */
export const MAX_DAYS = 366;

/** Today in China (shared/time.ts). */
export const chinaToday = (now: Date): string => jurisdictionDay(now);

export { addDays, dayCount };

/** This week starts on Monday; every preset ends today. */
export function presetPeriod(preset: Exclude<Preset, 'custom'>, now: Date): Period {
  const today = chinaToday(now);
  if (preset === 'week') {
    const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    return { preset, from: addDays(today, -((weekday + 6) % 7)), to: today };
  }
  if (preset === 'month') return { preset, from: `${today.slice(0, 8)}01`, to: today };
  return { preset, from: addDays(today, -29), to: today };
}

export type PeriodProblem = DayRangeProblem;

export function periodProblem(p: Pick<Period, 'from' | 'to'>): PeriodProblem | null {
  return dayRangeProblem(p, MAX_DAYS);
}

/**
 * The custom period two picked days make, or null while they do not make one the server takes (shared/day-range.ts):
 * the page keeps showing the period it had.
 */
export function pickedPeriod(days: Pick<Period, 'from' | 'to'>): Period | null {
  const picked = pickedDayRange(days, MAX_DAYS);
  return picked && { preset: 'custom', ...picked };
}

/** A period from the URL (?period=week|month|last30 or ?from=&to=); the default is the last 30 days. */
export function periodFromParams(params: URLSearchParams, now: Date): Period {
  const preset = params.get('period');
  if (preset === 'week' || preset === 'month' || preset === 'last30') return presetPeriod(preset, now);
  const days = dayRangeFromParams(params, MAX_DAYS);
  return days ? { preset: 'custom', ...days } : presetPeriod('last30', now);
}

export function periodToParams(p: Period): URLSearchParams {
  return p.preset === 'custom' ? new URLSearchParams({ from: p.from, to: p.to }) : new URLSearchParams({ period: p.preset });
}

/** Instants: `from` is the first day's midnight in China, `to` the midnight after the last day (exclusive). */
export function periodInstants(p: Pick<Period, 'from' | 'to'>): { from: string; to: string } {
  return { from: `${p.from}T00:00:00+08:00`, to: `${addDays(p.to, 1)}T00:00:00+08:00` };
}

export const STAT_GROUPS = ['status', 'category', 'department', 'district', 'day', 'channel', 'requestType'] as const;

export function statsQuery(p: Period): Query {
  return { ...periodInstants(p), groupBy: STAT_GROUPS.join(',') };
}

export function exportQuery(p: Period, format: 'csv' | 'xlsx'): Query {
  return { ...periodInstants(p), format };
}

/** One point per day of the period (days without orders count 0), in order. */
export function dailySeries(rows: readonly StatsGroupRow[], p: Pick<Period, 'from' | 'to'>): { day: string; total: number; closed: number }[] {
  const byDay = new Map(rows.filter((r) => r.key !== null).map((r) => [r.key!, r]));
  const out: { day: string; total: number; closed: number }[] = [];
  const n = Math.min(dayCount(p.from, p.to), MAX_DAYS);
  for (let i = 0; i < n; i++) {
    const day = addDays(p.from, i);
    const r = byDay.get(day);
    out.push({ day, total: r?.total ?? 0, closed: r?.closed ?? 0 });
  }
  return out;
}

/** A rate (0–1) as a percentage with one decimal, or '—' when there is nothing to divide by. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** The name a download is saved under: the server's Content-Disposition, or one made from the period. */
export function exportFileName(contentDisposition: string | null, p: Pick<Period, 'from' | 'to'>, format: 'csv' | 'xlsx'): string {
  const star = contentDisposition ? /filename\*=UTF-8''([^;]+)/i.exec(contentDisposition) : null;
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* fall through */
    }
  }
  const plain = contentDisposition ? /filename="?([^";]+)"?/i.exec(contentDisposition) : null;
  if (plain && plain[1]!.trim()) return plain[1]!.trim();
  return `work-orders-${p.from}_${p.to}.${format}`;
}
