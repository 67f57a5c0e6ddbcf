/**
 * Deadline arithmetic for work orders (SLA), pure: working days and hours follow China's public holidays and
 * make-up workdays (调休) from the `chinese-days` package, inside configurable office hours, with the clock paused
 * while an order is suspended (挂起). The service stores the start and the pauses and asks here for the warning
 * time (80% used) and the due time (100%); durable timers fire at those instants.
 *
 * Times of day are in Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so a fixed offset is
 * exact and keeps this module free of time-zone databases.
 */
import { URGENCIES, type Urgency } from '@civicgrid/contracts/work-orders';
import chineseDays from 'chinese-days';
import { AppError } from '../../shared/errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SHANGHAI_OFFSET = 8 * HOUR;
/** Far enough for 15 working days across any holiday season many times over; a bound so bad config cannot spin. */
const MAX_DAYS_SCANNED = 800;

export { URGENCIES, type Urgency };

export type Duration =
  | { kind: 'calendar_hours'; hours: number }
  | { kind: 'working_hours'; hours: number }
  | { kind: 'working_days'; days: number };

/** Office hours as local 'HH:MM' periods, in order, not overlapping. */
export interface WorkingHours {
  periods: ReadonlyArray<{ start: string; end: string }>;
}

export interface SlaConfig {
  workingHours: WorkingHours;
  byUrgency: Record<Urgency, Duration>;
  /** Category rules (longest matching code prefix wins) override the urgency, except for emergencies. */
  byCategory: ReadonlyArray<{ categoryPrefix: string; duration: Duration }>;
  /** Per request type (e.g. enquiries answered within 1 working day); below category rules, above the urgency. */
  byRequestType?: Readonly<Partial<Record<string, Duration>>>;
  /** How long a department has to sign for (签收) a dispatched order. */
  signFor: Duration;
  /**
   * How long the centre has to call the resident back (回访) after an order is finished (办结), in whole working days
   * counted like every working-day deadline here (holidays, make-up workdays, office hours).
   */
  followUpDays: number;
  /**
   * 默认满意: working days after 办结 after which an order nobody rated counts as rated 满意 (a system transition,
   * default_rate), as many cities' 好差评 rules have it; null (the default) leaves unrated orders unrated. Not shorter
   * than followUpDays: the resident is asked first.
   */
  defaultRatingDays: number | null;
  /** Share of the time after which a warning is raised. */
  warnRatio: number;
}

/** An interval during which the clock stood still; `to` is null while the order is still suspended. */
export interface Pause {
  from: Date;
  to: Date | null;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  periods: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '18:00' },
  ],
};

/**
 * The defaults the issue names. `urgent` is not named there; 24 calendar hours puts it between an emergency and
 * normal work. The utilities rule matches categories whose code starts with `utilities` (water, power, gas,
 * heating outages); administrators re-point it when their category tree uses other codes. The follow-up call (回访)
 * within 3 working days of 办结 is what 12345 centres commonly allow.
 */
export const DEFAULT_SLA: SlaConfig = {
  workingHours: DEFAULT_WORKING_HOURS,
  byUrgency: {
    emergency: { kind: 'calendar_hours', hours: 2 },
    urgent: { kind: 'calendar_hours', hours: 24 },
    normal: { kind: 'working_days', days: 7 },
    complex: { kind: 'working_days', days: 15 },
  },
  byCategory: [{ categoryPrefix: 'utilities', duration: { kind: 'calendar_hours', hours: 24 } }],
  signFor: { kind: 'working_hours', hours: 2 },
  followUpDays: 3,
  defaultRatingDays: null,
  warnRatio: 0.8,
};

/**
 * The time allowed for an order: an emergency's always; else the longest matching category rule (a rule for
 * `utilities` covers `utilities.water`, never `utilitiesx`); else the rule for
 * its request type (咨询, 投诉 …) if any; else its urgency's.
 */
