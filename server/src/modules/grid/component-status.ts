/**
 * A component's status from the work orders about it, pure. An order still waiting for dispatch says the component
 * is damaged or missing (what the order reports); an order being worked on (dispatched, signed, in progress,
 * reported back, suspended) puts it under repair; once no order is open — verified, closed, rated, or void
 * (rejected, cancelled, merged, answered) — it is normal again.
 */
import type { ComponentStatus } from './component-codes.js';

export type ComponentProblem = 'damaged' | 'missing';

const WAITING = new Set(['received', 'accepted', 'returned']);
const REPAIRING = new Set(['dispatched', 'signed', 'in_progress', 'reported', 'suspended']);

export function statusFromOrders(orders: readonly { problem: ComponentProblem; orderStatus: string }[]): ComponentStatus {
  if (orders.some((o) => REPAIRING.has(o.orderStatus))) return 'under_repair';
  const waiting = orders.filter((o) => WAITING.has(o.orderStatus));
  if (waiting.length === 0) return 'normal';
  return waiting.some((o) => o.problem === 'missing') ? 'missing' : 'damaged';
}

const MISSING = /缺失|丢失|被盗|偷|不见|没了|没有了|缺少|遗失|缺盖|无盖|missing|stolen|gone/i;

/** What an order's words say happened to the component: missing (lost, stolen, gone) or otherwise damaged. */
export function problemFromText(text: string): ComponentProblem {
  return MISSING.test(text) ? 'missing' : 'damaged';
}
