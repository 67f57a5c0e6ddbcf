import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogs, type Tree } from '../../shared/locale-catalog';
import type { SettingsValues, WorkOrderSettings } from './api';
import { changedItems, describeDuration, describePeriods, formOf, isDefault, newCategoryRule, problemsOf, settingsBody, slaOverridesOf, withItem, withSlaDefaults, type SettingsForm } from './settings-model';

/** The defaults of server/src/modules/work-orders/sla.ts and settings.ts, as GET /work-order-settings answers them. */
const DEFAULTS: SettingsValues = {
  ticketPrefix: 'GD',
  sla: {
    workingHours: { periods: [{ start: '09:00', end: '12:00' }, { start: '13:30', end: '18:00' }] },
    byUrgency: {
      emergency: { kind: 'calendar_hours', hours: 2 },
      urgent: { kind: 'calendar_hours', hours: 24 },
      normal: { kind: 'working_days', days: 7 },
      complex: { kind: 'working_days', days: 15 },
    },
    byCategory: [{ categoryPrefix: 'utilities', duration: { kind: 'calendar_hours', hours: 24 } }],
    signFor: { kind: 'working_hours', hours: 2 },
    followUpDays: 3,
    defaultRatingDays: null,
    warnRatio: 0.8,
  },
  autoDispatch: false,
  autoDispatchConfidence: 0.8,
  duplicateRadiusM: 50,
  duplicateHours: 72,
};

const untouched: WorkOrderSettings = { ...structuredClone(DEFAULTS), slaOverrides: null, version: 1 };

/** A jurisdiction that set normal orders to 5 working days, enquiries to 1, and its own ticket prefix. */
const overridden: WorkOrderSettings = {
  ...structuredClone(DEFAULTS),
  ticketPrefix: 'CD',
  sla: {
    ...structuredClone(DEFAULTS.sla),
    byUrgency: { ...DEFAULTS.sla.byUrgency, normal: { kind: 'working_days', days: 5 } },
    byRequestType: { enquiry: { kind: 'working_days', days: 1 } },
    warnRatio: 0.07,
  },
  slaOverrides: { byUrgency: { normal: { kind: 'working_days', days: 5 } }, byRequestType: { enquiry: { kind: 'working_days', days: 1 } }, warnRatio: 0.07 },
  version: 4,
};

const defaults = formOf(DEFAULTS);
const t = (key: string, v?: Record<string, string | number>) => `${key}${v ? JSON.stringify(v) : ''}`;