export function durationFor(config: SlaConfig, order: { urgency: Urgency; categoryCode: string | null; requestType?: string | null }): Duration {
  if (order.urgency === 'emergency') return config.byUrgency.emergency;
  const code = order.categoryCode ?? '';
  const rule = config.byCategory
    .filter((r) => code === r.categoryPrefix || code.startsWith(`${r.categoryPrefix}.`))
    .sort((a, b) => b.categoryPrefix.length - a.categoryPrefix.length)[0];
  const byType = order.requestType ? config.byRequestType?.[order.requestType] : undefined;
  return rule?.duration ?? byType ?? config.byUrgency[order.urgency];
}

const parseClock = (hhmm: string): number | null => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm) ?? (hhmm === '24:00' ? ['', '24', '00'] : null);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

/** Office hours as minute offsets within a local day; throws when they are not ordered, disjoint periods. */
export function parseWorkingHours(hours: WorkingHours): Array<[number, number]> {
  const periods = hours.periods.map((p) => [parseClock(p.start), parseClock(p.end)] as const);
  let previousEnd = -1;
  for (const [i, [start, end]] of periods.entries()) {
    if (start === null || end === null || start >= end || start < previousEnd) {
      throw new AppError('bad_request', 'work_order.working_hours_invalid', { period: `${hours.periods[i]!.start}-${hours.periods[i]!.end}` });
    }
    previousEnd = end;
  }
  if (periods.length === 0) throw new AppError('bad_request', 'work_order.working_hours_invalid', { period: '' });
  return periods as Array<[number, number]>;
}

/** Minutes of work in one working day (450 with the defaults: 3 h before lunch, 4.5 h after). */
export function workingMinutesPerDay(hours: WorkingHours): number {
  return parseWorkingHours(hours).reduce((sum, [s, e]) => sum + e - s, 0);
}

/**
 * chinese-days parses the date on every call (~8 µs), and deadlines ask about the same few days again and again (a
 * list page computes a follow-up deadline for each finished row); its calendar never changes while we run, so the
 * answers are kept — at most WORKDAY_CACHE_MAX days (about eleven years), emptied when full.
 */
const workdays = new Map<string, boolean>();
const WORKDAY_CACHE_MAX = 4096;

/** Whether a local (Asia/Shanghai) date counts as a workday, holidays and make-up days included. */
export function isWorkday(localDate: string): boolean {
  let workday = workdays.get(localDate);
  if (workday === undefined) {
    if (workdays.size >= WORKDAY_CACHE_MAX) workdays.clear();
    workday = chineseDays.isWorkday(localDate);
    workdays.set(localDate, workday);
  }
  return workday;
}

const localDayIndex = (ms: number) => Math.floor((ms + SHANGHAI_OFFSET) / DAY);
const localDateOf = (dayIndex: number) => new Date(dayIndex * DAY).toISOString().slice(0, 10);

type Interval = [number, number];

/** The instants that count, in order from `start`: office hours on workdays, or all time for calendar durations. */
function* countingTime(start: number, duration: Duration, periods: Array<[number, number]>): Generator<Interval> {
  if (duration.kind === 'calendar_hours') {
    yield [start, Number.POSITIVE_INFINITY];
    return;
  }
  const first = localDayIndex(start);
  for (let day = first; day < first + MAX_DAYS_SCANNED; day++) {
    if (!isWorkday(localDateOf(day))) continue;
    const midnight = day * DAY - SHANGHAI_OFFSET;
    for (const [s, e] of periods) {
      const from = Math.max(start, midnight + s * MINUTE);
      const to = midnight + e * MINUTE;
      if (from < to) yield [from, to];
    }
  }
  throw new Error(`no working time within ${MAX_DAYS_SCANNED} days of ${new Date(start).toISOString()}`);
}

/** `interval` with the pauses cut out; pauses are sorted by start. */
function withoutPauses([from, to]: Interval, pauses: Interval[]): Interval[] {
  const out: Interval[] = [];
  let cursor = from;
  for (const [ps, pe] of pauses) {
    if (pe <= cursor || ps >= to) continue;
    if (ps > cursor) out.push([cursor, ps]);
    cursor = Math.max(cursor, pe);
    if (cursor >= to) return out;
  }
  if (cursor < to) out.push([cursor, to]);
  return out;
}

