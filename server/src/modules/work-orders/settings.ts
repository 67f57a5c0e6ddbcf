/**
 * Per-jurisdiction work-order settings (administrators): deadlines (SLA — time allowed per urgency and category,
 * sign-for time, office hours, warning share, the follow-up call (回访) time after 办结; anything left out keeps the
 * default of sla.ts), auto-dispatch (off by default; when on, an order whose category is known — given, or suggested
 * by the classifier with at least the configured confidence — and whose responsibility rule is unique and not a
 * fallback is accepted and dispatched by the system), and the duplicate-check window. Changes are versioned (409 on a
 * stale version) and audited: a PUT replaces what it names (`sla` is the whole set of overrides, as the console sends
 * its whole form), and the audit entry records only the settings whose effective value changed, each from → to.
 */
import { sql, type Selectable } from 'kysely';
import { z } from 'zod';
import { check } from '../../http/validation-messages.js';
import type { AppContext, Db } from '../../app-context.js';
import type { Database } from '../../db/schema.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, type Actor, type RequestMeta } from '../../shared/actor.js';
import { badRequest, conflict } from '../../shared/errors.js';
import { recheckDefaultRatings } from './default-rating.js';
import { REQUEST_TYPES } from './lifecycle.js';
import { DEFAULT_SLA, URGENCIES, parseWorkingHours, type SlaConfig } from './sla.js';
import { DEFAULT_TICKET_PREFIX } from './ticket-code.js';

const duration = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('calendar_hours'), hours: z.number().positive().max(24 * 90) }),
  z.strictObject({ kind: z.literal('working_hours'), hours: z.number().positive().max(8 * 90) }),
  z.strictObject({ kind: z.literal('working_days'), days: z.number().int().min(1).max(90) }),
]);

/** The follow-up time an administrator may set, in whole working days. */
export const FOLLOW_UP_DAYS = { min: 1, max: 30 } as const;
/** The rating period (默认满意) an administrator may set, in whole working days (and not below the follow-up time). */
export const DEFAULT_RATING_DAYS = { min: 1, max: 60 } as const;

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, check('clock'));

export const slaOverrides = z.strictObject({
  workingHours: z.strictObject({ periods: z.array(z.strictObject({ start: clock, end: clock })).min(1).max(6) }).optional(),
  byUrgency: z.strictObject(Object.fromEntries(URGENCIES.map((u) => [u, duration.optional()])) as Record<(typeof URGENCIES)[number], z.ZodOptional<typeof duration>>).optional(),
  byCategory: z.array(z.strictObject({ categoryPrefix: z.string().regex(/^[a-z0-9]+(\.[a-z0-9]+)*$/).max(100), duration })).max(200).optional(),
  byRequestType: z.strictObject(Object.fromEntries(REQUEST_TYPES.map((t) => [t, duration.optional()])) as Record<(typeof REQUEST_TYPES)[number], z.ZodOptional<typeof duration>>).optional(),
  signFor: duration.optional(),
  // Checked by updateSettings, not here, so that a bad value is answered with its own code and message.
  followUpDays: z.number().optional().describe(`Working days after 办结 within which the centre calls the resident back (回访): a whole number ${FOLLOW_UP_DAYS.min}–${FOLLOW_UP_DAYS.max}, default ${DEFAULT_SLA.followUpDays}`),
  defaultRatingDays: z
    .number()
    .nullable()
    .optional()
    .describe(`默认满意: working days after 办结 after which an unrated order counts as rated 满意 (whole number ${DEFAULT_RATING_DAYS.min}–${DEFAULT_RATING_DAYS.max}, not below followUpDays); null or absent: off (the default)`),
  warnRatio: z.number().min(0.1).max(0.99).optional(),
});
export type SlaOverrides = z.infer<typeof slaOverrides>;

export const settingsBody = z.strictObject({
  version: z.number().int().min(1).describe('The version last read; a stale one is a 409'),
  ticketPrefix: z.string().regex(/^[A-Z]{1,4}$/).nullable().optional(),
  sla: slaOverrides.nullable().optional().describe('Overrides of the default deadlines; null restores the defaults'),
  autoDispatch: z.boolean().optional(),
  autoDispatchConfidence: z.number().gt(0).max(1).optional(),
  duplicateRadiusM: z.number().int().min(1).max(1000).optional(),
  duplicateHours: z.number().int().min(1).max(720).optional(),
});

export interface WorkOrderSettings {
  ticketPrefix: string;
  sla: SlaConfig;
  slaOverrides: SlaOverrides | null;
  autoDispatch: boolean;
  autoDispatchConfidence: number;
  duplicateRadiusM: number;
  duplicateHours: number;
  version: number;
}