describe('work-order settings form', () => {
  it('shows the effective values: durations as kind and amount, shares as percentages, no rule per request type as null', () => {
    const form = formOf(overridden);
    expect(form.byUrgency.normal).toEqual({ kind: 'working_days', amount: 5 });
    expect(form.byUrgency.emergency).toEqual({ kind: 'calendar_hours', amount: 2 });
    expect(form.signFor).toEqual({ kind: 'working_hours', amount: 2 });
    expect(form.byRequestType.enquiry).toEqual({ kind: 'working_days', amount: 1 });
    expect(form.byRequestType.complaint).toBeNull();
    expect(form.byCategory.map((r) => [r.categoryPrefix, r.duration])).toEqual([['utilities', { kind: 'calendar_hours', amount: 24 }]]);
    expect(form.workingHours).toEqual([{ start: '09:00', end: '12:00' }, { start: '13:30', end: '18:00' }]);
    expect(form.warnPercent).toBe(7); // not 7.000000000000001
    expect(form.confidencePercent).toBe(80);
    expect(form).toMatchObject({ ticketPrefix: 'CD', followUpDays: 3, autoDispatch: false, duplicateRadiusM: 50, duplicateHours: 72 });
  });

  it('knows which items differ from their defaults', () => {
    const form = formOf(overridden);
    expect(isDefault(form, defaults, 'byUrgency.normal')).toBe(false);
    expect(isDefault(form, defaults, 'byUrgency.urgent')).toBe(true);
    expect(isDefault(form, defaults, 'byRequestType.enquiry')).toBe(false);
    expect(isDefault(form, defaults, 'byCategory')).toBe(true); // row keys do not count
    expect(isDefault(form, defaults, 'ticketPrefix')).toBe(false);
    expect(changedItems(defaults, form)).toEqual(['byUrgency.normal', 'byRequestType.enquiry', 'warnRatio', 'ticketPrefix']);
  });

  it('sends only what changed: the normal deadline and the follow-up days as the whole overrides, with the version read', () => {
    const form: SettingsForm = { ...formOf(untouched), byUrgency: { ...defaults.byUrgency, normal: { kind: 'working_days', amount: 10 } }, followUpDays: 5 };
    expect(settingsBody(form, untouched, defaults)).toEqual({ version: 1, sla: { byUrgency: { normal: { kind: 'working_days', days: 10 } }, followUpDays: 5 } });
    // Nothing changed: the version alone.
    expect(settingsBody(formOf(untouched), untouched, defaults)).toEqual({ version: 1 });
  });

  it('keeps the other overrides when one more is changed, and drops one typed back to its default', () => {
    const loaded = formOf(overridden);
    const more = { ...loaded, signFor: { kind: 'working_hours' as const, amount: 4 } };
    expect(settingsBody(more, overridden, defaults)).toEqual({
      version: 4,
      sla: {
        byUrgency: { normal: { kind: 'working_days', days: 5 } },
        byRequestType: { enquiry: { kind: 'working_days', days: 1 } },
        signFor: { kind: 'working_hours', hours: 4 },
        warnRatio: 0.07,
      },
    });
    const back = { ...loaded, byUrgency: { ...loaded.byUrgency, normal: { kind: 'working_days' as const, amount: 7 } } };
    expect(settingsBody(back, overridden, defaults).sla).toEqual({ byRequestType: { enquiry: { kind: 'working_days', days: 1 } }, warnRatio: 0.07 });
  });

  it('resets one item, and all deadlines (sent as null), and the ticket prefix (sent as null)', () => {
    const loaded = formOf(overridden);
    const one = withItem(loaded, defaults, 'byRequestType.enquiry');
    expect(one.byRequestType.enquiry).toBeNull();
    expect(slaOverridesOf(one, defaults)).toEqual({ byUrgency: { normal: { kind: 'working_days', days: 5 } }, warnRatio: 0.07 });
    const all = withSlaDefaults(loaded, defaults);
    expect(all.ticketPrefix).toBe('CD'); // not a deadline
    expect(settingsBody(all, overridden, defaults)).toEqual({ version: 4, sla: null });
    expect(settingsBody(withItem(loaded, defaults, 'ticketPrefix'), overridden, defaults)).toEqual({ version: 4, ticketPrefix: null });
  });

  it('sends office hours, category rules, percentages and the other settings in the server units', () => {
    const form: SettingsForm = {
      ...formOf(untouched),
      workingHours: [{ start: '08:30', end: '12:00' }, { start: '14:00', end: '17:30' }],
      byCategory: [newCategoryRule('utilities', { kind: 'calendar_hours', amount: 12 }), newCategoryRule('component.01', { kind: 'working_hours', amount: 4.5 })],
      warnPercent: 75,
      autoDispatch: true,
      confidencePercent: 92.5,
      duplicateRadiusM: 100,
      duplicateHours: 48,
      ticketPrefix: 'WH',
    };
    expect(settingsBody(form, untouched, defaults)).toEqual({
      version: 1,
      ticketPrefix: 'WH',
      sla: {
        workingHours: { periods: [{ start: '08:30', end: '12:00' }, { start: '14:00', end: '17:30' }] },
        byCategory: [
          { categoryPrefix: 'utilities', duration: { kind: 'calendar_hours', hours: 12 } },
          { categoryPrefix: 'component.01', duration: { kind: 'working_hours', hours: 4.5 } },
        ],
        warnRatio: 0.75,
      },
      autoDispatch: true,
      autoDispatchConfidence: 0.925,
      duplicateRadiusM: 100,
      duplicateHours: 48,
    });
    // No category rule at all differs from the default rule, and is sent as an empty list.
    expect(slaOverridesOf({ ...defaults, byCategory: [] }, defaults)).toEqual({ byCategory: [] });
  });

  it('compares category rules by category, as the server does: rows in another order are no change, a changed value is', () => {
    const rules = [
      { categoryPrefix: 'housing', duration: { kind: 'working_days' as const, days: 2 } },
      { categoryPrefix: 'utilities', duration: { kind: 'calendar_hours' as const, hours: 24 } },
    ];
    const saved: WorkOrderSettings = { ...untouched, sla: { ...untouched.sla, byCategory: rules }, slaOverrides: { byCategory: rules }, version: 2 };
    const loaded = formOf(saved);
    const [housing, utilities] = loaded.byCategory as [SettingsForm['byCategory'][number], SettingsForm['byCategory'][number]];
    const reordered: SettingsForm = { ...loaded, byCategory: [utilities, housing] };
    expect(changedItems(loaded, reordered)).toEqual([]);
    expect(settingsBody(reordered, saved, defaults)).toEqual({ version: 2 });
    // The first removed and added back last: a new row, the same values.
    const readded: SettingsForm = { ...loaded, byCategory: [utilities, newCategoryRule('housing', { kind: 'working_days', amount: 2 })] };
    expect(changedItems(loaded, readded)).toEqual([]);
    // One category's value changed (the rows also reordered): that item changed, and the rules are sent.
    const longer: SettingsForm = { ...loaded, byCategory: [utilities, { ...housing, duration: { kind: 'working_days', amount: 3 } }], followUpDays: 4 };
    expect(changedItems(loaded, longer)).toEqual(['byCategory', 'followUpDays']);
    expect(settingsBody(longer, saved, defaults).sla?.byCategory).toEqual([rules[1], { categoryPrefix: 'housing', duration: { kind: 'working_days', days: 3 } }]);
    // A row added without a category yet, or a second one for a category, is a change (the checks then name it).
    expect(changedItems(loaded, { ...loaded, byCategory: [...loaded.byCategory, newCategoryRule()] })).toEqual(['byCategory']);
    expect(changedItems(loaded, { ...loaded, byCategory: [...loaded.byCategory, newCategoryRule('housing', { kind: 'working_days', amount: 2 })] })).toEqual(['byCategory']);
  });

  it('re-applies what someone typed onto the values someone else saved meanwhile', () => {
    const base = formOf(untouched);
    const typed: SettingsForm = { ...base, followUpDays: 5, byUrgency: { ...base.byUrgency, normal: { kind: 'working_days', amount: 10 } } };
    const theirs: WorkOrderSettings = { ...overridden, version: 5 };
    const mine = changedItems(base, typed);
    expect(mine).toEqual(['byUrgency.normal', 'followUpDays']);
    const rebased = mine.reduce((f, item) => withItem(f, typed, item), formOf(theirs));
    expect(settingsBody(rebased, theirs, defaults)).toEqual({
      version: 5,
      sla: { byUrgency: { normal: { kind: 'working_days', days: 10 } }, byRequestType: { enquiry: { kind: 'working_days', days: 1 } }, followUpDays: 5, warnRatio: 0.07 },
    });
  });
});

