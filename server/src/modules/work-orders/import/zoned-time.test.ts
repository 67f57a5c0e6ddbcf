import { describe, expect, it } from 'vitest';
import { parseZoned } from './zoned-time.js';

const iso = (s: string, zone: string) => parseZoned(s, zone)?.toISOString() ?? null;

describe('parseZoned', () => {
  it('reads local wall times in the source zone, with its DST rules for that date', () => {
    expect(iso('2022-01-01 17:24:56', 'America/New_York')).toBe('2022-01-01T22:24:56.000Z'); // EST
    expect(iso('2022-07-01 17:24:56', 'America/New_York')).toBe('2022-07-01T21:24:56.000Z'); // EDT
    expect(iso('03/01/2011 02:27:57 PM', 'America/New_York')).toBe('2011-03-01T19:27:57.000Z');
    expect(iso('04/30/2014 02:51:52 PM', 'America/Los_Angeles')).toBe('2014-04-30T21:51:52.000Z'); // PDT
    expect(iso('12/03/2014 12:05:00 AM', 'America/Los_Angeles')).toBe('2014-12-03T08:05:00.000Z'); // 12 AM is midnight
    expect(iso('12/03/2014 12:05:00 PM', 'America/Los_Angeles')).toBe('2014-12-03T20:05:00.000Z'); // 12 PM is noon
    expect(iso('2022-05-10', 'Asia/Shanghai')).toBe('2022-05-09T16:00:00.000Z');
    expect(iso('2022/5/10 08:30', 'Asia/Shanghai')).toBe('2022-05-10T00:30:00.000Z');
    expect(iso('2022-01-03 10:35:57.797', 'America/New_York')).toBe('2022-01-03T15:35:57.797Z');
  });

  it('takes a written offset as it is', () => {
    expect(iso('2022-01-01T17:24:56Z', 'America/New_York')).toBe('2022-01-01T17:24:56.000Z');
    expect(iso('2022-01-01T17:24:56+08:00', 'America/New_York')).toBe('2022-01-01T09:24:56.000Z');
    expect(iso('2022-01-01 17:24:56 -0500', 'Asia/Shanghai')).toBe('2022-01-01T22:24:56.000Z');
  });

  it('reads a repeated hour as the first one and moves a skipped hour forward', () => {
    // 2022-11-06 01:30 happens twice in New York (EDT, then EST): the first is 05:30Z.
    expect(iso('2022-11-06 01:30:00', 'America/New_York')).toBe('2022-11-06T05:30:00.000Z');
    // 2022-03-13 02:30 does not exist in New York: read as 03:30 EDT.
    expect(iso('2022-03-13 02:30:00', 'America/New_York')).toBe('2022-03-13T07:30:00.000Z');
  });

  it('refuses what is not a date', () => {
    for (const bad of ['', 'yesterday', '2022-02-30', '2022-13-01', '13/45/2020 10:00 AM', '2022-01-01 25:00', '00/10/2020', '13:00 PM']) {
      expect(parseZoned(bad, 'America/New_York'), bad).toBeNull();
    }
    expect(parseZoned('02/29/2020 01:00 PM', 'America/New_York')).not.toBeNull();
    expect(parseZoned('02/29/2021 01:00 PM', 'America/New_York')).toBeNull();
  });
});
