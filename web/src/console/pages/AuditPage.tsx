/**
 * The audit-log viewer (auditors): filter by time, actor, action and object; newest first, paged by cursor.
 * `GET /api/v1/audit?from&to&actorKind&actorId&action&objectType&objectId&purpose&limit&cursor` →
 * `{ items, nextCursor }` (this read is itself audited); `GET /api/v1/audit/verify` checks the hash chain.
 * The page shows only for holders of `audit.read`.
 */
import { Alert, App, Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, type Query } from '../../shared/api';
import { DatePicker } from '../../shared/date-picker';
import { formatDateTime, jurisdictionInstant, PICKED } from '../../shared/time';
import { ZoneNote } from '../ZoneNote';
import { useAuth } from '../auth';
import { ACTOR_KINDS, type AuditEntryView as AuditEntry, type AuditVerification } from '@civicgrid/contracts/audit';

interface FilterValues {
  range?: [{ format(f: string): string } | null, { format(f: string): string } | null] | null;
  actorKind?: string;
  actorId?: string;
  action?: string;
  purpose?: string;
  objectType?: string;
  objectId?: string;
}

const PAGE = 50;

export function AuditPage() {
  const { t } = useTranslation();
  const [query, setQuery] = useState<Query>({});
  const [items, setItems] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [verify, setVerify] = useState<AuditVerification | null>(null);
  const { can } = useAuth();
  const { message } = App.useApp();

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
      // The picked wall-clock times are China time, as the table shows them, whatever the browser's zone.
      from: v.range?.[0] ? jurisdictionInstant(v.range[0].format(PICKED)) : undefined,
      to: v.range?.[1] ? jurisdictionInstant(v.range[1].format(PICKED)) : undefined,
      actorKind: v.actorKind,
      actorId: v.actorId?.trim(),
      action: v.action?.trim(),
      purpose: v.purpose?.trim(),
      objectType: v.objectType?.trim(),
      objectId: v.objectId?.trim(),
    });

  return (
    <>
      <Typography.Title level={1} className="cg-page-title" style={{ fontSize: 22 }}>
        {t('audit.title')}
      </Typography.Title>
      <Typography.Paragraph>
        <ZoneNote />
      </Typography.Paragraph>
      <Form layout="inline" onFinish={apply} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="range" label={t('audit.time')}>
          <DatePicker.RangePicker showTime />
        </Form.Item>
        <Form.Item name="actorKind" label={t('audit.actorKind')}>
          <Select
            allowClear
            style={{ width: 140 }}
            options={ACTOR_KINDS.map((k) => ({ value: k, label: t(`actorKinds.${k}`) }))}
          />
        </Form.Item>
        <Form.Item name="actorId" label={t('audit.actorId')}>
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
        <Form.Item name="purpose" label={t('audit.purpose')}>
          <Input allowClear />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('common.filter')}
        </Button>
      </Form>
      {can('audit.verify') && (
        <Space style={{ marginBottom: 16 }} wrap>
          <Button
            onClick={() =>
              void api.get<AuditVerification>('/api/v1/audit/verify').then(setVerify, (e: unknown) => void message.error(errorMessage(e)))
            }
          >
            {t('audit.verify')}
          </Button>
          {verify && (
            <Alert
              type={verify.ok ? 'success' : 'error'}
              showIcon
              role="status"
              message={
                verify.ok
                  ? t('audit.verifyOk', { count: verify.entries })
                  : t('audit.verifyBad', { seq: verify.firstBadSeq ?? '?', problem: verify.problem ?? '' })
              }
            />
          )}
        </Space>
      )}
      {error && <Alert type="error" showIcon message={error} role="alert" style={{ marginBottom: 16 }} />}
      <Table<AuditEntry>
        rowKey="id"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 1000 }}
        expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify({ details: e.details, requestId: e.requestId, hash: e.hash }, null, 2)}</pre> }}
        columns={[
          { title: t('audit.chainSeq'), width: 100, render: (_, e) => e.seq ?? <Tag>{t('audit.pending')}</Tag> },
          { title: t('audit.time'), render: (_, e) => formatDateTime(e.at, { seconds: true }), width: 200 },
          { title: t('audit.actor'), render: (_, e) => <>{e.actor.name ?? e.actor.id ?? '—'} <Tag>{t(`actorKinds.${e.actor.kind}`, { defaultValue: e.actor.kind })}</Tag></> },
          { title: t('audit.action'), dataIndex: 'action' },
          { title: t('audit.object'), render: (_, e) => (e.object.type ? `${e.object.type}${e.object.id ? ` · ${e.object.id}` : ''}` : '—') },
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
