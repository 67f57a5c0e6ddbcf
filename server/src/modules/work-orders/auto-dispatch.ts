/**
 * Auto-dispatch (自动派遣), when a jurisdiction turns it on: right after intake, an order whose category is known —
 * given by the reporter or agent, or suggested by the classifier with at least the configured confidence — and whose
 * responsibility rule points at exactly one department (not a tie, not the catch-all fallback) is accepted and
 * dispatched by the system. Everything else waits for a dispatcher. Runs as an event subscriber in the job's
 * transaction: the two transitions, their timeline entries, audit entries and events commit together or not at all.
 */
import type { AppContext } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, systemActor } from '../../shared/actor.js';
import { apply, type Action, type Actor, type LifecycleOrder, type RequestType, type Status } from './lifecycle.js';
import { suggestDepartment } from './responsibility.service.js';
import { loadSettings } from './settings.js';
import { scheduleSlaTimers } from './sla-timers.js';
import { lifecycleOf, nextSla } from './work-orders.service.js';
import * as repo from './work-orders.repo.js';

export const AUTO_DISPATCH = 'work_orders.auto-dispatch';

/** The system acting as a dispatcher (the lifecycle's role for accept and dispatch). */
const SYSTEM: Actor = { userId: '', role: 'dispatcher' };

/**
 * The create's event says whether the jurisdiction dispatched automatically when the order came in (and it is not an
 * enquiry); only then is there a job. The handler still reads the order and the settings as they are when it runs.
 */
export function registerAutoDispatch(ctx: Pick<AppContext, 'handlers' | 'outbox'>): void {
  if (ctx.handlers.subscribersOf('work_order.created').includes(AUTO_DISPATCH)) return;
  ctx.handlers.subscribe('work_order.created', AUTO_DISPATCH, async (event, job) => {
    const tx = job.tx;
    const row = await repo.lockWorkOrder(tx, String(event.payload.workOrderId));
    if (!row || row.status !== 'received' || (row.request_type as RequestType) === 'enquiry') return;
    const settings = await loadSettings(tx, row.jurisdiction_id);
    if (!settings.autoDispatch) return;
    const category =
      row.category_code ?? (row.suggested_category !== null && Number(row.suggested_confidence) >= settings.autoDispatchConfidence ? row.suggested_category : null);
    if (category === null) return;
    const suggestion = await suggestDepartment(tx, row.jurisdiction_id, { categoryCode: category, districtCode: row.district_code, gridCode: row.grid_code });
    if (!suggestion || !suggestion.unique || suggestion.fallback) return;

    const now = new Date();
    let current: repo.WorkOrderRow = row;
    let order: LifecycleOrder = lifecycleOf(row);
    const steps: Action[] = [{ type: 'accept', note: undefined }, { type: 'dispatch', departmentId: suggestion.departmentId }];
    if (row.category_code === null) {
      // The classifier's category becomes the order's category, as a dispatcher accepting the suggestion would.
      await tx.updateTable('work_orders').set({ category_code: category }).where('id', '=', row.id).execute();
    }
    for (const action of steps) {
      const result = apply(order, action, SYSTEM, now);
      if (!result.ok) return;
      const sla = nextSla(current, result.next, action.type, now, settings.sla);
      const updated = await repo.updateWorkOrderIfVersion(tx, current.id, current.version, result.next, sla, now);
      if (!updated) return;
      const e = result.entry;
      const data = { ...e.data, automatic: 1, ...(action.type === 'dispatch' ? { ruleId: suggestion.ruleId, categoryCode: category } : {}) };
      await repo.insertTimelineEntry(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, at: now, action: e.action, from: e.from, to: e.to, actorId: null, actorRole: 'system', note: e.note, photos: [], data });
      const details = { code: row.code, action: e.action, from: e.from, to: e.to, ...data };
      await recordAudit(tx, { actor: systemActor('auto-dispatch', row.jurisdiction_id), request: noRequest, action: `work_order.${e.action}`, jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details });
      await ctx.outbox.publish(tx, { name: 'work_order.transitioned', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details } });
      current = updated;
      order = result.next;
    }
    if ((current.status as Status) === 'dispatched') await scheduleSlaTimers(tx, ctx, current);
  }, { when: (payload) => payload.autoDispatch === true });
}
