/**
 * The form of 工单设置 (work-order settings), pure and unit-tested in settings-model.test.ts: the GET answer → form
 * values, the form → the PUT body, what the form says is overridden, resetting one item or all deadlines, the items
 * one form changed from another (to re-apply after someone else saved first), and the checks the server makes
 * (server/src/modules/work-orders/settings.ts and sla.ts), so that nothing it would refuse is sent.
 *
 * A deadline item is an override exactly when its value differs from the default: resetting an item puts the default
 * back, and a value typed equal to the default follows the default again (it no longer pins it).
 */
import { REQUEST_TYPES, URGENCIES, type RequestType, type Urgency } from '@civicgrid/contracts/work-orders';
import type { CategoryDuration, Duration, DurationKind, SettingsBody, SettingsValues, SlaConfig, SlaOverrides, WorkOrderSettings } from './api';
export const DURATION_KINDS: readonly DurationKind[] = ['calendar_hours', 'working_hours', 'working_days'];

/** The server's limits (settings.ts): the largest duration of each kind, whole days 1–90, and so on. */
export const LIMITS = {
  calendarHours: 24 * 90,
  workingHours: 8 * 90,
  workingDays: { min: 1, max: 90 },
  periods: { min: 1, max: 6 },
  categoryRules: 200,
  categoryPrefix: 100,
  followUpDays: { min: 1, max: 30 },
  /** 默认满意: whole working days, and not below the follow-up time. */
  defaultRatingDays: { min: 1, max: 60 },
  warnPercent: { min: 10, max: 99 },
  duplicateRadiusM: { min: 1, max: 1000 },
  duplicateHours: { min: 1, max: 720 },
} as const;

export const TICKET_PREFIX = /^[A-Z]{1,4}$/;
export const CATEGORY_PREFIX = /^[a-z0-9]+(\.[a-z0-9]+)*$/;
const CLOCK = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

export interface DurationField {
  kind: DurationKind;
  /** Hours for the two hour kinds, days for working days; null while the field is empty. */
  amount: number | null;
}

export interface CategoryRuleField {
  /** Stable React key of the row (not sent). */
  key: string;
  categoryPrefix: string | null;
  duration: DurationField;
}

export interface SettingsForm {
  ticketPrefix: string;
  workingHours: Array<{ start: string; end: string }>;
  byUrgency: Record<Urgency, DurationField>;
  /** null: no rule of its own (the urgency decides). */
  byRequestType: Record<RequestType, DurationField | null>;
  byCategory: CategoryRuleField[];
  signFor: DurationField;
  followUpDays: number | null;
  /** 默认满意: off, or on after `days` working days (null while the field is empty). */
  defaultRating: { on: boolean; days: number | null };
  warnPercent: number | null;
  autoDispatch: boolean;
  confidencePercent: number | null;
  duplicateRadiusM: number | null;
  duplicateHours: number | null;
}

/** One thing an administrator sets, resets and sees the default of. */
export type ItemId =
  | 'workingHours'
  | `byUrgency.${Urgency}`
  | `byRequestType.${RequestType}`
  | 'byCategory'
  | 'signFor'
  | 'followUpDays'
  | 'defaultRating'
  | 'warnRatio'
  | 'autoDispatch'
  | 'autoDispatchConfidence'
  | 'duplicateRadiusM'
  | 'duplicateHours'
  | 'ticketPrefix';

export const SLA_ITEMS: readonly ItemId[] = [
  'workingHours',
  ...URGENCIES.map((u) => `byUrgency.${u}` as const),
  ...REQUEST_TYPES.map((r) => `byRequestType.${r}` as const),
  'byCategory',
  'signFor',
  'followUpDays',
  'defaultRating',
  'warnRatio',
];
export const ITEMS: readonly ItemId[] = [...SLA_ITEMS, 'autoDispatch', 'autoDispatchConfidence', 'duplicateRadiusM', 'duplicateHours', 'ticketPrefix'];

// ---- Answer → form ---------------------------------------------------------------------------------------------

/** Two decimals at most: 0.07 × 100 is 7.000000000000001 in floating point. */
const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function durationField(d: Duration): DurationField {
  return { kind: d.kind, amount: d.kind === 'working_days' ? d.days : d.hours };
}

let nextRuleKey = 0;
export function newCategoryRule(categoryPrefix: string | null = null, duration: DurationField = { kind: 'working_days', amount: null }): CategoryRuleField {
  nextRuleKey += 1;
  return { key: `rule-${nextRuleKey}`, categoryPrefix, duration };
}

