/**
 * Dates and times as every screen shows them: in the jurisdiction's time zone, in the UI language, on a 24-hour
 * clock, in the locale's medium style (zh-CN "2026年11月23日 14:05", en "Nov 23, 2026, 14:05").
 *
 * A city's deadlines, timelines and audit entries happen in China time, so a staff member whose laptop is set to
 * another zone, or whose browser speaks English on a foreign system, must see the same clock values as their
 * colleagues. Never format an instant with `toLocaleString()` or a zone-less `Intl.DateTimeFormat`: those follow the
 * browser. Durations (time left to a deadline) do not depend on a zone and stay with their screens.
 *
 * Plain functions rather than a hook: components already re-render on a language change through
 * `useTranslation()`, and the language is read from i18next at call time (or passed, as the tests do).
 */
import i18next from 'i18next';

/**
 * The zone every jurisdiction's times are shown in. There is no per-jurisdiction zone setting yet (all
 * jurisdictions are in mainland China: UTC+8, no daylight saving); when one is added, this constant becomes the
 * default of that setting. The server's day boundaries (statistics, deadlines in working days) use the same zone.
 */
export const JURISDICTION_TIME_ZONE = 'Asia/Shanghai';

/** The jurisdiction zone's offset, for turning a picked wall-clock time into an instant (no daylight saving). */
const JURISDICTION_OFFSET = '+08:00';

/** An instant as the API sends it (ISO 8601), epoch milliseconds, or a Date. */
export type Instant = string | number | Date;

type Style = 'date' | 'dateTime' | 'dateTimeSeconds' | 'time' | 'dayTime';

const OPTIONS: Record<Style, Intl.DateTimeFormatOptions> = {
  date: { dateStyle: 'medium' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' },
  dateTimeSeconds: { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' },
  time: { timeStyle: 'short', hourCycle: 'h23' },
  dayTime: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The UI languages are zh-CN and en; anything else i18next reports (e.g. before it starts) is shown as zh-CN. */
function uiLanguage(language?: string): 'zh-CN' | 'en' {
  const lng = language ?? i18next.language ?? '';
  return lng.startsWith('en') ? 'en' : 'zh-CN';
}

function format(style: Style, at: Instant, language?: string): string {
  const lng = uiLanguage(language);
  const key = `${lng}|${style}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lng, { ...OPTIONS[style], timeZone: JURISDICTION_TIME_ZONE });
    formatters.set(key, f);
  }
  const d = at instanceof Date ? at : new Date(at);
  return Number.isNaN(d.getTime()) ? '—' : f.format(d);
}

/** "2026年11月23日 14:05" / "Nov 23, 2026, 14:05"; with `seconds` also the seconds (audit entries). */
export function formatDateTime(at: Instant, opts: { seconds?: boolean; language?: string } = {}): string {
  return format(opts.seconds ? 'dateTimeSeconds' : 'dateTime', at, opts.language);
}

/** "2026年11月23日" / "Nov 23, 2026": the calendar day in the jurisdiction. */
export function formatDate(at: Instant, opts: { language?: string } = {}): string {
  return format('date', at, opts.language);
}

/** "14:05": the clock in the jurisdiction. */
export function formatTime(at: Instant, opts: { language?: string } = {}): string {
  return format('time', at, opts.language);
}

/**
 * A time close to now, as short as it can be read unambiguously in a table cell: "14:05" on the jurisdiction's
 * current day, "11月24日 14:05" / "Nov 24, 14:05" in the same year, the full date and time otherwise.
 */
export function formatNearTime(at: Instant, opts: { now?: Instant; language?: string } = {}): string {
  const day = jurisdictionDay(at);
  const today = jurisdictionDay(opts.now ?? Date.now());
  if (day === today) return format('time', at, opts.language);
  return day.slice(0, 4) === today.slice(0, 4) ? format('dayTime', at, opts.language) : format('dateTime', at, opts.language);
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: JURISDICTION_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in the jurisdiction at an instant (default now), as YYYY-MM-DD (statistics periods, codes). */
export function jurisdictionDay(at: Instant = Date.now()): string {
  return dayFormat.format(at instanceof Date ? at : new Date(at));
}

/** A YYYY-MM-DD day `n` days later (earlier when negative): calendar arithmetic, no zone involved. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * A wall-clock time picked in a form ("YYYY-MM-DDTHH:mm:ss", as a date picker's value formats it) read as a time in
 * the jurisdiction, whatever the browser's zone → the ISO instant the API takes.
 */
export function jurisdictionInstant(wallClock: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(wallClock)) throw new Error(`Not a wall-clock time: ${wallClock}`);
  return new Date(`${wallClock}${JURISDICTION_OFFSET}`).toISOString();
}

const wallClockFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: JURISDICTION_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/**
 * The wall-clock time in the jurisdiction at an instant (default now), as "YYYY-MM-DDTHH:mm:ss": the inverse of
 * `jurisdictionInstant` (to the second), and what a date picker must take as "now" (see date-picker-config.ts).
 */
export function jurisdictionWallClock(at: Instant = Date.now()): string {
  const p = Object.fromEntries(wallClockFormat.formatToParts(at instanceof Date ? at : new Date(at)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}

/** The format to ask a date picker's value (a dayjs object) for, to pass to `jurisdictionInstant`. */
export const PICKED = 'YYYY-MM-DDTHH:mm:ss';
