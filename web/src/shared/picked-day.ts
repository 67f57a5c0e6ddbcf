/**
 * Calendar days as the screens keep them ("YYYY-MM-DD", a day in the jurisdiction: URLs, filters, statistics
 * periods) ⇄ the value a date-only picker holds. A picker's value is a browser-zone dayjs whose calendar fields
 * are read as China's (date-picker-config.ts), so a day is that day's midnight in the browser's zone and back by
 * its calendar fields: no instant is involved, nothing shifts whatever the browser's zone. The screens turn the
 * day into an instant themselves (the day's midnight at UTC+8), as they did with plain date fields.
 *
 * Kept apart from day-picker.tsx (the components) so it can be unit-tested without antd.
 */
import dayjs, { type Dayjs } from 'dayjs';

/** The format a date-only picker shows and takes typed, in either UI language. */
export const DAY_FORMAT = 'YYYY-MM-DD';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day → the picker's value; null for an empty or malformed day (the picker shows nothing). */
export function dayValue(day: string | null | undefined): Dayjs | null {
  if (!day || !DAY.test(day)) return null;
  // dayjs reads a date-only string as the browser zone's midnight (unlike `new Date`, which reads it as UTC). Where a
  // daylight-saving change skips that midnight, the time lands an hour later on the same day.
  const d = dayjs(day);
  return d.isValid() && d.format(DAY_FORMAT) === day ? d : null;
}

/** The picker's value → its day; undefined when the picker was cleared. */
export function pickedDay(value: Dayjs | null | undefined): string | undefined {
  return value ? value.format(DAY_FORMAT) : undefined;
}

/**
 * `disabledDate` for the two ends of a period kept as two pickers: the last day cannot be before the first, nor the
 * first after the last (either may be empty: then nothing is disabled).
 */
export function daysFrom(first: string | undefined): (d: Dayjs) => boolean {
  return (d) => !!first && (pickedDay(d) ?? '') < first;
}
export function daysUntil(last: string | undefined): (d: Dayjs) => boolean {
  return (d) => !!last && (pickedDay(d) ?? '') > last;
}
