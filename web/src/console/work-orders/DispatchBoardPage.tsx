/**
 * 派遣台 (dispatchers and hotline agents): new orders with the suggested category (classifier) and department
 * (responsibility list) and a one-click "dispatch as suggested"; returned orders with the reason; reported orders to
 * verify (核查: pass, or fail back to the department for rework) with the handler's report, and verified ones to close
 * (结案); overdue;
 * supervised (督办); pending extension requests; orders under review after an unsatisfied rating; and for hotline
 * agents the 回访 queue — finished orders not yet rated whose reporter left a phone, finished longest ago first, each with
 * its follow-up deadline (回访时限, from the server) and 回访超期 once that has passed, with the rating recorded from the
 * call (回访评价). Counts in the tabs.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../shared/api';
import { formatNearTime } from '../../shared/time';
import { useAuth } from '../auth';
import { ActionBar } from './actions';
import type { ActionType, WorkOrderDetail, WorkOrderListItem } from '@civicgrid/contracts/work-orders';
import type { DispatchSuggestion } from '@civicgrid/contracts/categories';
import { workOrdersApi } from './api';
import { countLabel, OrderQueue, QUEUE_TEXT_WIDTH, QueueText, type RowSuggestion } from './board';
import { departmentName, useDepartments } from '../departments';
import { lastRatingComment, lastReport, lastReturnDepartment, lastReturnReason } from './model';
import { FollowUpDeadline, useCategories } from './parts';
import { suggestedName } from './suggest';

type TabKey = 'new' | 'returned' | 'verify' | 'overdue' | 'supervised' | 'extensions' | 'review' | 'followUp';

const QUERIES: Record<TabKey, Record<string, string>> = {
  new: { status: 'received,accepted', sort: 'created' },
  returned: { status: 'returned', sort: 'due' },
  verify: { status: 'reported,verified', sort: 'due' },
  overdue: { overdue: 'true', open: 'true', sort: 'due' },
  supervised: { supervised: 'true', open: 'true', sort: 'due' },
  extensions: { extensionPending: 'true', sort: 'due' },
  review: { status: 'under_review', sort: 'created' },
  // Closed or answered and not yet rated (a rating moves it on), with a phone to call back.
  followUp: { status: 'closed,answered', contactable: 'true', sort: 'closed' },
};

const ACTIONS: Record<TabKey, readonly ActionType[] | undefined> = {
  new: ['accept', 'dispatch', 'answer', 'reject', 'merge', 'cancel'],
  returned: ['dispatch', 'cancel'],
  verify: ['verify_pass', 'verify_fail', 'close'],
  overdue: undefined,
  supervised: undefined,
  extensions: ['approve_extension', 'deny_extension'],
  review: ['reopen', 'uphold'],
  followUp: ['rate'],
};

/**
 * The suggestion cell of a new order (its list row, and its suggestions from the page's one request; undefined while
 * they load), with "dispatch as suggested" (accepting first when still received). When the request failed the cell
 * shows a neutral dash — not "no suggestion", which would be a claim — and the queue says what went wrong.
 */