/** The form showing these values (the effective ones of the answer, or its defaults). */
export function formOf(v: SettingsValues): SettingsForm {
  const sla: SlaConfig = v.sla;
  return {
    ticketPrefix: v.ticketPrefix,
    workingHours: sla.workingHours.periods.map((p) => ({ start: p.start, end: p.end })),
    byUrgency: Object.fromEntries(URGENCIES.map((u) => [u, durationField(sla.byUrgency[u]!)])) as Record<Urgency, DurationField>,
    byRequestType: Object.fromEntries(REQUEST_TYPES.map((r) => [r, sla.byRequestType?.[r] ? durationField(sla.byRequestType[r]) : null])) as Record<RequestType, DurationField | null>,
    byCategory: sla.byCategory.map((c) => newCategoryRule(c.categoryPrefix, durationField(c.duration))),
    signFor: durationField(sla.signFor),
    followUpDays: sla.followUpDays,
    defaultRating: { on: sla.defaultRatingDays !== null, days: sla.defaultRatingDays },
    warnPercent: round(sla.warnRatio * 100, 2),
    autoDispatch: v.autoDispatch,
    confidencePercent: round(v.autoDispatchConfidence * 100, 2),
    duplicateRadiusM: v.duplicateRadiusM,
    duplicateHours: v.duplicateHours,
  };
}

// ---- Items: value, default, reset, changes -------------------------------------------------------------------

const split = (item: ItemId): [string, string | undefined] => {
  const [head, tail] = item.split('.') as [string, string | undefined];
  return [head, tail];
};

