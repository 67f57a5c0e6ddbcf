import { afterEach, describe, expect, it, vi } from 'vitest';
import { jurisdictionGenerateConfig as config } from './date-picker-config';
import { dayValue, DAY_FORMAT, daysFrom, daysUntil, pickedDay } from './picked-day';
import { runInZone } from './zone.testkit';
import { addDays, jurisdictionDay } from './time';

// 16:05 UTC on the 23rd: already 00:05 on the 24th in China, still 11:05 on the 23rd in New York.
const LATE = '2026-11-23T16:05:00.000Z';

const inZone = runInZone('America/New_York');
afterEach(() => {
  vi.useRealTimers();
  inZone('America/New_York');
});

describe('days ⇄ date-only picker values', () => {
  it("gives back every day of the year unchanged in New York and in Santiago (whose daylight-saving change skips a midnight)", () => {
    for (const tz of ['America/New_York', 'America/Santiago']) {
      inZone(tz);
      for (let i = 0; i < 366; i++) {
        const day = addDays('2026-01-01', i);
        const value = dayValue(day)!;
        expect([tz, pickedDay(value)]).toEqual([tz, day]);
        expect(value.format(DAY_FORMAT)).toBe(day);
      }
    }
  });

  it("names China's day for the picker's today, though New York is still on the previous one", () => {
    vi.useFakeTimers({ now: new Date(LATE) });
    expect(pickedDay(config.getNow())).toBe('2026-11-24');
    expect(pickedDay(config.getNow())).toBe(jurisdictionDay());
  });

  it('keeps the two ends of a period in order: no last day before the first, no first day after the last', () => {
    const before = daysFrom('2026-11-10');
    expect([before(dayValue('2026-11-09')!), before(dayValue('2026-11-10')!), before(dayValue('2026-11-11')!)]).toEqual([true, false, false]);
    const after = daysUntil('2026-11-10');
    expect([after(dayValue('2026-11-09')!), after(dayValue('2026-11-10')!), after(dayValue('2026-11-11')!)]).toEqual([false, false, true]);
    expect(daysFrom(undefined)(dayValue('1999-01-01')!)).toBe(false);
    expect(daysUntil('')(dayValue('2099-01-01')!)).toBe(false);
  });

  it('reads a typed day as that day, and an empty or malformed one as no value', () => {
    const typed = config.locale.parse('en_US', '2026-11-24', [DAY_FORMAT])!;
    expect(pickedDay(typed)).toBe('2026-11-24');
    expect(dayValue('2026-11-24')!.isSame(typed)).toBe(true);
    for (const bad of [undefined, null, '', '2026-11', '2026-02-30', '11/24/2026']) expect(dayValue(bad)).toBeNull();
    expect(pickedDay(null)).toBeUndefined();
  });
});
