import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import {
  DEFAULT_SLA,
  deadlines,
  durationFor,
  isWorkday,
  parseWorkingHours,
  slaState,
  usedMs,
  workingMinutesPerDay,
  type Duration,
} from './sla.js';

/** Local Asia/Shanghai wall-clock time, written as people in a 12345 centre would say it. */
const sh = (local: string) => new Date(`${local}+08:00`);
const days = (n: number): Duration => ({ kind: 'working_days', days: n });
const workingHours = (n: number): Duration => ({ kind: 'working_hours', hours: n });

describe('holiday calendar (chinese-days)', () => {
  it('knows the 2025 and 2026 National Day golden weeks and their make-up workdays', () => {
    // 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are workdays.
    expect(isWorkday('2025-09-28')).toBe(true);
    expect(['2025-10-01', '2025-10-05', '2025-10-08'].map(isWorkday)).toEqual([false, false, false]);
    expect(isWorkday('2025-10-11')).toBe(true);
    expect(isWorkday('2025-10-12')).toBe(false);
    // 2026: 1–7 October off; Sunday 20 September and Saturday 10 October are workdays.
    expect(isWorkday('2026-09-20')).toBe(true);
    expect(['2026-10-01', '2026-10-07'].map(isWorkday)).toEqual([false, false]);
    expect(['2026-10-08', '2026-10-10'].map(isWorkday)).toEqual([true, true]);
  });
});

describe('deadlines', () => {
  it('counts 7 working days across the 2025 golden week and its make-up Saturday', () => {
    // Tue 30 Sep 10:00: 390 min that day; then 9, 10, 11 (make-up Sat), 13, 14, 15 October; 60 min on the 16th.
    const d = deadlines(sh('2025-09-30T10:00'), days(7))!;
    expect(d.dueAt).toEqual(sh('2025-10-16T10:00'));
    // 80% of 3,150 working minutes = 2,520: reached on Tuesday 14 October at 16:00.
    expect(d.warnAt).toEqual(sh('2025-10-14T16:00'));
  });

  it('counts 15 working days (complex) from a make-up Sunday in 2026, past Mid-Autumn and National Day', () => {
    // Sun 20 Sep 2026 is a workday; Fri 25 Sep is Mid-Autumn: 20, 21–24, 28–30 Sep, 8, 9, 10 (Sat), 12–15 Oct.
    expect(isWorkday('2026-09-25')).toBe(false);
    expect(deadlines(sh('2026-09-20T09:00'), days(15))!.dueAt).toEqual(sh('2026-10-15T18:00'));
  });

  it('gives sign-for 2 working hours, skipping lunch, nights, weekends and holidays', () => {
    expect(deadlines(sh('2026-11-23T11:00'), DEFAULT_SLA.signFor)!.dueAt).toEqual(sh('2026-11-23T14:30'));
    // Make-up Saturday 11 Oct 2025 17:00: one hour that day, Sunday off, one hour on Monday.
    expect(deadlines(sh('2025-10-11T17:00'), workingHours(2))!.dueAt).toEqual(sh('2025-10-13T10:00'));
    // Eve of the 2026 golden week: 30 minutes on 30 September, then 8 October.
    expect(deadlines(sh('2026-09-30T17:30'), workingHours(2))!.dueAt).toEqual(sh('2026-10-08T10:30'));
    // Reported at night on a holiday: the clock starts at the next office hour.
    expect(deadlines(sh('2026-10-03T22:00'), workingHours(2))!.dueAt).toEqual(sh('2026-10-08T11:00'));
  });

  it('ends a whole working day at close of business, not the next morning', () => {
    expect(deadlines(sh('2026-10-11T20:00'), days(1))!.dueAt).toEqual(sh('2026-10-12T18:00'));
  });

  it('runs calendar hours through nights and holidays', () => {
    expect(deadlines(sh('2025-10-01T23:00'), DEFAULT_SLA.byUrgency.emergency)!).toEqual({
      warnAt: sh('2025-10-02T00:36'),
      dueAt: sh('2025-10-02T01:00'),
    });
  });

  it('pauses while suspended and moves the deadline by the working time paused', () => {
    const start = sh('2026-09-28T09:00');
    // Without pauses: 28, 29, 30 Sep, 8, 9, 10 (Sat), 12 Oct.
    expect(deadlines(start, days(7))!.dueAt).toEqual(sh('2026-10-12T18:00'));
    // Suspended over three working days (29, 30 Sep and 8 Oct): three more, 13–15 Oct.
    const pause = { from: sh('2026-09-29T09:00'), to: sh('2026-10-09T09:00') };
    expect(deadlines(start, days(7), [pause])!.dueAt).toEqual(sh('2026-10-15T18:00'));
    // Paused during a lunch break or on a holiday only: nothing moves.
    const holidayOnly = { from: sh('2026-10-02T10:00'), to: sh('2026-10-06T10:00') };
    const lunchOnly = { from: sh('2026-09-28T12:10'), to: sh('2026-09-28T13:20') };
    expect(deadlines(start, days(7), [lunchOnly, holidayOnly])!.dueAt).toEqual(sh('2026-10-12T18:00'));
    // Calendar clocks pause too.
    const emergency = DEFAULT_SLA.byUrgency.emergency;
    expect(deadlines(sh('2026-10-01T10:00'), emergency, [{ from: sh('2026-10-01T10:30'), to: sh('2026-10-01T11:00') }])!.dueAt).toEqual(
      sh('2026-10-01T12:30'),
    );
  });

  it('has no deadline while a pause is open, unless the time ran out before it', () => {
    const open = { from: sh('2026-09-29T09:00'), to: null };
    expect(deadlines(sh('2026-09-28T09:00'), days(7), [open])).toBeNull();
    expect(deadlines(sh('2026-10-01T10:00'), DEFAULT_SLA.byUrgency.emergency, [{ from: sh('2026-10-01T11:00'), to: null }])).toBeNull();
    // Suspended after the order was already due: the due time stays where it was.
    const late = { from: sh('2026-10-20T09:00'), to: null };
    expect(deadlines(sh('2026-09-28T09:00'), days(7), [late])!.dueAt).toEqual(sh('2026-10-12T18:00'));
  });

  it('follows configured office hours', () => {
    const config = { workingHours: { periods: [{ start: '08:30', end: '17:30' }] }, warnRatio: 0.5 };
    expect(workingMinutesPerDay(config.workingHours)).toBe(540);
    expect(deadlines(sh('2026-11-23T16:30'), workingHours(2), [], config)).toEqual({
      warnAt: sh('2026-11-23T17:30'),
      dueAt: sh('2026-11-24T09:30'),
    });
    expect(workingMinutesPerDay(DEFAULT_SLA.workingHours)).toBe(450);
  });

  it('refuses office hours that are out of order, overlapping, malformed or empty', () => {
    const code = (periods: Array<{ start: string; end: string }>) => {
      try {
        parseWorkingHours({ periods });
        return 'ok';
      } catch (err) {
        return err instanceof AppError ? err.code : String(err);
      }
    };
    expect(code([{ start: '09:00', end: '12:00' }, { start: '11:00', end: '18:00' }])).toBe('work_order.working_hours_invalid');
    expect(code([{ start: '12:00', end: '09:00' }])).toBe('work_order.working_hours_invalid');
    expect(code([{ start: '9:00', end: '12:00' }])).toBe('work_order.working_hours_invalid');
    expect(code([])).toBe('work_order.working_hours_invalid');
    expect(code([{ start: '00:00', end: '24:00' }])).toBe('ok');
  });
});

