/**
 * The audit-log viewer (auditors): filter by time, actor, action and object; newest first, paged by cursor.
 * Built against `GET /api/v1/audit?from&to&actor&action&objectType&objectId&limit&cursor` →
 * `{ items: AuditEntry[], nextCursor: string | null }`; the page shows only for holders of `audit.read`.
 */
import { Alert, Button, DatePicker, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, type Query } from '../../shared/api';
import type { AuditEntry } from '../types';

interface FilterValues {
  range?: [{ toDate(): Date } | null, { toDate(): Date } | null] | null;
  actor?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
}

const PAGE = 50;

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState<Query>({});
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      try {
        const r = await api.get<{ items: AuditEntry[]; nextCursor?: string | null }>('/api/v1/audit', { ...query, limit: PAGE, cursor });
        setItems((prev) => (cursor ? [...prev, ...r.items] : r.items));
        setNext(r.nextCursor ?? null);
        setError(null);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setLoading(false);
      }
    },
    [query],
  );
  useEffect(() => void fetchPage(null), [fetchPage]);

  const apply = (v: FilterValues) =>
    setQuery({
      from: v.range?.[0]?.toDate().toISOString(),
      to: v.range?.[1]?.toDate().toISOString(),
      actor: v.actor?.trim(),
      action: v.action?.trim(),
      objectType: v.objectType?.trim(),
      objectId: v.objectId?.trim(),
    });

  return (
    <>
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('audit.title')}
      </Typography.Title>
      <Form layout="inline" onFinish={apply} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="range" label={t('audit.time')}>
          <DatePicker.RangePicker showTime />
        </Form.Item>
        <Form.Item name="actor" label={t('audit.actor')}>
          <Input allowClear />
        </Form.Item>
        <Form.Item name="action" label={t('audit.action')}>
          <Input allowClear placeholder="user.create" />
        </Form.Item>
        <Form.Item name="objectType" label={t('audit.objectType')}>
          <Input allowClear />
        </Form.Item>
        <Form.Item name="objectId" label={t('audit.objectId')}>
          <Input allowClear />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.filter')}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<AuditEntry>
        rowKey={(e) => String(e.seq ?? e.id)}
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1000 }}
        expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(e.details ?? {}, null, 2)}</pre> }}
        columns={[
          { title: '#', render: (_, e) => e.seq ?? e.id, width: 80 },
          { title: t('audit.time'), render: (_, e) => new Date(e.at).toLocaleString(i18n.language), width: 180 },
          { title: t('audit.actor'), render: (_, e) => <>{e.actorName ?? e.actorId ?? '—'} <Tag>{e.actorKind}</Tag></> },
          { title: t('audit.action'), dataIndex: 'action' },
          { title: t('audit.object'), render: (_, e) => (e.objectType ? `${e.objectType}${e.objectId ? ` · ${e.objectId}` : ''}` : '—') },
          { title: t('audit.purpose'), render: (_, e) => e.purpose ?? '—' },
          { title: t('audit.ip'), render: (_, e) => e.ip ?? '—' },
        ]}
      />
      <Space style={{ marginTop: 16 }}>
        {next && (
          <Button onClick={() => void fetchPage(next)} loading={loading}>
            {t('audit.more')}
          </Button>
        )}
      </Space>
    </>
  );
}