/** The effective deadlines: the defaults with the jurisdiction's overrides on top (category rules replace the list). */
export function effectiveSla(overrides: SlaOverrides | null): SlaConfig {
  if (!overrides) return DEFAULT_SLA;
  const byUrgency = { ...DEFAULT_SLA.byUrgency };
  for (const u of URGENCIES) {
    const d = overrides.byUrgency?.[u];
    if (d) byUrgency[u] = d;
  }
  return {
    workingHours: overrides.workingHours ?? DEFAULT_SLA.workingHours,
    byUrgency,
    byCategory: overrides.byCategory ?? DEFAULT_SLA.byCategory,
    byRequestType: Object.fromEntries(Object.entries(overrides.byRequestType ?? {}).filter(([, d]) => d !== undefined)),
    signFor: overrides.signFor ?? DEFAULT_SLA.signFor,
    followUpDays: overrides.followUpDays ?? DEFAULT_SLA.followUpDays,
    defaultRatingDays: overrides.defaultRatingDays ?? DEFAULT_SLA.defaultRatingDays,
    warnRatio: overrides.warnRatio ?? DEFAULT_SLA.warnRatio,
  };
}

export async function loadSettings(db: Db, jurisdictionId: string): Promise<WorkOrderSettings> {
  const row = await db.selectFrom('work_order_settings').selectAll().where('jurisdiction_id', '=', jurisdictionId).executeTakeFirst();
  return settingsOf(row);
}

type SettingsRow = Selectable<Database['work_order_settings']>;

/** The settings from their row; every column missing or null (no row: the settings were never changed) is the default. */
export function settingsOf(row: Partial<SettingsRow> | undefined): WorkOrderSettings {
  const overrides = row?.sla ? slaOverrides.parse(row.sla) : null;
  return {
    ticketPrefix: row?.ticket_prefix ?? DEFAULT_TICKET_PREFIX,
    sla: effectiveSla(overrides),
    slaOverrides: overrides,
    autoDispatch: row?.auto_dispatch ?? false,
    autoDispatchConfidence: row?.auto_dispatch_confidence == null ? 0.8 : Number(row.auto_dispatch_confidence),
    duplicateRadiusM: row?.duplicate_radius_m ?? 50,
    duplicateHours: row?.duplicate_hours ?? 72,
    version: row?.version ?? 1,
  };
}

/** What every setting is while an administrator has changed nothing: the console shows it beside each value. */
export function defaultSettings(): Omit<WorkOrderSettings, 'slaOverrides' | 'version'> {
  const { slaOverrides: _o, version: _v, ...defaults } = settingsOf(undefined);
  return defaults;
}

/** A setting's effective value before and after a change. */
export interface SettingChange {
  from: unknown;
  to: unknown;
}

/**
 * The settings as flat keys an auditor reads — one per deadline an administrator sets ('sla.warnRatio',
 * 'sla.byUrgency.normal', 'sla.byCategory.utilities'; a category's key is its prefix after 'sla.byCategory.') and one
 * per other setting; null where there is no such rule.
 */
function auditedValues(s: WorkOrderSettings): Record<string, unknown> {
  return {
    ticketPrefix: s.ticketPrefix,
    'sla.workingHours': s.sla.workingHours.periods,
    ...Object.fromEntries(URGENCIES.map((u) => [`sla.byUrgency.${u}`, s.sla.byUrgency[u]])),
    ...Object.fromEntries(REQUEST_TYPES.map((t) => [`sla.byRequestType.${t}`, s.sla.byRequestType?.[t] ?? null])),
    ...Object.fromEntries(s.sla.byCategory.map((c) => [`sla.byCategory.${c.categoryPrefix}`, c.duration])),
    'sla.signFor': s.sla.signFor,
    'sla.followUpDays': s.sla.followUpDays,
    'sla.defaultRatingDays': s.sla.defaultRatingDays,
    'sla.warnRatio': s.sla.warnRatio,
    autoDispatch: s.autoDispatch,
    autoDispatchConfidence: s.autoDispatchConfidence,
    duplicateRadiusM: s.duplicateRadiusM,
    duplicateHours: s.duplicateHours,
  };
}

/**
 * What a save changed, by effective value: a deadline put back to its default is a change (0.75 → 0.8), an override
 * written again with the value it had, or with the default's value, is not. Category rules compare by prefix (their
 * order does not decide which applies: the longest prefix does).
 */
export function settingsChanges(before: WorkOrderSettings, after: WorkOrderSettings): Record<string, SettingChange> {
  const [a, b] = [auditedValues(before), auditedValues(after)];
  const changes: Record<string, SettingChange> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const [from, to] = [a[key] ?? null, b[key] ?? null];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = JSON.parse(JSON.stringify({ from, to })) as SettingChange;
  }
  return changes;
}

