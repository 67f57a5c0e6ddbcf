/**
 * Deadline timers (durable: rows in the jobs table, so they survive restarts and fire once across processes).
 * Every order that is being worked on has up to three: the warning at 80% of its time (预警), the deadline (超期:
 * overdue flag and automatic 督办 supervision), and while dispatched, the sign-for deadline (签收超时). They are
 * keyed by order and kind, so re-arming after a suspension, an extension or a reopen replaces the old ones; a
 * timer that fires for a deadline the order no longer has (it moved, or the order finished) does nothing.
 */
import type { AppContext, Db } from '../../app-context.js';
import type { ScheduleInput } from '../events/index.js';
import { recordAudit } from '../audit/index.js';
import { noRequest, systemActor } from '../../shared/actor.js';
import { FINAL_STATUSES, type Status } from './lifecycle.js';
import * as repo from './work-orders.repo.js';

export const SLA_TIMER = 'work_orders.sla-deadline';
type Kind = 'warn' | 'due' | 'sign';
const KINDS: Kind[] = ['warn', 'due', 'sign'];

const key = (id: string, kind: Kind) => `${id}:${kind}`;

export async function scheduleSlaTimers(tx: Db, ctx: Pick<AppContext, 'outbox'>, row: repo.WorkOrderRow): Promise<void> {
  const at: Record<Kind, { when: Date | null; done: boolean }> = {
    warn: { when: row.warn_at, done: row.warned },
    due: { when: row.due_at, done: row.overdue },
    sign: { when: row.status === 'dispatched' ? row.sign_due_at : null, done: row.sign_overdue },
  };
  for (const kind of KINDS) {
    const { when, done } = at[kind];
    if (when === null || done) {
      await ctx.outbox.cancel(tx, SLA_TIMER, key(row.id, kind));
      continue;
    }
    await ctx.outbox.schedule(tx, {
      handler: SLA_TIMER,
      key: key(row.id, kind),
      runAt: when,
      jurisdictionId: row.jurisdiction_id,
      payload: { workOrderId: row.id, kind, at: new Date(when).toISOString() },
    });
  }
}

/** The timers of a new order (its create writes them with the order: see create-writer.ts). */
export function newOrderTimers(row: repo.WorkOrderRow): ScheduleInput[] {
  const timers: ScheduleInput[] = [];
  for (const [kind, when] of [['warn', row.warn_at], ['due', row.due_at]] as const) {
    if (when === null) continue;
    timers.push({ handler: SLA_TIMER, key: key(row.id, kind), runAt: when, jurisdictionId: row.jurisdiction_id, payload: { workOrderId: row.id, kind, at: new Date(when).toISOString() } });
  }
  return timers;
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
    if (!row || FINAL_STATUSES.includes(row.status as Status) || row.status === 'suspended') return;
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
