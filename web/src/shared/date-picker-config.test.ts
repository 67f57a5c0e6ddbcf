import dayjsGenerateConfig from '@rc-component/picker/generate/dayjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { jurisdictionGenerateConfig as config } from './date-picker-config';
import { runInZone } from './zone.testkit';
import { jurisdictionInstant, PICKED } from './time';

// 16:05 UTC on the 23rd: already 00:05 on the 24th in China, still 11:05 on the 23rd in New York.
const LATE = '2026-11-23T16:05:00.000Z';
// 04:30 UTC on the 23rd: 12:30 on the 23rd in China, 23:30 on the 22nd in New York.
const NOON = '2026-11-23T04:30:00.000Z';

// The process runs in New York, as a clerk's laptop abroad would.
runInZone('America/New_York');
afterEach(() => {
  vi.useRealTimers();
});

const day = (d: ReturnType<typeof config.getNow>) => d.format('YYYY-MM-DD');

describe("the date pickers' now, in a New York browser", () => {
  it("is China's day when New York is still on the previous one (antd's own now is New York's)", () => {
    vi.useFakeTimers({ now: new Date(LATE) });
    expect(day(dayjsGenerateConfig.getNow())).toBe('2026-11-23');
    const now = config.getNow();
    expect([config.getYear(now), config.getMonth(now) + 1, config.getDate(now)]).toEqual([2026, 11, 24]);
    expect([config.getHour(now), config.getMinute(now), config.getSecond(now)]).toEqual([0, 5, 0]);

    vi.setSystemTime(new Date(NOON));
    expect(day(dayjsGenerateConfig.getNow())).toBe('2026-11-22');
    expect(config.getNow().format('YYYY-MM-DD HH:mm')).toBe('2026-11-23 12:30');
  });

  it('reads back through jurisdictionInstant as the same instant: no double shift', () => {
    vi.useFakeTimers({ now: new Date(LATE) });
    expect(jurisdictionInstant(config.getNow().format(PICKED))).toBe(LATE);
    vi.setSystemTime(new Date(NOON));
    expect(jurisdictionInstant(config.getNow().format(PICKED))).toBe(NOON);
  });

  it("keeps China's days in what the picker derives from now (the calendar's cells, a preset's 'last 7 days')", () => {
    vi.useFakeTimers({ now: new Date(LATE) });
    const now = config.getNow();
    expect(day(config.addDate(now, -6))).toBe('2026-11-18');
    expect(day(config.setDate(now, 1))).toBe('2026-11-01');
    expect(day(config.getEndDate(now))).toBe('2026-11-30');
    // A date typed into the picker is the same kind of value, so a range's ends compare as the days they name.
    const typed = config.locale.parse('zh_CN', '2026-11-24 08:00:00', ['YYYY-MM-DD HH:mm:ss'])!;
    expect(config.isAfter(typed, now)).toBe(true);
    expect(config.isAfter(now, config.locale.parse('zh_CN', '2026-11-23 23:00:00', ['YYYY-MM-DD HH:mm:ss'])!)).toBe(true);
  });
});

describe("the calendar's weeks", () => {
  it('start on Monday in Chinese and in English (China\'s week), and a week\'s first day is its Monday', () => {
    expect(config.locale.getWeekFirstDay('zh_CN')).toBe(1);
    expect(config.locale.getWeekFirstDay('en_US')).toBe(1);
    // dayjs's English week starts on Sunday: the shared config differs from it there.
    expect(dayjsGenerateConfig.locale.getWeekFirstDay('en_US')).toBe(0);
    const sunday = config.getNow().year(2026).month(10).date(29); // Sunday 29 November 2026
    const thursday = sunday.date(26);
    const monday = sunday.date(23);
    for (const d of [monday, thursday, sunday]) expect(day(config.locale.getWeekFirstDate('en_US', d))).toBe('2026-11-23');
    expect(day(config.locale.getWeekFirstDate('en_US', sunday.date(30)))).toBe('2026-11-30');
  });
});
