/**
 * Inspector tasks, the pure part: which task an order is for its grid's inspector, its deadline and its order in the
 * list. The time limits are the performance scheme's (formulas.ts `Limits`), so a task is due exactly when the
 * evaluation starts counting it late:
 *
 *   核实 verify — a new report (status received, not a mere enquiry) waits for someone to judge it real on site:
 *                 due `verifyHours` after the order was created (the 按时核实 clock);
 *   核查 check  — a handled order (status reported) waits for the on-site check: due `checkHours` after the latest
 *                 handling report (the 按时核查 clock).
 *
 * Hours are wall-clock hours, as in formulas.ts.
 */
import { OUTCOMES, TASK_KINDS, type Outcome, type TaskKind } from '@civicgrid/contracts/inspector';
import type { Limits } from '../performance/index.js';

export { OUTCOMES, TASK_KINDS, type Outcome, type TaskKind };

const HOUR = 3_600_000;

/** The task an order in this state is for its inspector, or null. */
export function taskKindOf(order: { status: string; requestType: string }): TaskKind | null {
  if (order.status === 'received' && order.requestType !== 'enquiry') return 'verify';
  if (order.status === 'reported') return 'check';
  return null;
}

export function kindOfOutcome(outcome: Outcome): TaskKind {
  return outcome === 'confirmed' || outcome === 'not_real' ? 'verify' : 'check';
}

/** The work-order lifecycle action an outcome is (核实 = accept / reject, 核查 = verify_pass / verify_fail). */
export function actionOf(outcome: Outcome, note: string | null, photos: string[]) {
  const text = note?.trim() || undefined;
  switch (outcome) {
    case 'confirmed':
      return { type: 'accept' as const, note: text, photos };
    case 'not_real':
      return { type: 'reject' as const, reason: text ?? '', photos };
    case 'pass':
      return { type: 'verify_pass' as const, note: text, photos };
    case 'fail':
      return { type: 'verify_fail' as const, reason: text ?? '', photos };
  }
}

/** Outcomes that send the order back or end it need a reason a dispatcher and the reporter can read. */
export function needsReason(outcome: Outcome): boolean {
  return outcome === 'not_real' || outcome === 'fail';
}

export function taskDue(kind: TaskKind, since: Date, limits: Limits): Date {
  return new Date(since.getTime() + (kind === 'verify' ? limits.verifyHours : limits.checkHours) * HOUR);
}

export interface OpenTask {
  kind: TaskKind;
  since: Date;
  dueAt: Date;
  overdue: boolean;
}

export function openTask(kind: TaskKind, since: Date, limits: Limits, now: Date): OpenTask {
  const dueAt = taskDue(kind, since, limits);
  return { kind, since, dueAt, overdue: dueAt.getTime() <= now.getTime() };
}

/** Soonest deadline first (overdue ones, most overdue first, lead); ties by start, then a stable key. */
export function compareOpen(a: OpenTask & { key: string }, b: OpenTask & { key: string }): number {
  return a.dueAt.getTime() - b.dueAt.getTime() || a.since.getTime() - b.since.getTime() || a.key.localeCompare(b.key);
}