describe('work-order settings checks (as the server makes them)', () => {
  const problems = (patch: Partial<SettingsForm>) => problemsOf({ ...defaults, ...patch }).map((p) => `${p.field} ${p.key}`);

  it('accepts the defaults and the limits themselves', () => {
    expect(problemsOf(defaults)).toEqual([]);
    expect(
      problems({
        byUrgency: { emergency: { kind: 'calendar_hours', amount: 2160 }, urgent: { kind: 'working_hours', amount: 720 }, normal: { kind: 'working_days', amount: 90 }, complex: { kind: 'working_hours', amount: 0.5 } },
        followUpDays: 30,
        warnPercent: 99,
        confidencePercent: 100,
        duplicateRadiusM: 1000,
        duplicateHours: 720,
        workingHours: [{ start: '00:00', end: '24:00' }],
        ticketPrefix: 'ABCD',
      }),
    ).toEqual([]);
  });

  it('refuses durations out of range, empty or not whole days', () => {
    expect(
      problems({
        byUrgency: { emergency: { kind: 'calendar_hours', amount: 2161 }, urgent: { kind: 'working_hours', amount: 0 }, normal: { kind: 'working_days', amount: 2.5 }, complex: { kind: 'working_days', amount: null } },
        signFor: { kind: 'working_days', amount: 91 },
      }),
    ).toEqual([
      'byUrgency.emergency woSettings.problem.hours',
      'byUrgency.urgent woSettings.problem.hours',
      'byUrgency.normal woSettings.problem.days',
      'byUrgency.complex woSettings.problem.required',
      'signFor woSettings.problem.days',
    ]);
    expect(problemsOf({ ...defaults, byUrgency: { ...defaults.byUrgency, urgent: { kind: 'working_hours', amount: 721 } } })[0]?.values).toEqual({ max: 720 });
  });

  it('refuses office hours that are not ordered, disjoint HH:MM periods, none, or more than six', () => {
    expect(problems({ workingHours: [{ start: '14:00', end: '09:00' }] })).toEqual(['workingHours.0 woSettings.problem.periodOrder']);
    expect(problems({ workingHours: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '18:00' }] })).toEqual(['workingHours.1 woSettings.problem.periodOverlap']);
    expect(problems({ workingHours: [{ start: '9:00', end: '12:00' }, { start: '13:00', end: '24:30' }] })).toEqual(['workingHours.0 woSettings.problem.clock', 'workingHours.1 woSettings.problem.clock']);
    expect(problems({ workingHours: [] })).toEqual(['workingHours woSettings.problem.periodCount']);
    const seven = Array.from({ length: 7 }, (_, i) => ({ start: `${String(i + 8).padStart(2, '0')}:00`, end: `${String(i + 8).padStart(2, '0')}:30` }));
    expect(problems({ workingHours: seven })).toEqual(['workingHours woSettings.problem.periodCount']);
  });

  it('refuses category rules without a category, with a bad code, or twice for one category', () => {
    expect(
      problems({
        byCategory: [newCategoryRule(null, { kind: 'working_days', amount: 3 }), newCategoryRule('Bad Code', { kind: 'working_days', amount: 3 }), newCategoryRule('utilities', { kind: 'working_days', amount: 3 }), newCategoryRule('utilities', { kind: 'working_days', amount: 0 })],
      }),
    ).toEqual([
      'byCategory.0.prefix woSettings.problem.categoryRequired',
      'byCategory.1.prefix woSettings.problem.categoryCode',
      'byCategory.3.prefix woSettings.problem.categoryDuplicate',
      'byCategory.3.duration woSettings.problem.days',
    ]);
  });

  it('默认满意: off by default and sent only while on; refused below the follow-up time or when empty', () => {
    const defaults = formOf(DEFAULTS);
    expect(defaults.defaultRating).toEqual({ on: false, days: null });
    const on: SettingsForm = { ...formOf(untouched), defaultRating: { on: true, days: 5 } };
    expect(settingsBody(on, untouched, defaults)).toEqual({ version: 1, sla: { defaultRatingDays: 5 } });
    expect(changedItems(formOf(untouched), on)).toEqual(['defaultRating']);
    // Saved on, switched off again: the whole sla goes without it (the server's default: off).
    const saved: WorkOrderSettings = { ...untouched, sla: { ...untouched.sla, defaultRatingDays: 5 }, slaOverrides: { defaultRatingDays: 5 }, version: 2 };
    expect(formOf(saved).defaultRating).toEqual({ on: true, days: 5 });
    expect(settingsBody({ ...formOf(saved), defaultRating: { on: false, days: null } }, saved, defaults)).toEqual({ version: 2, sla: null });
    expect(problems({ followUpDays: 5, defaultRating: { on: true, days: 4 } })).toEqual(['defaultRating woSettings.problem.defaultRatingDays']);
    expect(problemsOf({ ...formOf(untouched), followUpDays: 5, defaultRating: { on: true, days: 4 } })[0]?.values).toEqual({ min: 5, max: 60 });
    expect(problems({ defaultRating: { on: true, days: null } })).toEqual(['defaultRating woSettings.problem.required']);
    expect(problems({ defaultRating: { on: true, days: 61 } })).toEqual(['defaultRating woSettings.problem.defaultRatingDays']);
    expect(problems({ defaultRating: { on: false, days: null } })).toEqual([]);
  });

  it('refuses follow-up days, warning share, confidence, duplicate window and ticket prefix out of range', () => {
    expect(problems({ followUpDays: 0, warnPercent: 9.9, confidencePercent: 0, duplicateRadiusM: 1001, duplicateHours: 1.5, ticketPrefix: 'gd1' })).toEqual([
      'ticketPrefix woSettings.problem.ticketPrefix',
      'followUpDays woSettings.problem.range',
      'warnRatio woSettings.problem.rangeDecimal',
      'autoDispatchConfidence woSettings.problem.confidence',
      'duplicateRadiusM woSettings.problem.range',
      'duplicateHours woSettings.problem.range',
    ]);
    expect(problems({ followUpDays: 2.5, warnPercent: 100, confidencePercent: null, duplicateRadiusM: null })).toEqual([
      'followUpDays woSettings.problem.range',
      'warnRatio woSettings.problem.rangeDecimal',
      'autoDispatchConfidence woSettings.problem.required',
      'duplicateRadiusM woSettings.problem.required',
    ]);
  });
});

