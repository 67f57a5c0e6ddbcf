/**
 * Work orders about city components (部件): after intake, an order whose category stands for a component subclass
 * (e.g. component.01.0102 污水井盖) — or one of request type 'component' whose suggested category does — is linked
 * to the nearest component of that subclass within the jurisdiction's link distance, or a component is recorded at
 * its point (grid module, components-links.ts); the order's component_code is filled here. Each later transition
 * of a linked order moves the component's status along. Event subscribers running in the job's transaction, outside
 * the create hot path; idempotent (a re-run finds the link already there).
 */
import type { AppContext, Db } from '../../app-context.js';
import type { DomainEvent } from '../events/index.js';
import { componentOrderChanged, linkOrderToComponent, problemFromText } from '../grid/index.js';
import * as attachments from './attachments.repo.js';
import * as categories from './categories.repo.js';
import * as repo from './work-orders.repo.js';

export const LINK_COMPONENT = 'work_orders.link-component';
export const FOLLOW_COMPONENT = 'work_orders.component-follows';

/** The subclass an order is about, from its category (or, for a 'component' order without one, the suggestion). */
async function subclassOf(tx: Db, row: repo.WorkOrderRow): Promise<string | null> {
  const code = row.category_code ?? (row.request_type === 'component' ? row.suggested_category : null);
  if (!code) return null;
  const category = await categories.findCategory(tx, row.jurisdiction_id, code);
  return category?.component_subclass ?? null;
}

export function registerComponentLinks(ctx: Pick<AppContext, 'handlers' | 'outbox'>): void {
  if (ctx.handlers.subscribersOf('work_order.created').includes(LINK_COMPONENT)) return;
  const orderOf = async (event: DomainEvent, tx: Db) => repo.lockWorkOrder(tx, String(event.payload.workOrderId));

  // Only an order with a point can be linked (the create's event says whether it has one).
  const located = { when: (payload: Record<string, unknown>) => payload.located === true };
  ctx.handlers.subscribe('work_order.created', LINK_COMPONENT, async (event, job) => {
    const tx = job.tx;
    const row = await orderOf(event, tx);
    if (!row || row.lng === null || row.lat === null) return;
    const classCode = await subclassOf(tx, row);
    if (!classCode) return;
    const photos = (await attachments.listForWorkOrder(tx, row.jurisdiction_id, row.id)).map((a) => a.id);
    const link = await linkOrderToComponent(tx, ctx, {
      jurisdictionId: row.jurisdiction_id,
      workOrderId: row.id,
      orderCode: row.code,
      classCode,
      lng: Number(row.lng),
      lat: Number(row.lat),
      gridCode: row.grid_code,
      districtCode: row.district_code,
      problem: problemFromText(`${row.title} ${row.description}`),
      orderStatus: row.status,
      photos,
    });
    if (link && row.component_code !== link.code) await tx.updateTable('work_orders').set({ component_code: link.code }).where('id', '=', row.id).execute();
  }, located);

  // The order's current status (not the event's): events of one order may be handled out of order.
  const follow = async (event: DomainEvent, job: { tx: Db }) => {
    const row = await orderOf(event, job.tx);
    if (row?.component_code) await componentOrderChanged(job.tx, ctx, { workOrderId: row.id, orderStatus: row.status });
  };
  ctx.handlers.subscribe('work_order.transitioned', FOLLOW_COMPONENT, follow);
}