/** Code-point order (not the locale's): only a stable order is needed. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An item's value in a form, as a plain value that compares with JSON (row keys left out, category rules sorted). */
export function itemValue(form: SettingsForm, item: ItemId): unknown {
  const [head, tail] = split(item);
  switch (head) {
    case 'byUrgency':
      return form.byUrgency[tail as Urgency];
    case 'byRequestType':
      return form.byRequestType[tail as RequestType];
    case 'byCategory':
      // Keyed by category, as the server compares them (settings.ts settingsChanges): the longest matching prefix
      // applies, not the first row, so rows merely in another order (or one removed and added back) are no change.
      // Sorted rather than made a map so that a row without a category, or a second one for a category, still differs.
      return form.byCategory
        .map((r) => ({ categoryPrefix: r.categoryPrefix, duration: r.duration }))
        .sort((a, b) => byText(a.categoryPrefix ?? '', b.categoryPrefix ?? '') || byText(JSON.stringify(a.duration), JSON.stringify(b.duration)));
    case 'warnRatio':
      return form.warnPercent;
    case 'autoDispatchConfidence':
      return form.confidencePercent;
    default:
      return form[head as 'workingHours' | 'signFor' | 'followUpDays' | 'defaultRating' | 'autoDispatch' | 'duplicateRadiusM' | 'duplicateHours' | 'ticketPrefix'];
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Whether an item of the form holds its default (the defaults as a form: formOf(answer.defaults)). */
export function isDefault(form: SettingsForm, defaults: SettingsForm, item: ItemId): boolean {
  return same(itemValue(form, item), itemValue(defaults, item));
}

/** The form with one item copied from another form (a default put back, or a change re-applied). */
export function withItem(form: SettingsForm, from: SettingsForm, item: ItemId): SettingsForm {
  const [head, tail] = split(item);
  const copy = <T>(x: T): T => structuredClone(x);
  switch (head) {
    case 'byUrgency':
      return { ...form, byUrgency: { ...form.byUrgency, [tail as Urgency]: copy(from.byUrgency[tail as Urgency]) } };
    case 'byRequestType':
      return { ...form, byRequestType: { ...form.byRequestType, [tail as RequestType]: copy(from.byRequestType[tail as RequestType]) } };
    case 'byCategory':
      return { ...form, byCategory: from.byCategory.map((r) => newCategoryRule(r.categoryPrefix, copy(r.duration))) };
    case 'warnRatio':
      return { ...form, warnPercent: from.warnPercent };
    case 'autoDispatchConfidence':
      return { ...form, confidencePercent: from.confidencePercent };
    default: {
      const key = head as 'workingHours' | 'signFor' | 'followUpDays' | 'defaultRating' | 'autoDispatch' | 'duplicateRadiusM' | 'duplicateHours' | 'ticketPrefix';
      return { ...form, [key]: copy(from[key]) };
    }
  }
}

export function withItems(form: SettingsForm, from: SettingsForm, items: readonly ItemId[]): SettingsForm {
  return items.reduce((f, item) => withItem(f, from, item), form);
}

/** Every deadline item back to its default (the other settings stay as they are). */
export function withSlaDefaults(form: SettingsForm, defaults: SettingsForm): SettingsForm {
  return withItems(form, defaults, SLA_ITEMS);
}

/** The items whose value differs between two forms, in page order. */
export function changedItems(before: SettingsForm, after: SettingsForm): ItemId[] {
  return ITEMS.filter((item) => !same(itemValue(before, item), itemValue(after, item)));
}

// ---- Form → body -----------------------------------------------------------------------------------------------

/** A duration of a valid form field. */
export function durationOf(f: DurationField): Duration {
  const amount = f.amount ?? 0;
  return f.kind === 'working_days' ? { kind: 'working_days', days: amount } : { kind: f.kind, hours: amount };
}

/** The deadline overrides the form stands for: each item that differs from its default; null when none does. */
export function slaOverridesOf(form: SettingsForm, defaults: SettingsForm): SlaOverrides | null {
  const o: SlaOverrides = {};
  const differs = (item: ItemId) => !isDefault(form, defaults, item);
  if (differs('workingHours')) o.workingHours = { periods: form.workingHours.map((p) => ({ start: p.start, end: p.end })) };
  const byUrgency = URGENCIES.filter((u) => differs(`byUrgency.${u}`));
  if (byUrgency.length > 0) o.byUrgency = Object.fromEntries(byUrgency.map((u) => [u, durationOf(form.byUrgency[u])]));
  // There is no default per request type, so the rules set are the overrides (the server takes them as the whole list).
  const byType = REQUEST_TYPES.filter((r) => form.byRequestType[r] !== null);
  if (byType.length > 0) o.byRequestType = Object.fromEntries(byType.map((r) => [r, durationOf(form.byRequestType[r]!)]));
  if (differs('byCategory')) o.byCategory = form.byCategory.map((r): CategoryDuration => ({ categoryPrefix: r.categoryPrefix ?? '', duration: durationOf(r.duration) }));
  if (differs('signFor')) o.signFor = durationOf(form.signFor);
  if (differs('followUpDays') && form.followUpDays !== null) o.followUpDays = form.followUpDays;
  // Off by default: an override only while it is on.
  if (form.defaultRating.on && form.defaultRating.days !== null) o.defaultRatingDays = form.defaultRating.days;
  if (differs('warnRatio') && form.warnPercent !== null) o.warnRatio = round(form.warnPercent / 100, 4);
  return Object.keys(o).length === 0 ? null : o;
}

/**
 * The PUT body: the version read, and only what changed from the loaded settings — `sla` (all the overrides, or null
 * when every deadline is back at its default) when any deadline item changed, the ticket prefix as null when it is
 * the default again.
 */
export function settingsBody(form: SettingsForm, loaded: WorkOrderSettings, defaults: SettingsForm): SettingsBody {
  const base = formOf(loaded);
  const changed = new Set(changedItems(base, form));
  const body: SettingsBody = { version: loaded.version };
  if (SLA_ITEMS.some((i) => changed.has(i))) body.sla = slaOverridesOf(form, defaults);
  if (changed.has('ticketPrefix')) body.ticketPrefix = form.ticketPrefix === defaults.ticketPrefix ? null : form.ticketPrefix;
  if (changed.has('autoDispatch')) body.autoDispatch = form.autoDispatch;
  if (changed.has('autoDispatchConfidence') && form.confidencePercent !== null) body.autoDispatchConfidence = round(form.confidencePercent / 100, 4);
  if (changed.has('duplicateRadiusM') && form.duplicateRadiusM !== null) body.duplicateRadiusM = form.duplicateRadiusM;
  if (changed.has('duplicateHours') && form.duplicateHours !== null) body.duplicateHours = form.duplicateHours;
  return body;
}

// ---- Checks ----------------------------------------------------------------------------------------------------

export interface Problem {
  /** Where: an item, or a part of one ('workingHours.1', 'byCategory.0.prefix'); the page shows it there. */
  field: string;
  /** i18n key of the message. */
  key: string;
  values?: Record<string, string | number>;
}

const inRange = (v: number | null, min: number, max: number, whole: boolean) => v !== null && Number.isFinite(v) && v >= min && v <= max && (!whole || Number.isInteger(v));

function durationProblem(field: string, d: DurationField): Problem | null {
  if (d.amount === null || !Number.isFinite(d.amount)) return { field, key: 'woSettings.problem.required' };
  if (d.kind === 'working_days') {
    return inRange(d.amount, LIMITS.workingDays.min, LIMITS.workingDays.max, true) ? null : { field, key: 'woSettings.problem.days', values: { ...LIMITS.workingDays } };
  }
  const max = d.kind === 'calendar_hours' ? LIMITS.calendarHours : LIMITS.workingHours;
  return d.amount > 0 && d.amount <= max ? null : { field, key: 'woSettings.problem.hours', values: { max } };
}

const minutes = (clock: string): number => (clock === '24:00' ? 24 * 60 : Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5)));

