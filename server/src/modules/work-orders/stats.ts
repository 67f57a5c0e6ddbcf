/**
 * Work-order statistics for a period and the viewer's scope — one place where each figure is defined:
 *
 * - total (受理量): orders created in [from, to).
 * - open (在办): of those, still to be worked on — neither final nor finished (repo OPEN, lifecycle OPEN_STATUSES).
 * - closed (办结): answered at intake (首接办结) or closed after handling (结案) — also once rated, and under review
 *   after an unsatisfied rating (lifecycle FINISHED_STATUSES) — at `closed_at`, set when it was answered or closed.
 *   So every rated order counts as closed, and ratedRate ≤ 1. Rejected, cancelled, merged and transferred orders are
 *   neither open nor closed (an imported rejected or cancelled record with a closed_at included).
 *   An order under review was closed once and its result stands until the review decides: it is closed, not open
 *   (a reopen makes it open again and no longer closed). So open + closed ≤ total, never an order in both.
 * - closedOnTime (按期办结): closed at or before its deadline (orders without a deadline count as on time).
 * - onTimeRate (按期办结率) = closedOnTime / closed.
 * - overdue (超期): orders flagged overdue by their deadline timer — open ones past it, and closed ones (under review
 *   included) that were closed late: a period's count of lateness, not of today's overdue work (the overview's 超期).
 * - responded (响应): orders someone acted on (no longer `received`); responseRate (响应率) = responded / total.
 * - signedOnTime / dispatched (按时签收率): dispatched orders whose department signed before the sign-for deadline.
 * - rated (评价数), satisfied, basically, unsatisfied; satisfactionRate (满意率) = (satisfied + basically) / rated;
 *   ratedRate (参评率) = rated / closed. defaultRated (默认满意): of the satisfied, those the system rated because
 *   nobody did within the jurisdiction's rating period (a policy, off unless set: sla.defaultRatingDays) — counted
 *   as satisfied in every rate, as the policy means, and shown on their own so that a reader can discount them.
 * - avgCloseHours: mean calendar hours from creation to closing, over closed orders.
 * Rates are null when their denominator is 0. Groupings count orders created in the period.
 */
import { STAT_GROUPS, type StatGroup, type StatsGroupRow, type StatsSummary, type WorkOrderStats } from '@civicgrid/contracts/work-orders';
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db } from '../../app-context.js';
import { effectiveScope, scopeCondition, type Principal } from '../identity/index.js';
import { badRequest } from '../../shared/errors.js';
import { FINISHED, OPEN, ORDER_SCOPE_COLUMNS } from './work-orders.repo.js';

// The figures' names and shapes are what the API promises (contracts/src/work-orders.ts); their definitions are here.
export { STAT_GROUPS, type StatGroup, type StatsGroupRow, type StatsSummary, type WorkOrderStats };

/** 办结, the same condition as the list's closed filters and the overview (repo FINISHED); finished at w.closed_at. */
const CLOSED = FINISHED;
const ON_TIME = sql`(${CLOSED} AND (w.due_at IS NULL OR w.closed_at <= w.due_at))`;

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);
const MAX_DAYS = 366;

export interface StatsInput {
  from: Date;
  to: Date;
  groupBy: StatGroup[];
}

/** Whose orders: the viewer's scope for statistics, or (the overview, open to every reader) for reading orders. */
export type StatsPermission = 'work_order.stats' | 'work_order.read';

function where(principal: Principal, input: StatsInput, permission: StatsPermission): RawBuilder<SqlBool> {
  if (!(input.from < input.to)) throw badRequest('work_order.stats_range_invalid');
  if (input.to.getTime() - input.from.getTime() > MAX_DAYS * 86_400_000) throw badRequest('work_order.stats_range_too_long', { max: MAX_DAYS });
  const scope = scopeCondition(effectiveScope(principal, permission), ORDER_SCOPE_COLUMNS);
  return sql<SqlBool>`${scope} AND w.created_at >= ${input.from} AND w.created_at < ${input.to}`;
}

const groupExpr: Record<StatGroup, { key: RawBuilder<unknown>; label: RawBuilder<unknown>; join?: RawBuilder<unknown> }> = {
  status: { key: sql`w.status`, label: sql`NULL::text` },
  category: { key: sql`split_part(w.category_code, '.', 1)`, label: sql`(SELECT name_zh FROM work_order_categories c WHERE c.jurisdiction_id = w.jurisdiction_id AND c.code = split_part(w.category_code, '.', 1))` },
  subcategory: { key: sql`w.category_code`, label: sql`(SELECT name_zh FROM work_order_categories c WHERE c.jurisdiction_id = w.jurisdiction_id AND c.code = w.category_code)` },
  department: { key: sql`w.department_id::text`, label: sql`d.name_zh` },
  district: { key: sql`w.district_code`, label: sql`(SELECT name_zh FROM divisions v WHERE v.jurisdiction_id = w.jurisdiction_id AND v.code = w.district_code)` },
  day: { key: sql`to_char(w.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`, label: sql`NULL::text` },
  channel: { key: sql`w.channel`, label: sql`NULL::text` },
  requestType: { key: sql`w.request_type`, label: sql`NULL::text` },
};

