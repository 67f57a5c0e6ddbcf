/**
 * Work orders about components: an order names a subclass (through its category) and a point; it is linked to the
 * nearest component of that subclass within the jurisdiction's link distance (default 30 m), or a new component is
 * recorded at the order's point. The component's status then follows its orders (component-status.ts): each
 * change is kept in its history with the order, audited and published. Called by work-order event subscribers inside
 * their job's transaction (the work-orders module fills the order's component_code); idempotent per order.
 */
import type { AppContext, Db } from '../../app-context.js';
import { recordAudit } from '../audit/index.js';
import { authorize, authorizeAny, type CallOptions, type Principal } from '../identity/index.js';
import { noRequest, systemActor, type Actor } from '../../shared/actor.js';
import { componentCode, nextSerial, type ComponentStatus } from './component-codes.js';
import { statusFromOrders, type ComponentProblem } from './component-status.js';
import './grid.policy.js';
import * as repo from './components.repo.js';

type Outbox = Pick<AppContext, 'outbox'>;

export const DEFAULT_LINK_DISTANCE_M = 30;

export interface OrderAboutComponent {
  jurisdictionId: string;
  workOrderId: string;
  orderCode: string;
  /** The 4-digit subclass the order's category stands for. */
  classCode: string;
  lng: number;
  lat: number;
  gridCode: string | null;
  /** The order's district: the county of a component recorded from it. */
  districtCode: string | null;
  problem: ComponentProblem;
  orderStatus: string;
  photos: string[];
}

export interface ComponentLink {
  componentId: string;
  code: string;
  how: 'nearest' | 'recorded';
  distanceM: number | null;
}

const actorFor = (jurisdictionId: string): Actor => systemActor('component-link', jurisdictionId);

/** Links an order to a component (the nearest of its subclass, or a new one); null when neither is possible. */
export async function linkOrderToComponent(tx: Db, ctx: Outbox, order: OrderAboutComponent): Promise<ComponentLink | null> {
  const j = order.jurisdictionId;
  const existing = await repo.findLink(tx, order.workOrderId);
  if (existing) {
    const c = await repo.findById(tx, existing.component_id);
    await componentOrderChanged(tx, ctx, { workOrderId: order.workOrderId, orderStatus: order.orderStatus });
    return c ? { componentId: c.id, code: c.code, how: existing.how, distanceM: existing.distance_m } : null;
  }
  const cls = await repo.findClass(tx, j, order.classCode);
  if (!cls || cls.parent_code === null) return null;
  const meters = await repo.linkDistance(tx, j, DEFAULT_LINK_DISTANCE_M);
  const near = await repo.nearestOfClass(tx, j, order.classCode, order.lng, order.lat, meters);
  let link: ComponentLink;
  if (near) {
    link = { componentId: near.id, code: near.code, how: 'nearest', distanceM: Math.round(Number(near.distance_m) * 10) / 10 };
  } else {
    if (!order.districtCode || !/^[0-9]{6}$/.test(order.districtCode)) return null;
    const county = order.districtCode;
    await repo.lockSerial(tx, j, `${county}${order.classCode}`);
    const serial = nextSerial(await repo.highestSerial(tx, j, county, order.classCode));
    if (serial === null) return null;
    const code = componentCode(county, order.classCode, serial);
    const row = await repo.insertComponent(tx, { jurisdictionId: j, code, county, classCode: order.classCode, name: null, lng: order.lng, lat: order.lat, gridCode: order.gridCode, ownerDepartmentId: null });
    const wo = { id: order.workOrderId, code: order.orderCode };
    await repo.addHistory(tx, { jurisdictionId: j, componentId: row.id, action: 'create', fromStatus: null, toStatus: row.status, actorName: actorFor(j).name, note: null, workOrder: wo });
    const details = { code, classCode: order.classCode, gridCode: order.gridCode, lat: order.lat, lng: order.lng, workOrderCode: order.orderCode };
    await recordAudit(tx, { actor: actorFor(j), request: noRequest, action: 'component.create', jurisdictionId: j, objectType: 'component', objectId: row.id, details });
    await ctx.outbox.publish(tx, { name: 'component.created', jurisdictionId: j, payload: { componentId: row.id, ...details } });
    link = { componentId: row.id, code, how: 'recorded', distanceM: null };
  }
  await repo.insertLink(tx, { componentId: link.componentId, workOrderId: order.workOrderId, jurisdictionId: j, orderCode: order.orderCode, problem: order.problem, orderStatus: order.orderStatus, how: link.how, distanceM: link.distanceM, photos: order.photos });
  await followOrders(tx, ctx, link.componentId, { id: order.workOrderId, code: order.orderCode });
  return link;
}

/** A linked order moved on: its status is recorded and the component's status follows. No-op for unlinked orders. */
export async function componentOrderChanged(tx: Db, ctx: Outbox, change: { workOrderId: string; orderStatus: string }): Promise<ComponentStatus | null> {
  const link = await repo.findLink(tx, change.workOrderId);
  if (!link) return null;
  if (link.order_status !== change.orderStatus) await repo.setLinkStatus(tx, change.workOrderId, change.orderStatus);
  return followOrders(tx, ctx, link.component_id, { id: link.work_order_id, code: link.order_code });
}

async function followOrders(tx: Db, ctx: Outbox, componentId: string, trigger: { id: string; code: string }): Promise<ComponentStatus | null> {
  const row = await repo.findById(tx, componentId, true);
  if (!row) return null;
  const links = await repo.linksOf(tx, componentId);
  const target = statusFromOrders(links.map((l) => ({ problem: l.problem, orderStatus: l.order_status })));
  if (target === row.status) return target;
  const j = links[0]!.jurisdiction_id;
  await repo.updateStatus(tx, componentId, target);
  await repo.addHistory(tx, { jurisdictionId: j, componentId, action: 'status', fromStatus: row.status, toStatus: target, actorName: actorFor(j).name, note: null, workOrder: trigger });
  const details = { code: row.code, from: row.status, to: target, workOrderCode: trigger.code };
  await recordAudit(tx, { actor: actorFor(j), request: noRequest, action: 'component.status', jurisdictionId: j, objectType: 'component', objectId: componentId, details });
  await ctx.outbox.publish(tx, { name: 'component.status_changed', jurisdictionId: j, payload: { componentId, workOrderId: trigger.id, ...details } });
  return target;
}

export async function getComponentSettings(ctx: Pick<AppContext, 'db'>, principal: Principal) {
  authorizeAny(principal, 'component.read');
  return { linkDistanceM: await repo.linkDistance(ctx.db, principal.jurisdictionId, DEFAULT_LINK_DISTANCE_M) };
}

export async function setComponentSettings(ctx: Pick<AppContext, 'db' | 'outbox'>, principal: Principal, input: { linkDistanceM: number }, actor: Actor, opts: CallOptions = {}) {
  const j = principal.jurisdictionId;
  authorize(principal, 'component.manage', { jurisdictionId: j });
  return ctx.db.transaction().execute(async (tx) => {
    const before = await repo.linkDistance(tx, j, DEFAULT_LINK_DISTANCE_M);
    await repo.setLinkDistance(tx, j, input.linkDistanceM);
    await recordAudit(tx, { actor, request: opts.request ?? noRequest, action: 'component.settings', jurisdictionId: j, objectType: 'component_settings', objectId: j, details: { linkDistanceM: { from: before, to: input.linkDistanceM } } });
    await ctx.outbox.publish(tx, { name: 'component.settings_changed', jurisdictionId: j, payload: { linkDistanceM: input.linkDistanceM } });
    return { linkDistanceM: input.linkDistanceM };
  });
}