/** What the server would refuse, each where it is; empty when the form can be saved. */
export function problemsOf(form: SettingsForm): Problem[] {
  const out: Problem[] = [];
  const add = (p: Problem | null) => p && out.push(p);
  const number = (field: string, v: number | null, range: { min: number; max: number }, whole = true, key = 'woSettings.problem.range') =>
    add(v === null ? { field, key: 'woSettings.problem.required' } : inRange(v, range.min, range.max, whole) ? null : { field, key: whole ? key : 'woSettings.problem.rangeDecimal', values: { ...range } });

  if (!TICKET_PREFIX.test(form.ticketPrefix)) add({ field: 'ticketPrefix', key: 'woSettings.problem.ticketPrefix' });

  const periods = form.workingHours;
  if (periods.length < LIMITS.periods.min || periods.length > LIMITS.periods.max) add({ field: 'workingHours', key: 'woSettings.problem.periodCount', values: { ...LIMITS.periods } });
  let previousEnd = -1;
  periods.forEach((p, i) => {
    const field = `workingHours.${i}`;
    if (!CLOCK.test(p.start) || !CLOCK.test(p.end)) return void add({ field, key: 'woSettings.problem.clock' });
    const [start, end] = [minutes(p.start), minutes(p.end)];
    if (start >= end) add({ field, key: 'woSettings.problem.periodOrder' });
    else if (start < previousEnd) add({ field, key: 'woSettings.problem.periodOverlap' });
    previousEnd = end;
  });

  for (const u of URGENCIES) add(durationProblem(`byUrgency.${u}`, form.byUrgency[u]));
  for (const r of REQUEST_TYPES) {
    const d = form.byRequestType[r];
    if (d) add(durationProblem(`byRequestType.${r}`, d));
  }

  if (form.byCategory.length > LIMITS.categoryRules) add({ field: 'byCategory', key: 'woSettings.problem.categoryCount', values: { max: LIMITS.categoryRules } });
  const seen = new Set<string>();
  form.byCategory.forEach((rule, i) => {
    const prefix = rule.categoryPrefix ?? '';
    const field = `byCategory.${i}.prefix`;
    if (prefix === '') add({ field, key: 'woSettings.problem.categoryRequired' });
    else if (!CATEGORY_PREFIX.test(prefix) || prefix.length > LIMITS.categoryPrefix) add({ field, key: 'woSettings.problem.categoryCode' });
    else if (seen.has(prefix)) add({ field, key: 'woSettings.problem.categoryDuplicate', values: { code: prefix } });
    seen.add(prefix);
    add(durationProblem(`byCategory.${i}.duration`, rule.duration));
  });

  add(durationProblem('signFor', form.signFor));
  number('followUpDays', form.followUpDays, LIMITS.followUpDays);
  if (form.defaultRating.on) {
    // Not below the follow-up time: the resident is asked before the default applies.
    const min = Math.max(LIMITS.defaultRatingDays.min, form.followUpDays ?? LIMITS.followUpDays.min);
    const days = form.defaultRating.days;
    if (days === null) add({ field: 'defaultRating', key: 'woSettings.problem.required' });
    else if (!inRange(days, min, LIMITS.defaultRatingDays.max, true)) add({ field: 'defaultRating', key: 'woSettings.problem.defaultRatingDays', values: { min, max: LIMITS.defaultRatingDays.max } });
  }
  number('warnRatio', form.warnPercent, LIMITS.warnPercent, false);
  if (form.confidencePercent === null) add({ field: 'autoDispatchConfidence', key: 'woSettings.problem.required' });
  else if (!(form.confidencePercent > 0 && form.confidencePercent <= 100)) add({ field: 'autoDispatchConfidence', key: 'woSettings.problem.confidence' });
  number('duplicateRadiusM', form.duplicateRadiusM, LIMITS.duplicateRadiusM);
  number('duplicateHours', form.duplicateHours, LIMITS.duplicateHours);
  return out;
}

// ---- Words -----------------------------------------------------------------------------------------------------

type T = (key: string, values?: Record<string, string | number>) => string;

/** "7 个工作日" / "24 calendar hours"; an empty amount reads as a dash. */
export function describeDuration(d: DurationField | null, t: T): string {
  if (!d) return t('woSettings.none');
  return d.amount === null ? '—' : t(`woSettings.duration.${d.kind}`, { n: d.amount });
}

/** The office hours as "09:00–12:00、13:30–18:00". */
export function describePeriods(periods: SettingsForm['workingHours'], t: T): string {
  return periods.map((p) => t('woSettings.period', { start: p.start, end: p.end })).join(t('woSettings.listSep'));
}
