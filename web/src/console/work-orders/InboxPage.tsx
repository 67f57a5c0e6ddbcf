/**
 * 部门待办 (handlers): my department's open orders, soonest deadline first — to sign, in progress, reported — with
 * sign / start / report (with photos) / return / ask for an extension in place. Only the department an order is
 * dispatched to may act on it, so the inbox shows that department's orders; "only my department" off shows every
 * open order the handler's data scope reaches (e.g. a bureau's other units), to follow them.
 */
import { ReloadOutlined } from '@ant-design/icons';
import { Button, Space, Switch, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth';
import { departmentName } from '../departments';
import { ActionBar } from './actions';
import { countLabel, OrderQueue } from './board';

type TabKey = 'toSign' | 'inProgress' | 'reported' | 'all';
const STATUS: Record<TabKey, string | undefined> = {
  toSign: 'dispatched',
  inProgress: 'signed,in_progress,suspended',
  reported: 'reported',
  all: undefined,
};

export function InboxPage() {
  const { t, i18n } = useTranslation();
  const { me } = useAuth();
  const [counts, setCounts] = useState<Partial<Record<TabKey, { n: number; more: boolean }>>>({});
  const [refresh, setRefresh] = useState(0);
  const [onlyMine, setOnlyMine] = useState(true);
  const department = me?.user.department;
  const mine = department && onlyMine ? { departmentId: department.id } : {};
  const tabs: TabKey[] = ['toSign', 'inProgress', 'reported', 'all'];
  // The tab is in the address, so that an order's page leads back to it.
  const [params, setParams] = useSearchParams();
  const active = tabs.find((k) => k === params.get('tab')) ?? 'toSign';
  return (
    <div data-testid="inbox">
      {/* New orders arrive without a signal: the queues are read again on request (and after every action). Beside the
          title, not in the tab bar, whose children must all be tabs. */}
      <div className="wo-page-head">
        <Typography.Title level={2}>{t('workOrders.inbox.title')}</Typography.Title>
        <Button icon={<ReloadOutlined />} onClick={() => setRefresh((x) => x + 1)} data-testid="queue-reload">
          {t('workOrders.list.reload')}
        </Button>
      </div>
      {department && (
        <Space wrap style={{ marginBottom: 8 }}>
          <Typography.Text type="secondary" data-testid="inbox-scope">
            {onlyMine ? t('workOrders.inbox.scope', { name: departmentName(department, i18n.language) }) : t('workOrders.inbox.scopeAll')}
          </Typography.Text>
          <Switch id="inbox-only-mine" checked={onlyMine} onChange={setOnlyMine} data-testid="inbox-only-mine" />
          <label htmlFor="inbox-only-mine">{t('workOrders.inbox.onlyMine')}</label>
        </Space>
      )}
      <Tabs
        activeKey={active}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        items={tabs.map((key) => ({
          key,
          forceRender: true,
          label: (
            <span data-testid={`inbox-tab-${key}`}>
              {t(`workOrders.inbox.tab.${key}`)} <span data-testid={`inbox-count-${key}`}>({countLabel(counts[key])})</span>
            </span>
          ),
          children: (
            <OrderQueue
              testId={`inbox-${key}`}
              query={{ open: 'true', sort: 'due', ...mine, ...(STATUS[key] ? { status: STATUS[key] } : {}) }}
              hide={'departmentId' in mine ? ['department'] : []}
              refresh={refresh}
              onChanged={() => setRefresh((x) => x + 1)}
              onCount={(n, more) => setCounts((c) => (c[key]?.n === n && c[key]?.more === more ? c : { ...c, [key]: { n, more } }))}
              empty={t('workOrders.inbox.empty')}
              actions={(d, changed) => <ActionBar order={d} onChanged={changed} size="small" errors="message" />}
            />
          ),
        }))}
      />
    </div>
  );
}