const toIntervals = (pauses: readonly Pause[]): Interval[] =>
  pauses
    .map((p): Interval => [p.from.getTime(), p.to ? p.to.getTime() : Number.POSITIVE_INFINITY])
    .sort((a, b) => a[0] - b[0]);

function totalMs(duration: Duration, periods: Array<[number, number]>): number {
  switch (duration.kind) {
    case 'calendar_hours':
      return duration.hours * HOUR;
    case 'working_hours':
      return duration.hours * HOUR;
    case 'working_days':
      return duration.days * periods.reduce((sum, [s, e]) => sum + e - s, 0) * MINUTE;
  }
}

/** The instant at which `amount` ms of counting time have passed since `start`; null if a pause never ends first. */
function advance(start: number, amount: number, duration: Duration, periods: Array<[number, number]>, pauses: Interval[]): number | null {
  let remaining = amount;
  if (remaining <= 0) return start;
  for (const interval of countingTime(start, duration, periods)) {
    for (const [from, to] of withoutPauses(interval, pauses)) {
      if (to - from >= remaining) return from + remaining;
      remaining -= to - from;
    }
    // An open pause swallows all time after it: the deadline is unknown until the order resumes.
    if (pauses.some(([ps, pe]) => pe === Number.POSITIVE_INFINITY && ps <= interval[1])) return null;
  }
  return null;
}

export interface Deadlines {
  warnAt: Date;
  dueAt: Date;
}

/**
 * Warning and due instants for an order whose clock started at `start`, given its pauses. Null while a pause is
 * open (suspended): the clock is stopped and the timers are re-armed on resume.
 */
export function deadlines(
  start: Date,
  duration: Duration,
  pauses: readonly Pause[] = [],
  config: Pick<SlaConfig, 'workingHours' | 'warnRatio'> = DEFAULT_SLA,
): Deadlines | null {
  const periods = parseWorkingHours(config.workingHours);
  const intervals = toIntervals(pauses);
  const total = totalMs(duration, periods);
  const warnAt = advance(start.getTime(), Math.round(total * config.warnRatio), duration, periods, intervals);
  const dueAt = advance(start.getTime(), total, duration, periods, intervals);
  if (warnAt === null || dueAt === null) return null;
  return { warnAt: new Date(warnAt), dueAt: new Date(dueAt) };
}

/** Counting time (ms) between `start` and `now`, pauses excluded. */
export function usedMs(
  start: Date,
  now: Date,
  duration: Duration,
  pauses: readonly Pause[] = [],
  workingHours: WorkingHours = DEFAULT_WORKING_HOURS,
): number {
  const periods = parseWorkingHours(workingHours);
  const intervals = toIntervals(pauses);
  const end = now.getTime();
  let used = 0;
  if (end <= start.getTime()) return 0;
  for (const interval of countingTime(start.getTime(), duration, periods)) {
    if (interval[0] >= end) break;
    for (const [from, to] of withoutPauses([interval[0], Math.min(interval[1], end)], intervals)) used += to - from;
    if (interval[1] >= end) break;
  }
  return used;
}

export type SlaState = 'on_time' | 'warning' | 'overdue' | 'paused';

/** Where an order stands at `now`: paused while suspended, else by its warning and due instants. */
export function slaState(
  start: Date,
  now: Date,
  duration: Duration,
  pauses: readonly Pause[] = [],
  config: Pick<SlaConfig, 'workingHours' | 'warnRatio'> = DEFAULT_SLA,
): SlaState {
  if (pauses.some((p) => p.to === null && p.from.getTime() <= now.getTime())) return 'paused';
  const d = deadlines(start, duration, pauses, config);
  if (d === null) return 'paused';
  if (now.getTime() >= d.dueAt.getTime()) return 'overdue';
  if (now.getTime() >= d.warnAt.getTime()) return 'warning';
  return 'on_time';
}
