/**
 * antd's DatePicker (with RangePicker, TimePicker, …) built on the jurisdiction's "now" (date-picker-config.ts): every
 * screen imports its pickers from here, never from antd (eslint refuses the latter).
 */
import { DatePicker as AntDatePicker } from 'antd';
import type { Dayjs } from 'dayjs';
// antd's zh_CN locale names dayjs's zh-cn for the calendar's weekday and month names and its first day of the week;
// unregistered, a Chinese screen showed "Su Mo Tu … / Nov" and weeks from Sunday.
import 'dayjs/locale/zh-cn';
import { jurisdictionGenerateConfig } from './date-picker-config';

export const DatePicker = AntDatePicker.generatePicker<Dayjs>(jurisdictionGenerateConfig);
