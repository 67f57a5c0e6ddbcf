/**
 * antd's DatePicker (with RangePicker, TimePicker, …) built on the jurisdiction's "now" (date-picker-config.ts): every
 * screen imports its pickers from here, never from antd (eslint refuses the latter).
 */
import { DatePicker as AntDatePicker } from 'antd';
import type { Dayjs } from 'dayjs';
import { jurisdictionGenerateConfig } from './date-picker-config';

export const DatePicker = AntDatePicker.generatePicker<Dayjs>(jurisdictionGenerateConfig);
