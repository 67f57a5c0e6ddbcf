/**
 * Which deadlines an order has now, from what the order records (pure): the SLA clock starts at intake, stands still
 * while the order is suspended (each suspension is a pause), and an approved extension (延期) adds its working days
 * after the original deadline. The warning instant of an extended order is 80% into the extension. A finished order
 * not yet rated has a follow-up (回访) deadline, counted from when it was finished.
 */
import { isFinished, type Extension } from './lifecycle.js';
import { DEFAULT_SLA, deadlines, durationFor, type Deadlines, type Pause, type SlaConfig, type Urgency } from './sla.js';

export interface DeadlineInputs {
  slaStartedAt: Date;
  urgency: Urgency;
  categoryCode: string | null;
  requestType?: string | null;
  pauses: ReadonlyArray<{ from: string; to: string | null }>;
  extension: Extension | null;
}

export function toPauses(stored: DeadlineInputs['pauses']): Pause[] {
  return stored.map((p) => ({ from: new Date(p.from), to: p.to === null ? null : new Date(p.to) }));
}

/** Null while a pause is open: there is no deadline until the order is resumed. */
export function planDeadlines(o: DeadlineInputs, config: SlaConfig = DEFAULT_SLA): Deadlines | null {
  const base = deadlines(o.slaStartedAt, durationFor(config, o), toPauses(o.pauses), config);
  if (base === null || o.extension?.state !== 'approved') return base;
  return deadlines(base.dueAt, { kind: 'working_days', days: o.extension.days }, [], config);
}

/** The sign-for (签收) deadline of an order dispatched at `at`. */
export function signDeadline(at: Date, config: SlaConfig = DEFAULT_SLA): Date {
  return deadlines(at, config.signFor, [], config)!.dueAt;
}

export interface FollowUpInputs {
  status: string;
  closedAt: Date | null;
  rating: string | null;
}

/** Finished (办结) and not yet rated: the resident is still to be asked (by a follow-up call, or on the tracking page). */
export function awaitsFollowUp(o: FollowUpInputs): boolean {
  return isFinished(o.status, o.closedAt) && o.rating === null;
}

/**
 * The follow-up (回访) deadline: `followUpDays` working days after the order was finished (办结: closed, or answered at
 * intake), while nobody has rated it yet; null for an order that is not finished, or already rated (or under review
 * after a rating). Computed when read, from the jurisdiction's current settings, so a changed setting applies to every
 * order still waiting for its call.
 */
export function followUpDeadline(o: FollowUpInputs, config: SlaConfig = DEFAULT_SLA): Date | null {
  if (!awaitsFollowUp(o)) return null;
  return deadlines(o.closedAt!, { kind: 'working_days', days: config.followUpDays }, [], config)!.dueAt;
}

/**
 * When an order finished (办结) at `finishedAt` and still unrated counts as rated 满意 (默认满意): `defaultRatingDays`
 * working days later; null while the policy is off.
 */
export function defaultRatingDeadline(finishedAt: Date, config: SlaConfig = DEFAULT_SLA): Date | null {
  if (config.defaultRatingDays === null) return null;
  return deadlines(finishedAt, { kind: 'working_days', days: config.defaultRatingDays }, [], config)!.dueAt;
}