describe('durations and states', () => {
  it('picks the duration by urgency, with category rules for non-emergencies', () => {
    expect(durationFor(DEFAULT_SLA, { urgency: 'emergency', categoryCode: 'utilities.water' })).toEqual({ kind: 'calendar_hours', hours: 2 });
    expect(durationFor(DEFAULT_SLA, { urgency: 'normal', categoryCode: 'utilities.water' })).toEqual({ kind: 'calendar_hours', hours: 24 });
    expect(durationFor(DEFAULT_SLA, { urgency: 'normal', categoryCode: 'roads' })).toEqual(days(7));
    expect(durationFor(DEFAULT_SLA, { urgency: 'complex', categoryCode: null })).toEqual(days(15));
    const config = { ...DEFAULT_SLA, byCategory: [...DEFAULT_SLA.byCategory, { categoryPrefix: 'utilities.heating', duration: workingHours(4) }] };
    expect(durationFor(config, { urgency: 'normal', categoryCode: 'utilities.heating.radiator' })).toEqual(workingHours(4));
  });

  it('reports on time, warning, overdue and paused', () => {
    const start = sh('2025-09-30T10:00');
    expect(slaState(start, sh('2025-10-09T09:00'), days(7))).toBe('on_time');
    expect(slaState(start, sh('2025-10-14T16:00'), days(7))).toBe('warning');
    expect(slaState(start, sh('2025-10-16T10:00'), days(7))).toBe('overdue');
    expect(slaState(start, sh('2025-10-14T16:00'), days(7), [{ from: sh('2025-10-13T09:00'), to: null }])).toBe('paused');
  });

  it('measures the working time used, pauses excluded', () => {
    const start = sh('2025-09-30T10:00');
    expect(usedMs(start, sh('2025-10-09T10:00'), days(7))).toBe((390 + 60) * 60_000);
    expect(usedMs(start, sh('2025-10-09T10:00'), days(7), [{ from: sh('2025-09-30T16:00'), to: sh('2025-10-09T09:30') }])).toBe(
      (270 + 30) * 60_000,
    );
    expect(usedMs(start, sh('2025-10-01T10:00'), DEFAULT_SLA.byUrgency.urgent)).toBe(24 * 3_600_000);
    expect(usedMs(start, start, days(7))).toBe(0);
  });
});
