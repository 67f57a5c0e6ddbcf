/**
 * The date pickers' idea of "now", in the jurisdiction's zone: the day a picker marks as today, its 此刻/Now button,
 * the month it opens on, and what any preset or `disabledDate` built on `getNow()` compares with. antd's own pickers
 * take the browser's clock and zone, so a clerk whose laptop is set to New York would see yesterday marked as today
 * each morning in China, and 此刻 would fill in New York's clock, which the forms then read as China time.
 *
 * A picker's values are ordinary (browser-zone) dayjs objects whose calendar fields are read as China's wall clock:
 * forms turn them into instants with `jurisdictionInstant(value.format(PICKED))` (time.ts). So "now" is the same
 * kind of object, holding China's wall clock, rather than a dayjs in timezone mode: the picker derives its cells
 * from "now" with setters, parses typed text into browser-zone objects, and orders a range's ends with `isAfter`
 * (an instant comparison), which would mis-order a mix of the two kinds. No dayjs time-zone plugin is needed.
 *
 * Kept apart from date-picker.ts (the components) so it can be unit-tested without antd.
 */
import type { GenerateConfig } from '@rc-component/picker/generate';
import dayjsGenerateConfig from '@rc-component/picker/generate/dayjs';
import dayjs, { type Dayjs } from 'dayjs';
import { jurisdictionWallClock } from './time';

export const jurisdictionGenerateConfig: GenerateConfig<Dayjs> = {
  ...dayjsGenerateConfig,
  // China's wall clock in the browser's zone: in the hour a browser's zone skips at a daylight-saving change that
  // clock does not exist there and lands an hour later — on the same day, which is what a picker needs.
  getNow: () => dayjs(jurisdictionWallClock()),
  locale: {
    ...dayjsGenerateConfig.locale,
    // China's weeks start on Monday, in either language: dayjs's English starts them on Sunday, so an English
    // calendar showed the same days in other columns than the Chinese one beside it.
    getWeekFirstDay: () => MONDAY,
    getWeekFirstDate: (_locale, date) => date.subtract((date.day() + 6) % 7, 'day'),
  },
};

const MONDAY = 1;