function SuggestionCell({ order, suggestion, onChanged }: { order: WorkOrderListItem; suggestion: RowSuggestion; onChanged: (o: WorkOrderDetail | null) => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const categories = useCategories();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const s: DispatchSuggestion | null | undefined = suggestion === 'unavailable' ? null : suggestion;
  const canDispatch = order.allowedActions.includes('dispatch') || (order.status === 'received' && order.allowedActions.includes('accept'));
  const department = s?.department ?? null;
  const dispatch = async () => {
    if (!department) return;
    setBusy(true);
    setError(null);
    try {
      let current: Pick<WorkOrderDetail, 'id' | 'version' | 'status'> = order;
      if (current.status === 'received') current = await workOrdersApi.act(current.id, current.version, { type: 'accept' });
      const dispatched = await workOrdersApi.act(current.id, current.version, { type: 'dispatch', departmentId: department.departmentId });
      message.success(t('workOrders.board.dispatched', { code: order.code, name: suggestedName(department, i18n.language) }));
      onChanged(dispatched);
    } catch (e) {
      setError(errorMessage(e));
      onChanged(null);
    } finally {
      setBusy(false);
    }
  };
  if (s === undefined) return <Typography.Text type="secondary">{t('workOrders.board.suggesting')}</Typography.Text>;
  if (suggestion === 'unavailable')
    return (
      <Typography.Text type="secondary" data-testid={`suggestion-${order.code}`}>
        —
      </Typography.Text>
    );
  return (
    <Space orientation="vertical" size={2} data-testid={`suggestion-${order.code}`}>
      {s?.category && (
        <span>
          {t('workOrders.board.category')}: {categories.label(s.category.categoryCode)}{' '}
          <Typography.Text type="secondary">({Math.round(s.category.confidence * 100)}%)</Typography.Text>
        </span>
      )}
      {department ? (
        <span>
          {t('workOrders.board.department')}: <strong>{suggestedName(department, i18n.language)}</strong>
          {!department.unique && <Tag style={{ marginLeft: 4, color: '#7a3e00', background: '#fdf0e1', borderColor: '#7a3e00' }}>{t('workOrders.board.tie')}</Tag>}
          {department.fallback && <Tag style={{ marginLeft: 4, color: '#3d3d3d', background: '#f0f0f0' }}>{t('workOrders.board.fallback')}</Tag>}
        </span>
      ) : (
        <Typography.Text type="secondary">{t('workOrders.board.noSuggestion')}</Typography.Text>
      )}
      {department && canDispatch && (
        <Button size="small" type="primary" loading={busy} onClick={() => void dispatch()} data-testid={`dispatch-suggested-${order.code}`}>
          {t('workOrders.board.dispatchSuggested')}
        </Button>
      )}
      {s !== null && s.duplicates > 0 && (
        <Tag style={{ color: '#7a3e00', background: '#fdf0e1', borderColor: '#7a3e00' }} data-testid={`duplicates-${order.code}`}>
          {t('workOrders.board.duplicates', { n: s.duplicates })}
        </Tag>
      )}
      {error && <Alert type="error" showIcon title={error} role="alert" />}
    </Space>
  );
}

export function DispatchBoardPage() {
  const { t, i18n } = useTranslation();
  // Names of the departments that returned orders (the returned queue says who sent each one back).
  const departments = useDepartments();
  const [counts, setCounts] = useState<Partial<Record<TabKey, { n: number; more: boolean }>>>({});
  const [refresh, setRefresh] = useState(0);
  const bump = () => setRefresh((x) => x + 1);
  const { me } = useAuth();
  // 回访 is the hotline agents' work (they record the rating from the call); dispatchers do not rate.
  const agent = me?.user.grants.some((g) => g.role === 'agent') ?? false;
  const tabs: TabKey[] = ['new', 'returned', 'verify', 'overdue', 'supervised', 'extensions', 'review', ...(agent ? (['followUp'] as const) : [])];
  // The tab is in the address, so that an order's page leads back to it.
  const [params, setParams] = useSearchParams();
  const active = tabs.find((k) => k === params.get('tab')) ?? 'new';

  const items = tabs.map((key) => ({
    key,
    forceRender: true,
    label: (
      <span data-testid={`board-tab-${key}`}>
        {t(`workOrders.board.tab.${key}`)} <span data-testid={`board-count-${key}`}>({countLabel(counts[key])})</span>
      </span>
    ),
    children: (
      <OrderQueue
        testId={`board-${key}`}
        query={QUERIES[key]}
        // The queue to verify leaves out the category (the title says what the problem was) for the handler's report.
        // A returned order has no department (the queue says which one returned it, beside the reason).
        // Under review the order is finished (its deadline bar says only that): the resident's comment takes its place.
        hide={key === 'new' || key === 'returned' ? ['department'] : key === 'followUp' || key === 'review' ? ['deadline'] : key === 'verify' ? ['category'] : []}
        withDetails={key === 'returned' || key === 'verify' || key === 'extensions' || key === 'review'}
        withSuggestions={key === 'new'}
        refresh={refresh}
        onChanged={bump}
        onCount={(n, more) => setCounts((c) => (c[key]?.n === n && c[key]?.more === more ? c : { ...c, [key]: { n, more } }))}
        empty={t(`workOrders.board.empty.${key}`)}
        hint={key === 'followUp' ? t('workOrders.board.followUpHint') : undefined}
        // Two buttons (approve, deny) stack in a narrower column: the extension queue shows every other column too.
        actionsWidth={key === 'followUp' ? 140 : key === 'extensions' ? 180 : undefined}
        extra={(detailOf, _changed, suggestionOf) => {
          if (key === 'new') return [{ title: t('workOrders.board.suggestion'), key: 'suggestion', width: 220, render: (_, r) => <SuggestionCell order={r} suggestion={suggestionOf(r.id)} onChanged={bump} /> }];
          if (key === 'returned')
            return [
              {
                title: t('workOrders.board.returnReason'),
                key: 'reason',
                width: QUEUE_TEXT_WIDTH,
                render: (_, r) => {
                  const timeline = detailOf(r.id)?.timeline ?? [];
                  const reason = lastReturnReason(timeline);
                  const from = departments.items?.find((d) => d.id === lastReturnDepartment(timeline));
                  return (
                    <>
                      {reason ? <QueueText text={reason} testId={`return-reason-${r.code}`} /> : '—'}
                      {from && (
                        <div className="wo-queue-grid" data-testid={`returned-by-${r.code}`}>
                          {t('workOrders.board.returnedBy', { name: departmentName(from, i18n.language) })}
                        </div>
                      )}
                    </>
                  );
                },
              },
            ];
          if (key === 'verify')
            return [
              {
                title: t('workOrders.board.report'),
                key: 'report',
                width: 200,
                render: (_, r) => {
                  const report = lastReport(detailOf(r.id)?.timeline ?? []);
                  if (!report) return '—';
                  return (
                    <>
                      <QueueText text={report.note ?? '—'} testId={`report-${r.code}`} />
                      {report.photos > 0 && <div className="wo-queue-grid">{t('workOrders.board.reportPhotos', { n: report.photos })}</div>}
                    </>
                  );
                },
              },
            ];
          if (key === 'review')
            return [
              {
                title: t('workOrders.board.ratingComment'),
                key: 'comment',
                width: QUEUE_TEXT_WIDTH,
                render: (_, r) => {
                  const detail = detailOf(r.id);
                  if (!detail) return '—';
                  const comment = lastRatingComment(detail.timeline);
                  return comment ? <QueueText text={comment} testId={`rating-comment-${r.code}`} /> : <span data-testid={`rating-comment-${r.code}`}>{t('workOrders.board.noComment')}</span>;
                },
              },
            ];
          if (key === 'followUp')
            return [
              { title: t('workOrders.board.closedAt'), key: 'closedAt', width: 120, render: (_, r) => (r.closedAt ? formatNearTime(r.closedAt) : '—') },
              { title: t('workOrders.board.followUpDueAt'), key: 'followUpDueAt', width: 140, render: (_, r) => <FollowUpDeadline order={r} /> },
            ];
          if (key === 'extensions')
            return [
              {
                title: t('workOrders.board.extension'),
                key: 'ext',
                width: QUEUE_TEXT_WIDTH,
                render: (_, r) => {
                  const e = detailOf(r.id)?.extension;
                  return e ? <QueueText text={t('workOrders.board.extensionText', { days: e.days, reason: e.reason })} testId={`extension-${r.code}`} /> : '—';
                },
              },
            ];
          return [];
        }}
        actions={(d, changed) => <ActionBar order={d} only={ACTIONS[key]} onChanged={changed} size="small" errors="message" />}
      />
    ),
  }));

  return (
    <div data-testid="dispatch-board">
      {/* New orders arrive without a signal: the queues are read again on request (and after every action). Beside the
          title, not in the tab bar, whose children must all be tabs. */}
      <div className="wo-page-head">
        <Typography.Title level={2}>{t('workOrders.board.title')}</Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => bump()} data-testid="queue-reload">
          {t('workOrders.list.reload')}
        </Button>
      </div>
      <Tabs
        activeKey={active}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        items={items}
      />
    </div>
  );
}
