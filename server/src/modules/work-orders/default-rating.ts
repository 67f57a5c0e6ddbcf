/**
 * 默认满意 (default rating): where a jurisdiction's administrators set a rating period (sla.defaultRatingDays, off by
 * default), an order finished (办结: closed, or answered at intake) that nobody has rated that many working days later
 * counts as rated 满意 — the lifecycle's system transition `default_rate` (closed/answered → rated, rating satisfied),
 * with `rating_default` set so that statistics and the tracking page can say the rating was the default.
 *
 * A durable timer per order (a row in the jobs table, keyed by order, so it survives restarts and fires once across
 * processes) is armed when the order is finished and replaced when it is finished again after a reopen. When it fires
 * it decides with the settings of that moment: the policy switched off since → nothing; the period made longer → armed
 * again for the later day; the order rated, reopened or finished again meanwhile → nothing (whatever finished it again
 * armed its own). The policy applies to orders finished while it is on: switching it on does not rate older orders.
 * A save that may end some periods sooner (made shorter, working hours changed) makes the waiting timers decide again
 * at once (recheckDefaultRatings).
 */
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, systemActor } from '../../shared/actor.js';
import { defaultRatingDeadline } from './deadline-plan.js';
import { applySystem } from './lifecycle.js';
import { loadSettings } from './settings.js';
import type { SlaConfig } from './sla.js';
import { lifecycleOf } from './work-orders.service.js';
import * as repo from './work-orders.repo.js';

export const DEFAULT_RATING_TIMER = 'work_orders.default-rating';

const key = (id: string) => `${id}:default-rating`;

/** Whether the order is finished and waits for its rating (the only state a default rating applies to). */
const awaitsRating = (row: repo.WorkOrderRow) => (row.status === 'closed' || row.status === 'answered') && row.rating === null && row.closed_at !== null;

/**
 * Arms the order's default-rating timer if the policy is on and the order waits for its rating (called in the
 * transaction that finished it). A timer left from an earlier finish, or of an order rated since, does nothing when it
 * fires (see the handler), so nothing is removed here: a close or rating with the policy off writes nothing more.
 */
export async function scheduleDefaultRating(tx: Db, ctx: Pick<AppContext, 'outbox'>, row: repo.WorkOrderRow, sla: SlaConfig): Promise<void> {
  const due = awaitsRating(row) ? defaultRatingDeadline(new Date(row.closed_at!), sla) : null;
  if (due === null) return;
  await ctx.outbox.schedule(tx, {
    handler: DEFAULT_RATING_TIMER,
    key: key(row.id),
    runAt: due,
    jurisdictionId: row.jurisdiction_id,
    payload: { workOrderId: row.id, finishedAt: new Date(row.closed_at!).toISOString() },
  });
}

/**
 * After a settings save: when the rating period can now end sooner for an order already waiting — the policy switched
 * on again or made shorter, or the working hours changed — the jurisdiction's pending default-rating timers are made
 * due now, in the saving transaction; each then decides with the new settings (rates the order if its new day has
 * passed, else waits for that day). Unchanged, made longer or switched off: nothing moves (a timer finds that out when
 * it fires). Returns how many timers moved.
 */
export async function recheckDefaultRatings(tx: Db, ctx: Pick<AppContext, 'outbox'>, jurisdictionId: string, before: SlaConfig, after: SlaConfig, now = new Date()): Promise<number> {
  const days = after.defaultRatingDays;
  if (days === null) return 0;
  const sooner = before.defaultRatingDays === null || days < before.defaultRatingDays || JSON.stringify(before.workingHours) !== JSON.stringify(after.workingHours);
  return sooner ? ctx.outbox.bringForward(tx, { handler: DEFAULT_RATING_TIMER, jurisdictionId, runAt: now }) : 0;
}

export function registerDefaultRating(ctx: Pick<AppContext, 'handlers' | 'outbox'>): void {
  if (ctx.handlers.hasTimer(DEFAULT_RATING_TIMER)) return;
  ctx.handlers.onTimer(DEFAULT_RATING_TIMER, async (payload, job) => {
    const { workOrderId, finishedAt } = payload as { workOrderId: string; finishedAt: string };
    const tx = job.tx;
    const row = await repo.lockWorkOrder(tx, workOrderId);
    // Rated, reopened, or finished again since (then its own timer is armed): nothing to do.
    if (!row || !awaitsRating(row) || new Date(row.closed_at!).getTime() !== new Date(finishedAt).getTime()) return;
    const { sla } = await loadSettings(tx, row.jurisdiction_id);
    const due = defaultRatingDeadline(new Date(row.closed_at!), sla);
    if (due === null) return; // switched off since the timer was armed
    const now = new Date();
    if (due.getTime() > now.getTime()) {
      // The period was made longer since: the rating waits for the new day.
      await scheduleDefaultRating(tx, ctx, row, sla);
      return;
    }
    const result = applySystem(lifecycleOf(row), { type: 'default_rate', days: sla.defaultRatingDays! }, now);
    if (!result.ok) return;
    const { next, entry } = result;
    const updated = await repo.updateWorkOrderIfVersion(tx, row.id, row.version, next, repo.slaFieldsOf(row), now);
    // The row is locked: a concurrent change cannot have moved its version.
    if (!updated) throw new Error(`default rating of ${row.code}: the locked order changed`);
    await repo.markRatingDefault(tx, row.id);
    await repo.insertTimelineEntry(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, ...entry });
    const details = { code: row.code, action: entry.action, from: entry.from, to: entry.to, ...entry.data };
    await recordAudit(tx, { actor: systemActor('default-rating', row.jurisdiction_id), request: noRequest, action: `work_order.${entry.action}`, jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'work_order.transitioned', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details } });
  });
}
