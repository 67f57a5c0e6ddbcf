import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { runInZone } from './zone.testkit';
import { JURISDICTION_TIME_ZONE, addDays, formatDate, formatDateTime, formatNearTime, formatTime, jurisdictionDay, jurisdictionInstant, jurisdictionWallClock } from './time';

// 2026-11-23 06:05:09 UTC is 14:05 on the 23rd in China and 01:05 in New York;
// 16:05 UTC is already 00:05 on the 24th in China and still 11:05 on the 23rd in New York.
const MORNING = '2026-11-23T06:05:09Z';
const LATE = '2026-11-23T16:05:00.000Z';

// The process runs in New York (as a staff member's laptop abroad would), so anything that followed the
// process's zone — toLocaleString(), a zone-less Intl.DateTimeFormat — would show New York clock values.
runInZone('America/New_York');

describe('times in the jurisdiction zone, whatever the browser zone', () => {
  it('runs in a zone other than China (the old formatting would show New York times)', () => {
    expect(new Date(MORNING).getHours()).toBe(1);
    expect(new Date(MORNING).toLocaleString('zh-CN', { hour12: false })).toContain('01:05');
    expect(JURISDICTION_TIME_ZONE).toBe('Asia/Shanghai');
  });

  it('formats a date-time in Chinese, 24-hour clock', () => {
    expect(formatDateTime(MORNING, { language: 'zh-CN' })).toBe('2026年11月23日 14:05');
    expect(formatDateTime(LATE, { language: 'zh-CN' })).toBe('2026年11月24日 00:05');
    expect(formatDateTime(MORNING, { language: 'zh-CN', seconds: true })).toBe('2026年11月23日 14:05:09');
  });

  it('formats a date-time in English, 24-hour clock', () => {
    expect(formatDateTime(MORNING, { language: 'en' })).toBe('Nov 23, 2026, 14:05');
    expect(formatDateTime(LATE, { language: 'en' })).toBe('Nov 24, 2026, 00:05');
    expect(formatDateTime(MORNING, { language: 'en', seconds: true })).toBe('Nov 23, 2026, 14:05:09');
  });

  it('formats the day and the clock alone', () => {
    expect(formatDate(LATE, { language: 'zh-CN' })).toBe('2026年11月24日');
    expect(formatDate(LATE, { language: 'en' })).toBe('Nov 24, 2026');
    expect(formatTime(MORNING, { language: 'zh-CN' })).toBe('14:05');
    expect(formatTime(LATE, { language: 'en' })).toBe('00:05');
  });

  it("formats a time near now by China's day: the clock today, the day and clock this year, everything otherwise", () => {
    // MORNING is the 23rd in China (and in New York); LATE the 24th in China, still the 23rd in New York.
    expect(formatNearTime(MORNING, { now: '2026-11-23T10:00:00Z', language: 'zh-CN' })).toBe('14:05');
    expect(formatNearTime(LATE, { now: MORNING, language: 'zh-CN' })).toBe('11月24日 00:05');
    expect(formatNearTime(LATE, { now: MORNING, language: 'en' })).toBe('Nov 24, 00:05');
    expect(formatNearTime(LATE, { now: '2026-11-24T01:00:00Z', language: 'en' })).toBe('00:05');
    expect(formatNearTime(LATE, { now: '2027-01-02T01:00:00Z', language: 'zh-CN' })).toBe('2026年11月24日 00:05');
  });

  it('takes ISO strings, epoch milliseconds and Dates alike; an unreadable value shows a dash', () => {
    const ms = Date.parse(MORNING);
    expect(formatDateTime(ms, { language: 'en' })).toBe(formatDateTime(MORNING, { language: 'en' }));
    expect(formatDateTime(new Date(ms), { language: 'en' })).toBe('Nov 23, 2026, 14:05');
    expect(formatDateTime('not a date', { language: 'en' })).toBe('—');
  });

  it('shows other language tags as their UI language (en-GB as en, anything else as zh-CN)', () => {
    expect(formatTime(LATE, { language: 'en-GB' })).toBe('00:05');
    expect(formatDate(LATE, { language: 'en-US' })).toBe('Nov 24, 2026');
    expect(formatDate(LATE, { language: 'fr' })).toBe('2026年11月24日');
  });

  it("follows the UI's current language when none is passed", async () => {
    await i18next.init({ lng: 'en', resources: {}, showSupportNotice: false });
    expect(formatDateTime(MORNING)).toBe('Nov 23, 2026, 14:05');
    await i18next.changeLanguage('zh-CN');
    expect(formatDateTime(MORNING)).toBe('2026年11月23日 14:05');
  });

  it("gives the jurisdiction's calendar day (16:05 UTC is already the next day in China), and adds days", () => {
    expect(jurisdictionDay(MORNING)).toBe('2026-11-23');
    expect(jurisdictionDay(LATE)).toBe('2026-11-24');
    expect(jurisdictionDay(new Date(Date.parse(LATE) - 5 * 60_000 - 1))).toBe('2026-11-23');
    expect(addDays('2026-11-24', 7)).toBe('2026-12-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('reads a picked wall-clock time as China time', () => {
    expect(jurisdictionInstant('2026-11-23T14:05:09')).toBe('2026-11-23T06:05:09.000Z');
    expect(jurisdictionInstant('2026-11-24T00:05')).toBe(LATE);
    expect(() => jurisdictionInstant('2026-11-23 14:05')).toThrow();
  });

  it("gives China's wall clock at an instant, which reads back as that instant", () => {
    expect(jurisdictionWallClock(MORNING)).toBe('2026-11-23T14:05:09');
    expect(jurisdictionWallClock(LATE)).toBe('2026-11-24T00:05:00');
    expect(jurisdictionWallClock('2026-11-23T04:00:00Z')).toBe('2026-11-23T12:00:00');
    expect(jurisdictionInstant(jurisdictionWallClock(LATE))).toBe(LATE);
  });
});
