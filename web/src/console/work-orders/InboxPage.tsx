/**
 * 部门待办 (handlers): my department's open orders, soonest deadline first — to sign, in progress, reported — with
 * sign / start / report (with photos) / return / ask for an extension in place.
 */
import { Tabs, Typography } from 'antd';
import { useState } from 'react';
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
  const department = me?.user.department;
  const tabs: TabKey[] = ['toSign', 'inProgress', 'reported', 'all'];
  return (
    <div data-testid="inbox">
      <Typography.Title level={2}>{t('workOrders.inbox.title')}</Typography.Title>
      {department && <Typography.Paragraph type="secondary">{t('workOrders.inbox.scope', { name: departmentName(department, i18n.language) })}</Typography.Paragraph>}
      <Tabs
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
              query={{ open: 'true', sort: 'due', ...(STATUS[key] ? { status: STATUS[key] } : {}) }}
              refresh={refresh}
              onChanged={() => setRefresh((x) => x + 1)}
              onCount={(n, more) => setCounts((c) => (c[key]?.n === n && c[key]?.more === more ? c : { ...c, [key]: { n, more } }))}
              empty={t('workOrders.inbox.empty')}
              actions={(d, changed) => <ActionBar order={d} onChanged={changed} size="small" />}
            />
          ),
        }))}
      />
    </div>
  );
}