/** Two limits for one category: the form refuses them, and so does the API (which one would apply?). */
function checkCategoryRules(rules: SlaOverrides['byCategory']): void {
  const seen = new Set<string>();
  rules?.forEach((rule, i) => {
    if (seen.has(rule.categoryPrefix)) {
      throw badRequest('work_order.settings.duplicate_category', { category: rule.categoryPrefix }, { field: `sla.byCategory.${i}.categoryPrefix`, categoryPrefix: rule.categoryPrefix });
    }
    seen.add(rule.categoryPrefix);
  });
}

export async function updateSettings(
  ctx: Pick<AppContext, 'db' | 'outbox'>,
  jurisdictionId: string,
  input: z.infer<typeof settingsBody>,
  by: { actor: Actor; request?: RequestMeta },
): Promise<WorkOrderSettings> {
  if (input.sla?.workingHours) parseWorkingHours(input.sla.workingHours); // 400 with the bad period
  const followUpDays = input.sla?.followUpDays;
  if (followUpDays !== undefined && !(Number.isInteger(followUpDays) && followUpDays >= FOLLOW_UP_DAYS.min && followUpDays <= FOLLOW_UP_DAYS.max)) {
    throw badRequest('work_order.follow_up_days_invalid', { ...FOLLOW_UP_DAYS, value: followUpDays });
  }
  const defaultRatingDays = input.sla?.defaultRatingDays ?? null;
  const followUp = followUpDays ?? DEFAULT_SLA.followUpDays;
  if (defaultRatingDays !== null && !(Number.isInteger(defaultRatingDays) && defaultRatingDays >= Math.max(DEFAULT_RATING_DAYS.min, followUp) && defaultRatingDays <= DEFAULT_RATING_DAYS.max)) {
    throw badRequest('work_order.default_rating_days_invalid', { ...DEFAULT_RATING_DAYS, followUpDays: followUp, value: defaultRatingDays }, { field: 'sla.defaultRatingDays' });
  }
  checkCategoryRules(input.sla?.byCategory);
  // The columns this save writes; absent fields keep what is stored.
  const patch = {
    ...(input.ticketPrefix !== undefined ? { ticket_prefix: input.ticketPrefix } : {}),
    ...(input.autoDispatch !== undefined ? { auto_dispatch: input.autoDispatch } : {}),
    ...(input.autoDispatchConfidence !== undefined ? { auto_dispatch_confidence: input.autoDispatchConfidence } : {}),
    ...(input.duplicateRadiusM !== undefined ? { duplicate_radius_m: input.duplicateRadiusM } : {}),
    ...(input.duplicateHours !== undefined ? { duplicate_hours: input.duplicateHours } : {}),
  };
  return ctx.db.transaction().execute(async (tx) => {
    await tx.insertInto('work_order_settings').values({ jurisdiction_id: jurisdictionId, ticket_prefix: null }).onConflict((oc) => oc.column('jurisdiction_id').doNothing()).execute();
    const row = await tx.selectFrom('work_order_settings').selectAll().where('jurisdiction_id', '=', jurisdictionId).forUpdate().executeTakeFirstOrThrow();
    const current = settingsOf(row);
    if (current.version !== input.version) throw conflict('work_order.settings_version_conflict', { version: current.version }, { version: current.version });
    // A save that changes no effective value (the form saved again as it was, or an override written with the value
    // it had) is answered with the settings as they are: no new version, no audit entry, no event.
    const next = settingsOf({ ...row, ...patch, ...(input.sla !== undefined ? { sla: input.sla } : {}) });
    if (Object.keys(settingsChanges(current, next)).length === 0) return current;
    await tx
      .updateTable('work_order_settings')
      .set({
        ...patch,
        ...(input.sla !== undefined ? { sla: input.sla === null ? null : JSON.stringify(input.sla) } : {}),
        version: sql<number>`version + 1`,
        updated_at: sql<Date>`now()`,
      })
      .where('jurisdiction_id', '=', jurisdictionId)
      .execute();
    const saved = await loadSettings(tx, jurisdictionId);
    const changes = settingsChanges(current, saved);
    // Orders already waiting for a default rating whose period may now end sooner decide again (default-rating.ts).
    const rechecked = await recheckDefaultRatings(tx, ctx, jurisdictionId, current.sla, saved.sla);
    await recordAudit(tx, {
      actor: by.actor,
      request: by.request ?? noRequest,
      action: 'work_order.settings_update',
      jurisdictionId,
      objectType: 'work_order_settings',
      objectId: jurisdictionId,
      details: { version: saved.version, changes, ...(rechecked > 0 ? { defaultRatingsRechecked: rechecked } : {}) },
    });
    await ctx.outbox.publish(tx, { name: 'work_order.settings_changed', jurisdictionId, payload: { fields: Object.keys(changes) } });
    return saved;
  });
}
