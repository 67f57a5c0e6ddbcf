/**
 * Date-only pickers for screens that keep calendar days as "YYYY-MM-DD" strings (filters in the URL, statistics
 * periods): the shared DatePicker (today is China's, the calendar in the UI language) with string values in and out
 * (picked-day.ts), so a screen's days and the instants it makes of them stay exactly what they were with plain
 * browser date fields — which showed the browser's locale (mm/dd/yyyy in an English Chromium) and today.
 */
import { useMemo, type ComponentProps, type CSSProperties } from 'react';
import type { Dayjs } from 'dayjs';
import { DatePicker } from './date-picker';
import { DAY_FORMAT, dayValue, pickedDay } from './picked-day';

type SingleProps = ComponentProps<typeof DatePicker>;
type RangeProps = ComponentProps<typeof DatePicker.RangePicker>;

export type DayPickerProps = Omit<SingleProps, 'value' | 'defaultValue' | 'onChange' | 'picker' | 'showTime' | 'format' | 'multiple'> & {
  /** A day (YYYY-MM-DD); empty or undefined for none. */
  value?: string;
  onChange: (day: string | undefined) => void;
};

/** One day; label it as any field (`id` goes to the input). */
export function DayPicker({ value, onChange, ...rest }: DayPickerProps) {
  // The same object while the day is the same, so a re-render does not reset what is being typed.
  const picked = useMemo(() => dayValue(value), [value]);
  return <DatePicker {...rest} format={DAY_FORMAT} value={picked} onChange={(d) => onChange(pickedDay(d))} />;
}

export type DayRangePickerProps = Omit<RangeProps, 'id' | 'value' | 'defaultValue' | 'onChange' | 'picker' | 'showTime' | 'format' | 'placeholder'> & {
  /** The first and last day (YYYY-MM-DD, both inclusive); '' for none. */
  value: [string, string];
  onChange: (days: [string, string]) => void;
  /** The ids of the two inputs (for links and tests) and their labels: each input keeps its own accessible name. */
  ids: [string, string];
  labels: [string, string];
};

const VISUALLY_HIDDEN: CSSProperties = { position: 'absolute', width: 1, height: 1, margin: -1, padding: 0, overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap', border: 0 };

/**
 * A first and a last day that belong together (a period). Each input has its own label (开始日期, 结束日期) for a
 * screen reader, and shows it as its placeholder when empty.
 */
export function DayRangePicker({ value: [from, to], onChange, ids, labels, ...rest }: DayRangePickerProps) {
  const picked = useMemo(() => [dayValue(from), dayValue(to)] as [Dayjs | null, Dayjs | null], [from, to]);
  return (
    <span style={{ display: 'inline-block', position: 'relative' }}>
      <label htmlFor={ids[0]} style={VISUALLY_HIDDEN}>
        {labels[0]}
      </label>
      <label htmlFor={ids[1]} style={VISUALLY_HIDDEN}>
        {labels[1]}
      </label>
      <DatePicker.RangePicker
        {...rest}
        id={{ start: ids[0], end: ids[1] }}
        placeholder={labels}
        format={DAY_FORMAT}
        value={picked}
        onChange={(range) => onChange([pickedDay(range?.[0]) ?? '', pickedDay(range?.[1]) ?? ''])}
      />
    </span>
  );
}