export async function workOrderStats(
  db: Db,
  principal: Principal,
  input: StatsInput,
  permission: StatsPermission = 'work_order.stats',
): Promise<WorkOrderStats> {
  const cond = where(principal, input, permission);
  const { rows } = await sql<Record<string, string | number | null>>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE ${OPEN})::int AS open,
           count(*) FILTER (WHERE ${CLOSED})::int AS closed,
           count(*) FILTER (WHERE ${ON_TIME})::int AS closed_on_time,
           count(*) FILTER (WHERE w.overdue)::int AS overdue,
           count(*) FILTER (WHERE w.status <> 'received')::int AS responded,
           count(*) FILTER (WHERE w.dispatched_at IS NOT NULL)::int AS dispatched,
           count(*) FILTER (WHERE w.dispatched_at IS NOT NULL AND NOT w.sign_overdue AND w.status NOT IN ('dispatched', 'returned'))::int AS signed_on_time,
           count(*) FILTER (WHERE w.rating IS NOT NULL)::int AS rated,
           count(*) FILTER (WHERE w.rating = 'satisfied')::int AS satisfied,
           count(*) FILTER (WHERE w.rating = 'basically')::int AS basically,
           count(*) FILTER (WHERE w.rating = 'unsatisfied')::int AS unsatisfied,
           count(*) FILTER (WHERE w.rating IS NOT NULL AND w.rating_default)::int AS default_rated,
           avg(EXTRACT(EPOCH FROM (w.closed_at - w.created_at)) / 3600) FILTER (WHERE ${CLOSED}) AS avg_close_hours
      FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
     WHERE ${cond}`.execute(db);
  const r = rows[0]!;
  const n = (k: string) => Number(r[k] ?? 0);
  const summary: StatsSummary = {
    total: n('total'),
    open: n('open'),
    closed: n('closed'),
    closedOnTime: n('closed_on_time'),
    onTimeRate: ratio(n('closed_on_time'), n('closed')),
    overdue: n('overdue'),
    responded: n('responded'),
    responseRate: ratio(n('responded'), n('total')),
    dispatched: n('dispatched'),
    signedOnTime: n('signed_on_time'),
    signOnTimeRate: ratio(n('signed_on_time'), n('dispatched')),
    rated: n('rated'),
    satisfied: n('satisfied'),
    basically: n('basically'),
    unsatisfied: n('unsatisfied'),
    defaultRated: n('default_rated'),
    satisfactionRate: ratio(n('satisfied') + n('basically'), n('rated')),
    ratedRate: ratio(n('rated'), n('closed')),
    avgCloseHours: r.avg_close_hours === null ? null : Math.round(Number(r.avg_close_hours) * 10) / 10,
  };

  const groups: Partial<Record<StatGroup, StatsGroupRow[]>> = {};
  for (const g of [...new Set(input.groupBy)]) {
    const e = groupExpr[g];
    const { rows: grouped } = await sql<{ key: string | null; label: string | null; total: number; closed: number; closed_on_time: number; overdue: number; rated: number; content: number }>`
      SELECT ${e.key} AS key, max(${e.label}) AS label, count(*)::int AS total,
             count(*) FILTER (WHERE ${CLOSED})::int AS closed,
             count(*) FILTER (WHERE ${ON_TIME})::int AS closed_on_time,
             count(*) FILTER (WHERE w.overdue)::int AS overdue,
             count(*) FILTER (WHERE w.rating IS NOT NULL)::int AS rated,
             count(*) FILTER (WHERE w.rating IN ('satisfied', 'basically'))::int AS content
        FROM work_orders w LEFT JOIN departments d ON d.id = w.department_id
       WHERE ${cond}
       GROUP BY 1
       ORDER BY ${g === 'day' ? sql`1` : sql`3 DESC, 1`}
       LIMIT 500`.execute(db);
    groups[g] = grouped.map((x) => ({
      key: x.key,
      label: x.label,
      total: Number(x.total),
      closed: Number(x.closed),
      closedOnTime: Number(x.closed_on_time),
      onTimeRate: ratio(Number(x.closed_on_time), Number(x.closed)),
      overdue: Number(x.overdue),
      satisfactionRate: ratio(Number(x.content), Number(x.rated)),
    }));
  }
  return { summary, groups };
}