describe('work-order settings in words', () => {
  it('describes durations, no rule and office hours', () => {
    expect(describeDuration({ kind: 'working_days', amount: 7 }, t)).toBe('woSettings.duration.working_days{"n":7}');
    expect(describeDuration(null, t)).toBe('woSettings.none');
    expect(describeDuration({ kind: 'calendar_hours', amount: null }, t)).toBe('—');
    expect(describePeriods(defaults.workingHours, t)).toBe('woSettings.period{"start":"09:00","end":"12:00"}woSettings.listSepwoSettings.period{"start":"13:30","end":"18:00"}');
  });
});

describe('work-order settings messages', () => {
  it('name every problem and kind of time the model produces, in both languages', () => {
    const source = readFileSync(new URL('./settings-model.ts', import.meta.url), 'utf8');
    const keys = [...new Set([...source.matchAll(/'(woSettings\.[a-zA-Z.]+[a-zA-Z])'/g)].map((m) => m[1]!))];
    keys.push(...['calendar_hours', 'working_hours', 'working_days'].flatMap((k) => [`woSettings.duration.${k}`, `woSettings.kind.${k}`]));
    expect(keys.length).toBeGreaterThan(15);
    const has = (tree: Tree, key: string) => typeof key.split('.').reduce<Tree | string | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), tree) === 'string';
    for (const lang of ['zh-CN', 'en'] as const) expect(keys.filter((k) => !has(catalogs[lang], k)), lang).toEqual([]);
  });
});
