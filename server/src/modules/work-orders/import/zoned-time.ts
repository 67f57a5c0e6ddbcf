/**
 * Dates of historical records, read with their time zone. Exports write local wall-clock times without an offset
 * (Boston "2022-01-01 17:24:56", NYC and SF "03/01/2011 02:27:57 PM", the Shangluo mailbox "2022-05-10"); such a
 * time is read in the source's zone (America/New_York, America/Los_Angeles, Asia/Shanghai) with the zone's rules
 * for that date (DST included, from the platform's IANA database through Intl). A time that names its offset
 * ("…Z", "…+08:00") is taken as written.
 *
 * A wall time that occurs twice (the hour repeated when DST ends) is read as the first one; a wall time that does
 * not exist (the hour skipped when DST starts) is moved forward by the gap, as most libraries do.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the platform knows the IANA zone name. */
export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetAt(timeZone: string, epochMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

/** The instant a local wall-clock time in `timeZone` stands for (see the module comment for DST edges). */
export function zonedToInstant(w: WallTime, timeZone: string): Date {
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
  // Offsets just before and after the wall time; the earlier reading wins where both fit (a repeated hour).
  const before = offsetAt(timeZone, wall - 86_400_000 / 2);
  const after = offsetAt(timeZone, wall + 86_400_000 / 2);
  for (const off of [before, after]) {
    const t = wall - off;
    if (offsetAt(timeZone, t) === off) return new Date(t);
  }
  // In the gap of a spring-forward: read with the offset before it, which lands after the gap.
  return new Date(wall - before);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(AM|PM)?)?$/i;
const SLASHED_ISO = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parses a date or date-time as exports write them: ISO 8601 (with or without 'T', seconds, fraction, offset),
 * US 'MM/DD/YYYY hh:mm[:ss] AM|PM' (or 24-hour without AM/PM), 'YYYY/MM/DD [HH:mm[:ss]]'. A date alone is local
 * midnight. Returns null for anything else or an impossible date (2022-02-30, 25:00).
 */
export function parseZoned(text: string, timeZone: string): Date | null {
  const s = text.trim();
  if (s === '') return null;
  let w: WallTime;
  let offset: string | undefined;
  let m = ISO.exec(s);
  if (m) {
    w = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0), ms: fraction(m[7]) };
    offset = m[8];
  } else if ((m = US.exec(s))) {
    let hour = +(m[4] ?? 0);
    const ampm = m[8]?.toUpperCase();
    if (ampm) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (ampm === 'PM' ? 12 : 0);
    }
    w = { year: +m[3]!, month: +m[1]!, day: +m[2]!, hour, minute: +(m[5] ?? 0), second: +(m[6] ?? 0), ms: fraction(m[7]) };
  } else if ((m = SLASHED_ISO.exec(s))) {
    w = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0), ms: 0 };
  } else {
    return null;
  }
  if (!valid(w)) return null;
  if (offset) {
    const utc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.ms);
    if (offset.toUpperCase() === 'Z') return new Date(utc);
    const o = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset)!;
    const minutes = (+o[2]! * 60 + +(o[3] ?? 0)) * (o[1] === '-' ? -1 : 1);
    return new Date(utc - minutes * 60_000);
  }
  return zonedToInstant(w, timeZone);
}

function fraction(digits: string | undefined): number {
  return digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
}

function valid(w: WallTime): boolean {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.minute > 59 || w.second > 59) return false;
  const days = new Date(Date.UTC(w.year, w.month, 0)).getUTCDate();
  return w.day <= days;
}
