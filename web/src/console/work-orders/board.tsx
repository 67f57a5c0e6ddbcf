/**
 * What the dispatcher board and the department inbox share: a table of orders for one query whose rows carry what
 * the actions need (allowed actions, version), so actions are taken in place; a queue that shows more loads it beside
 * the rows — each row's detail (the return reason, the extension asked for) or, for new orders, the page's
 * suggestions in one request.
 */
import { Alert, Button, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import type { Query } from '../../shared/api';
import type { ActionTarget } from './actions';
import type { WorkOrderDetail, WorkOrderListItem } from '@civicgrid/contracts/work-orders';
import type { DispatchSuggestion } from '@civicgrid/contracts/categories';
import { workOrdersApi } from './api';
import { DeadlineCell, deptName, districtName, StatusTag, useCategories, useDistricts } from './parts';
import { useOrderPages } from './WorkOrderListPage';

/** Fetches details for `ids`, at most `width` at a time. */
export async function detailsOf(ids: readonly string[], width = 4): Promise<Map<string, WorkOrderDetail>> {
  const out = new Map<string, WorkOrderDetail>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        out.set(id, await workOrdersApi.get(id));
      } catch {
        // Gone out of scope or removed since the list was read: the row stays without actions.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, ids.length) }, worker));
  return out;
}

/** A queue column that a queue may leave out (e.g. the department of orders not yet dispatched). */
export type QueueColumn = 'category' | 'department' | 'deadline';

/**
 * A queue's columns, each of a fixed width (the table's layout is fixed, see OrderQueue): the ticket code over the
 * title (two lines at most) and the district and grid (wrapping, never cut), so the order is one cell; category and
 * department cut short at two lines; the 督办 flag under the deadline. With the queue's own columns (suggestion,
 * reason, actions; fixed at the right) a row of every queue fits a 1366-pixel screen beside the navigation (about
 * 1,100 pixels with a scrollbar), so status and deadline are never scrolled under the fixed columns; a longer text is
 * cut short with the whole of it in a tooltip, never widening its column.
 */
function useQueueColumns(hide: readonly QueueColumn[]): ColumnsType<WorkOrderListItem> {
  const { t, i18n } = useTranslation();
  // The detail page links back to this queue (its tab in the address), not to the list.
  const location = useLocation();
  const back = `${location.pathname}${location.search}`;
  const categories = useCategories();
  const districts = useDistricts();
  const columns: ColumnsType<WorkOrderListItem> = [
    {
      title: t('workOrders.col.order'),
      key: 'order',
      width: 190,
      render: (_, r) => {
        const place = [districtName(r.districtCode, districts, i18n.language), r.gridCode].filter(Boolean).join(' · ');
        return (
          <div className="wo-queue-order">
            <Link to={`/work-orders/${r.id}`} state={{ back }} data-testid="order-link">
              {r.code}
            </Link>
            <CellText text={r.title} />
            {place && (
              <div className="wo-queue-grid" data-testid="order-place">
                {place}
              </div>
            )}
            {r.reworkCount > 0 && (
              <Tag className="wo-rework-tag" data-testid="rework-count">
                {t('workOrders.board.rework', { count: r.reworkCount })}
              </Tag>
            )}
            {/* Why it came back: the handler sees what to redo without opening the order. */}
            {r.reworkReason && <ReasonText text={t('workOrders.board.reworkReason', { reason: r.reworkReason })} testId={`rework-reason-${r.code}`} />}
          </div>
        );
      },
    },
    { title: t('workOrders.col.category'), key: 'category', width: 110, render: (_, r) => <CellText text={categories.label(r.categoryCode)} /> },
    { title: t('workOrders.col.department'), key: 'department', width: 120, render: (_, r) => <CellText text={deptName(r.department, i18n.language)} /> },
    { title: t('workOrders.col.status'), key: 'status', width: 110, render: (_, r) => <StatusTag status={r.status} /> },
    {
      title: t('workOrders.col.deadline'),
      key: 'deadline',
      width: 140,
      render: (_, r) => (
        <>
          <DeadlineCell order={r} />
          {/* Under the 督办 flag, what the notice asks (the automatic one at the deadline has no note). */}
          {r.supervised && <ReasonText text={r.supervisionNote ? t('workOrders.board.supervisionNote', { note: r.supervisionNote }) : t('workOrders.board.supervisedAuto')} testId={`supervision-note-${r.code}`} />}
        </>
      ),
    },
  ];
  return columns.filter((c) => !hide.includes(c.key as QueueColumn));
}

/** A name or title in a narrow cell: two lines at most, the whole in a tooltip; a dash for none. */
function CellText({ text }: { text: string }) {
  if (!text) return <>—</>;
  return (
    <Typography.Paragraph className="wo-queue-cell-text" ellipsis={{ rows: 2, tooltip: text }}>
      {text}
    </Typography.Paragraph>
  );
}

/** A reason under a flag of the row (返工, 督办): two lines at most in its column, the whole in a tooltip and title. */
function ReasonText({ text, testId }: { text: string; testId: string }) {
  return (
    <Typography.Paragraph className="wo-queue-reason" ellipsis={{ rows: 2, tooltip: text }} title={text} data-testid={testId}>
      {text}
    </Typography.Paragraph>
  );
}

/**
 * A row's suggestions as the queue has them: undefined while the page's request runs, null when there are none for
 * it, 'unavailable' when the request failed (the queue says so above the rows, with a retry).
 */
export type RowSuggestion = DispatchSuggestion | null | undefined | 'unavailable';

export interface OrderQueueProps {
  testId: string;
  query: Query;
  /**
   * Load each row's detail beside it (at most 4 at a time): only for queues that show what the list row lacks — the
   * description for the classifier, the return reason, the extension asked for. Others act on the list row itself.
   */
  withDetails?: boolean;
  /** Columns this queue leaves out. */
  hide?: readonly QueueColumn[];
  /** Load the dispatcher's suggestions for the page's rows, in one request (see extra). */
  withSuggestions?: boolean;
  /**
   * Extra columns, given the row's detail (undefined while it loads) and its suggestions (withSuggestions: see
   * RowSuggestion); shown before the actions, fixed at the right.
   */
  extra?: (detailOf: (id: string) => WorkOrderDetail | undefined, changed: () => void, suggestionOf: (id: string) => RowSuggestion) => ColumnsType<WorkOrderListItem>;
  /** The actions cell of a row: given its detail (withDetails) or its list row. */
  actions: (order: ActionTarget, changed: (o: WorkOrderDetail | null) => void) => ReactNode;
  onCount: (count: number, more: boolean) => void;
  /** Bumped by the page to reload every queue after an action. */
  refresh: number;
  onChanged: () => void;
  empty: string;
  /** A line above the table saying what the queue holds and how to work it. */
  hint?: string;
  /** The width of the actions column: narrower for a queue with one action, so that its own columns fit beside it. */
  actionsWidth?: number;
  pageSize?: number;
}

export function OrderQueue({ testId, query, withDetails = false, withSuggestions = false, hide = [], extra, actions, onCount, refresh, onChanged, empty, hint, actionsWidth = 250, pageSize = 50 }: OrderQueueProps) {
  const { t } = useTranslation();
  const pages = useOrderPages(query, pageSize);
  const base = useQueueColumns(hide);
  const [details, setDetails] = useState<Map<string, WorkOrderDetail>>(new Map());

  useEffect(() => {
    if (refresh > 0) pages.reload();
  }, [refresh]);

  const ids = pages.items.map((o) => `${o.id}:${o.version}`).join(',');
  useEffect(() => {
    if (!withDetails) return;
    let live = true;
    void detailsOf(pages.items.map((o) => o.id)).then((d) => live && setDetails(d));
    return () => {
      live = false;
    };
  }, [ids]);

  // null while the request runs; 'unavailable' when it failed, until a retry (attempt) asks again.
  const [suggestions, setSuggestions] = useState<Map<string, DispatchSuggestion> | 'unavailable' | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!withSuggestions) return;
    let live = true;
    setSuggestions(null);
    const pageIds = pages.items.map((o) => o.id);
    if (pageIds.length === 0) return;
    // The server takes at most 100 ids a request; a page is 50.
    void workOrdersApi.dispatchSuggestions(pageIds.slice(0, 100)).then(
      (m) => live && setSuggestions(m),
      () => live && setSuggestions('unavailable'),
    );
    return () => {
      live = false;
    };
  }, [ids, attempt]);
  const suggestionOf = (id: string): RowSuggestion => (suggestions === null ? undefined : suggestions === 'unavailable' ? suggestions : (suggestions.get(id) ?? null));

  const rows = pages.items;
  const counting = pages.loading;
  useEffect(() => {
    if (!counting) onCount(rows.length, pages.cursor !== null);
  }, [counting, rows.length, pages.cursor]);

  const changed = (o: WorkOrderDetail | null) => {
    if (o) setDetails((m) => new Map(m).set(o.id, o));
    onChanged();
  };
  const columns: ColumnsType<WorkOrderListItem> = [
    ...base,
    ...(extra ? extra((id) => details.get(id), () => onChanged(), suggestionOf) : []).map((c) => ({ ...c, fixed: 'right' as const })),
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      width: actionsWidth,
      render: (_, r) => {
        const d = withDetails ? details.get(r.id) : r;
        return d ? actions(d, changed) : <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>;
      },
    },
  ];
  return (
    <div data-testid={testId}>
      {hint && (
        <Typography.Paragraph className="wo-queue-hint" data-testid={`${testId}-hint`}>
          {hint}
        </Typography.Paragraph>
      )}
      {pages.error && <Alert type="error" showIcon title={pages.error} style={{ marginBottom: 8 }} />}
      {withSuggestions && suggestions === 'unavailable' && (
        <Alert
          type="warning"
          showIcon
          title={t('workOrders.board.suggestionsFailed')}
          action={
            <Button size="small" onClick={() => setAttempt((n) => n + 1)} data-testid="suggestions-retry">
              {t('workOrders.board.retry')}
            </Button>
          }
          style={{ marginBottom: 8 }}
          data-testid="suggestions-error"
        />
      )}
      <Table
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={counting}
        pagination={false}
        // Fixed layout at the columns' own widths: a long text wraps or is cut short inside its column instead of
        // widening the table (as max-content did, past the screen, pushing status and deadline under the fixed
        // columns). On a screen narrower than the columns the table scrolls, the fixed columns staying in view.
        tableLayout="fixed"
        scroll={{ x: columns.reduce((sum, c) => sum + Number(c.width ?? 0), 0) }}
        className="wo-queue-table"
        locale={{ emptyText: <span className="wo-empty">{empty}</span> }}
        rowClassName={(r) => `wo-row-${r.code}`}
      />
      {pages.cursor && (
        <div style={{ marginTop: 8, textAlign: 'center' }}>
          <Button onClick={pages.more} loading={pages.loading}>
            {t('workOrders.list.more')}
          </Button>
        </div>
      )}
    </div>
  );
}

/**
 * Free text in a queue cell (a return reason, the reason for an extension): at most three lines in a column of fixed
 * width, the whole text in a tooltip — a long reason must not widen its column (fixed at the right) over the order and
 * push the row's buttons off the screen.
 */
export function QueueText({ text, testId }: { text: string; testId?: string }) {
  return (
    <Typography.Paragraph className="wo-queue-text" ellipsis={{ rows: 3, tooltip: text }} data-testid={testId}>
      {text}
    </Typography.Paragraph>
  );
}

/** The width of a queue column of free text (QueueText). */
export const QUEUE_TEXT_WIDTH = 220;

export const countLabel = (c: { n: number; more: boolean } | undefined) => (c === undefined ? '…' : c.more ? `${c.n}+` : String(c.n));
