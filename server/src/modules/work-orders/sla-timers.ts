/**
 * Deadline timers (durable: rows in the jobs table, so they survive restarts and fire once across processes).
 * An order that is being worked on has a deadline timer and, while dispatched, the sign-for deadline's (签收超时).
 * The deadline timer is the NEXT of its two points: the warning at 80% of its time (预警) until that has fired, then
 * the deadline (超期: overdue flag and automatic 督办 supervision) — the warning arms the deadline when it fires. One
 * timer row an order instead of two: every create writes one job row fewer (issue 6's create cost), and the jobs
 * table holds one pending timer per open order, not two. Timers are keyed by order and kind, so re-arming after a
 * suspension, an extension or a reopen replaces the old ones; a timer that fires for a deadline the order no longer
 * has (it moved, or the order finished or was suspended) does nothing — whatever moved it armed the new one.
 */
import type { AppContext, Db } from '../../app-context.js';
import type { ScheduleInput } from '../events/index.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, systemActor } from '../../shared/actor.js';
import { CLOCK_RUNNING_STATUSES, type Status } from './lifecycle.js';
import * as repo from './work-orders.repo.js';

export const SLA_TIMER = 'work_orders.sla-deadline';
type Kind = 'warn' | 'due' | 'sign';
const KINDS: Kind[] = ['warn', 'due', 'sign'];

const key = (id: string, kind: Kind) => `${id}:${kind}`;

type Armed = Record<Kind, Date | null>;

/**
 * When each of the order's timers should fire (null: not armed): the deadline's next point, and the sign-for's —
 * only while its clock runs (CLOCK_RUNNING_STATUSES): none once finished, while suspended (挂起) or under review
 * after an unsatisfied rating (复核中: its deadline was for the work already done; a reopen plans a new one).
 */
function armed(row: repo.WorkOrderRow): Armed {
  if (!CLOCK_RUNNING_STATUSES.includes(row.status as Status)) return { warn: null, due: null, sign: null };
  const warnNext = row.warn_at !== null && !row.warned;
  return {
    warn: warnNext ? row.warn_at : null,
    due: !warnNext && !row.overdue ? row.due_at : null,
    sign: row.status === 'dispatched' && !row.sign_overdue ? row.sign_due_at : null,
  };
}

const timer = (row: repo.WorkOrderRow, kind: Kind, when: Date): ScheduleInput => ({
  handler: SLA_TIMER,
  key: key(row.id, kind),
  runAt: when,
  jurisdictionId: row.jurisdiction_id,
  payload: { workOrderId: row.id, kind, at: new Date(when).toISOString() },
});

export async function scheduleSlaTimers(tx: Db, ctx: Pick<AppContext, 'outbox'>, row: repo.WorkOrderRow): Promise<void> {
  const at = armed(row);
  for (const kind of KINDS) {
    const when = at[kind];
    if (when === null) await ctx.outbox.cancel(tx, SLA_TIMER, key(row.id, kind));
    else await ctx.outbox.schedule(tx, timer(row, kind, when));
  }
}

/** The timers of a new order (its create writes them with the order: see create-writer.ts). */
export function newOrderTimers(row: repo.WorkOrderRow): ScheduleInput[] {
  const at = armed(row);
  return KINDS.flatMap((kind) => (at[kind] === null ? [] : [timer(row, kind, at[kind])]));
}

export async function cancelSlaTimers(tx: Db, ctx: Pick<AppContext, 'outbox'>, id: string): Promise<void> {
  for (const kind of KINDS) await ctx.outbox.cancel(tx, SLA_TIMER, key(id, kind));
}

const sameInstant = (a: Date | null, iso: string) => a !== null && new Date(a).getTime() === new Date(iso).getTime();

export function registerSlaTimers(ctx: Pick<AppContext, 'handlers' | 'outbox'>): void {
  if (ctx.handlers.hasTimer(SLA_TIMER)) return;
  ctx.handlers.onTimer(SLA_TIMER, async (payload, job) => {
    const { workOrderId, kind, at } = payload as { workOrderId: string; kind: Kind; at: string };
    const tx = job.tx;
    const row = await repo.lockWorkOrder(tx, workOrderId);
    // Only while the clock runs: a timer armed before the order was finished, suspended or put under review does nothing.
    if (!row || !CLOCK_RUNNING_STATUSES.includes(row.status as Status)) return;
    const now = new Date();
    const actor = systemActor('sla-timer', row.jurisdiction_id);
    const timeline = (action: string, note: string | null, data: Record<string, string | number>) =>
      repo.insertTimelineEntry(tx, { jurisdictionId: row.jurisdiction_id, workOrderId: row.id, at: now, action, from: row.status, to: row.status, actorId: null, actorRole: 'system', note, photos: [], data });
    const publish = (name: string, data: Record<string, unknown>) =>
      ctx.outbox.publish(tx, { name, jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, code: row.code, ...data } });
    const audit = (action: string, details: Record<string, unknown>) =>
      recordAudit(tx, { actor, request: noRequest, action, jurisdictionId: row.jurisdiction_id, objectType: 'work_order', objectId: row.id, details: { code: row.code, ...details } });

    if (kind === 'warn' && sameInstant(row.warn_at, at) && !row.warned) {
      await repo.setSlaFlags(tx, row.id, { warned: true }, now);
      // The deadline is the next point (the order is not overdue: the deadline arms only after the warning).
      if (row.due_at !== null) await ctx.outbox.schedule(tx, timer(row, 'due', row.due_at));
      await timeline('sla_warning', null, { dueAt: new Date(row.due_at!).toISOString() });
      await publish('work_order.sla_warning', { dueAt: row.due_at, departmentId: row.department_id });
    } else if (kind === 'due' && sameInstant(row.due_at, at) && !row.overdue) {
      // 超期 → automatic 督办: the order is flagged overdue and put under supervision, with a notice.
      const supervise = !row.supervised;
      await repo.setSlaFlags(tx, row.id, { overdue: true, warned: true, ...(supervise ? { supervised: true } : {}) }, now);
      await timeline('overdue', null, { dueAt: new Date(row.due_at!).toISOString() });
      if (supervise) await timeline('supervise', null, { automatic: 1 });
      await audit('work_order.overdue', { dueAt: row.due_at, supervised: supervise });
      await publish('work_order.overdue', { dueAt: row.due_at, departmentId: row.department_id, supervised: supervise });
    } else if (kind === 'sign' && row.status === 'dispatched' && sameInstant(row.sign_due_at, at) && !row.sign_overdue) {
      await repo.setSlaFlags(tx, row.id, { signOverdue: true }, now);
      await timeline('sign_overdue', null, { signDueAt: new Date(row.sign_due_at!).toISOString() });
      await publish('work_order.sign_overdue', { departmentId: row.department_id });
    }
  });
}
