/**
 * The console's overview (辖区总览): today's operations figures in the viewer's `work_order.read` scope — the scope
 * of the list, so a handler sees their department's orders and a dispatcher the city's.
 *
 * Each count is a list filter (`overviewFilters`) counted with the list's own conditions (repo.countWorkOrders),
 * so a figure and GET /work-orders with the same filters select the same orders by construction:
 *
 * - receivedToday (今日受理): created today (北京时间 day).
 * - open (在办): still to be worked on — neither final nor finished (repo OPEN), the statistics' 在办.
 * - awaitingDispatch (待派遣): registered, accepted or returned (退单) — waiting for a dispatcher to send them.
 * - overdue (超期): open and flagged overdue by the deadline timer.
 * - supervised (督办): open and supervised.
 * - warning (临期预警): open, past the warning point (80 % of the working time), not yet overdue.
 * - closedToday (今日办结): finished today (repo FINISHED at closed_at) — 结案, or answered at intake (首接办结), and
 *   still so once rated or under review.
 *
 * An order under review after an unsatisfied rating (不满意复核) was closed once and its result stands until the
 * dispatcher upholds or reopens it: it is 办结 (in 今日办结 if it was closed today), not 在办 — so not in 超期, 督办 or
 * 临期预警 either, as its deadline clock is stopped (it was for the work already done). The dispatch board lists it
 * on its own; a reopen makes it 在办 again with a fresh clock. Rejected, cancelled, merged and transferred orders are
 * in none of the figures but 今日受理 (an imported one with a closing time is not 办结).
 *
 * The rates are the statistics' (stats.ts) for orders created in the last 30 days (today and the 29 before, 北京时间),
 * in the same read scope. Districts: open orders and how many of them are overdue, by district.
 */
import type { Db } from '../../app-context.js';
import { effectiveScope, scopeCondition, type Principal } from '../identity/index.js';
import { workOrderStats } from './stats.js';
import { shanghaiDay } from './ticket-code.js';
import * as repo from './work-orders.repo.js';

export const OVERVIEW_FIGURES = ['receivedToday', 'open', 'awaitingDispatch', 'overdue', 'supervised', 'warning', 'closedToday'] as const;
export type OverviewFigure = (typeof OVERVIEW_FIGURES)[number];
export const AWAITING_DISPATCH = ['received', 'accepted', 'returned'] as const;
export const OVERVIEW_DAYS = 30;


/** Midnight starting a China calendar day (UTC+8 all year). */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** What each figure counts, as the list's filters (the console links every figure to the list with these). */
export function overviewFilters(today: { from: Date; to: Date }): Record<OverviewFigure, repo.ListFilters> {
  return {
    receivedToday: { createdFrom: today.from, createdTo: today.to },
    open: { open: true },
    awaitingDispatch: { statuses: [...AWAITING_DISPATCH] },
    overdue: { open: true, overdue: true },
    supervised: { open: true, supervised: true },
    warning: { open: true, warned: true, overdue: false },
    closedToday: { closedFrom: today.from, closedTo: today.to },
  };
}

export interface WorkOrderOverview {
  asOf: string;
  /** Today in China: the day and the instants it spans [from, to). */
  today: { day: string; from: string; to: string };
  /** The rates' period: orders created on these days, both inclusive. */
  period: { from: string; to: string; days: number };
  counts: Record<OverviewFigure, number>;
  rates: { total: number; closed: number; closedOnTime: number; onTimeRate: number | null; rated: number; satisfactionRate: number | null };
  districts: { code: string | null; open: number; overdue: number }[];
}

export async function workOrderOverview(db: Db, principal: Principal, now = new Date()): Promise<WorkOrderOverview> {
  const day = shanghaiDay(now);
  const today = { from: dayStart(day), to: dayStart(addDays(day, 1)) };
  const first = addDays(day, 1 - OVERVIEW_DAYS);
  const scope = scopeCondition(effectiveScope(principal, 'work_order.read'), repo.ORDER_SCOPE_COLUMNS);
  const counts = await repo.countWorkOrders(db, scope, overviewFilters(today));
  const districts = await repo.countOpenByDistrict(db, scope);
  const { summary } = await workOrderStats(db, principal, { from: dayStart(first), to: today.to, groupBy: [] }, 'work_order.read');
  return {
    asOf: now.toISOString(),
    today: { day, from: today.from.toISOString(), to: today.to.toISOString() },
    period: { from: first, to: day, days: OVERVIEW_DAYS },
    counts,
    rates: {
      total: summary.total,
      closed: summary.closed,
      closedOnTime: summary.closedOnTime,
      onTimeRate: summary.onTimeRate,
      rated: summary.rated,
      satisfactionRate: summary.satisfactionRate,
    },
    districts: districts.map((d) => ({ code: d.district_code, open: d.open, overdue: d.overdue })),
  };
}
