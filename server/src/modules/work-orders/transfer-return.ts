/**
 * 转办失败: the peer refused a transferred order (federation calls this in its own short transaction). The order
 * comes back to local work through the lifecycle's system transition `transfer_failed` (transferred → accepted, no
 * department): timeline entry with the peer's reason (the dispatcher sees it), SLA timers again (the deadlines
 * still run from the order's start: time spent away counts), audit and `work_order.transitioned` — all in the
 * caller's transaction. Idempotent: an order no longer `transferred` is left as it is (returns false).
 */
import type { Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, systemActor } from '../../shared/actor.js';
import { conflict } from '../../shared/errors.js';
import { applySystem } from './lifecycle.js';
import { scheduleSlaTimers } from './sla-timers.js';
import { lifecycleOf, type WorkOrderContext } from './work-orders.service.js';
import * as repo from './work-orders.repo.js';

export async function returnFromFailedTransfer(
  tx: Db,
  ctx: Pick<WorkOrderContext, 'outbox'>,
  input: { jurisdictionId: string; workOrderId: string; reason: string; peer: string; now: Date },
): Promise<boolean> {
  if (!tx.isTransaction) throw new Error('returnFromFailedTransfer must run inside the transaction of the change');
  const row = await repo.findWorkOrderById(tx, input.jurisdictionId, input.workOrderId);
  if (!row) return false;
  const result = applySystem(lifecycleOf(row), { type: 'transfer_failed', reason: input.reason.slice(0, 1000), peer: input.peer }, input.now);
  if (!result.ok) return false;
  const { next, entry } = result;
  const updated = await repo.updateWorkOrderIfVersion(tx, row.id, row.version, next, repo.slaFieldsOf(row), input.now);
  if (!updated) throw conflict('work_order.version_conflict', { version: row.version + 1 });
  await repo.insertTimelineEntry(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, ...entry });
  await scheduleSlaTimers(tx, ctx, updated);
  const details = { code: row.code, action: entry.action, from: entry.from, to: entry.to, ...entry.data };
  await recordAudit(tx, { actor: systemActor('federation', row.jurisdiction_id), request: noRequest, action: `work_order.${entry.action}`, jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details });
  await ctx.outbox.publish(tx, { name: 'work_order.transitioned', jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, ...details } });
  return true;
}
